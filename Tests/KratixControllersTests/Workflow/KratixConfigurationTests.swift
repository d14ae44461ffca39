import Foundation
import KubeModel
@testable import KratixAPI
import KubeModel
import Testing
@testable import KratixControllers

@Suite struct KratixConfigurationTests {
    @Test func defaultsWithoutAConfigMap() {
        let config = KratixConfiguration()
        #expect(config.numberOfJobsToKeep == 5)
        #expect(config.reconciliationInterval == .seconds(36_000))
        #expect(config.workflows.reconcileAfterFailure)
        #expect(config.workflows.defaultBackoffLimit == nil)
        #expect(config.workflows.podTTLSecondsAfterFinished == nil)
        #expect(config.workflows.defaultImagePullPolicy == nil)
        #expect(config.workflows.defaultContainerSecurityContext == nil)
        #expect(config.workflows.defaultContainerResources == KratixConfiguration.builtInContainerResources)
        #expect(config.resourceBindingVersionStrategy == .floating)
        #expect(!config.dryRunEnabled)
        #expect(!config.selectiveCache)
        #expect(config.leaderElection.leaseDuration == .seconds(15))
        #expect(config.leaderElection.renewDeadline == .seconds(10))
        #expect(config.leaderElection.retryPeriod == .seconds(2))
        #expect(config.stateStoreReconciliationInterval == .seconds(36_000))
        #expect(config.gitMinimumFetchInterval == .seconds(5))
        #expect(config.logLevel == .info)
        #expect(config.structuredLogging)
        #expect(config.pipelineAdapter == PipelineAdapterImage(image: "ghcr.io/kratix-swift/kratix:0.1.0"))
    }

    @Test func anEmptyConfigMapSetsAnEmptySecurityContext() throws {
        let config = try KratixConfiguration(yaml: "")
        #expect(config.workflows.defaultContainerSecurityContext == .object([:]))
        #expect(config.numberOfJobsToKeep == 5)
    }

    @Test func theSystemTestConfigMap() throws {
        let configMap = try WorkflowFixtures.documents("kratix/system/assets/kratix-config.yaml")[0]
        let text = try #require(configMap["data"]?["config"]?.stringValue)
        let config = try KratixConfiguration(yaml: text)
        #expect(config.dryRunEnabled)
        #expect(config.logLevel == .debug)
        #expect(config.workflows.defaultBackoffLimit == 4)
        #expect(config.workflows.defaultContainerSecurityContext == ["windowsOptions": ["runAsUserName": "setInKratixConfig"]])
        #expect(config.warnings.isEmpty)
    }

    @Test func everyField() throws {
        let config = try KratixConfiguration(yaml: """
            numberOfJobsToKeep: 2
            reconciliationInterval: 1h30m
            resourceBindingVersionStrategy: pinned
            selectiveCache: true
            stateStoreReconciliationInterval: 20m
            controllerLeaderElection: {leaseDuration: 30s, renewDeadline: 20s, retryPeriod: 4s}
            git: {minimumFetchInterval: 10s}
            logging: {level: warn, structured: false}
            telemetry: {enabled: true}
            workflows:
              reconcileAfterFailure: false
              defaultImagePullPolicy: Always
              jobOptions: {defaultBackoffLimit: 0, podTTLSecondsAfterFinished: 300}
              defaultContainerResources: {requests: {cpu: 50m}}
            """, environment: ["PIPELINE_ADAPTER_IMG": "registry/adapter:2", "PIPELINE_ADAPTER_PULL_SECRET": "pull"])
        #expect(config.numberOfJobsToKeep == 2)
        #expect(config.reconciliationInterval == .seconds(5400))
        #expect(config.resourceBindingVersionStrategy == .pinned)
        #expect(config.selectiveCache)
        #expect(config.stateStoreReconciliationInterval == .seconds(1200))
        #expect(config.leaderElection.leaseDuration == .seconds(30))
        #expect(config.leaderElection.retryPeriod == .seconds(4))
        #expect(config.gitMinimumFetchInterval == .seconds(10))
        #expect(config.logLevel == .warning)
        #expect(!config.structuredLogging)
        #expect(config.telemetry == ["enabled": true])
        #expect(!config.workflows.reconcileAfterFailure)
        #expect(config.workflows.defaultImagePullPolicy == "Always")
        #expect(config.workflows.defaultBackoffLimit == 0)
        #expect(config.workflows.podTTLSecondsAfterFinished == 300)
        #expect(config.workflows.defaultContainerResources == ["requests": ["cpu": "50m"]])
        #expect(config.pipelineAdapter == PipelineAdapterImage(image: "registry/adapter:2", pullSecret: "pull"))
        // A telemetry section turns traces and metrics on unless they say otherwise, as upstream.
        #expect(config.telemetrySettings?.tracesEnabled == true && config.telemetrySettings?.metricsEnabled == true)
        #expect(config.telemetrySettings?.otlpProtocol == "grpc")
        #expect(try KratixConfiguration(yaml: "").telemetrySettings == nil)
    }

