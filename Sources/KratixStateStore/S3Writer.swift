import Crypto
import Foundation

/// A ``StateStoreWriter`` for an S3-compatible bucket (AWS, MinIO, moto).
///
/// S3 has no transactions: an update uploads first and deletes last, so a failure part-way leaves
/// the old files plus some new ones, never a missing file; the controller's retry completes it.
/// Objects whose ETag already equals the MD5 of the new content are not uploaded again.
public struct S3Writer: StateStoreWriter {
    public let configuration: S3WriterConfiguration
    public let client: S3Client

    public init(_ configuration: S3WriterConfiguration) {
        self.configuration = configuration
        self.client = S3Client(endpoint: configuration.endpoint, bucket: configuration.bucket,
                               credentials: configuration.credentials, useTLS: configuration.useTLS,
                               region: configuration.region, addressing: configuration.addressing)
    }

    /// Object key for a store-relative path: `filepath.Join(S, path)`. A leading `/` is kept, as
    /// upstream keeps it (spec §7.1).
    func key(_ parts: String...) -> String {
        let joined = StorePath.join([configuration.storePath] + parts)
        return joined == "." ? "" : joined
    }

    public func update(_ update: StateStoreUpdate) async throws(StateStoreError) -> WriteResult {
        let directory = try StorePath.validatedStorePath(update.directory, field: "directory")
        _ = try StorePath.validatedStorePath(configuration.storePath, field: "spec.path")
        var uploads: [(key: String, content: [UInt8], md5: String)] = []
        var index: [String: Int] = [:]
        for file in update.files {
            let relative = try StorePath.validatedRelativeFile(file.path)
            let k = key(directory, relative)
            let md5 = SigV4Signer.hex(Insecure.MD5.hash(data: file.content))
            if let i = index[k] { uploads[i] = (k, file.content, md5) } else {
                index[k] = uploads.count
                uploads.append((k, file.content, md5))
            }
        }
        var deletionKeys: [String] = []
        for path in update.deletions {
            let cleaned = try StorePath.validatedStorePath(path, field: "deletion")
            deletionKeys.append(key(cleaned))
        }
        let base = key(directory)
        if update.replaceDirectory && base.isEmpty && update.files.isEmpty {
            throw StateStoreError(.unsafePath(path: update.directory, reason: "refusing to delete the whole state store"))
        }

        // What is there now.
        var existing: [String: String] = [:]
        if update.replaceDirectory {
            for object in try await client.listObjects(prefix: base.isEmpty ? "" : base + "/") {
                existing[object.key] = object.eTag
            }
        } else {
            let client = self.client
            let etags = try await boundedMap(uploads.map(\.key)) { k throws(StateStoreError) in try await client.headObject(k) }
            for (k, etag) in zip(uploads.map(\.key), etags) { if let etag { existing[k] = etag } }
        }

        // Uploads first; remember version ids in file order for the version hash.
        let toPut = uploads.filter { existing[$0.key]?.lowercased() != $0.md5 }
        let client = self.client
        let versions = try await boundedMap(toPut) { item throws(StateStoreError) in
            try await client.putObject(item.key, item.content, contentType: S3Writer.contentType(item.key)).versionID
        }

        // Deletions last.
        var toDelete: [String] = []
        if update.replaceDirectory {
            let keep = Set(uploads.map(\.key))
            toDelete = existing.keys.filter { !keep.contains($0) }.sorted()
        }
        if !deletionKeys.isEmpty {
            let present = try await boundedMap(deletionKeys) { k throws(StateStoreError) in try await client.headObject(k) }
            let keep = Set(uploads.map(\.key))
            toDelete += zip(deletionKeys, present).filter { $0.1 != nil && !keep.contains($0.0) }.map(\.0)
        }
        if !toDelete.isEmpty { try await client.deleteObjects(toDelete) }

        var versionID = ""
        if !versions.isEmpty {
            var hasher = SHA256()
            for v in versions { hasher.update(data: Array(v.utf8)) }
            versionID = SigV4Signer.hex(hasher.finalize())
        }
        return WriteResult(versionID: versionID, changed: !toPut.isEmpty || !toDelete.isEmpty)
    }

    public func readFile(_ path: String) async throws(StateStoreError) -> [UInt8]? {
        let cleaned = try StorePath.validatedStorePath(path, field: "path")
        return try await client.getObject(key(cleaned))
    }

    public func validatePermissions() async throws(StateStoreError) {
        do {
            try await client.checkWriteAccess(key: key(".kratix-write-permission-check"))
        } catch {
            if error.isAuthenticationFailure { throw error }
            throw StateStoreError(.permissionValidationFailed(error.description))
        }
    }

    static func contentType(_ key: String) -> String {
        if key.hasSuffix(".yaml") || key.hasSuffix(".yml") { return "application/yaml" }
        if key.hasSuffix(".json") { return "application/json" }
        return "application/octet-stream"
    }

    /// Runs `body` over `items` with at most `configuration.concurrency` in flight; results keep
    /// the input order; the first error wins.
    private func boundedMap<T: Sendable, R: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) async throws(StateStoreError) -> R) async throws(StateStoreError) -> [R] {
        if items.isEmpty { return [] }
        let limit = configuration.concurrency
        let outcome: Result<[R], StateStoreError> = await withTaskGroup(of: (Int, Result<R, StateStoreError>).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0
            func start() {
                let i = next
                let item = items[i]
                group.addTask {
                    do throws(StateStoreError) { return (i, .success(try await body(item))) } catch { return (i, .failure(error)) }
                }
                next += 1
            }
            while next < min(limit, items.count) { start() }
            var failure: StateStoreError?
            for await (i, result) in group {
                switch result {
                case .success(let r): results[i] = r
                case .failure(let e): if failure == nil { failure = e }
                }
                if failure == nil && next < items.count { start() }
            }
            if let failure { return .failure(failure) }
            return .success(results.map { $0! })
        }
        return try outcome.get()
    }
}
