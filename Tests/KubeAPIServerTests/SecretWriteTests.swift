import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// Secrets as a real API server stores them (issue 16): `stringData` folded into `data` and
/// dropped, `type` defaulted, `data` checked to be base64.
@Suite struct SecretWriteTests {
    @Test func stringDataIsFoldedIntoDataAndTypeDefaults() async throws {
        try await TestServer.with { server in
            let manifest = """
                apiVersion: v1
                kind: Secret
                metadata: {name: slack}
                data: {token: b2xk, kept: a2VwdA==}
                stringData: {url: "https://hooks.example/x", token: new}
                """
            let applied = try await server.kubectl(["apply", "-f", "-"], stdin: manifest)
            #expect(applied.status == 0, "\(applied.stderr)")
            let url = try await server.kubectl(["get", "secret", "slack", "-o", "jsonpath={.data.url}"])
            #expect(Data(base64Encoded: url.stdout).map { String(decoding: $0, as: UTF8.self) } == "https://hooks.example/x", "\(url.stderr)")
            let token = try await server.kubectl(["get", "secret", "slack", "-o", "jsonpath={.data.token}"])
            #expect(token.stdout == Data("new".utf8).base64EncodedString(), "stringData wins over data")
            let raw = try await server.kubectl(["get", "secret", "slack", "-o", "json"])
            let object = try JSONParser.parse(raw.stdout)
            #expect(object["stringData"] == nil)
            #expect(object["type"] == "Opaque")
            #expect(object["data"]?.objectValue?.count == 3)
            let table = try await server.kubectl(["get", "secrets", "slack", "--no-headers"])
            let columns = table.stdout.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns.count >= 3 && columns[1] == "Opaque" && columns[2] == "3", "\(table.stdout)")
        }
    }

    @Test func dataThatIsNotBase64IsRefused() async throws {
        try await TestServer.with { server in
            let result = try await server.kubectl(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ndata: {x: \"not base64!\"}\n")
            #expect(result.status != 0 && result.stderr.contains("illegal base64 data"), "\(result.stderr)")
            #expect(try await server.kubectl(["get", "secret", "bad"]).status != 0, "nothing was stored")
        }
    }
}
