import Foundation
import KubeModel
import Testing

@testable import KratixJobRunner

/// A pipeline is confined as by a rootless container engine (when the runner is root and the
/// kernel allows user namespaces): it runs as an unprivileged host id, sees only its volumes as
/// writable, and cannot reach the platform's data directory or other pods' directories. Real
/// processes in real namespaces.
@Suite struct ConfinementTests {
    /// Where the platform's data would be: outside `/tmp` (which a confined container has of its
    /// own), 0700 as `kratix dev` makes it, with an admin token inside.
    static func dataDirectory() throws -> String {
        let path = FileManager.default.currentDirectoryPath + "/.build/confinement-data-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        try "admin-token-value\n".write(toFile: path + "/token", atomically: true, encoding: .utf8)
        return path
    }

    /// Without user namespaces (or as a non-root runner) the runner falls back and says why.
    static func requireConfinement() async throws -> Bool {
        let namespace = try await Fixtures.mountNamespace.value
        if namespace.isConfined { return true }
        #expect(geteuid() != 0 || namespace.fallbackReason != nil, "a root runner that is not confined must say why")
        return false
    }

    @Test func aPipelineCannotReadTheDataDirectoryNorWriteOutsideItsVolumes() async throws {
        guard try await Self.requireConfinement() else { return }
        let directory = try Fixtures.temporaryDirectory("confined")
        let data = try Self.dataDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: data)
        }
        let escape = "kratix-escape-\(UUID().uuidString.prefix(8))"
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(directory: directory, sink: sink, hiddenPaths: [data])
        // Each line says whether an attempt worked; none of them should.
        let attempts = [
            "echo x > \(directory)/\(escape)",
            "echo x > /etc/\(escape)",
            "echo x > \(FileManager.default.currentDirectoryPath)/.build/\(escape)",
            "cat \(data)/token",
            "ls \(directory)/pods",
            "umount /kratix/output",
        ]
        // The escape of the issue lands in the container's own /tmp (a container's /tmp is its
        // own, as in its image's writable layer), never in the host's.
        let script = (["echo ok > /kratix/output/file && echo volume-writable",
                       "echo x > /kratix/output/../../tmp/\(escape) && cat /tmp/\(escape)",
                       "echo y > \"$HOME/\(escape)\" && cat \"$HOME/\(escape)\""]
            + attempts.enumerated().map { "if ( \($1) ) 2>/dev/null; then echo attempt-\($0)-worked; else echo attempt-\($0)-refused; fi" }
            + ["id -u"]).joined(separator: "; ")
        let pod = try Fixtures.pod("confined", spec: """
            restartPolicy: Never
            volumes: [{name: output, emptyDir: {}}]
            containers:
              - name: main
                image: test/shell
                args: ["-c", \(Fixtures.yamlString(script))]
                volumeMounts: [{name: output, mountPath: /kratix/output}]
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        let expected = ["volume-writable", "x", "y"] + attempts.indices.map { "attempt-\($0)-refused" } + ["0"]
        #expect(sink.text("confined", "main") == expected.joined(separator: "\n") + "\n")
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        for path in ["/tmp/\(escape)", "\(directory)/\(escape)", "/etc/\(escape)", "\(home)/\(escape)",
                     "\(FileManager.default.currentDirectoryPath)/.build/\(escape)"] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) was written on the host")
        }
    }

    @Test func theContainersUserMapsToAnUnprivilegedHostIDThatOwnsItsToken() async throws {
        guard try await Self.requireConfinement() else { return }
        let directory = try Fixtures.temporaryDirectory("userns")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try Fixtures.writableHostDirectory(directory + "/host")
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(
            directory: directory, apiServer: APIServerEndpoint(url: "https://127.0.0.1:6443", caCertificatePEM: "ca"), sink: sink)
        let token = ServiceAccountFiles.mountPath + "/token"
        let pod = try Fixtures.pod("userns", spec: """
            restartPolicy: Never
            securityContext: {runAsUser: 1000, runAsGroup: 3000}
            volumes: [{name: host, hostPath: {path: \(host)}}]
            containers:
              - name: root
                image: test/shell
                securityContext: {runAsUser: 0, runAsGroup: 0}
                args: ["-c", "id -u; id -g; stat -c '%a %u' \(token); cat \(token); echo; touch /host/by-root; stat -c '%a %u' $KUBECONFIG"]
                volumeMounts: [{name: host, mountPath: /host}]
              - name: user
                image: test/shell
                args: ["-c", "id -u; id -g; touch /host/by-user"]
                volumeMounts: [{name: host, mountPath: /host}]
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("userns", "root") == "0\n0\n600 0\ntest-token-not-secret\n600 0\n")
        #expect(sink.text("userns", "user") == "1000\n3000\n")
        // On the host both are the pod's one unprivileged id.
        let hostID = HostIDRange.default.hostID(forPod: pod.uid ?? "")
        for file in ["by-root", "by-user"] {
            let owner = (try? FileManager.default.attributesOfItem(atPath: host + "/" + file))?[.ownerAccountID] as? NSNumber
            #expect(owner?.uint32Value == hostID, "\(file) is owned by \(owner.map { "\($0)" } ?? "nobody") on the host")
        }
        #expect(hostID >= HostIDRange.default.first)
    }

    /// A working directory the image names but the pod's /tmp lacks is made for the container's user.
    @Test func aWorkingDirectoryInThePodsOwnTmpIsTheContainers() async throws {
        guard try await Self.requireConfinement() else { return }
        let directory = try Fixtures.temporaryDirectory("workdir")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(directory: directory, sink: sink)
        let pod = try Fixtures.pod("workdir", spec: """
            restartPolicy: Never
            containers: [{name: main, image: test/shell, workingDir: /tmp/build/out, args: ["-c", "echo built > result && pwd && cat result"]}]
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("workdir", "main") == "/tmp/build/out\nbuilt\n")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/build/out/result"))
    }

    @Test func podDirectoriesAreTheRunnersAloneAndTheTokenTheContainers() async throws {
        guard try await Self.requireConfinement() else { return }
        let directory = try Fixtures.temporaryDirectory("modes")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let images = ImageCatalog(configuration: .init(mapPath: try Fixtures.imageMap(in: directory), kratixExecutable: "/bin/true"))
        let executor = PodExecutor(
            configuration: .init(workDirectory: directory + "/pods", apiServer: APIServerEndpoint(url: "https://127.0.0.1:6443"),
                                 keepPodDirectories: true),
            images: images, mountNamespace: try await Fixtures.mountNamespace.value, dataSource: StaticDataSource(), logSink: MemoryLogSink())
        let pod = try Fixtures.pod("modes", spec: """
            restartPolicy: Never
            containers: [{name: main, image: test/shell, args: ["-c", "true"]}]
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        let podDirectory = directory + "/pods/" + (pod.uid ?? "")
        let hostID = HostIDRange.default.hostID(forPod: pod.uid ?? "")
        func mode(_ path: String) -> (Int, UInt32)? {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let mode = attributes[.posixPermissions] as? NSNumber, let owner = attributes[.ownerAccountID] as? NSNumber else { return nil }
            return (mode.intValue, owner.uint32Value)
        }
        #expect(mode(podDirectory).map { $0.0 == 0o700 && $0.1 == 0 } == true)
        #expect(mode(podDirectory + "/serviceaccount/token").map { $0.0 == 0o600 && $0.1 == hostID } == true)
        #expect(mode(podDirectory + "/private/home/.kube/config").map { $0.0 == 0o600 && $0.1 == hostID } == true)
    }
}
