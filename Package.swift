// swift-tools-version: 6.1
// Kratix for Swift: a Kubernetes controller for platform engineering.
//
// Modules are layered; each depends only on the ones below it (see docs/ARCHITECTURE.md):
//   KubeModel -> KubeClient -> KubeRuntime -> KratixAPI -> KratixStateStore -> KratixControllers
//   -> KratixCLI -> kratix (executable); KubeAPIServer and KratixJobRunner beside them
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kratix-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kratix", targets: ["kratix"]),
        .library(name: "KubeModel", targets: ["KubeModel"]),
        .library(name: "KratixAPI", targets: ["KratixAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        // OpenTelemetry export of traces and metrics (the `telemetry` section of the kratix config).
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // Tests only: random hostile query parameters (HostileParameterPropertyTests).
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "KubeModel",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "KratixAPI",
            dependencies: ["KubeModel", "CZlib"],
            swiftSettings: strictSettings
        ),
        .target(name: "CSpawn"),
        .target(
            name: "ChildProcesses",
            dependencies: ["CSpawn"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "HTTPServing",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KubeAPIServer",
            dependencies: [
                "KubeModel",
                "HTTPServing",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Calls admission webhooks over HTTPS as kube-apiserver does.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KubeClient",
            dependencies: [
                "KubeModel",
                "ChildProcesses",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KubeRuntime",
            dependencies: [
                "KubeModel",
                "KubeClient",
                "HTTPServing",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixJobRunner",
            dependencies: [
                "ChildProcesses",
                "KubeModel",
                "KubeClient",
                "KubeRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixControllers",
            dependencies: [
                "KubeModel",
                "KratixAPI",
                "KratixStateStore",
                "KubeClient",
                "KubeRuntime",
                "KratixTelemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixPipelineAdapter",
            dependencies: [
                "KubeModel", "KratixAPI", "KubeClient", "KratixTelemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixStateStore",
            dependencies: [
                "ChildProcesses",
                "KubeModel",
                "KratixAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        // Traces and counters Kratix records (upstream's names), through swift-distributed-tracing and
        // swift-metrics; the OTLP backends are bootstrapped by the CLI.
        .target(
            name: "KratixTelemetry",
            dependencies: [
                "KubeModel",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixTerraform",
            dependencies: ["ChildProcesses", "KubeModel", "KratixAPI"],
            swiftSettings: strictSettings
        ),
        // The Promise author's tools of kratix-cli: init, add, update, build, platform get, plugins,
        // and the pipeline stages those Promises run.
        .target(
            name: "KratixAuthoring",
            dependencies: ["ChildProcesses", "KubeModel", "KubeClient", "KratixAPI", "KratixTerraform"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixWebhooks",
            dependencies: [
                "HTTPServing",
                "KubeModel",
                "KubeClient",
                "KubeRuntime",
                "KratixAPI",
                "KratixControllers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixCLI",
            dependencies: [
                "KratixWebhooks",
                "ChildProcesses",
                "KubeModel",
                "KratixAPI",
                "KratixPipelineAdapter",
                "KubeAPIServer",
                "KratixStateStore",
                "KratixTerraform",
                "KratixAuthoring",
                "KubeClient",
                "KubeRuntime",
                "KratixJobRunner",
                "KratixControllers",
                "KratixTelemetry",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "kratix",
            dependencies: ["KratixCLI"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KratixTestSupport",
            dependencies: ["ChildProcesses", "KubeAPIServer", "KubeModel"],
            path: "Tests/KratixTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ChildProcessesTests",
            dependencies: ["ChildProcesses"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KubeModelTests",
            dependencies: ["KubeModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixAPITests",
            dependencies: ["KratixTestSupport", "KratixAPI", "KubeModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixStateStoreTests",
            dependencies: ["ChildProcesses", "KratixTestSupport", "KratixStateStore", "KratixAPI", "KubeModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixTelemetryTests",
            dependencies: ["KratixTelemetry"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixAuthoringTests",
            dependencies: ["ChildProcesses", "KratixTestSupport", "KratixAuthoring", "KratixAPI", "KubeModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixTerraformTests",
            dependencies: ["ChildProcesses", "KratixTestSupport", "KratixTerraform", "KratixAPI", "KubeModel"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KubeAPIServerTests",
            dependencies: [
                "ChildProcesses", "KratixTestSupport", "KubeAPIServer", "KubeModel", "KratixAPI",
                // The admission webhook tests serve a webhook over HTTPS.
                "HTTPServing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["KratixTestSupport", "KubeClient", "KubeModel", "KubeAPIServer", "HTTPServing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KubeRuntimeTests",
            dependencies: [
                "KratixTestSupport", "KubeRuntime", "KubeClient", "KubeModel", "KubeAPIServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixJobRunnerTests",
            dependencies: ["ChildProcesses", "KratixTestSupport", "KratixJobRunner", "KubeRuntime", "KubeClient", "KubeModel", "KubeAPIServer"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixControllersTests",
            dependencies: [
                "KratixTestSupport", "KratixControllers", "KratixPipelineAdapter", "KratixCLI", "KratixAPI", "KratixStateStore", "KratixJobRunner",
                "KratixWebhooks",
                "KubeRuntime", "KubeClient", "KubeModel", "KubeAPIServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["EndToEnd/images"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixWebhooksTests",
            dependencies: ["ChildProcesses", "KratixTestSupport", "KratixWebhooks", "KratixControllers", "KratixAPI", "KubeClient", "KubeModel",
                           "KubeRuntime", "KubeAPIServer", "HTTPServing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KratixCLITests",
            // Depends on the executable so tests can run the real `kratix` binary beside them.
            dependencies: ["ChildProcesses", "KratixTestSupport", "KratixCLI", "KratixAPI", "KratixWebhooks", "KubeModel", "kratix"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "kratix-bench",
            dependencies: [
                "ChildProcesses", "KubeModel", "KratixAPI", "KubeAPIServer", "KratixStateStore", "KubeClient", "KubeRuntime",
                // The `platform` section assembles the `kratix dev` parts itself.
                "KratixControllers", "KratixJobRunner", "KratixPipelineAdapter", "KratixCLI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/kratix-bench",
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
