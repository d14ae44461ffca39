import Foundation
import KratixTestSupport
import Testing
@testable import KratixStateStore

/// `sshd` (openssh-server) on a free port with a private configuration, a test client key and a
/// known_hosts line for its host key. Runs only as root (sshd needs it); skipped otherwise.
@Suite("Git writer over SSH")
struct GitSSHTests {
    struct SSHServer {
        let server: ServerProcess
        let port: Int
        let clientKey: String
        let knownHosts: String

        init(tmp: TempDir) async throws {
            port = TestNetwork.freePort()
            let dir = tmp.sub("ssh")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try await sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", dir + "/host_key"])
            try await sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", dir + "/client_key"])
            try FileManager.default.copyItem(atPath: dir + "/client_key.pub", toPath: dir + "/authorized_keys")
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            try tmp.write("ssh/sshd_config", """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(dir)/host_key
                PidFile \(dir)/sshd.pid
                AuthorizedKeysFile \(dir)/authorized_keys
                StrictModes no
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                PermitRootLogin yes
                AllowTcpForwarding no
                X11Forwarding no
                PrintMotd no

                """)
            server = try ServerProcess("/usr/sbin/sshd", ["-D", "-e", "-f", dir + "/sshd_config"], log: dir + "/sshd.log")
            do { try await server.waitForPort(port) } catch { server.stop(); throw error }
            clientKey = try String(contentsOfFile: dir + "/client_key", encoding: .utf8)
            let hostPub = try String(contentsOfFile: dir + "/host_key.pub", encoding: .utf8)
                .split(separator: " ").prefix(2).joined(separator: " ")
            knownHosts = "[127.0.0.1]:\(port) \(hostPub)\n"
        }
    }

    @Test func pushesWithAKeyAndChecksTheHostKey() async throws {
        try TestEnvironment.require("/usr/sbin/sshd")
        try #require(getuid() == 0, "sshd runs as root (make test runs as root on CI)")
        let tmp = TempDir(); defer { tmp.cleanup() }
        let remote = try await BareRepo(tmp)
        let ssh = try await SSHServer(tmp: tmp)
        defer { ssh.server.stop() }
        let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        let url = "ssh://\(user)@127.0.0.1:\(ssh.port)\(remote.path)"

        let w = try await GitWriter(GitWriterConfiguration(url: url, authentication: .ssh(privateKey: ssh.clientKey, knownHosts: ssh.knownHosts),
                                                           cacheDirectory: tmp.sub("cache")))
        try await w.validatePermissions()
        let r = try await w.update(StateStoreUpdate(name: "wp-ssh", directory: "dev", files: [StateStoreFile(path: "a.yaml", text: "ssh\n")]))
        #expect(r.changed)
        #expect(await remote.show("dev/a.yaml") == "ssh\n")
        #expect(try await remote.log().first == "Update from: wp-ssh")

        // A known_hosts line for another key: strict checking refuses the server.
        let otherHost = tmp.sub("other_host")
        try await sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherHost])
        let wrongPub = try String(contentsOfFile: otherHost + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let strict = try await GitWriter(GitWriterConfiguration(
            url: url, authentication: .ssh(privateKey: ssh.clientKey, knownHosts: "[127.0.0.1]:\(ssh.port) \(wrongPub)\n"),
            cacheDirectory: tmp.sub("cache-strict")))
        do {
            try await strict.validatePermissions()
            Issue.record("an unknown host key must be refused")
        } catch {
            #expect(error.isAuthenticationFailure, "\(error)")
            #expect(error.description.contains("Host key verification failed"), "\(error)")
        }

        // A key the server does not know.
        let stranger = tmp.sub("stranger")
        try await sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger])
        let denied = try await GitWriter(GitWriterConfiguration(
            url: url, authentication: .ssh(privateKey: try String(contentsOfFile: stranger, encoding: .utf8), knownHosts: ssh.knownHosts),
            cacheDirectory: tmp.sub("cache-denied")))
        await #expect(throws: StateStoreError.self) {
            _ = try await denied.update(StateStoreUpdate(name: "x", files: [StateStoreFile(path: "x", text: "x")]))
        }
        #expect(try await remote.log().count == 2)
    }
}
