import ChildProcesses
import Foundation
import KubeModel
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One run of one pod: prepares its directory and volumes, then runs its containers.
struct PodRun: Sendable {
    let executor: PodExecutor
    let pod: KubeObject
    let spec: PodSpec
    let identity: PodIdentity
    let directory: String
    let tracker: PodStatusTracker
    let cancellation: PodCancellation

    /// How long output may stay open after a container's process group is gone (a process that
    /// escaped into its own session) before the log is closed anyway.
    static let outputDrainTimeout: Duration = .seconds(2)

    private var configuration: PodExecutor.Configuration { executor.configuration }

    private var gracePeriod: Duration {
        let requested = Duration.seconds(spec.terminationGracePeriodSeconds ?? 30)
        return max(.zero, min(requested, configuration.maximumGracePeriod))
    }

    func run() async {
        let fields = PodFieldValues(pod: pod, spec: spec, nodeName: configuration.nodeName)
        let prepared: Prepared
        do {
            prepared = try await prepare(fields)
        } catch {
            await finish(failedWith: error)
            return
        }
        await tracker.update { $0.setCondition("PodReadyToStartContainers", true, now: PodStatusTracker.now()) }
        var succeeded = true
        for (index, container) in (spec.initContainers ?? []).enumerated() {
            guard !cancellation.isCancelled else { succeeded = false; break }
            guard await runContainer(container, slot: .initContainer(index), prepared: prepared) else { succeeded = false; break }
        }
        if succeeded, !cancellation.isCancelled {
            await tracker.update { $0.phase = .running }
            succeeded = await withTaskGroup(of: Bool.self) { group in
                for (index, container) in spec.containers.enumerated() {
                    group.addTask { await runContainer(container, slot: .container(index), prepared: prepared) }
                }
                var all = true
                for await ok in group { all = all && ok }
                return all
            }
        }
        let reason = cancellation.reason
        let allSucceeded = succeeded
        await tracker.update { status in
            status.phase = allSucceeded && reason == nil ? .succeeded : .failed
            if let reason {
                status.reason = reason.podReason
                status.message = reason.message
            }
        }
    }

    /// What every container of the pod shares.
    struct Prepared: Sendable {
        var volumes: [String: PreparedVolume]
        var serviceAccount: ServiceAccountFiles?
        var environment: [String: String]
        var fields: PodFieldValues
        var privateDirectories: [BindMount]
        /// The pod's unprivileged host id when confined.
        var hostID: UInt32?
    }

    private func prepare(_ fields: PodFieldValues) async throws(ContainerStartError) -> Prepared {
        // Only the runner (root) may enter a pod's directory: containers reach their volumes
        // through their mounts, never through the host path.
        do {
            try FileSystem.createDirectory(directory, mode: 0o700)
        } catch {
            throw .create("cannot create the pod directory: \(error)")
        }
        var hostID: UInt32?
        if case .confined(let range) = executor.mountNamespace.mode { hostID = range.hostID(forPod: identity.uid) }
        let privateDirectories = try makePrivateDirectories(owner: hostID)
        let writesServiceAccount = configuration.apiServer != nil && spec.automountServiceAccountToken != false
        // The token volume the API server's ServiceAccount admission adds is what the runner's own
        // service-account files provide (a longer-lived token, and no second TokenRequest).
        let volumes = try await PodVolumes(podDirectory: directory, fields: fields, source: executor.dataSource, fileOwner: hostID)
            .prepare((spec.volumes ?? []).filter { !(writesServiceAccount && Self.isAdmissionTokenVolume($0.name)) })
        var environment = ["PATH": PodExecutor.defaultPath, "HOME": configuration.home, "HOSTNAME": identity.name]
        var serviceAccount: ServiceAccountFiles?
        if let endpoint = configuration.apiServer {
            environment.merge(endpoint.serviceEnvironment) { _, new in new }
            if spec.automountServiceAccountToken != false {
                // Confined, the pod's own home holds the kubeconfig where kubectl looks by default.
                let home = privateDirectories.first { $0.target == configuration.home }
                let files = try await ServiceAccountFiles.write(
                    podDirectory: directory, namespace: identity.namespace, serviceAccount: spec.effectiveServiceAccountName,
                    endpoint: endpoint, source: executor.dataSource,
                    kubeconfig: home.map { ($0.source + "/.kube/config", configuration.home + "/.kube/config") }, owner: hostID)
                environment["KUBECONFIG"] = files.kubeconfigPath
                serviceAccount = files
            }
        }
        return Prepared(volumes: volumes, serviceAccount: serviceAccount, environment: environment, fields: fields,
                        privateDirectories: privateDirectories, hostID: hostID)
    }

