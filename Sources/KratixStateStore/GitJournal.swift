import Foundation

/// The durable list of batches that were (or are about to be) committed locally but whose push
/// has not been confirmed. One JSON file per batch, written atomically; file names sort in the
/// order batches were recorded, which is the order they are replayed in.
struct GitJournal: Sendable {
    struct Entry: Sendable {
        var id: String
        var updates: [StateStoreUpdate]
    }

    let directory: String

    func record(_ updates: [StateStoreUpdate]) throws(StateStoreError) -> String {
        let id = String(format: "%020llu", UInt64(Date().timeIntervalSince1970 * 1_000_000)) + "-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(updates.map(Record.init))
            try data.write(to: URL(fileURLWithPath: "\(directory)/\(id).json"), options: .atomic)
        } catch {
            throw StateStoreError(.io(path: directory, detail: "cannot journal the pending write: \(error)"))
        }
        return id
    }

    func load() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: "\(directory)/\(name)"),
                  let records = try? JSONDecoder().decode([Record].self, from: data) else { return nil }
            return Entry(id: String(name.dropLast(5)), updates: records.map(\.update))
        }
    }

    func remove(_ id: String) {
        try? FileManager.default.removeItem(atPath: "\(directory)/\(id).json")
    }

    private struct Record: Codable {
        struct File: Codable { var path: String; var content: Data }
        var name: String
        var directory: String
        var replaceDirectory: Bool
        var files: [File]
        var deletions: [String]

        init(_ u: StateStoreUpdate) {
            name = u.name
            directory = u.directory
            replaceDirectory = u.replaceDirectory
            files = u.files.map { File(path: $0.path, content: Data($0.content)) }
            deletions = u.deletions
        }

        var update: StateStoreUpdate {
            StateStoreUpdate(name: name, directory: directory, replaceDirectory: replaceDirectory,
                             files: files.map { StateStoreFile(path: $0.path, content: [UInt8]($0.content)) },
                             deletions: deletions)
        }
    }
}
