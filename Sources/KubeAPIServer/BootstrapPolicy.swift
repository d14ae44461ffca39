import Foundation
import KubeModel

/// The default ClusterRoles and ClusterRoleBindings a real API server creates at start (its RBAC
/// bootstrap policy), so manifests that bind `cluster-admin`, `admin`, `edit` or `view` work here.
///
/// The user-facing roles and the discovery roles every authenticated user holds; the roles of the
/// real control plane's own components (kubelet, scheduler, controllers) are left out, as those
/// components do not run here. `admin`, `edit` and `view` have no rules of their own: they are the
/// union of the ClusterRoles their `aggregationRule` selects (`ObjectStore+ClusterRoleAggregation`),
/// so a ClusterRole labelled `rbac.authorization.k8s.io/aggregate-to-edit: "true"` extends `edit`
/// (and, through `edit`, `admin`). Contents as in Kubernetes' bootstrap policy
/// (`plugin/pkg/auth/authorizer/rbac/bootstrappolicy`, its `testdata/cluster-roles.yaml`).
enum BootstrapPolicy {
    static let clusterRoles: [JSONObject] = objects(in: clusterRolesYAML)
    static let clusterRoleBindings: [JSONObject] = objects(in: clusterRoleBindingsYAML)

    private static func objects(in yaml: String) -> [JSONObject] {
        // The text below is part of this program: a parse failure is a bug caught by the tests.
        guard let items = (try? YAMLReader.singleDocument(in: yaml))?["items"]?.arrayValue else { return [] }
        return items.compactMap { item in
            guard var object = item.objectValue else { return nil }
            var meta = object["metadata"]?.objectValue ?? [:]
            meta["annotations"] = ["rbac.authorization.kubernetes.io/autoupdate": "true"]
            var labels = meta["labels"]?.objectValue ?? [:]
            labels["kubernetes.io/bootstrapping"] = "rbac-defaults"
            meta["labels"] = .object(labels)
            object["metadata"] = .object(meta)
            return object
        }
    }

    private static let readWrite = "[create, delete, deletecollection, patch, update]"
    private static let read = "[get, list, watch]"

    private static let clusterRolesYAML = """
        items:
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: cluster-admin}
          rules:
          - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
          - {nonResourceURLs: ["*"], verbs: ["*"]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: admin}
          aggregationRule:
            clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}]
          rules: []
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: edit, labels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}
          aggregationRule:
            clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}]
          rules: []
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: view, labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
          aggregationRule:
            clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}]
          rules: []
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:aggregate-to-admin", labels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}}
          rules:
          - {apiGroups: [authorization.k8s.io], resources: [localsubjectaccessreviews], verbs: [create]}
          - {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings, roles], verbs: [create, delete, deletecollection, get, list, patch, update, watch]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:aggregate-to-edit", labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}}
          rules:
          - {apiGroups: [""], resources: [pods/attach, pods/exec, pods/portforward, pods/proxy, secrets, services/proxy], verbs: \(read)}
          - {apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}
          - {apiGroups: [""], resources: [pods, pods/attach, pods/exec, pods/portforward, pods/proxy], verbs: \(readWrite)}
          - {apiGroups: [""], resources: [pods/eviction], verbs: [create]}
          - {apiGroups: [""], resources: [configmaps, events, persistentvolumeclaims, replicationcontrollers, replicationcontrollers/scale, secrets, serviceaccounts, services, services/proxy], verbs: \(readWrite)}
          - {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}
          - {apiGroups: [apps], resources: [daemonsets, deployments, deployments/rollback, deployments/scale, replicasets, replicasets/scale, statefulsets, statefulsets/scale], verbs: \(readWrite)}
          - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers], verbs: \(readWrite)}
          - {apiGroups: [batch], resources: [cronjobs, jobs], verbs: \(readWrite)}
          - {apiGroups: [extensions], resources: [daemonsets, deployments, deployments/rollback, deployments/scale, ingresses, networkpolicies, replicasets, replicasets/scale, replicationcontrollers/scale], verbs: \(readWrite)}
          - {apiGroups: [policy], resources: [poddisruptionbudgets], verbs: \(readWrite)}
          - {apiGroups: [networking.k8s.io], resources: [ingresses, networkpolicies], verbs: \(readWrite)}
          - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, delete, deletecollection, get, list, patch, update, watch]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:aggregate-to-view", labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
          rules:
          - {apiGroups: [""], resources: [configmaps, endpoints, persistentvolumeclaims, persistentvolumeclaims/status, pods, replicationcontrollers, replicationcontrollers/scale, serviceaccounts, services, services/status], verbs: \(read)}
          - {apiGroups: [""], resources: [bindings, events, limitranges, namespaces/status, pods/log, pods/status, replicationcontrollers/status, resourcequotas, resourcequotas/status], verbs: \(read)}
          - {apiGroups: [""], resources: [namespaces], verbs: \(read)}
          - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: \(read)}
          - {apiGroups: [apps], resources: [controllerrevisions, daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, replicasets, replicasets/scale, replicasets/status, statefulsets, statefulsets/scale, statefulsets/status], verbs: \(read)}
          - {apiGroups: [autoscaling], resources: [horizontalpodautoscalers, horizontalpodautoscalers/status], verbs: \(read)}
          - {apiGroups: [batch], resources: [cronjobs, cronjobs/status, jobs, jobs/status], verbs: \(read)}
          - {apiGroups: [extensions], resources: [daemonsets, daemonsets/status, deployments, deployments/scale, deployments/status, ingresses, ingresses/status, networkpolicies, replicasets, replicasets/scale, replicasets/status, replicationcontrollers/scale], verbs: \(read)}
          - {apiGroups: [policy], resources: [poddisruptionbudgets, poddisruptionbudgets/status], verbs: \(read)}
          - {apiGroups: [networking.k8s.io], resources: [ingresses, ingresses/status, networkpolicies], verbs: \(read)}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:basic-user"}
          rules:
          - {apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews, selfsubjectrulesreviews], verbs: [create]}
          - {apiGroups: [authentication.k8s.io], resources: [selfsubjectreviews], verbs: [create]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:discovery"}
          rules:
          - {nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /livez, /openapi, /openapi/*, /readyz, /version, /version/], verbs: [get]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:public-info-viewer"}
          rules:
          - {nonResourceURLs: [/healthz, /livez, /readyz, /version, /version/], verbs: [get]}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {name: "system:auth-delegator"}
          rules:
          - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
          - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
        """

    private static let clusterRoleBindingsYAML = """
        items:
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRoleBinding
          metadata: {name: cluster-admin}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
          subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:masters"}]
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRoleBinding
          metadata: {name: "system:basic-user"}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:basic-user"}
          subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRoleBinding
          metadata: {name: "system:discovery"}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:discovery"}
          subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRoleBinding
          metadata: {name: "system:public-info-viewer"}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:public-info-viewer"}
          subjects:
          - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}
          - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}
        """
}
