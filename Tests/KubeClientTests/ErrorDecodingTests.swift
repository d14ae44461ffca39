import Foundation
import KubeClient
import KubeModel
import Testing

/// Status bodies as a real API server (1.31) sends them.
@Suite struct ErrorDecodingTests {
    func decode(_ code: Int, _ body: String, headers: [(String, String)] = []) -> ClientError {
        ClientError(statusCode: code, headers: headers, body: Array(body.utf8), now: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func notFound() {
        let error = decode(404, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"promises.platform.kratix.io \"redis\" not found","reason":"NotFound","details":{"name":"redis","group":"platform.kratix.io","kind":"promises"},"code":404}"#)
        guard case .notFound(let status) = error else { Issue.record("expected notFound, got \(error)"); return }
        #expect(status.details?.name == "redis")
        #expect(status.details?.group == "platform.kratix.io")
        #expect(error.description == #"promises.platform.kratix.io "redis" not found"#)
        #expect(error.code == 404)
    }

    @Test func alreadyExistsAndConflictAreDistinct() {
        let exists = decode(409, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"c\" already exists","reason":"AlreadyExists","details":{"name":"c","kind":"configmaps"},"code":409}"#)
        let conflict = decode(409, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"c","kind":"configmaps"},"code":409}"#)
        guard case .alreadyExists = exists else { Issue.record("expected alreadyExists, got \(exists)"); return }
        guard case .conflict = conflict else { Issue.record("expected conflict, got \(conflict)"); return }
        #expect(conflict.description.hasPrefix("Operation cannot be fulfilled on configmaps \"c\""))
    }

    @Test func invalidWithCauses() {
        let error = decode(422, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Work.platform.kratix.io \"x\" is invalid: spec.workloadGroups: Required value","reason":"Invalid","details":{"name":"x","group":"platform.kratix.io","kind":"Work","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.workloadGroups"},{"reason":"FieldValueInvalid","message":"Invalid value: \"-1\"","field":"spec.replicas"}]},"code":422}"#)
        guard case .invalid(let status) = error else { Issue.record("expected invalid, got \(error)"); return }
        #expect(status.details?.causes == [
            APIStatus.Cause(reason: "FieldValueRequired", message: "Required value", field: "spec.workloadGroups"),
            APIStatus.Cause(reason: "FieldValueInvalid", message: "Invalid value: \"-1\"", field: "spec.replicas"),
        ])
        #expect(status.details?.causes.first?.type == "FieldValueRequired")
        #expect(error.description == #"Work.platform.kratix.io "x" is invalid: spec.workloadGroups: Required value"#)
    }

    @Test func gone() {
        let error = decode(410, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 100 (2000)","reason":"Expired","code":410}"#)
        guard case .gone(let status) = error else { Issue.record("expected gone, got \(error)"); return }
        #expect(status.reason == "Expired")
        #expect(error.description == "too old resource version: 100 (2000)")
    }

    @Test func tooManyRequestsWithRetryAfterSeconds() {
        let error = decode(429, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"causes":[{"message":"client: etcd request limited"}],"retryAfterSeconds":1},"code":429}"#,
                           headers: [("Retry-After", "3")])
        guard case .tooManyRequests(let status, let retryAfter) = error else { Issue.record("expected tooManyRequests, got \(error)"); return }
        #expect(retryAfter == .seconds(3))  // the header wins over details.retryAfterSeconds
        #expect(status.details?.retryAfterSeconds == 1)
        // Without the header, the Status' own hint is used.
        let hinted = decode(429, #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"slow down","reason":"TooManyRequests","details":{"retryAfterSeconds":2},"code":429}"#)
        guard case .tooManyRequests(_, let fromDetails) = hinted else { Issue.record("expected tooManyRequests"); return }
        #expect(fromDetails == .seconds(2))
    }

    @Test func retryAfterAsHTTPDate() {
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        let error = decode(429, "", headers: [("retry-after", "Tue, 14 Nov 2023 22:13:25 GMT")])
        guard case .tooManyRequests(_, let retryAfter) = error else { Issue.record("expected tooManyRequests, got \(error)"); return }
        #expect(retryAfter == .seconds(5))
    }

    @Test func otherCodes() {
        let cases: [(Int, String)] = [
            (400, "badRequest"), (401, "unauthorized"), (403, "forbidden"), (405, "methodNotAllowed"),
            (415, "unsupportedMediaType"), (504, "timeout"), (500, "server"), (503, "server"),
        ]
        for (code, expected) in cases {
            let error = decode(code, #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":"R","code":\#(code)}"#)
            #expect("\(error)" == "m")
            #expect(caseName(error) == expected, "HTTP \(code)")
        }
        // The API server's ServerTimeout reason is a timeout whatever the code.
        #expect(caseName(decode(500, #"{"kind":"Status","status":"Failure","message":"m","reason":"ServerTimeout","code":500}"#)) == "timeout")
    }

    @Test func bodyThatIsNotAStatus() {
        let error = decode(503, "<html><body>upstream connect error</body></html>\nline two with more detail")
        guard case .server(let status) = error else { Issue.record("expected server, got \(error)"); return }
        #expect(status.code == 503)
        #expect(status.reason == "ServiceUnavailable")
        #expect(error.description == "the server responded with HTTP 503 (ServiceUnavailable): <html><body>upstream connect error</body></html>")
        let empty = decode(401, "")
        guard case .unauthorized = empty else { Issue.record("expected unauthorized, got \(empty)"); return }
        #expect(empty.description == "the server responded with HTTP 401 (Unauthorized)")
    }

    @Test func watchErrorEventGone() throws {
        let line = Array(#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (10)","reason":"Expired","code":410}}"#.utf8)
        #expect {
            try WatchEventDecoder.decode(line)
        } throws: { error in
            guard case .gone(let status) = error as? ClientError else { return false }
            return status.message == "too old resource version: 5 (10)"
        }
    }

    @Test func descriptionsOfLocalErrors() {
        #expect(ClientError.transport("cannot connect to 127.0.0.1:6443: connection refused").description == "cannot connect to 127.0.0.1:6443: connection refused")
        #expect(ClientError.configuration("kubeconfig /x: users[\"u\"].user.client-key: cannot read /y (no such file)").description.contains("client-key"))
        #expect(ClientError.transport("x").status == nil)
    }

    func caseName(_ error: ClientError) -> String {
        switch error {
        case .notFound: "notFound"
        case .alreadyExists: "alreadyExists"
        case .conflict: "conflict"
        case .invalid: "invalid"
        case .badRequest: "badRequest"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .gone: "gone"
        case .tooManyRequests: "tooManyRequests"
        case .timeout: "timeout"
        case .methodNotAllowed: "methodNotAllowed"
        case .unsupportedMediaType: "unsupportedMediaType"
        case .server: "server"
        case .transport: "transport"
        case .configuration: "configuration"
        case .decoding: "decoding"
        }
    }
}
