import KubeClient

extension Backoff {
    /// Retries of failed Job pods and restarts of failed containers. Upstream Kubernetes starts at
    /// 10 s (Job retries) and caps container restarts at 5 minutes; a local runner keeps them short
    /// (1 s doubling, at most 10 s) so failing workflows are retried while someone is watching.
    public static let podRetry = Backoff(initial: .seconds(1), maximum: .seconds(10))
}
