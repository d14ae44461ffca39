import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KratixAuthoring

/// Charts over HTTP, served on loopback by Python's `http.server` (no outside network): a `.tgz`
/// URL, and a chart repository's `index.yaml` with `--chart-name`, latest or a given version.
@Suite(.serialized) struct HelmChartRepositoryTests {
    func withServer(_ body: (String, ScratchDirectory) async throws -> Void) async throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let python = try #require(TestEnvironment.which("python3"), "python3 is not installed")
        let port = TestNetwork.freePort()
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("www"), withIntermediateDirectories: true)
        let server = try TestServerProcess(python, ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir.path + "/www"],
                                           log: dir.path + "/server.log")
        do {
            try await server.waitUntil(timeout: .seconds(30)) { TestNetwork.portOpen(port) }
            try await body("http://127.0.0.1:\(port)", dir)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Packages the test chart at `version` with `replicaCount` as its default, into `www/`.
    func publish(_ dir: ScratchDirectory, version: String, replicas: String) async throws {
        try dir.write("build-\(version)/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: \(version)\n")
        try dir.write("build-\(version)/demo/values.yaml", "replicaCount: \(replicas)\n")
        let result = try await TestShell.run("tar", ["-czf", dir.path + "/www/demo-\(version).tgz", "-C", dir.path + "/build-\(version)", "demo"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func tarballURL() async throws {
        try await withServer { base, dir in
            try await publish(dir, version: "0.1.0", replicas: "1")
            let values = try await HelmChartSource(url: "\(base)/demo-0.1.0.tgz").values()
            #expect(values == ["replicaCount": 1])
        }
    }

    @Test func repositoryIndexPicksTheLatestOrTheGivenVersion() async throws {
        try await withServer { base, dir in
            try await publish(dir, version: "0.9.0", replicas: "\"nine\"")
            try await publish(dir, version: "0.10.0", replicas: "10")
            // Relative archive URLs, as `helm repo index` writes them; order not by version.
            try dir.write("www/index.yaml", """
                apiVersion: v1
                entries:
                  demo:
                    - name: demo
                      version: 0.9.0
                      urls: [demo-0.9.0.tgz]
                    - name: demo
                      version: 0.10.0
                      urls: [demo-0.10.0.tgz]

                """)
            #expect(try await HelmChartSource(url: base, name: "demo").values() == ["replicaCount": 10])
            #expect(try await HelmChartSource(url: base + "/", name: "demo", version: "0.9.0").values() == ["replicaCount": "nine"])
            await #expect {
                _ = try await HelmChartSource(url: base, name: "demo", version: "2.0.0").values()
            } throws: { error in
                (error as? AuthoringError)?.description == "failed to fetch helm chart: chart \"demo\" version \"2.0.0\" not found in \(base) repository"
            }
            await #expect {
                _ = try await HelmChartSource(url: base, name: "other").values()
            } throws: { error in
                (error as? AuthoringError)?.description.contains("chart \"other\" not found") == true
            }
        }
    }
}
