import Testing

@testable import KratixAPI
@testable import KubeModel

@Suite struct TypedModelTests {
    @Test func defaultsFollowTheSpec() throws {
        let destination = try Destination(from: ["apiVersion": "platform.kratix.io/v1alpha1", "kind": "Destination", "metadata": ["name": "d"], "spec": ["path": "d", "filepath": ["mode": ""]]])
        #expect(destination.spec.filepathMode == .nestedByMetadata)
        #expect(destination.spec.aggregatedFilename == "aggregated.yaml")
        #expect(destination.spec.effectiveCleanup == .none)
        #expect(destination.spec.writesInitWorkloads)
        #expect(!destination.spec.isStrict)

        let git = GitStateStore(name: "g")
        #expect(git.spec.effectiveBranch == "main")
        #expect(git.spec.effectiveAuthMethod == .basicAuth)
        #expect(git.spec.authorName == "kratix")
        #expect(git.spec.authorEmail == "")

        let bucket = try BucketStateStore(from: ["apiVersion": "platform.kratix.io/v1alpha1", "kind": "BucketStateStore", "metadata": ["name": "b"], "spec": ["authMethod": ""]])
        #expect(bucket.spec.effectiveAuthMethod == .accessKey)
        #expect(!bucket.spec.usesPlainHTTP)
        #expect(SecretReference(name: "s").effectiveNamespace == "default")
        #expect(HealthRecordData().effectiveState == .unknown)
    }

    @Test func promiseAPIPresence() {
        #expect(!PromiseSpec().hasAPI)
        #expect(!PromiseSpec(api: .object([:])).hasAPI)
        #expect(!PromiseSpec(api: .null).hasAPI)
        #expect(!PromiseSpec(api: "  ").hasAPI)
        #expect(PromiseSpec(api: ["kind": "CustomResourceDefinition"]).hasAPI)
    }

    @Test func squashedSelectorsLetEarlierEntriesWin() {
        let spec = PromiseSpec(destinationSelectors: [
            PromiseScheduling(matchLabels: ["env": "dev", "a": "1"]),
            PromiseScheduling(matchLabels: ["env": "prod", "b": "2"]),
        ])
        #expect(spec.squashedDestinationSelectors == ["env": "dev", "a": "1", "b": "2"])
    }

    @Test func promiseStatusAlwaysCarriesItsCounters() throws {
        var promise = Promise(name: "p")
        promise.status = PromiseStatus()
        let json = try promise.toJSON()
        #expect(json["status"] == ["workflows": 0, "workflowsSucceeded": 0, "workflowsFailed": 0])
        let decoded = try Promise(from: ["apiVersion": "platform.kratix.io/v1alpha1", "kind": "Promise", "metadata": ["name": "p"], "status": ["message": "hi"]])
        #expect(decoded.status?.workflows == nil)
        #expect(decoded.status?.message == "hi")
        // A Promise without a spec (or with `spec: null`) reads as an empty spec, as in Go.
        let bare = try Promise(from: ["apiVersion": "platform.kratix.io/v1alpha1", "kind": "Promise", "metadata": ["name": "p"], "spec": nil])
        #expect(bare.spec == PromiseSpec())
    }

    @Test func workPlacementGenerationUsesItsJSONName() throws {
        var placement = WorkPlacement(name: "w.d-5058f", namespace: "default")
        placement.spec.workGeneration = 3
        #expect(try placement.toJSON()["spec"]?["generation"] == 3)
    }

    @Test func versionLabel() {
        var promise = Promise(name: "p")
        #expect(promise.version == "not-set")
        promise.metadata.labels = [KratixLabels.promiseVersion: "v1.2.0"]
        #expect(promise.version == "v1.2.0")
    }
}
