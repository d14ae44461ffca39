/// What `kratix init tf-module-promise` was asked for, after the module has been read.
public struct TFModulePromiseOptions: Sendable, Equatable {
    public var name: String
    public var moduleSource: String
    public var moduleRegistryVersion: String?
    public var group: String
    public var kind: String
    /// The CRD version.
    public var version: String
    public var plural: String
    public var split: Bool
    /// Output names from `outputs.tf`; empty unless `--generate-outputs` found some.
    public var outputNames: [String]
    /// Provider files copied from the module into the dependencies container (name, contents).
    public var providerFiles: [ProviderFile]
    /// The command line recorded in the README.
    public var commandLine: String

    public init(
        name: String, moduleSource: String, moduleRegistryVersion: String? = nil, group: String, kind: String,
        version: String = "v1alpha1", plural: String? = nil, split: Bool = false, outputNames: [String] = [],
        providerFiles: [ProviderFile] = [], commandLine: String? = nil
    ) {
        self.name = name
        self.moduleSource = moduleSource
        self.moduleRegistryVersion = moduleRegistryVersion
        self.group = group
        self.kind = kind
        self.version = version
        self.plural = plural ?? kind.lowercased() + "s"
        self.split = split
        self.outputNames = outputNames
        self.providerFiles = providerFiles
        var line = "kratix init tf-module-promise \(name) --module-source \(moduleSource)"
        if let moduleRegistryVersion { line += " --module-registry-version \(moduleRegistryVersion)" }
        if !outputNames.isEmpty { line += " --generate-outputs" }
        line += " --group \(group) --kind \(kind)"
        self.commandLine = commandLine ?? line
    }

    public struct ProviderFile: Sendable, Equatable {
        public var name: String
        public var contents: String

        public init(name: String, contents: String) {
            self.name = name
            self.contents = contents
        }
    }
}
