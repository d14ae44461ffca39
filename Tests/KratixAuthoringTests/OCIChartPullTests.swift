import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixAuthoring

/// An OCI registry on loopback (a Python stand-in speaking the distribution API's pull side, with
/// an anonymous-token challenge as ghcr.io and Docker Hub answer).
@Suite(.serialized) struct OCIChartPullTests {
    static let registry = """
        import hashlib, http.server, json, sys
        port, chart = int(sys.argv[1]), open(sys.argv[2], "rb").read()
        digest = "sha256:" + hashlib.sha256(chart).hexdigest()
        manifest = json.dumps({"schemaVersion": 2, "layers": [
            {"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": digest, "size": len(chart)}]}).encode()
        class Registry(http.server.BaseHTTPRequestHandler):
            def answer(self, code, body, headers={}):
                self.send_response(code)
                for k, v in headers.items(): self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def do_GET(self):
                if self.path.startswith("/token?"):
                    return self.answer(200, b'{"token": "t0k"}')
                if self.headers.get("Authorization") != "Bearer t0k":
                    challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="test",scope="repository:charts/demo:pull"' % port
                    return self.answer(401, b"{}", {"WWW-Authenticate": challenge})
                routes = {"/v2/charts/demo/tags/list": json.dumps({"tags": ["0.1.0", "0.2.0", "latest"]}).encode(),
                          "/v2/charts/demo/manifests/0.2.0": manifest, "/v2/charts/demo/blobs/" + digest: chart}
                if self.path in routes: return self.answer(200, routes[self.path])
                self.answer(404, b"{}")
        http.server.HTTPServer(("127.0.0.1", port), Registry).serve_forever()

        """

    @Test func pullsTheLatestTaggedChartThroughATokenChallenge() async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try dir.write("registry.py", Self.registry)
        try dir.write("build/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.2.0\n")
        try dir.write("build/demo/values.yaml", "replicaCount: 2\n")
        let tar = try await TestShell.run("tar", ["-czf", dir.path + "/demo-0.2.0.tgz", "-C", dir.path + "/build", "demo"])
        #expect(tar.status == 0)
        let python = try #require(TestEnvironment.which("python3"), "python3 is not installed")
        let port = TestNetwork.freePort()
        let server = try TestServerProcess(python, [dir.path + "/registry.py", String(port), dir.path + "/demo-0.2.0.tgz"], log: dir.path + "/registry.log")
        do {
            try await server.waitUntil(timeout: .seconds(30)) { TestNetwork.portOpen(port) }
            let archive = try await OCIChartPull(reference: "oci://127.0.0.1:\(port)/charts/demo", version: nil, scheme: "http").pull()
            let chart = try await HelmChartSource.extract(archive, into: dir.url.appendingPathComponent("pulled"), source: "oci")
            #expect(try HelmChartSource.values(inChart: chart) == ["replicaCount": 2])
            await #expect(throws: AuthoringError.self) {
                _ = try await OCIChartPull(reference: "oci://127.0.0.1:\(port)/charts/demo", version: "9.9.9", scheme: "http").pull()
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
