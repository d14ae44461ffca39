import Foundation
import KratixAPI
import KratixControllers
import KubeClient
import KubeModel
import KubeRuntime

/// `mpromise.kb.io` (a no-op that must answer: with `failurePolicy: Fail` a missing endpoint
/// would block every Promise write) and `vpromise.kb.io` (revisions spec §4.2): a Promise is
/// refused at `kubectl apply` for what would otherwise only show later on its status.
struct PromiseDefaulting: AdmissionHandler {
    func admit(_ request: AdmissionRequest) async -> AdmissionResponse { .allow() }
}

struct PromiseValidation: AdmissionHandler {
    let client: KubeClient
    let reader: any ObjectReader
    let configuration: KratixConfiguration

    func admit(_ request: AdmissionRequest) async -> AdmissionResponse {
        guard request.operation == .create || request.operation == .update, let object = request.object else { return .allow() }
        if let problem = ReconciliationIntervalRule.problem(request) { return .deny(problem) }
        let promise: Promise
        do {
            promise = try Promise(from: object.value)
        } catch {
            return .deny("\(error)")
        }
        let warnings: [String]
        do {
            try await checkAPI(promise)
            try await checkPipelines(promise)
            try checkInterval(promise)
            warnings = await requirementWarnings(promise)
            if request.operation == .update, let old = request.oldObject {
                try Self.checkImmutableAPI(promise, old: try Promise(from: old.value))
            }
        } catch let denial as Denial {
            return .deny(denial.message)
        } catch {
            return .deny("\(error)")
        }
        return .allow(warnings: warnings)
    }

    /// A refusal with upstream's text.
    struct Denial: Error {
        var message: String
    }

    // MARK: Step 2: the API is a CRD the API server accepts

    func checkAPI(_ promise: Promise) async throws {
        guard let api = try PromiseAPI.make(for: promise) else { return }
        let dryRun = WriteOptions(dryRun: true)
        do {
            _ = try await client.create(.customResourceDefinitions, api.crd, options: dryRun)
        } catch {
            guard case .alreadyExists = error else { throw Denial(message: "invalid CRD: \(error)") }
            do {
                // The Promise controller writes the CRD too: a conflict says only that it changed
                // between the read and the dry run, so it is read again.
                try await ConflictRetry.run { () throws(ClientError) in
                    guard var existing = try await client.getOptional(.customResourceDefinitions, name: api.crdName) else { return }
                    existing.spec = api.crd.spec
                    _ = try await client.update(.customResourceDefinitions, existing, options: dryRun)
                }
            } catch {
                throw Denial(message: "invalid CRD changes: \(error)")
            }
            return
        }
        let scope = api.crd.spec?["scope"]?.stringValue ?? ""
        if scope != "Namespaced" {
            throw Denial(message: "promise api needs to be namespace scoped; spec.api.spec.scope cannot be: \(scope)")
        }
    }

    // MARK: Step 3: pipelines

    /// Each pipeline in upstream's order: labels, unique name, the length of its ID, its
    /// resources, and a server-side dry-run create of its Job. Resource pipelines are built for a
    /// request named `webhook-dry-run` in the platform namespace.
    func checkPipelines(_ promise: Promise) async throws {
        let api = try PromiseAPI.make(for: promise)
        var example = KubeObject(apiVersion: api?.apiVersion ?? "", kind: api?.kind ?? "", name: "webhook-dry-run",
                                 namespace: KratixGroup.systemNamespace)
        var metadata = example.json["metadata"]?.objectValue ?? [:]
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        example.json["metadata"] = .object(metadata)
        for type in WorkflowType.allCases {
            let actions = type == .promise ? promise.spec.workflows?.promise : promise.spec.workflows?.resource
            for action in WorkflowAction.allCases {
                let entries = (action == .configure ? actions?.configure : actions?.delete) ?? []
                var names: Set<String> = []
                for (index, entry) in entries.enumerated() {
                    let pipeline = try Pipeline.parse(entry, path: "spec.workflows.\(type.rawValue).\(action.rawValue)[\(index)]")
                    try Self.checkLabels(pipeline, type: type, action: action)
                    guard names.insert(pipeline.name).inserted else {
                        throw Denial(message: "duplicate pipeline name \"\(pipeline.name)\" in workflow \"\(type.rawValue)\" action \"\(action.rawValue)\"")
                    }
                    let run = PipelineRun(promise: promise, pipeline: pipeline, workflowType: type, action: action,
                                          object: type == .promise ? (try? promise.toJSON()).flatMap { KubeObject($0) } ?? example : example,
                                          index: index, total: entries.count, configuration: configuration)
                    if run.pipelineID.count > 60 {
                        throw Denial(message: "\(type.rawValue).\(action.rawValue) pipeline with name \"\(pipeline.name)\" is too long. The name is used when generating resources for the pipeline,including the ServiceAccount which follows the format of \"\(promise.name)-\(type.rawValue)-\(action.rawValue)-\(pipeline.name)\", which cannot be longer than 60 characters in total")
                    }
                    let resources: PipelineResources
                    do {
                        resources = try PipelineResources.build(for: run)
                    } catch {
                        throw Denial(message: "failed to generate pipeline resources \(error)")
                    }
                    do {
                        _ = try await client.create(.jobs, resources.job, namespace: resources.namespace, options: WriteOptions(dryRun: true))
                    } catch {
                        throw Denial(message: "\n\(type.rawValue).\(action.rawValue) pipeline with name \(pipeline.name) failed to generate Job definition: \n\(error)")
                    }
                }
            }
        }
    }

