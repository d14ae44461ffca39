import Foundation
import Testing
@testable import KratixStateStore
import KratixAPI

/// `git http-backend` behind HTTPS with basic auth (self-signed: upstream never verifies Git TLS).
@Suite("Git writer over HTTPS with basic auth and GitHub App tokens")
struct GitHTTPTests {
    @Test func basicAuthWritesAndWrongPasswordWritesNothing() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp, name: "kratix.git")
        let server = try await GitHTTPServer(root: tmp.path, tmp: tmp, user: "gitea_admin", password: "s3cret-pass")
        defer { server.stop() }

        // Built from the CRD object and Secret, as the controller will.
        var store = GitStateStore(name: "default", spec: GitStateStoreSpec(url: server.url("kratix.git"), branch: "main",
                                                                          secretRef: SecretReference(name: "gitea-credentials")))
        store.spec.path = "platform"
        let config = try GitWriterConfiguration(store: store, secretData: ["username": Array("gitea_admin".utf8), "password": Array("s3cret-pass".utf8)],
                                                cacheDirectory: tmp.sub("cache"))
        let w = try await GitWriter(config)
        try await w.validatePermissions()
        let r = try await w.update(StateStoreUpdate(name: "wp-http", directory: "worker-1/dependencies/x", replaceDirectory: true,
                                                    files: [StateStoreFile(path: "ns.yaml", text: "kind: Namespace\n")]))
        #expect(r.changed)
        #expect(await remote.show("platform/worker-1/dependencies/x/ns.yaml") == "kind: Namespace\n")
        #expect(try await remote.log().first == "Update from: wp-http")
        // The password is nowhere in the clone's configuration.
        let gitConfig = try String(contentsOfFile: w.cloneDirectory + "/.git/config", encoding: .utf8)
        #expect(!gitConfig.contains("s3cret-pass"))

        let before = try await remote.head()
        let bad = try await GitWriter(GitWriterConfiguration(url: server.url("kratix.git"),
                                                             authentication: .basic(username: "gitea_admin", password: "wrong-password"),
                                                             cacheDirectory: tmp.sub("cache-bad")))
        do {
            _ = try await bad.update(StateStoreUpdate(name: "wp-bad", files: [StateStoreFile(path: "bad.yaml", text: "x")]))
            Issue.record("a wrong password must fail")
        } catch {
            #expect(error.isAuthenticationFailure, "\(error)")
            #expect(error.description.contains("authentication failed for https://127.0.0.1"))
            #expect(!error.description.contains("wrong-password"))
        }
        await #expect(throws: StateStoreError.self) { try await bad.validatePermissions() }
        #expect(try await remote.head() == before)
    }

    @Test func specRules() throws {
        var store = GitStateStore(name: "s", spec: GitStateStoreSpec(url: "http://plain.example/repo.git", secretRef: SecretReference(name: "creds", namespace: "kratix")))
        #expect(throws: StateStoreError(.invalidConfiguration("invalid URL for HTTPS auth method"))) {
            try GitWriterConfiguration(store: store, secretData: ["password": Array("p".utf8)])
        }
        store.spec.url = "https://github.com/org/repo.git"
        #expect(throws: StateStoreError(.invalidConfiguration("password not found in secret kratix/creds"))) {
            try GitWriterConfiguration(store: store, secretData: [:])
        }
        let c = try GitWriterConfiguration(store: store, secretData: ["password": Array("tok".utf8)], environment: ["KRATIX_EXEC_TIMEOUT": "2m"])
        #expect(c.authentication == .basic(username: "x-access-token", password: "tok"))
        #expect(c.commandTimeout == .seconds(120))
        #expect(c.branch == "main" && c.authorName == "kratix" && c.authorEmail == "")
        store.spec.authMethod = .ssh
        store.spec.url = "git@github.com:org/repo.git"
        #expect(throws: StateStoreError(.invalidConfiguration("knownHosts not found in secret kratix/creds"))) {
            try GitWriterConfiguration(store: store, secretData: ["sshPrivateKey": Array("k".utf8)])
        }
    }

    @Test func gitHubAppTokenIsExchangedCachedAndUsedForPush() async throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp, name: "app.git")
        try await sh("openssl", ["genrsa", "-out", tmp.sub("app.pem"), "2048"])
        try await sh("openssl", ["rsa", "-in", tmp.sub("app.pem"), "-pubout", "-out", tmp.sub("app.pub")])
        // PKCS#1 form, as GitHub hands out ("BEGIN RSA PRIVATE KEY").
        try await sh("openssl", ["rsa", "-in", tmp.sub("app.pem"), "-traditional", "-out", tmp.sub("app-pkcs1.pem")])
        let server = try await GitHTTPServer(root: tmp.path, tmp: tmp, user: "nobody", password: "unused",
                                       env: ["FAKE_APP_TOKEN": "ghs_installationtoken123", "FAKE_APP_PUBLIC_KEY": tmp.sub("app.pub"),
                                             "FAKE_APP_LOG": tmp.sub("app.log")])
        defer { server.stop() }
        let key = try String(contentsOfFile: tmp.sub("app-pkcs1.pem"), encoding: .utf8)
        #expect(key.contains("BEGIN RSA PRIVATE KEY"))
        let app = GitHubAppCredentials(appID: "12345", installationID: "678", privateKeyPEM: key,
                                       apiBaseURL: "https://127.0.0.1:\(server.port)", verifyTLS: false)
        let w = try await GitWriter(GitWriterConfiguration(url: server.url("app.git"), authentication: .gitHubApp(app),
                                                           minimumFetchInterval: .zero, cacheDirectory: tmp.sub("cache")))
        try await w.validatePermissions()
        _ = try await w.update(StateStoreUpdate(name: "wp-app", files: [StateStoreFile(path: "a.yaml", text: "a")]))
        _ = try await w.update(StateStoreUpdate(name: "wp-app2", files: [StateStoreFile(path: "b.yaml", text: "b")]))
        #expect(try await remote.log().prefix(2) == ["Update from: wp-app2", "Update from: wp-app"])
        let exchanges = try String(contentsOfFile: tmp.sub("app.log"), encoding: .utf8).split(separator: "\n")
        #expect(exchanges.count == 1, "the token is cached: \(exchanges)")
        #expect(exchanges.first?.contains("\"ok\": true") == true)
        #expect(exchanges.first?.contains("/app/installations/678/access_tokens") == true)
        #expect(exchanges.first?.contains("\"iss\": \"12345\"") == true)

        // A wrong key is refused by the (fake) API with a clear error.
        try await sh("openssl", ["genrsa", "-out", tmp.sub("other.pem"), "2048"])
        let wrong = GitHubAppCredentials(appID: "12345", installationID: "678",
                                         privateKeyPEM: try String(contentsOfFile: tmp.sub("other.pem"), encoding: .utf8),
                                         apiBaseURL: "https://127.0.0.1:\(server.port)", verifyTLS: false)
        let source = try GitHubAppTokenSource(wrong)
        await #expect(throws: StateStoreError.self) { _ = try await source.token() }
    }
}
