import KubeModel

/// `kratix update destination-selector KEY=VALUE | KEY-` (§5.9), on `promise.yaml` only.
public struct DestinationSelectorUpdater: Sendable {
    public var directory: PromiseDirectory
    public var argument: String

    public init(directory: String, argument: String) {
        self.directory = PromiseDirectory(directory)
        self.argument = argument
    }

    public func run() throws(AuthoringError) -> [String] {
        var promise: JSONValue
        do {
            promise = try directory.document("promise.yaml")
        } catch {
            throw AuthoringError("failed to find promise.yaml in directory: \(error)")
        }
        var selectors = promise[path: ["spec", "destinationSelectors"]]?.arrayValue ?? []
        let parts = argument.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 {
            if selectors.isEmpty { selectors = [["matchLabels": .object([:])]] }
            var labels = selectors[0]["matchLabels"]?.objectValue ?? [:]
            labels[parts[0]] = .string(parts[1])
            selectors[0]["matchLabels"] = .object(labels)
        } else {
            guard argument.hasSuffix("-") else { throw AuthoringError("invalid destination key: \(argument)") }
            var key = Substring(argument)
            while key.hasSuffix("-") { key.removeLast() }
            if !selectors.isEmpty, var labels = selectors[0]["matchLabels"]?.objectValue {
                labels.removeValue(forKey: String(key))
                selectors[0]["matchLabels"] = .object(labels)
            }
        }
        promise[path: ["spec", "destinationSelectors"]] = .array(selectors)
        try directory.write("promise.yaml", GoYAML.marshal(GoTypedShape.promise(promise)))
        return ["Promise destination selector updated"]
    }
}
