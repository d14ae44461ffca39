/// Whether the server enforces RBAC on the requests it serves (kube-apiserver's
/// `--authorization-mode`).
///
/// `alwaysAllow` is the default because the platform's own pipelines and tests were written
/// against a server that let every authenticated client do anything; `rbac` makes service-account
/// tokens (and users impersonated with `Impersonate-User`) subject to the stored Roles and
/// bindings, as on a real cluster. The admin token is a member of `system:masters` in both modes.
/// Access reviews (`kubectl auth can-i`) answer from RBAC in both modes.
public enum AuthorizationMode: String, Sendable, CaseIterable {
    case alwaysAllow = "AlwaysAllow"
    case rbac = "RBAC"
}