    /// The pod's own `/tmp`, `/var/tmp`, `/dev/shm` and home (confined mode only): directories of
    /// the pod directory, world-writable with the sticky bit as on a host, the home owned by the
    /// pod's host id.
    private func makePrivateDirectories(owner: UInt32?) throws(ContainerStartError) -> [BindMount] {
        guard let owner else { return [] }
        var directories: [BindMount] = []
        func add(_ name: String, target: String, mode: mode_t, owned: Bool) throws(ContainerStartError) {
            guard target.hasPrefix("/"), target != "/", FileSystem.kind(of: target) == .directory,
                  !directories.contains(where: { $0.target == target }) else { return }
            let source = directory + "/private/" + name
            do {
                try FileSystem.createDirectory(source, mode: mode)
                if owned, chown(source, owner, owner) != 0 { throw FileSystem.Failure(operation: "chown", path: source, code: errno) }
            } catch {
                throw .create("cannot create the pod's \(target): \(error)")
            }
            directories.append(BindMount(source: source, target: target, readOnly: false, isFile: false))
        }
        try add("tmp", target: "/tmp", mode: 0o1777, owned: false)
        try add("var-tmp", target: "/var/tmp", mode: 0o1777, owned: false)
        try add("shm", target: "/dev/shm", mode: 0o1777, owned: false)
        try add("home", target: configuration.home, mode: 0o700, owned: true)
        return directories
    }

    /// Setup failed: every container shows why (as `state.waiting`), and the pod fails.
    private func finish(failedWith error: ContainerStartError) async {
        await tracker.update { status in
            let waiting = ContainerState.waiting(reason: error.reason, message: error.message)
            for index in status.initContainerStatuses.indices { status.initContainerStatuses[index].state = waiting }
            for index in status.containerStatuses.indices { status.containerStatuses[index].state = waiting }
            status.phase = .failed
            status.message = error.message
        }
    }

    /// Runs a container until it succeeds; restarts it after a back-off when the pod's
    /// `restartPolicy` is `OnFailure`. Returns whether it succeeded.
    private func runContainer(_ container: Container, slot: ContainerSlot, prepared: Prepared) async -> Bool {
        var restarts = 0
        while !cancellation.isCancelled {
            let outcome: ExitStatus
            do {
                outcome = try await start(container, slot: slot, prepared: prepared)
            } catch {
                executor.logger.info("container could not start", metadata: [
                    "pod": "\(identity)", "container": "\(container.name)", "reason": "\(error.reason)", "message": "\(error.message)",
                ])
                await tracker.setState(slot, .waiting(reason: error.reason, message: error.message))
                return false
            }
            if outcome.code == 0 { return true }
            guard spec.restartsOnFailure, !cancellation.isCancelled else { return false }
            restarts += 1
            let delay = configuration.restartBackoff.delay(afterFailures: restarts)
            let message = "back-off \(delay) restarting failed container=\(container.name) pod=\(identity.name)_\(identity.namespace)(\(identity.uid))"
            await tracker.update { status in
                status.modifyContainer(slot) { container in
                    container.lastState = container.state
                    container.state = .waiting(reason: "CrashLoopBackOff", message: message)
                }
            }
            await cancellation.sleep(for: delay)
            guard !cancellation.isCancelled else { return false }
            let count = restarts
            await tracker.update { status in status.modifyContainer(slot) { $0.restartCount = count } }
        }
        return false
    }

