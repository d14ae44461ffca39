import Foundation

/// A pod volume as a directory (or file) on this machine, ready to be bind-mounted.
struct PreparedVolume: Sendable, Equatable {
    var hostPath: String
    /// Secret, ConfigMap, projected and downward API volumes are read-only, as on a kubelet.
    var alwaysReadOnly: Bool
    /// `subPath`s that do not exist are created (emptyDir, hostPath), as the kubelet does.
    var createsSubPaths: Bool
}

/// Turns a pod's volumes into host directories under its pod directory: an `emptyDir` is an empty
/// directory of the pod, `secret`/`configMap`/`projected`/`downwardAPI` are directories of files
/// (one per key, `items`, `path` and modes honoured), and a `hostPath` is used as it is.
struct PodVolumes: Sendable {
    var podDirectory: String
    var fields: PodFieldValues
    var source: any PodDataSource
    /// A confined pod's host id: it owns the files of Secret, ConfigMap and projected volumes, so a
    /// key mode such as 0400 still lets the container's user read them.
    var fileOwner: UInt32?

    static let supportedTypes = "emptyDir, secret, configMap, projected, downwardAPI, hostPath"

    func prepare(_ volumes: [Volume]) async throws(ContainerStartError) -> [String: PreparedVolume] {
        var cache = ReferenceCache(source: source, namespace: fields.namespace)
        var prepared: [String: PreparedVolume] = [:]
        for volume in volumes {
            do {
                prepared[volume.name] = try await prepare(volume, cache: &cache)
            } catch {
                throw ContainerStartError(reason: error.reason, message: "MountVolume.SetUp failed for volume \"\(volume.name)\": \(error.message)")
            }
        }
        return prepared
    }

    private func directory(for volume: Volume) throws(ContainerStartError) -> String {
        let path = podDirectory + "/volumes/" + volume.name
        do {
            try FileSystem.createDirectory(path, mode: 0o777)
        } catch {
            throw .create("\(error)")
        }
        return path
    }

    private func prepare(_ volume: Volume, cache: inout ReferenceCache) async throws(ContainerStartError) -> PreparedVolume {
        if volume.emptyDir != nil {
            return PreparedVolume(hostPath: try directory(for: volume), alwaysReadOnly: false, createsSubPaths: true)
        }
        if let hostPath = volume.hostPath {
            try Self.checkHostPath(hostPath)
            return PreparedVolume(hostPath: hostPath.path, alwaysReadOnly: false, createsSubPaths: true)
        }
        var files: [(path: String, content: [UInt8], mode: Int)] = []
        if let secret = volume.secret {
            let name = secret.secretName ?? ""
            files = try Self.keyFiles(
                try await cache.secret(name), kind: "Secret", name: name, namespace: fields.namespace, items: secret.items,
                optional: secret.optional ?? false, defaultMode: secret.defaultMode ?? 0o644)
        } else if let configMap = volume.configMap {
            let name = configMap.name ?? ""
            files = try Self.keyFiles(
                try await cache.configMap(name), kind: "ConfigMap", name: name, namespace: fields.namespace, items: configMap.items,
                optional: configMap.optional ?? false, defaultMode: configMap.defaultMode ?? 0o644)
        } else if let downward = volume.downwardAPI {
            files = try downwardFiles(downward.items ?? [], defaultMode: downward.defaultMode ?? 0o644)
        } else if let projected = volume.projected {
            let mode = projected.defaultMode ?? 0o644
            for projection in projected.sources ?? [] {
                if let secret = projection.secret {
                    let name = secret.name ?? ""
                    files += try Self.keyFiles(
                        try await cache.secret(name), kind: "Secret", name: name, namespace: fields.namespace, items: secret.items,
                        optional: secret.optional ?? false, defaultMode: mode)
                } else if let configMap = projection.configMap {
                    let name = configMap.name ?? ""
                    files += try Self.keyFiles(
                        try await cache.configMap(name), kind: "ConfigMap", name: name, namespace: fields.namespace, items: configMap.items,
                        optional: configMap.optional ?? false, defaultMode: mode)
                } else if let token = projection.serviceAccountToken {
                    let value: String
                    do {
                        value = try await source.serviceAccountToken(
                            namespace: fields.namespace, serviceAccount: fields.serviceAccountName,
                            audiences: token.audience.map { [$0] } ?? [], expirationSeconds: token.expirationSeconds ?? 3600)
                    } catch {
                        throw .config("cannot get a token for service account \"\(fields.serviceAccountName)\": \(error)")
                    }
                    files.append((token.path, Array(value.utf8), mode))
                } else if let downward = projection.downwardAPI {
                    files += try downwardFiles(downward.items ?? [], defaultMode: mode)
                } else {
                    let kind = projection.unknownFields.members.keys.first ?? "(empty)"
                    throw .config("projected source \(kind) is not supported by the runner")
                }
            }
        } else {
            let kind = volume.unknownFields.members.keys.first ?? "(none)"
            throw .config("volume type \(kind) is not supported by the runner (supported: \(Self.supportedTypes))")
        }
        let directory = try directory(for: volume)
        for file in files {
            guard FileSystem.isContainedRelativePath(file.path) else {
                throw .config("invalid path \"\(file.path)\": must be relative and must not contain '..'")
            }
            let target = directory + "/" + file.path
            do {
                try FileSystem.createDirectory(FileSystem.parent(of: target), mode: 0o755)
                try FileSystem.writeFile(target, file.content, mode: mode_t(file.mode), owner: fileOwner)
            } catch {
                throw .create("\(error)")
            }
        }
        return PreparedVolume(hostPath: directory, alwaysReadOnly: true, createsSubPaths: false)
    }

