import Foundation
import KratixTestSupport
import KubeModel
import Testing

/// TokenReviews through kubectl: the server recognises its own tokens and no others.
@Suite struct TokenReviewTests {
    @Test func reviewsIssuedAdminAndUnknownTokens() async throws {
        try await TestAPIServer.with(tls: true) { server in
            _ = try await server.kubectl(["create", "serviceaccount", "scraper", "-n", "default"])
            let issued = try await server.kubectl(["create", "token", "scraper", "-n", "default"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            func review(_ token: String) async throws -> JSONValue {
                let body = #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"\#(token)"}}"#
                let output = try await server.kubectl(["create", "-f", "-", "-o", "json"], stdin: body)
                #expect(output.status == 0, "\(output.stderr)")
                return try JSONParser.parse(Array(output.stdout.utf8))
            }
            let account = try await review(issued)
            #expect(account["status"]?["authenticated"]?.boolValue == true)
            #expect(account["status"]?["user"]?["username"]?.stringValue == "system:serviceaccount:default:scraper")
            #expect(account["status"]?["user"]?["uid"]?.stringValue?.isEmpty == false)
            let groups = account["status"]?["user"]?["groups"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(groups.contains("system:serviceaccounts:default"))
            let admin = try await review(try #require(server.token))
            #expect(admin["status"]?["user"]?["groups"]?.arrayValue?.contains(.string("system:masters")) == true)
            let unknown = try await review("made-up")
            #expect(unknown["status"]?["authenticated"]?.boolValue != true)
            #expect(unknown["status"]?["error"]?.stringValue?.contains("invalid bearer token") == true)
            let discovery = try await server.kubectl(["api-resources", "--api-group=authentication.k8s.io", "-o", "name"])
            #expect(discovery.stdout.contains("tokenreviews.authentication.k8s.io"))
        }
    }
}