    /// Starts the container once and waits for it; its output goes to the log sink before its
    /// terminated state is reported, so a reader who sees the state also sees all the output.
    private func start(_ container: Container, slot: ContainerSlot, prepared: Prepared) async throws(ContainerStartError) -> ExitStatus {
        let image: ImageMap.Entry
        do {
            image = try executor.images.entry(for: container.image ?? "")
        } catch {
            throw ContainerStartError(reason: "ErrImagePull", message: error.description)
        }
        var environment = try await EnvironmentResolver(source: executor.dataSource, fields: prepared.fields)
            .resolve(container, base: prepared.environment)
        if let path = image.path, !path.isEmpty {
            environment["PATH"] = path + ":" + (environment["PATH"] ?? PodExecutor.defaultPath)
        }
        let command: ContainerCommand
        do {
            command = try ContainerCommand.resolve(command: container.command, args: container.args, image: image, environment: environment)
        } catch {
            throw .create("no command specified: the container has no command, and image \"\(container.image ?? "")\" has none in the image map")
        }
        let mounts = try bindMounts(container, prepared: prepared, environment: environment)
        if let program = configuration.inProcessPrograms.first(where: { command.argv.starts(with: $0.commandPrefix) }) {
            return await runInProcess(program, container: container, slot: slot, arguments: Array(command.argv.dropFirst(program.commandPrefix.count)),
                                      environment: environment, mounts: mounts)
        }
        let workingDirectory = container.workingDir.flatMap { $0.isEmpty ? nil : $0 } ?? image.workingDir ?? "/"
        let lifeline = ContainerLifeline.shared
        // A volume mounted at /tmp (or the home) takes the place of the pod's own directory.
        let privateDirectories = prepared.privateDirectories.filter { own in !mounts.contains { $0.target == own.target } }
        let view = ContainerView(
            mounts: mounts + Self.imageMounts(image, program: command.argv.first, coveredBy: privateDirectories,
                                              hidden: [configuration.workDirectory] + configuration.hiddenPaths),
            workingDirectory: workingDirectory,
            privateDirectories: privateDirectories,
            hiddenPaths: [configuration.workDirectory] + configuration.hiddenPaths,
            user: prepared.hostID.map { ContainerUser(pod: spec.securityContext, container: container.securityContext, hostID: $0) },
            watchesLifeline: lifeline != nil)
        let script = MountScript.render(view, namespace: executor.mountNamespace)
        let argv = executor.mountNamespace.argv(script: script, program: command.argv)

        let process: ChildProcess
        let reader: OutputReader
        do {
            let channel = try ChildProcess.makeOutputChannel()
            do {
                // A process group of its own: stopping the container reaches everything it started.
                process = try ChildProcess.spawn(argv, environment: environment, stdoutFD: channel.write, stderrFD: channel.write,
                                                 ownProcessGroup: true, inheritedFD: lifeline?.containerEnd)
            } catch {
                close(channel.read)
                close(channel.write)
                throw error
            }
            close(channel.write)
            reader = OutputReader(fd: channel.read)
        } catch {
            throw .create("\(error)")
        }
        let startedAt = PodStatusTracker.now()
        let containerID = "process://\(process.pid)"
        executor.logger.debug("container started", metadata: [
            "pod": "\(identity)", "container": "\(container.name)", "pid": "\(process.pid)", "command": "\(command.argv.first ?? "")",
        ])
        await tracker.setState(slot, .running(startedAt: startedAt), containerID: containerID)
        let grace = gracePeriod
        let handler = cancellation.onCancel { process.terminate(gracePeriod: grace) }

        async let output = Self.forward(reader, to: executor.logSink, pod: identity, container: container.name)
        let records = configuration.processRecords
        records?.add(process.pid)
        let status = await process.wait()
        records?.remove(process.pid)
        cancellation.removeHandler(handler)
        // Close the log when the process group has gone and the output has not, so one escaped
        // process cannot keep the container "running".
        let drainSeconds = Double(Self.outputDrainTimeout.components.seconds)
        DispatchQueue.global().asyncAfter(deadline: .now() + drainSeconds) { reader.stop() }
        let tail = await output
        let termination = ContainerTermination(
            exitCode: status.code, signal: status.signal, reason: status.code == 0 ? "Completed" : "Error",
            message: status.code == 0 ? nil : tail.message, startedAt: startedAt, finishedAt: PodStatusTracker.now(),
            containerID: containerID)
        await tracker.setState(slot, .terminated(termination))
        return status
    }

    /// Runs a container's program in this process (``InProcessProgram``), with the same statuses
    /// and log as a process.
    private func runInProcess(_ program: InProcessProgram, container: Container, slot: ContainerSlot, arguments: [String],
                              environment: [String: String], mounts: [BindMount]) async -> ExitStatus {
        let startedAt = PodStatusTracker.now()
        let containerID = "process://\(getpid())"
        await tracker.setState(slot, .running(startedAt: startedAt), containerID: containerID)
        let output = InProcessOutput()
        let sink = executor.logSink, pod = identity, name = container.name
        let invocation = InProcessContainer(
            client: configuration.inProcessClient, arguments: arguments, environment: environment, pod: identity, serviceAccount: spec.effectiveServiceAccountName,
            mounts: Dictionary(mounts.map { ($0.target, $0.source) }, uniquingKeysWith: { _, last in last }),
            log: { line in
                let bytes = Array((line.hasSuffix("\n") ? line : line + "\n").utf8)
                output.append(bytes)
                await sink.append(bytes, pod: pod, container: name)
            })
        let code = await program.run(invocation)
        let termination = ContainerTermination(
            exitCode: code, signal: nil, reason: code == 0 ? "Completed" : "Error",
            message: code == 0 ? nil : output.tail.message, startedAt: startedAt, finishedAt: PodStatusTracker.now(),
            containerID: containerID)
        await tracker.setState(slot, .terminated(termination))
        return ExitStatus(code: code, signal: nil)
    }

