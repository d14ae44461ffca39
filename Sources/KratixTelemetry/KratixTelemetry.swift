import CoreMetrics
import Synchronization

/// What this process records for OpenTelemetry, switched on by the `telemetry` section of the
/// kratix config (the CLI bootstraps the OTLP backends and calls ``enable(tracing:metrics:)``).
/// Off by default, and then nothing is traced, no trace annotation is written and no counter is
/// kept: a platform without a collector pays nothing for it.
public enum KratixTelemetry {
    private struct State {
        var tracing = false
        var writes: [String: Counter] = [:]
        var outcomes: [String: Counter] = [:]
        var metrics: (any MetricsFactory)?
    }

    private static let state = Mutex(State())

    /// Tracing and counters from now on; `metrics` is the factory the two counters are made with
    /// (the OTLP exporter's), nil for none.
    public static func enable(tracing: Bool, metrics: (any MetricsFactory)?) {
        state.withLock {
            $0.tracing = tracing
            $0.metrics = metrics
            $0.writes = [:]
            $0.outcomes = [:]
        }
    }

    /// True when reconciles start spans and keep trace annotations on objects.
    public static var tracingEnabled: Bool { state.withLock { $0.tracing } }

    public static let workPlacementWrites = "kratix_workplacement_writes_total"
    public static let workPlacementOutcomes = "kratix_workplacement_outcomes_total"

    /// A placement's write to its state store (`result`: `success` or `failure`), as upstream's
    /// `RecordWorkPlacementWrite`: empty attributes are left out.
    public static func recordPlacementWrite(result: String, promise: String, resource: String, destination: String, pipeline: String) {
        count(workPlacementWrites, \.writes, [("result", result), ("promise", promise), ("resource", resource),
                                              ("destination", destination), ("pipeline", pipeline)])
    }

    /// A scheduling outcome for a Work's group (`scheduled`, `unscheduled`, `misplaced`), as
    /// upstream's `RecordWorkPlacementOutcome`.
    public static func recordPlacementOutcome(_ outcome: String, promise: String, resource: String, namespace: String, destination: String) {
        count(workPlacementOutcomes, \.outcomes, [("result", outcome), ("promise", promise), ("resource", resource),
                                                  ("namespace", namespace), ("destination", destination)])
    }

    private static func count(_ label: String, _ counters: WritableKeyPath<State, [String: Counter]>, _ attributes: [(String, String)]) {
        let dimensions = attributes.filter { !$0.1.isEmpty }
        let key = dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let counter: Counter? = state.withLock { state in
            guard let factory = state.metrics else { return nil }
            if let existing = state[keyPath: counters][key] { return existing }
            let made = Counter(label: label, dimensions: dimensions, factory: factory)
            state[keyPath: counters][key] = made
            return made
        }
        counter?.increment()
    }
}