    /// One file per key, or per listed item, of a Secret's or ConfigMap's data.
    private static func keyFiles(
        _ data: [String: [UInt8]]?, kind: String, name: String, namespace: String, items: [KeyToPath]?,
        optional: Bool, defaultMode: Int
    ) throws(ContainerStartError) -> [(path: String, content: [UInt8], mode: Int)] {
        guard let data else {
            if optional { return [] }
            throw .config("\(kind.lowercased()) \"\(name)\" not found")
        }
        guard let items, !items.isEmpty else {
            return data.keys.sorted().map { ($0, data[$0] ?? [], defaultMode) }
        }
        var files: [(path: String, content: [UInt8], mode: Int)] = []
        for item in items {
            guard let content = data[item.key] else {
                if optional { continue }
                throw .config("couldn't find key \(item.key) in \(kind) \(namespace)/\(name)")
            }
            files.append((item.path, content, item.mode ?? defaultMode))
        }
        return files
    }

    private func downwardFiles(_ items: [DownwardAPIFile], defaultMode: Int) throws(ContainerStartError) -> [(path: String, content: [UInt8], mode: Int)] {
        var files: [(path: String, content: [UInt8], mode: Int)] = []
        for item in items {
            guard let field = item.fieldRef else {
                throw .config("downwardAPI item \(item.path): only fieldRef is supported by the runner")
            }
            files.append((item.path, Array(try fields.value(field.fieldPath, inVolume: true).utf8), item.mode ?? defaultMode))
        }
        return files
    }

    /// The `type` checks and creations of a hostPath volume.
    private static func checkHostPath(_ source: HostPathSource) throws(ContainerStartError) {
        let path = source.path
        guard path.hasPrefix("/") else { throw .config("hostPath \(path) must be absolute") }
        let existing = FileSystem.kind(of: path)
        func require(_ kind: FileSystem.Kind, _ name: String) throws(ContainerStartError) {
            guard existing == kind else { throw .config("hostPath type check failed: \(path) is not a \(name)") }
        }
        do {
            switch source.type ?? "" {
            case "":
                return
            case "DirectoryOrCreate":
                if existing == nil { try FileSystem.createDirectory(path, mode: 0o755) }
            case "FileOrCreate":
                if existing == nil {
                    try FileSystem.createDirectory(FileSystem.parent(of: path), mode: 0o755)
                    try FileSystem.writeFile(path, [], mode: 0o644)
                }
            case "Directory": try require(.directory, "directory")
            case "File": try require(.file, "file")
            case "Socket": try require(.socket, "socket")
            case "CharDevice": try require(.characterDevice, "character device")
            case "BlockDevice": try require(.blockDevice, "block device")
            default:
                throw ContainerStartError.config("hostPath type \(source.type ?? "") is not supported")
            }
        } catch let error as ContainerStartError {
            throw error
        } catch {
            throw .create("\(error)")
        }
    }
}
