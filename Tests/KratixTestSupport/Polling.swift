/// The one way the tests wait for something to become true: ask again at an interval until it
/// holds or the timeout passes. A condition that throws counts as "not yet" (the server may still
/// be starting, the CRD still being established).
public enum Polling {
    /// Whether `condition` held before `timeout` passed (asked once more at the deadline).
    public static func until(_ timeout: Duration, every interval: Duration = .milliseconds(200),
                             _ condition: () async throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: interval)
        }
        return (try? await condition()) == true
    }
}
