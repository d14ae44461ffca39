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
                entries.append(Entry(
                    image: raw.image, command: raw.command ?? [], args: raw.args ?? [], path: raw.path,
                    workingDir: raw.workingDir, commands: raw.commands ?? [:]))
            }
        }
        self.init(entries: entries)
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