    @Test func telemetrySettingsAsUpstreamReadsThem() throws {
        let config = try KratixConfiguration(yaml: """
            telemetry:
              endpoint: " collector:4318 "
              protocol: HTTP/Protobuf
              insecure: true
              headers: {x-token: " secret ", a: b}
              traces: {enabled: true}
              metrics: {enabled: false}
            """)
        let settings = try #require(config.telemetrySettings)
        #expect(settings.endpoint == "collector:4318")
        #expect(settings.otlpProtocol == "http/protobuf")
        #expect(settings.insecure)
        #expect(settings.headers.map(\.name) == ["a", "x-token"] && settings.headers.map(\.value) == ["b", "secret"])
        #expect(settings.tracesEnabled && !settings.metricsEnabled)
    }

    @Test func selectiveCacheWatchesOnlyKratixSecrets() throws {
        #expect(KratixPlatform.secretsSelector(try KratixConfiguration(yaml: "selectiveCache: true")) == "app.kubernetes.io/part-of=kratix")
        #expect(KratixPlatform.secretsSelector(try KratixConfiguration(yaml: "")) == nil)
    }

    @Test func aPodTTLBelowOneIsIgnoredWithUpstreamsWarning() throws {
        let config = try KratixConfiguration(yaml: "workflows: {jobOptions: {podTTLSecondsAfterFinished: 0}}")
        #expect(config.workflows.podTTLSecondsAfterFinished == nil)
        #expect(config.warnings == ["workflows.jobOptions.podTTLSecondsAfterFinished must be greater than zero; value ignored"])
    }

    @Test func jobsToKeepBelowOneMeansFive() throws {
        #expect(try KratixConfiguration(yaml: "numberOfJobsToKeep: 0").numberOfJobsToKeep == 5)
        #expect(try KratixConfiguration(yaml: "numberOfJobsToKeep: -3").numberOfJobsToKeep == 5)
    }

    @Test func unknownFieldsAreWarningsNotErrors() throws {
        let config = try KratixConfiguration(yaml: """
            somethingNew: 1
            featureFlags: {promiseUpgrade: true, later: true}
            workflows: {jobOptions: {other: 1}}
            resourceBindingVersionStrategy: sideways
            """)
        #expect(config.warnings == [
            "somethingNew: unknown field, ignored",
            "featureFlags.promiseUpgrade is deprecated and ignored",
            "featureFlags.later: unknown field, ignored",
            "workflows.jobOptions.other: unknown field, ignored",
            "resourceBindingVersionStrategy must be 'floating' or 'pinned'; defaulting to 'floating'",
        ])
        #expect(config.resourceBindingVersionStrategy == .floating)
    }

    @Test(arguments: [
        ("numberOfJobsToKeep: five", "numberOfJobsToKeep", "expected integer, found string"),
        ("reconciliationInterval: 1d", "reconciliationInterval", "invalid duration \"1d\""),
        ("workflows: {jobOptions: {defaultBackoffLimit: x}}", "workflows.jobOptions.defaultBackoffLimit", "expected integer"),
        ("workflows: {reconcileAfterFailure: sometimes}", "workflows.reconcileAfterFailure", "expected boolean, found string"),
        ("workflows: {defaultImagePullPolicy: Sometimes}", "workflows.defaultImagePullPolicy", "unknown pull policy"),
        ("workflows: {defaultContainerSecurityContext: [1]}", "workflows.defaultContainerSecurityContext", "expected map, found array"),
        ("logging: {level: loud}", "logging.level", "unknown level"),
        ("workflows: 3", "workflows", "expected map, found integer"),
    ])
    func badValuesNameTheField(yaml: String, field: String, message: String) {
        do {
            _ = try KratixConfiguration(yaml: yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.field == field)
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.description.hasPrefix("ConfigMap kratix-platform-system/kratix, key config: \(field): "))
        }
    }

    @Test func invalidYAMLIsAnError() {
        #expect(throws: KratixConfigurationError.self) { try KratixConfiguration(yaml: "workflows: [unclosed") }
        #expect(throws: KratixConfigurationError.self) { try KratixConfiguration(yaml: "- a list") }
    }
}

