import Foundation
import KubeModel
import Testing

@testable import KratixJobRunner

/// The executor with real processes in real mount namespaces, and no API server. (Needs root, or
/// unprivileged user namespaces, for `unshare --mount`.)
@Suite struct PodExecutorTests {
    @Test func initContainersShareAnEmptyDirWithTheMainContainer() async throws {
        let directory = try Fixtures.temporaryDirectory("emptydir")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(directory: directory, sink: sink)
        let pod = try Fixtures.pod("share", spec: """
            restartPolicy: Never
            volumes: [{name: output, emptyDir: {}}]
            initContainers:
              - name: write
                image: test/shell
                args: ["-c", "echo hello > /kratix/output/greeting && echo wrote"]
                volumeMounts: [{name: output, mountPath: /kratix/output}]
              - name: append
                image: test/shell:1.0
                args: ["-c", "echo world >> /kratix/output/greeting"]
                volumeMounts: [{name: output, mountPath: /kratix/output}]
            containers:
              - name: read
                image: docker.io/test/shell@sha256:0123
                args: ["-c", "cat /kratix/output/greeting"]
                volumeMounts: [{name: output, mountPath: /kratix/output}]
            """)
        let recorder = StatusRecorder()
        let status = await executor.run(pod, reporter: recorder)
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("share", "write") == "wrote\n")
        #expect(sink.text("share", "read") == "hello\nworld\n")
        #expect(status.initContainerStatuses.map { $0.termination?.reason } == ["Completed", "Completed"])
        #expect(status.containerStatuses[0].termination?.exitCode == 0)
        #expect(status.condition("Initialized")?.status == true)
        #expect(status.condition("Ready")?.reason == "PodCompleted")
        // The phases went Pending → Running → Succeeded, and the main container was seen running.
        let phases = recorder.all.map(\.phase)
        #expect(phases.first == .pending && phases.contains(.running) && phases.last == .succeeded)
        #expect(recorder.all.contains { $0.containerStatuses.first?.isRunning == true })
        // Nothing was written outside the pod's namespace, and the pod directory is gone.
        #expect(!FileManager.default.fileExists(atPath: "/kratix/output/greeting"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/pods/" + (pod.uid ?? "")))
    }

    @Test func podsMountingTheSamePathDoNotSeeEachOthersFiles() async throws {
        let directory = try Fixtures.temporaryDirectory("isolation")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(directory: directory, sink: sink)
        func pod(_ name: String) throws -> KubeObject {
            try Fixtures.pod(name, spec: """
                restartPolicy: Never
                volumes: [{name: output, emptyDir: {}}]
                containers:
                  - name: main
                    image: test/shell
                    args: ["-c", "touch /kratix/output/\(name) && sleep 1 && ls /kratix/output"]
                    volumeMounts: [{name: output, mountPath: /kratix/output}]
                """)
        }
        let (firstPod, secondPod) = (try pod("first"), try pod("second"))
        async let first = executor.run(firstPod, reporter: StatusRecorder())
        async let second = executor.run(secondPod, reporter: StatusRecorder())
        let (a, b) = await (first, second)
        #expect(a.phase == .succeeded && b.phase == .succeeded)
        #expect(sink.text("first", "main") == "first\n")
        #expect(sink.text("second", "main") == "second\n")
    }

    @Test func aFailingContainerFailsThePodWithItsLastLines() async throws {
        let directory = try Fixtures.temporaryDirectory("fail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executor = try await Fixtures.executor(directory: directory)
        let lines = (1...30).map { "echo line\($0)" }.joined(separator: "; ")
        let pod = try Fixtures.pod("fails", spec: """
            restartPolicy: Never
            initContainers:
              - {name: broken, image: test/shell, args: ["-c", "\(lines); echo oops >&2; exit 3"]}
            containers:
              - {name: never, image: test/shell, args: ["-c", "echo never"]}
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .failed)
        let termination = try #require(status.initContainerStatuses[0].termination)
        #expect(termination.exitCode == 3 && termination.reason == "Error")
        let message = termination.message ?? ""
        #expect(message.hasSuffix("line30\noops") && !message.contains("line10\n"))
        #expect(message.split(separator: "\n").count == 20)
        #expect(status.containerStatuses[0].state == .waiting(reason: "PodInitializing", message: nil))
        #expect(status.condition("Initialized")?.status == false)
    }

    @Test func anUnmappedImageIsAnImagePullError() async throws {
        let directory = try Fixtures.temporaryDirectory("unmapped")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executor = try await Fixtures.executor(directory: directory)
        let pod = try Fixtures.pod("unmapped", spec: """
            restartPolicy: Never
            containers: [{name: main, image: "example.com/not/mapped:1.2"}]
            """)
        let recorder = StatusRecorder()
        let status = await executor.run(pod, reporter: recorder)
        #expect(status.phase == .failed)
        #expect(status.containerStatuses[0].state == .waiting(
            reason: "ErrImagePull",
            message: "image \"example.com/not/mapped:1.2\" is not in the runner's image map \(directory)/images.yaml"))
    }

    @Test func environmentComesFromValuesSecretsConfigMapsAndTheDownwardAPI() async throws {
        let directory = try Fixtures.temporaryDirectory("env")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = MemoryLogSink()
        let source = StaticDataSource(secrets: ["creds": ["password": "s3cret", "user": "admin"]], configMaps: ["settings": ["mode": "fast"]])
        let executor = try await Fixtures.executor(directory: directory, dataSource: source, sink: sink)
        let pod = try Fixtures.pod("env", namespace: "team", labels: ["app": "shop"], spec: """
            restartPolicy: Never
            containers:
              - name: main
                image: test/shell
                command: ["/bin/sh", "-c"]
                args: ["echo \\"$A|$B|$C|$PASS|$MODE|${OPT-unset}|$POD|$NS|$APP|$S_user\\" '$(A)' '$$(A)'"]
                envFrom:
                  - {secretRef: {name: creds}, prefix: S_}
                  - {configMapRef: {name: absent, optional: true}}
                env:
                  - {name: A, value: x}
                  - {name: B, value: "$(A)-y"}
                  - {name: C, value: "$$(A)"}
                  - {name: PASS, valueFrom: {secretKeyRef: {name: creds, key: password}}}
                  - {name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
                  - {name: OPT, valueFrom: {configMapKeyRef: {name: settings, key: absent, optional: true}}}
                  - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                  - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                  - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("env", "main") == "x|x-y|$(A)|s3cret|fast|unset|env|team|shop|admin x $(A)\n")
    }

    @Test func aMissingSecretIsAConfigurationError() async throws {
        let directory = try Fixtures.temporaryDirectory("nosecret")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executor = try await Fixtures.executor(directory: directory, dataSource: StaticDataSource(secrets: ["creds": ["a": "b"]]))
        for (env, message) in [
            ("{name: X, valueFrom: {secretKeyRef: {name: nope, key: k}}}", "secret \"nope\" not found"),
            ("{name: X, valueFrom: {secretKeyRef: {name: creds, key: k}}}", "couldn't find key k in Secret default/creds"),
        ] {
            let pod = try Fixtures.pod("nosecret", spec: """
                restartPolicy: Never
                containers: [{name: main, image: test/shell, args: ["-c", "true"], env: [\(env)]}]
                """)
            let status = await executor.run(pod, reporter: StatusRecorder())
            #expect(status.phase == .failed)
            #expect(status.containerStatuses[0].state == .waiting(reason: "CreateContainerConfigError", message: message))
        }
    }

    @Test func secretConfigMapProjectedAndHostPathVolumesAreMounted() async throws {
        let directory = try Fixtures.temporaryDirectory("volumes")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try Fixtures.writableHostDirectory(directory + "/host")
        try "from the host\n".write(toFile: host + "/note", atomically: true, encoding: .utf8)
        let sink = MemoryLogSink()
        let source = StaticDataSource(secrets: ["creds": ["password": "s3cret", "user": "admin"]], configMaps: ["settings": ["config.yaml": "mode: fast\n"]])
        let executor = try await Fixtures.executor(directory: directory, dataSource: source, sink: sink)
        let script = [
            "cat /etc/creds/sub/pw; echo",
            "stat -c %a /etc/creds/sub/pw",
            "ls /etc/creds",
            "touch /etc/creds/x 2>/dev/null && echo writable || echo read-only",
            "cat /etc/app/config.yaml",
            "cat /etc/projected/user; echo; cat /etc/projected/token; echo; cat /etc/projected/name; echo",
            "cat /mnt/host/note; echo written > /mnt/host/out",
            "touch /mnt/ro/x 2>/dev/null && echo writable || echo read-only",
        ].joined(separator: "; ")
        let pod = try Fixtures.pod("volumes", spec: """
            restartPolicy: Never
            volumes:
              - {name: creds, secret: {secretName: creds, items: [{key: password, path: sub/pw, mode: 0400}]}}
              - {name: settings, configMap: {name: settings}}
              - name: projected
                projected:
                  sources:
                    - {secret: {name: creds, items: [{key: user, path: user}]}}
                    - {serviceAccountToken: {path: token, audience: vault}}
                    - {downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}}
              - {name: host, hostPath: {path: \(host), type: Directory}}
              - {name: scratch, emptyDir: {}}
            containers:
              - name: main
                image: test/shell
                args: ["-c", \(Fixtures.yamlString(script))]
                volumeMounts:
                  - {name: creds, mountPath: /etc/creds}
                  - {name: settings, mountPath: /etc/app/config.yaml, subPath: config.yaml}
                  - {name: projected, mountPath: /etc/projected}
                  - {name: host, mountPath: /mnt/host}
                  - {name: scratch, mountPath: /mnt/ro, readOnly: true}
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("volumes", "main") == """
            s3cret
            400
            sub
            read-only
            mode: fast
            admin
            test-token-not-secret
            volumes
            from the host
            read-only

            """)
        #expect((try? String(contentsOfFile: host + "/out", encoding: .utf8)) == "written\n")
    }

    @Test func cancellingStopsTheProcessGroup() async throws {
        let directory = try Fixtures.temporaryDirectory("cancel")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try Fixtures.writableHostDirectory(directory + "/host")
        let executor = try await Fixtures.executor(directory: directory)
        // The shell, and a child it leaves behind (which carries a marker of its own).
        let marker = uniqueMarker("cancel"), childMarker = uniqueMarker("child")
        let pod = try Fixtures.pod("cancel", spec: """
            restartPolicy: Never
            terminationGracePeriodSeconds: 2
            volumes: [{name: host, hostPath: {path: \(host)}}]
            containers:
              - name: main
                image: test/shell
                args: ["-c", "sh -c 'sleep 300' \(childMarker) & echo started > /host/pid; wait", "\(marker)"]
                volumeMounts: [{name: host, mountPath: /host}]
            """)
        let cancellation = PodCancellation()
        async let result = executor.run(pod, reporter: StatusRecorder(), cancellation: cancellation)
        #expect(try await eventually { FileManager.default.fileExists(atPath: host + "/pid") && !hostProcesses(containing: childMarker).isEmpty })
        #expect(!hostProcesses(containing: marker).isEmpty)
        cancellation.cancel(.deadlineExceeded)
        let status = await result
        #expect(status.phase == .failed)
        #expect(status.reason == "DeadlineExceeded")
        let termination = try #require(status.containerStatuses[0].termination)
        #expect(termination.exitCode == 128 + SIGTERM && termination.reason == "Error")
        #expect(try await eventually(timeout: .seconds(5)) { hostProcesses(containing: marker).isEmpty && hostProcesses(containing: childMarker).isEmpty })
    }

    @Test func activeDeadlineSecondsStopsThePod() async throws {
        let directory = try Fixtures.temporaryDirectory("deadline")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executor = try await Fixtures.executor(directory: directory)
        let pod = try Fixtures.pod("deadline", spec: """
            restartPolicy: Never
            activeDeadlineSeconds: 1
            containers: [{name: main, image: test/shell, args: ["-c", "exec sleep 60"]}]
            """)
        let started = ContinuousClock.now
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(status.phase == .failed && status.reason == "DeadlineExceeded")
        #expect(status.message == "Pod was active on the node longer than the specified deadline")
    }

    @Test func onFailureRestartsTheContainerInPlace() async throws {
        let directory = try Fixtures.temporaryDirectory("restart")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let host = try Fixtures.writableHostDirectory(directory + "/state")
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(directory: directory, sink: sink)
        let pod = try Fixtures.pod("restart", spec: """
            restartPolicy: OnFailure
            volumes: [{name: state, hostPath: {path: \(host)}}]
            containers:
              - name: main
                image: test/shell
                args: ["-c", "if [ -e /state/once ]; then echo second; exit 0; fi; touch /state/once; echo first; exit 1"]
                volumeMounts: [{name: state, mountPath: /state}]
            """)
        let recorder = StatusRecorder()
        let status = await executor.run(pod, reporter: recorder)
        #expect(status.phase == .succeeded, "\(status)")
        #expect(status.containerStatuses[0].restartCount == 1)
        #expect(status.containerStatuses[0].lastState?.json[path: ["terminated", "exitCode"]] == 1)
        #expect(sink.text("restart", "main") == "first\nsecond\n")
        #expect(recorder.all.contains {
            if case .waiting(reason: "CrashLoopBackOff", _) = $0.containerStatuses[0].state { return true }
            return false
        })
    }

    @Test func imageEntriesGiveEntrypointPathAndWorkingDirectory() async throws {
        let directory = try Fixtures.temporaryDirectory("image")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tools = directory + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"tool in $(pwd) with $*\"\n".write(toFile: tools + "/tool.sh", atomically: true, encoding: .utf8)
        chmod(tools + "/tool.sh", 0o755)
        let workdir = directory + "/work"
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(directory: directory, extraImages: """
              - image: test/tool:v1
                command: [tool.sh, default-entrypoint-arg]
                args: [cmd-arg]
                path: \(tools)
                workingDir: \(workdir)
            """, sink: sink)
        let pod = try Fixtures.pod("image", spec: """
            restartPolicy: Never
            containers:
              - {name: defaults, image: "test/tool:v1"}
              - {name: args, image: "test/tool:v1", args: [given]}
              - {name: command, image: "test/tool:v1", command: [tool.sh], workingDir: /tmp}
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("image", "defaults") == "tool in \(workdir) with default-entrypoint-arg cmd-arg\n")
        #expect(sink.text("image", "args") == "tool in \(workdir) with default-entrypoint-arg given\n")
        #expect(sink.text("image", "command") == "tool in /tmp with \n")
    }

    @Test func serviceAccountFilesAndAPIServerVariables() async throws {
        let directory = try Fixtures.temporaryDirectory("serviceaccount")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = MemoryLogSink()
        let executor = try await Fixtures.executor(
            directory: directory, apiServer: APIServerEndpoint(url: "https://127.0.0.1:6443", caCertificatePEM: "CA PEM"), sink: sink)
        let script = "cd /var/run/secrets/kubernetes.io/serviceaccount && cat token namespace ca.crt && echo && echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT && grep -c 'server: https://127.0.0.1:6443' $KUBECONFIG"
        let pod = try Fixtures.pod("sa", namespace: "pipelines", spec: """
            restartPolicy: Never
            containers: [{name: main, image: test/shell, args: ["-c", \(Fixtures.yamlString(script))]}]
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .succeeded, "\(status)")
        #expect(sink.text("sa", "main") == "test-token-not-secretpipelinesCA PEM\n127.0.0.1:6443\n1\n")

        let without = try Fixtures.pod("nosa", spec: """
            restartPolicy: Never
            automountServiceAccountToken: false
            containers: [{name: main, image: test/shell, args: ["-c", "ls /var/run/secrets/kubernetes.io/serviceaccount/token 2>/dev/null || echo none; echo ${KUBECONFIG-unset}"]}]
            """)
        _ = await executor.run(without, reporter: StatusRecorder())
        #expect(sink.text("nosa", "main") == "none\nunset\n")
    }

    @Test func unsupportedVolumesFailWithAReadableMessage() async throws {
        let directory = try Fixtures.temporaryDirectory("pvc")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executor = try await Fixtures.executor(directory: directory)
        let pod = try Fixtures.pod("pvc", spec: """
            restartPolicy: Never
            volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
            containers: [{name: main, image: test/shell, args: ["-c", "true"]}]
            """)
        let status = await executor.run(pod, reporter: StatusRecorder())
        #expect(status.phase == .failed)
        guard case .waiting(let reason, let message) = status.containerStatuses[0].state else {
            Issue.record("expected a waiting state, got \(status.containerStatuses[0].state)")
            return
        }
        #expect(reason == "CreateContainerConfigError")
        #expect(message?.contains("volume \"data\"") == true && message?.contains("persistentVolumeClaim") == true)
    }
}
