/// What runs for each container image: the runner has no container engine, so every image a Job
/// uses must be mapped to a program on this machine.
///
/// An entry names either a repository (any tag or digest matches) or an exact reference with a tag
/// or digest; an exact match wins over a repository match, and among equals the first entry wins.
public struct ImageMap: Sendable, Equatable {
    /// One image and the program that stands in for it.
    public struct Entry: Sendable, Equatable {
        /// The image as written in the map (a repository, or a reference with tag or digest).
        public var image: String
        /// The image's ENTRYPOINT: used when the container has no `command`.
        public var command: [String]
        /// The image's CMD: used when the container has neither `command` nor `args`.
        public var args: [String]
        /// Put first on `PATH`, so a container `command: ["run.sh"]` finds `run.sh` here.
        public var path: String?
        /// The image's WORKDIR: used when the container has no `workingDir`.
        public var workingDir: String?
        /// Programs inside the image that the container names in `command`, replaced by host programs
        /// (`/bin/pipeline-adapter` → `<kratix> pipeline-adapter`). The key is matched against the
        /// first word of the resolved command line.
        public var commands: [String: [String]]

        public init(
            image: String, command: [String] = [], args: [String] = [], path: String? = nil,
            workingDir: String? = nil, commands: [String: [String]] = [:]
        ) {
            self.image = image
            self.command = command
            self.args = args
            self.path = path
            self.workingDir = workingDir
            self.commands = commands
        }

        var reference: ImageReference { ImageReference(parsing: image) }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The entry for `image`: an exact reference first, else a repository entry.
    public func entry(for image: String) -> Entry? {
        let wanted = ImageReference(parsing: image)
        let exact = entries.first { entry in
            let reference = entry.reference
            guard reference.isExact, reference.repository == wanted.repository else { return false }
            if let digest = reference.digest, digest != wanted.digest { return false }
            if let tag = reference.tag, tag != wanted.effectiveTag { return false }
            return true
        }
        if let exact { return exact }
        return entries.first { !$0.reference.isExact && $0.reference.repository == wanted.repository }
    }
}
