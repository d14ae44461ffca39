import KubeModel

extension ImageMap {
    /// Reads the image map format of `kratix runner --images` (see docs: `images:` list of
    /// `image`, `command`, `args`, `path`, `workingDir`, and optionally `commands`).
    ///
    /// Decoding is strict, so a misspelt key is reported with its field path instead of silently
    /// leaving an image unmapped.
    public init(yaml text: String, source: String? = nil) throws(ModelError) {
        let documents = try YAMLReader.documents(in: text, source: source)
        var entries: [Entry] = []
        for document in documents {
            let file: File
            do {
                file = try JSONValueDecoder(strict: true).decode(File.self, from: document.value)
            } catch {
                throw error.located(source: source, documentIndex: document.index)
            }
            for (index, raw) in (file.images ?? []).enumerated() {
                guard !raw.image.trimmingWhitespace().isEmpty else {
                    throw ModelError(.invalidValue(field: "images[\(index)].image", value: raw.image, reason: "must not be empty"),
                                     source: source, documentIndex: document.index)
                }
                var command = raw.command ?? []
                if let program = command.first { command[0] = Self.resolve(program, against: source, onlyWithSlash: true) }
                entries.append(Entry(
                    image: raw.image, command: command, args: raw.args ?? [], path: raw.path.map { Self.resolve($0, against: source) },
                    workingDir: raw.workingDir, commands: raw.commands ?? [:]))
            }
        }
        self.init(entries: entries)
    }

    /// A relative `path`, or a relative `command` program with a slash in it (`stage/run.sh`, not
    /// `sh`, which is looked up on PATH), is relative to the map file's directory, so a map can ship
    /// beside the programs it names (`examples/images.yaml`).
    static func resolve(_ value: String, against source: String?, onlyWithSlash: Bool = false) -> String {
        guard let source, !value.hasPrefix("/"), !value.isEmpty, !onlyWithSlash || value.contains("/") else { return value }
        guard let slash = source.lastIndex(of: "/") else { return value }
        return String(source[..<slash]) + "/" + value
    }

    private struct File: Decodable {
        var images: [RawEntry]?
    }

    private struct RawEntry: Decodable {
        var image: String
        var command: [String]?
        var args: [String]?
        var path: String?
        var workingDir: String?
        var commands: [String: [String]]?
    }
}