@Suite struct WorkflowNamingTests {
    @Test func md5MatchesKnownValues() {
        #expect(KratixHash.md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(KratixHash.md5Hex(".") == "5058f1af8388633f609cadb75a75dc9d")
        #expect(KratixHash.md5Hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        let long = String(repeating: "a", count: 1000)
        #expect(KratixHash.md5Hex(long) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }

    @Test func specHashUsesGoJSON() {
        // Go sorts keys, writes compactly and escapes <, > and &.
        let object: JSONValue = ["spec": ["b": "<x&y>", "a": 1]]
        let expected = KratixHash.md5Hex(#"{"a":1,"b":"\u003cx\u0026y\u003e"}"#)
        #expect(KratixHash.specHash(of: object) == expected)
        #expect(KratixHash.specHash(of: ["metadata": ["name": "x"]]) == KratixHash.md5Hex("null"))
        let promise: JSONValue = ["spec": ["p": 1]]
        let request: JSONValue = ["spec": ["r": 2]]
        #expect(KratixHash.resourceWorkflowHash(promise: promise, request: request)
                == KratixHash.md5Hex(KratixHash.specHash(of: promise) + "-" + KratixHash.specHash(of: request)))
        #expect(KratixHash.resourceWorkflowHash(promise: promise, request: request, dryRun: true)
                == KratixHash.md5Hex(KratixHash.specHash(of: promise) + "-" + KratixHash.specHash(of: request) + "-dry-run"))
    }

    @Test func namesFollowUpstreamHelpers() {
        let long = String(repeating: "a", count: 55) + "-b-c"  // 59 characters
        #expect(KratixObjectName.truncated(long) == String(repeating: "a", count: 55))
        #expect(KratixObjectName.truncated("short-name") == "short-name")
        #expect(KratixObjectName.truncated(String(repeating: "x", count: 57)).count == 57)
        #expect(KratixObjectName.random("work", suffix: "12345") == "work-12345")
        let random = KratixObjectName.random("work")
        #expect(random.hasPrefix("work-") && random.count == 10)
        #expect(KratixObjectName.deterministic("id") == "id-" + String(KratixHash.md5Hex("id").prefix(5)))
        #expect(KratixObjectName.deterministic("rr-promise", inputs: ["rr", "promise"]) == "rr-promise-" + String(KratixHash.md5Hex("rr-promise").prefix(5)))
    }

    @Test(arguments: [
        ("10h", 36_000.0), ("1h30m", 5_400.0), ("1.5h", 5_400.0), ("300ms", 0.3), ("-2m", -120.0), ("0", 0.0), ("1m0.5s", 60.5),
        ("2h45m30s", 9_930.0), ("10us", 0.00001),
    ])
    func goDurations(text: String, seconds: Double) throws {
        let d = try #require(GoDuration.parse(text))
        #expect(abs(d.timeIntervalValue - seconds) < 1e-9)
    }

    @Test(arguments: ["1d", "", "h", "5", "1.5", "1hh", "- 1h", "1h 30m"])
    func invalidGoDurations(text: String) {
        #expect(GoDuration.parse(text) == nil)
    }

    @Test func durationFormatting() {
        #expect(GoDuration.format(.seconds(36_000)) == "10h0m0s")
        #expect(GoDuration.format(.seconds(90)) == "1m30s")
        #expect(GoDuration.format(.milliseconds(1500)) == "1.5s")
        #expect(GoDuration.format(.zero) == "0s")
    }
}