    /// Hands each batch of output to the sink, in order, keeping the tail for the termination message.
    private static func forward(_ reader: OutputReader, to sink: any ContainerLogSink, pod: PodIdentity, container: String) async -> OutputTail {
        var tail = OutputTail()
        while let batch = await reader.handoff.next() {
            tail.append(batch)
            await sink.append(batch, pod: pod, container: container)
        }
        return tail
    }

    /// The image map's programs are the container's image: the directories of its `path` and of
    /// its program stay visible, read-only, where the pod's own `/tmp` or home would cover them.
    /// Never inside a hidden path: programs do not belong in the platform's data directory.
    static func imageMounts(_ image: ImageMap.Entry, program: String?, coveredBy privateDirectories: [BindMount],
                            hidden: [String]) -> [BindMount] {
        var directories = (image.path ?? "").split(separator: ":").map(String.init)
        if let program, program.hasPrefix("/") { directories.append(FileSystem.parent(of: program)) }
        var mounts: [BindMount] = []
        for directory in directories where directory.hasPrefix("/") && directory != "/" {
            guard privateDirectories.contains(where: { MountScript.isSameOrBelow(directory, $0.target) }),
                  !hidden.contains(where: { MountScript.isSameOrBelow(directory, $0) }),
                  FileSystem.kind(of: directory) == .directory,
                  !mounts.contains(where: { $0.target == directory }) else { continue }
            mounts.append(BindMount(source: directory, target: directory, readOnly: true, isFile: false))
        }
        return mounts
    }

    /// `kube-api-access-xxxxx`: the projected volume the ServiceAccount admission plugin adds.
    static func isAdmissionTokenVolume(_ name: String) -> Bool { name.hasPrefix("kube-api-access-") }

    /// The container's volume mounts as bind mounts, plus the service account directory.
    private func bindMounts(_ container: Container, prepared: Prepared, environment: [String: String]) throws(ContainerStartError) -> [BindMount] {
        var mounts: [BindMount] = []
        for mount in container.volumeMounts ?? [] {
            if prepared.serviceAccount != nil, Self.isAdmissionTokenVolume(mount.name), mount.mountPath == ServiceAccountFiles.mountPath { continue }
            guard let volume = prepared.volumes[mount.name] else {
                throw .config("volume \"\(mount.name)\" of mount \(mount.mountPath) is not a volume of the pod")
            }
            guard mount.mountPath.hasPrefix("/") else {
                throw .config("mountPath \(mount.mountPath) must be absolute")
            }
            var source = volume.hostPath
            var subPath = mount.subPath ?? ""
            if let expression = mount.subPathExpr, !expression.isEmpty {
                subPath = VariableExpansion.expand(expression) { environment[$0] }
            }
            if !subPath.isEmpty {
                guard FileSystem.isContainedRelativePath(subPath) else {
                    throw .config("subPath \(subPath) of volume \"\(mount.name)\" must be a relative path without '..'")
                }
                source += "/" + subPath
                if FileSystem.kind(of: source) == nil {
                    guard volume.createsSubPaths else {
                        throw .config("subPath \(subPath) does not exist in volume \"\(mount.name)\"")
                    }
                    do {
                        try FileSystem.createDirectory(source, mode: 0o777)
                    } catch {
                        throw .create("cannot create subPath \(subPath) in volume \"\(mount.name)\": \(error)")
                    }
                }
            }
            mounts.append(BindMount(
                source: source, target: mount.mountPath, readOnly: mount.readOnly == true || volume.alwaysReadOnly,
                isFile: FileSystem.kind(of: source).map { $0 != .directory } ?? false))
        }
        if let serviceAccount = prepared.serviceAccount, !mounts.contains(where: { $0.target == ServiceAccountFiles.mountPath }) {
            mounts.append(BindMount(source: serviceAccount.directory, target: ServiceAccountFiles.mountPath, readOnly: true, isFile: false))
        }
        return mounts
    }
}
