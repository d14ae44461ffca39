import ArgumentParser

// Commands whose flags are fixed by docs/cli.md but whose implementation arrives with later work.
// They parse their flags (so scripts and manifests can be written now) and fail with a clear message.

struct ManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "manager", abstract: "Run the Kratix controller manager.")

    @Option(help: "Path to a kubeconfig (default: KUBECONFIG, ~/.kube/config, then in-cluster).") var kubeconfig: String?
    @Option(help: "The kubeconfig context to use.") var context: String?
    @Option(name: .customLong("metrics-bind-address"), help: "Address for /metrics; 0 disables.") var metricsBindAddress = ":8080"
    @Option(name: .customLong("health-probe-bind-address"), help: "Address for /healthz and /readyz.") var healthProbeBindAddress = ":8081"
    @Flag(name: .customLong("leader-elect"), help: "Use leader election so only one manager is active.") var leaderElect = false
    @Option(name: .customLong("kube-api-qps"), help: "Client-side request rate limit.") var kubeAPIQPS: Double = 5
    @Option(name: .customLong("kube-api-burst"), help: "Client-side request burst.") var kubeAPIBurst: Int = 10
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat = "json"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.") var logLevel = "info"

    func run() async throws { throw NotYetImplemented(command: "kratix manager") }
}

struct RunnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runner", abstract: "Run workflow Jobs as local processes.")

    @Option(help: "Path to a kubeconfig.") var kubeconfig: String?
    @Option(help: "The image map file.") var images: String?
    @Option(help: "Pods run at the same time.") var parallelism = 4
    @Flag(name: .customLong("all-jobs"), help: "Run every Job, not only those managed by Kratix.") var allJobs = false

    func run() async throws { throw NotYetImplemented(command: "kratix runner") }
}

struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dev", abstract: "Run the whole platform on this machine.")

    @Option(name: .customLong("data-dir"), help: "Where state, the Git state store and the kubeconfig live.") var dataDir = "./.kratix/dev"
    @Option(help: "API server port; 0 picks a free one.") var port = 0

    func run() async throws { throw NotYetImplemented(command: "kratix dev") }
}

struct PipelineAdapterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline-adapter",
        abstract: "The steps Kratix adds to every workflow Job.",
        subcommands: [Reader.self, WorkCreator.self, UpdateStatus.self])

    struct Reader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reader", abstract: "Write the object to /kratix/input/object.yaml.")
        func run() async throws { throw NotYetImplemented(command: "kratix pipeline-adapter reader") }
    }

    struct WorkCreator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "work-creator", abstract: "Turn /kratix/output into a Work.")
        @Option(name: .customLong("input-directory")) var inputDirectory: String
        @Option(name: .customLong("promise-name")) var promiseName: String
        @Option(name: .customLong("pipeline-name")) var pipelineName: String
        @Option var namespace = "kratix-platform-system"
        @Option(name: .customLong("resource-name")) var resourceName: String?
        @Option(name: .customLong("resource-namespace")) var resourceNamespace: String?
        @Option(name: .customLong("workflow-type")) var workflowType = "resource"
        func run() async throws { throw NotYetImplemented(command: "kratix pipeline-adapter work-creator") }
    }

    struct UpdateStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update-status", abstract: "Merge status.yaml into the object's status.")
        func run() async throws { throw NotYetImplemented(command: "kratix pipeline-adapter update-status") }
    }
}
