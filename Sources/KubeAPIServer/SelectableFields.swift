/// The fields each resource can be selected by (`fieldSelector`), as the API server registers them
/// (each kind's `ToSelectableFields`/`AddFieldLabelConversionFunc` in Kubernetes 1.28). Every
/// resource has `metadata.name` and `metadata.namespace`; a field outside the list is refused with
/// 400 "field label not supported", not answered with an empty list.
enum SelectableFields {
    static let common: Set<String> = ["metadata.name", "metadata.namespace"]

    private static let byResource: [String: Set<String>] = [
        "pods": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                 "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        "events": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                   "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                   "reason", "reportingComponent", "source", "type"],
        "events.events.k8s.io": ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion",
                                 "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "type"],
        "secrets": ["type"],
        "namespaces": ["status.phase"],
        "nodes": ["spec.unschedulable"],
        "replicationcontrollers": ["status.replicas"],
        "replicasets.apps": ["status.replicas"],
        "jobs.batch": ["status.successful"],
        "certificatesigningrequests.certificates.k8s.io": ["spec.signerName"],
    ]

    /// Throws the API server's 400 for the first field `resource` cannot be selected by.
    static func check(_ fields: [(field: String, value: String, equal: Bool)], for resource: APIResource) throws(APIError) {
        let supported = byResource[resource.groupResource] ?? []
        for term in fields where !common.contains(term.field) && !supported.contains(term.field) {
            throw APIError.badRequest("field label not supported: \(term.field)")
        }
    }
}
