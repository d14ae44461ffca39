import KratixAPI
import KubeModel

/// `vpromiserevision-v1alpha1.kb.io` (revisions spec §1.10, §4.6): the interval annotation rule on
/// create and update, and no deletion of the latest revision except by Kratix itself or the
/// garbage collector (a Promise's deletion takes its revisions with it).
struct PromiseRevisionAdmission: AdmissionHandler {
    static let exemptPrefix = "system:serviceaccount:\(KratixGroup.systemNamespace)"
    static let garbageCollector = "system:serviceaccount:kube-system:generic-garbage-collector"

    func admit(_ request: AdmissionRequest) async -> AdmissionResponse {
        switch request.operation {
        case .create, .update:
            if let problem = ReconciliationIntervalRule.problem(request) { return .deny(problem) }
            return .allow()
        case .delete:
            guard let revision = request.oldObject, revision.status?["latest"]?.boolValue == true else { return .allow() }
            if request.username.hasPrefix(Self.exemptPrefix) || request.username == Self.garbageCollector { return .allow() }
            return .deny("can not delete the latest PromiseRevision")
        case .connect:
            return .allow()
        }
    }
}