    static func checkLabels(_ pipeline: Pipeline, type: WorkflowType, action: WorkflowAction) throws {
        for (key, value) in (pipeline.metadata.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = LabelValidation.valueProblem(value) {
                throw Denial(message: "invalid label value \"\(value)\" for key \"\(key)\" in workflow \"\(type.rawValue)\" action \"\(action.rawValue)\": \(problem)")
            }
            if let problem = LabelValidation.keyProblem(key) {
                throw Denial(message: "invalid label key \"\(key)\" in workflow \"\(type.rawValue)\" action \"\(action.rawValue)\": \(problem)")
            }
        }
    }

    // MARK: Step 4: the workflows' interval

    func checkInterval(_ promise: Promise) throws {
        guard let raw = promise.spec.workflows?.config?.reconciliationInterval, let interval = GoDuration.parse(raw) else { return }
        if interval < ReconciliationIntervalRule.minimum {
            throw Denial(message: "spec.workflows.config.reconciliationInterval: Invalid value: \"\(GoDuration.format(interval))\": must be at least 1m0s")
        }
    }

    // MARK: Step 5: requirements (warnings only)

    func requirementWarnings(_ promise: Promise) async -> [String] {
        var warnings: [String] = []
        for requirement in promise.spec.requiredPromises ?? [] {
            let name = requirement.name ?? "", version = requirement.version ?? ""
            guard let required = try? await reader.get(Promise.groupVersionResource, name: name, namespace: nil) else {
                warnings.append("Required Promise \"\(name)\" at version \"\(version)\" not installed")
                continue
            }
            guard !version.isEmpty else { continue }
            let versions = (try? await PromiseRevisionLookup(promiseName: required.name ?? name, reader: reader).versions()) ?? []
            if !versions.contains(version) {
                warnings.append("Required Promise \"\(name)\" installed, but no revision found at version \"\(version)\"")
            }
        }
        if !warnings.isEmpty { warnings.append("Promise will not be available until the above issue(s) is resolved") }
        return warnings
    }

    // MARK: Update: the API's identity cannot change

    static func checkImmutableAPI(_ promise: Promise, old: Promise) throws {
        guard let oldAPI = try PromiseAPI.make(for: old) else { return }
        guard let newAPI = try PromiseAPI.make(for: promise) else { throw Denial(message: "cannot remove API from existing promise") }
        var problems: [String] = []
        if oldAPI.crdName != newAPI.crdName {
            problems.append("* spec.api.metadata.name: Invalid value: \"\(newAPI.crdName)\": field is immutable")
        }
        let oldKind = oldAPI.crd.kind ?? "", newKind = newAPI.crd.kind ?? ""
        if oldKind != newKind { problems.append("* spec.api.kind: Invalid value: \"\(newKind)\": field is immutable") }
        let oldVersion = oldAPI.crd.apiVersion ?? "", newVersion = newAPI.crd.apiVersion ?? ""
        if oldVersion != newVersion { problems.append("* spec.api.apiVersion: Invalid value: \"\(newVersion)\": field is immutable") }
        let oldNames = oldAPI.crd.spec?["names"], newNames = newAPI.crd.spec?["names"]
        if Self.comparableNames(oldNames) != Self.comparableNames(newNames) {
            let plural = newNames?["plural"]?.stringValue ?? "", singular = newNames?["singular"]?.stringValue ?? ""
            let kind = newNames?["kind"]?.stringValue ?? ""
            problems.append("* spec.api.spec.names: Invalid value: {\"plural\": \"\(plural)\", \"singular\": \"\(singular)\", \"kind\": \"\(kind)\"}: field is immutable")
        }
        if !problems.isEmpty {
            throw Denial(message: "promises.platform.kratix.io \"\(promise.name)\" was not valid:\n" + problems.joined(separator: "\n"))
        }
    }

    /// `names` as Go compares the struct: absent and empty lists are the same.
    static func comparableNames(_ names: JSONValue?) -> JSONValue {
        var out = names?.objectValue ?? [:]
        for key in ["shortNames", "categories"] where out[key]?.arrayValue?.isEmpty ?? true { out[key] = nil }
        for key in ["singular", "listKind"] where (out[key]?.stringValue ?? "").isEmpty { out[key] = nil }
        return .object(out)
    }
}
