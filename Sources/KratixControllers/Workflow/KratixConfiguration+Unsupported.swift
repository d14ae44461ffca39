import KubeModel

/// Settings of the `kratix` ConfigMap that are read but not acted on yet (issue 18 item 4): each
/// is logged at start, so that no setting is accepted and silently ignored.
extension KratixConfiguration {
    /// One line per setting this build does not honour, saying what happens instead.
    public var unsupportedSettings: [String] {
        var out: [String] = []
        if dryRunEnabled {
            out.append("featureFlags.dryRun: previews of compound Promises' components are not made yet: a compound DryRun summarises its own pipelines only")
        }
        if let telemetry, !telemetry.isNull {
            out.append("telemetry: not supported: ignored")
        }
        return out
    }
}
