import Testing

@testable import KubeAPIServer

/// Query flags, header lookup and the request tally's resource names, read on every request.
@Suite struct APIRequestTests {
    @Test func booleanParametersReadLikeGo() {
        #expect(APIRequest(method: "GET", target: "/api/v1/pods?watch=True").flag("watch"))
        #expect(APIRequest(method: "GET", target: "/api/v1/pods?watch=1").flag("watch"))
        #expect(APIRequest(method: "GET", target: "/api/v1/pods?watch=true").flag("watch"))
        #expect(!APIRequest(method: "GET", target: "/api/v1/pods?watch=false").flag("watch"))
        #expect(!APIRequest(method: "GET", target: "/api/v1/pods").flag("watch"))
        #expect(APIRequest(method: "GET", target: "/a%20b?label=x%3Dy+z").query["label"] == "x=y z")
    }

    @Test func headerNamesMatchWithoutRegardToCase() {
        let request = APIRequest(method: "GET", target: "/api", headers: [
            ("content-TYPE", "application/json"), ("Impersonate-Group", "a"), ("impersonate-group", "b"), ("X-1", "one"),
        ])
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("CONTENT-type") == "application/json")
        #expect(request.headerValues("IMPERSONATE-GROUP") == ["a", "b"])
        #expect(request.header("x-1") == "one")
        #expect(request.header("Content-Typ") == nil)
        #expect(request.header("Content-Types") == nil)
        // Only letters fold: `-` (0x2D) and `\r` (0x0D) differ by 0x20 but are different names.
        #expect(!APIRequest.sameHeaderName("a-b", "a\rb"))
        #expect(!APIRequest.sameHeaderName("x@", "x`"))
    }

    @Test(arguments: [
        ("/api/v1/namespaces/ns/pods/name/status", "pods/status"),
        ("/api/v1/namespaces/ns/pods", "pods"),
        ("/api/v1/namespaces/ns/pods/name", "pods"),
        ("/api/v1/namespaces", "namespaces"),
        ("/api/v1/namespaces/ns", "namespaces"),
        ("/apis/platform.kratix.io/v1alpha1/promises/p?watch=true", "promises"),
        ("/apis/platform.kratix.io/v1alpha1/namespaces/default/resourcebindings/b/status", "resourcebindings/status"),
        ("/version", "/version"),
        ("/", "/"),
    ])
    func theTallyNamesWhatAPathAddresses(_ path: String, _ resource: String) {
        #expect(RequestTally.resource(of: path) == resource[...])
    }

    @Test func theTallyCountsByProductAndByRequest() {
        let tally = RequestTally()
        tally.count(userAgent: "kratix-manager/v1 (linux)", method: "PUT", path: "/apis/g/v1/namespaces/n/things/t/status")
        tally.count(userAgent: "kratix-manager/v1 (linux)", method: "PUT", path: "/apis/g/v1/namespaces/n/things/u/status")
        tally.count(userAgent: nil, method: "GET", path: "/api/v1/pods")
        #expect(tally.snapshot == ["kratix-manager": 2, "unknown": 1])
        #expect(tally.detail == ["kratix-manager PUT things/status": 2, "unknown GET pods": 1])
    }
}
