import Foundation
import KratixTestSupport
import KubeModel
import Testing

@testable import KubeAPIServer

/// kubectl 1.33 and newer send built-in kinds as protobuf for imperative commands. With every
/// kubectl this machine has, each command works, and stores what `kubectl create -f` of the same
/// object (JSON) stores.
@Suite struct ProtobufBodyTests {
    static let commands: [[String]] = [
        ["create", "configmap", "c", "--from-literal=a=b", "--from-literal=empty="],
        ["create", "secret", "generic", "s", "--from-literal=password=hunter2"],
        ["create", "serviceaccount", "sa"],
        ["create", "role", "r", "--verb=get,list", "--resource=pods,configmaps"],
        ["create", "rolebinding", "rb", "--role=r", "--user=someone", "--serviceaccount=default:sa"],
        ["create", "job", "j", "--image=busybox", "--", "sh", "-c", "echo hi"],
        ["create", "deployment", "d", "--image=nginx", "--port=80", "--replicas=2"],
    ]

    /// The kubectl binaries: the default one's siblings `kubectl.1.NN`.
    static var versions: [String] {
        guard let kubectl = TestEnvironment.kubectl else { return [] }
        let directory = URL(fileURLWithPath: kubectl).resolvingSymlinksInPath().deletingLastPathComponent().path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("kubectl.1.") }.sorted().map { "\(directory)/\($0)" }
    }

    /// The object as stored, without what the server sets per object.
    private func comparable(_ output: TestServer.Output) throws -> JSONValue {
        // The object's own uid (a Job's selector and labels carry it) is the server's, per object.
        let parsed = try JSONParser.parse(output.stdout)
        let uid = parsed[path: ["metadata", "uid"]]?.stringValue ?? "-"
        var object = try JSONParser.parse(output.stdout.replacingOccurrences(of: uid, with: "UID")).objectValue ?? [:]
        var metadata = object["metadata"]?.objectValue ?? [:]
        for field in ["uid", "resourceVersion", "creationTimestamp", "managedFields", "namespace"] { metadata.removeValue(forKey: field) }
        object["metadata"] = .object(metadata)
        // A Deployment's status conditions carry the times the controller wrote them.
        if var status = object["status"]?.objectValue, let conditions = status["conditions"]?.arrayValue {
            status["conditions"] = .array(conditions.map { condition in
                guard var c = condition.objectValue else { return condition }
                c["lastTransitionTime"] = nil
                c["lastUpdateTime"] = nil
                return .object(c)
            })
            object["status"] = .object(status)
        }
        return .object(object)
    }

    @Test func imperativeCreatesWorkWithEveryKubectlAndEqualCreateFromJSON() async throws {
        let versions = Self.versions
        try #require(versions.contains { $0.hasSuffix("kubectl.1.33") }, "kubectl 1.33 is needed: \(versions)")
        try await TestServer.with(tls: true) { server in
            for (index, kubectl) in versions.enumerated() {
                let viaCommand = "cmd-\(index)", viaFile = "file-\(index)"
                for namespace in [viaCommand, viaFile] {
                    #expect(try await server.kubectl(["create", "namespace", namespace], executable: kubectl).status == 0)
                }
                for command in Self.commands {
                    // Flags go before a `--` that ends the command's own arguments.
                    func with(_ flags: [String]) -> [String] {
                        guard let dashes = command.firstIndex(of: "--") else { return command + flags }
                        return Array(command[..<dashes]) + flags + Array(command[dashes...])
                    }
                    let created = try await server.kubectl(with(["-n", viaCommand]), executable: kubectl)
                    #expect(created.status == 0, "\(kubectl) \(command): \(created.stderr)")
                    let rendered = try await server.kubectl(with(["-n", viaFile, "--dry-run=client", "-o", "json"]), executable: kubectl)
                    let fromFile = try await server.kubectl(["create", "-f", "-"], stdin: rendered.stdout)
                    #expect(fromFile.status == 0, "\(fromFile.stderr)")
                    let kind = command[1] == "secret" ? "secret" : command[1]
                    let name = command[1] == "secret" ? command[3] : command[2]
                    let a = try comparable(try await server.kubectl(["get", kind, name, "-n", viaCommand, "-o", "json"]))
                    let b = try comparable(try await server.kubectl(["get", kind, name, "-n", viaFile, "-o", "json"]))
                    #expect(a == b, "\(kubectl) \(command.joined(separator: " ")):\n\(a.serialized())\n\(b.serialized())")
                }
            }
            let token = try await server.kubectl(["create", "token", "sa", "-n", "cmd-0", "--duration=1h"], executable: versions.last)
            #expect(token.status == 0 && !token.stdout.isEmpty, "\(token.stderr)")
        }
    }

    @Test func aBodyThatIsNotProtobufIsRefusedWithWhy() throws {
        #expect(throws: ProtobufDecoder.Failure.self) { try ProtobufDecoder.decodeObject(Array("{}".utf8)) }
        // The magic, then an envelope whose raw message is cut short.
        let truncated: [UInt8] = ProtobufDecoder.magic + [0x0A, 0x0F, 0x0A, 0x02, 0x76, 0x31, 0x12, 0x09] + Array("ConfigMap".utf8) + [0x12, 0x1B, 0x0A]
        #expect(throws: ProtobufDecoder.Failure.self) { try ProtobufDecoder.decodeObject(truncated) }
    }
}
