import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// `fieldValidation` for built-in kinds through kubectl, as for custom resources: an unknown field
/// is refused under `Strict` (kubectl's default, and `--validate=strict`) with the real server's
/// message, and warned about under `Warn`.
@Suite struct BuiltinFieldValidationTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: NAME}
        spec:
          foo: 1
          containers: [{name: main, image: busybox, bar: true}]
        """

    @Test func strictValidationRefusesUnknownFieldsOfBuiltInKinds() async throws {
        try await TestServer.with { server in
            let strict = Self.pod.replacingOccurrences(of: "NAME", with: "strict")
            let refused = try await server.kubectl(["apply", "--validate=strict", "-f", "-"], stdin: strict)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains(#"Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bar", unknown field "spec.foo""#)
                    || refused.stderr.contains(#"Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "spec.containers[0].bar""#),
                    "\(refused.stderr)")
            #expect(try await server.kubectl(["get", "pod", "strict"]).status != 0, "a refused object was stored")
            // kubectl's default is strict too.
            let byDefault = try await server.kubectl(["create", "-f", "-"], stdin: strict)
            #expect(byDefault.status != 0 && byDefault.stderr.contains("strict decoding error"), "\(byDefault.stderr)")

            let warned = try await server.kubectl(["apply", "--validate=warn", "-f", "-"], stdin: Self.pod.replacingOccurrences(of: "NAME", with: "warned"))
            #expect(warned.status == 0, "\(warned.stderr)")
            #expect(warned.stderr.contains(#"Warning: unknown field "spec.foo""#), "\(warned.stderr)")

            // Every known field passes, nested ones included.
            let valid = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, labels: {app: web}, annotations: {note: kept}}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      securityContext: {runAsUser: 1000}
                      containers:
                      - name: web
                        image: nginx
                        env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                        resources: {limits: {cpu: 100m}}
                        ports: [{containerPort: 80}]
                """
            let accepted = try await server.kubectl(["apply", "--validate=strict", "-f", "-"], stdin: valid)
            #expect(accepted.status == 0, "\(accepted.stderr)")
            let nested = valid.replacingOccurrences(of: "ports: [{containerPort: 80}]", with: "ports: [{containerPort: 80, hostPorts: 1}]")
                .replacingOccurrences(of: "name: web, labels", with: "name: web2, labels")
            let refusedNested = try await server.kubectl(["apply", "--validate=strict", "-f", "-"], stdin: nested)
            #expect(refusedNested.stderr.contains(
                #"Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].ports[0].hostPorts""#),
                    "\(refusedNested.stderr)")
        }
    }

    @Test func unknownFieldsAreNamedByTheirPath() {
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "labels": ["a": "b"]],
                              "spec": ["containers": [["name": "c", "image": "i", "bogus": 1]], "extra": ["x": 1]],
                              "status": ["phase": "Running"]]
        #expect(FieldSchema.unknownFields(in: pod, type: "core/v1.Pod") == ["spec.containers[0].bogus", "spec.extra"])
    }
}
