import Foundation
import KratixAPI
import KubeModel
import Testing
@testable import KratixPipelineAdapter

/// Pipeline output to Work (scheduling spec §2.5), without an API server.
@Suite struct WorkBuilderTests {
    static let options = WorkCreatorOptions(inputDirectory: "/work-creator-files", promiseName: "db", pipelineName: "provision",
                                            namespace: "default", resourceName: "orders", workflowType: "resource")

    func output(_ files: [(String, String)], directories: Set<String>? = nil) -> PipelineOutput {
        let tops = directories ?? Set(files.compactMap { $0.0.contains("/") ? String($0.0.split(separator: "/")[0]) : nil })
        return PipelineOutput(files: files.map { .init(path: $0.0, contents: Array($0.1.utf8)) }, topLevelDirectories: tops)
    }

    func decoded(_ group: WorkloadGroup) throws -> [String: String] {
        var out: [String: String] = [:]
        for workload in group.workloads ?? [] {
            out[workload.filepath ?? ""] = String(decoding: try WorkloadContent.decode(workload.content ?? ""), as: UTF8.self)
        }
        return out
    }

    @Test func theSpecExample() throws {
        // §6.4: a root selector, a monitoring directory and the Promise's selectors.
        let selectors = try DestinationSelector.parseList("""
            - matchLabels: {tier: gold}
            - directory: monitoring
              matchLabels: {role: observability}
            """, file: "destination-selectors.yaml")
        let scheduling = [PromiseSchedulingEntry(matchLabels: ["env": "dev"], source: "promise"),
                          PromiseSchedulingEntry(matchLabels: ["env": "prod", "zone": "a"], source: "promise")]
        let groups = try WorkBuilder.workloadGroups(
            output: output([("app.yaml", "kind: A\n"), ("monitoring/dash.yaml", "kind: D\n")]),
            selectors: selectors, promiseScheduling: scheduling, workflowType: "resource")
        #expect(groups.map(\.directory) == ["monitoring", "."])
        #expect(groups[0].id == KratixHash.md5Hex("monitoring"))
        #expect(groups[0].destinationSelectors == [WorkloadGroupScheduling(matchLabels: ["role": "observability"], source: "resource-workflow")])
        #expect(try decoded(groups[0]) == ["monitoring/dash.yaml": "kind: D\n"])
        #expect(groups[1].id == "5058f1af8388633f609cadb75a75dc9d")
        #expect(groups[1].destinationSelectors == [
            WorkloadGroupScheduling(matchLabels: ["tier": "gold"], source: "resource-workflow"),
            WorkloadGroupScheduling(matchLabels: ["env": "dev", "zone": "a"], source: "promise"),  // earlier entry wins
        ])
        #expect(try decoded(groups[1]) == ["app.yaml": "kind: A\n"])
    }

    @Test func theCoreFixturePipeline0Output() throws {
        // resource-configure-0.sh writes dest1/ and dest2/ and selects a worker for each.
        let selectors = try DestinationSelector.parseList("""
            - directory: dest1
              matchLabels: {target: worker-1}
            - directory: dest2
              matchLabels: {target: worker-2}
            """, file: "destination-selectors.yaml")
        let groups = try WorkBuilder.workloadGroups(
            output: output([("dest1/configmap.yaml", "a: 1\n"), ("dest2/configmap.yaml", "b: 2\n")]),
            selectors: selectors, promiseScheduling: [PromiseSchedulingEntry(matchLabels: ["environment": "dev"], source: "promise")],
            workflowType: "resource")
        // No root files: no root group, and the Promise's selectors are not added to directory groups.
        #expect(groups.map(\.directory) == ["dest1", "dest2"])
        #expect(groups.map { $0.destinationSelectors?.count } == [1, 1])
        #expect(groups[1].workloads?.map(\.filepath) == ["dest2/configmap.yaml"])
    }

    @Test func rootGroupSelectorsInOrderAndWalkOrder() throws {
        let scheduling = [PromiseSchedulingEntry(matchLabels: ["legacy": "x"], source: "promise-workflow"),
                          PromiseSchedulingEntry(matchLabels: ["env": "dev"], source: "promise")]
        let groups = try WorkBuilder.workloadGroups(
            output: output([("a.yaml", "a"), ("foo/bar/deep.yaml", "d"), ("foo/z.yaml", "z"), ("z.yaml", "zz")]),
            selectors: [], promiseScheduling: scheduling, workflowType: "promise")
        #expect(groups.count == 1)
        #expect(groups[0].workloads?.map(\.filepath) == ["a.yaml", "foo/bar/deep.yaml", "foo/z.yaml", "z.yaml"])
        #expect(groups[0].destinationSelectors?.map(\.source) == ["promise-workflow", "promise"])
    }

    @Test func emptyOutputMakesNoGroups() throws {
        let groups = try WorkBuilder.workloadGroups(output: output([]), selectors: [], promiseScheduling: [], workflowType: "resource")
        #expect(groups.isEmpty)
    }

    @Test func aSelectedDirectoryMustExist() {
        let selectors = [DestinationSelector(directory: "missing", matchLabels: ["a": "b"])]
        #expect(throws: PipelineAdapterError.self) {
            try WorkBuilder.workloadGroups(output: output([("x.yaml", "x")]), selectors: selectors, promiseScheduling: [], workflowType: "resource")
        }
    }

    @Test func workIdentityAndLabels() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let work = WorkBuilder.work(Self.options, groups: [], now: now, nameSuffix: "abcde")
        #expect(work.metadata.name == "db-orders-provision-abcde")
        #expect(work.metadata.namespace == "default")
        #expect(work.metadata.labels == [
            "kratix.io/promise-name": "db", "kratix.io/work-type": "resource", "kratix.io/pipeline-name": "provision",
            "kratix.io/resource-name": "orders",
        ])
        #expect(work.spec.promiseName == "db")
        #expect(work.spec.resourceName == "orders")
        #expect(work.spec.workloadGroups == [])
        #expect(work.spec.lastExecutionTimestamp == "2023-11-14T22:13:20Z")

        var namespaced = Self.options
        namespaced.resourceNamespace = "team-a"
        namespaced.namespace = "pipelines"
        namespaced.dryRun = true
        namespaced.traceParent = "00-1-2-01"
        let other = WorkBuilder.work(namespaced, groups: [], now: now, nameSuffix: "fffff")
        #expect(other.metadata.name == "db-orders-team-a-provision-fffff")
        #expect(other.metadata.namespace == "pipelines")
        #expect(other.metadata.labels?["kratix.io/resource-namespace"] == "team-a")
        #expect(other.metadata.labels?["kratix.io/dry-run"] == "true")
        #expect(other.metadata.annotations == ["kratix.io/trace-parent": "00-1-2-01"])

        let promiseOptions = WorkCreatorOptions(inputDirectory: "/w", promiseName: "db", pipelineName: "setup", namespace: "",
                                                workflowType: "promise")
        let promiseWork = WorkBuilder.work(promiseOptions, groups: [], now: now, nameSuffix: "11111")
        #expect(promiseWork.metadata.name == "db-setup-11111")
        #expect(promiseWork.metadata.namespace == "kratix-platform-system")
        #expect(promiseWork.spec.resourceName == nil)
        #expect(promiseWork.metadata.labels?["kratix.io/work-type"] == "promise")
    }

    @Test(arguments: [
        ("- directory: a\n  matchLabels: {}\n", "matchLabels must not be empty"),
        ("- directory: a/b\n  matchLabels: {x: y}\n", "nested"),
        ("- directory: ..\n  matchLabels: {x: y}\n", "escapes the output directory"),
        ("- directory: ''\n  matchLabels: {x: y}\n- directory: ./\n  matchLabels: {x: z}\n", "listed more than once"),
        ("- matchLabels: {x: y}\n- directory: .\n  matchLabels: {x: z}\n", "listed more than once"),
        ("directory: a\n", "expected a list"),
        ("- [oops\n", "invalid YAML"),
    ])
    func invalidSelectors(text: String, message: String) {
        do {
            _ = try DestinationSelector.parseList(text, file: "/kratix/metadata/destination-selectors.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/kratix/metadata/destination-selectors.yaml")
            #expect(error.description.contains(message) || (message == "invalid YAML" && error.kind == .invalidPipelineOutput),
                    "\(error)")
        }
    }

    @Test func selectorDirectoriesAreCleaned() throws {
        let list = try DestinationSelector.parseList("- directory: baz/\n  matchLabels: {a: b}\n- directory: ./\n  matchLabels: {c: d}\n", file: "f")
        #expect(list.map(\.directory) == ["baz", "."])
        #expect(GoPath.clean("") == ".")
        #expect(GoPath.clean("a/./b/../c/") == "a/c")
        #expect(GoPath.clean("../x") == "../x")
        #expect(GoPath.clean("/../x") == "/x")
    }

    @Test func promiseSchedulingKeysAreCaseInsensitive() throws {
        let entries = try PromiseSchedulingEntry.parseList("""
            - matchlabels: {a: "1"}
              source: promise
            - MatchLabels: {b: "2"}
              source: promise-workflow
            """, file: "promise-scheduling")
        #expect(entries == [PromiseSchedulingEntry(matchLabels: ["a": "1"], source: "promise"),
                            PromiseSchedulingEntry(matchLabels: ["b": "2"], source: "promise-workflow")])
        #expect(try PromiseSchedulingEntry.parseList("[]\n", file: "f") == [])
    }

    @Test func workloadContentIsBase64Gzip() throws {
        let text = String(repeating: "apiVersion: v1\nkind: ConfigMap\n", count: 50)
        let content = WorkloadContent.encode(Array(text.utf8))
        let raw = try #require(Data(base64Encoded: content))
        #expect(raw.prefix(2) == Data([0x1f, 0x8b]))  // gzip magic
        #expect(raw.count < text.utf8.count)         // and it compresses
        #expect(String(decoding: try WorkloadContent.decode(content), as: UTF8.self) == text)
    }
}
