import KubeModel

/// How a delete treats the object's dependents and what must still hold for it to go ahead.
public struct DeleteOptions: Sendable, Equatable {
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int?
    /// What must still be true of the object, so a delete never removes a newer incarnation of it
    /// (uid) or a version the caller has not seen (resourceVersion). A mismatch is a 409 conflict.
    public var preconditions: (uid: String?, resourceVersion: String?)
    /// Check the delete without doing it (`dryRun: ["All"]`).
    public var dryRun: Bool

    public init(
        propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int? = nil,
        preconditions: (uid: String?, resourceVersion: String?) = (nil, nil), dryRun: Bool = false
    ) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditions = preconditions
        self.dryRun = dryRun
    }

    public static func == (lhs: DeleteOptions, rhs: DeleteOptions) -> Bool {
        lhs.propagationPolicy == rhs.propagationPolicy && lhs.gracePeriodSeconds == rhs.gracePeriodSeconds
            && lhs.preconditions.uid == rhs.preconditions.uid
            && lhs.preconditions.resourceVersion == rhs.preconditions.resourceVersion && lhs.dryRun == rhs.dryRun
    }

    /// The `meta.k8s.io/v1` DeleteOptions body.
    public var body: JSONValue {
        var object: JSONObject = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagationPolicy { object["propagationPolicy"] = .string(propagationPolicy.rawValue) }
        if let gracePeriodSeconds { object["gracePeriodSeconds"] = .int(Int64(gracePeriodSeconds)) }
        var conditions = JSONObject()
        if let uid = preconditions.uid { conditions["uid"] = .string(uid) }
        if let rv = preconditions.resourceVersion { conditions["resourceVersion"] = .string(rv) }
        if !conditions.isEmpty { object["preconditions"] = .object(conditions) }
        if dryRun { object["dryRun"] = ["All"] }
        return .object(object)
    }
}
