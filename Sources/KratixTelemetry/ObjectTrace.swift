import Foundation
import Instrumentation
import Tracing

/// A reconcile's span, joined to the trace an object carries in its annotations, as upstream's
/// `StartSpanForObject`: an object without a usable trace (none, malformed, older than a day, or
/// recorded at another generation) starts a new one, and the annotations to write back onto it are
/// handed to the caller, which persists them with one patch; Jobs, Pods and Works made from the
/// object then carry the same trace.
public struct ObjectTrace: Sendable {
    public let span: any Span
    /// The annotations to merge into the object's, when it had none or lacked some; nil otherwise.
    public let annotationsToPersist: [String: String]?
    /// The W3C `traceparent` and `tracestate` the object's children get.
    public let traceParent: String
    public let traceState: String?

    /// nil when tracing is off: nothing to record, nothing to write.
    public static func start(_ operation: String, annotations: [String: String], generation: Int64?, now: Date = Date()) -> ObjectTrace? {
        guard KratixTelemetry.tracingEnabled else { return nil }
        let tracer = InstrumentationSystem.tracer
        var carrier: [String: String] = [:]
        if let parent = annotations[TraceAnnotations.parent], !parent.isEmpty { carrier["traceparent"] = parent }
        if let state = annotations[TraceAnnotations.state], !state.isEmpty { carrier["tracestate"] = state }
        if !needsNewTrace(annotations, generation: generation, now: now) {
            var context = InstrumentationContext.topLevel
            tracer.extract(carrier, into: &context, using: DictionaryExtractor())
            let span = tracer.startAnySpan(operation, context: context, ofKind: .server)
            var persist: [String: String] = [:]
            if (annotations[TraceAnnotations.timestamp] ?? "").isEmpty { persist[TraceAnnotations.timestamp] = timestamp(now) }
            if let generation, generation > 0, (annotations[TraceAnnotations.generation] ?? "").isEmpty {
                persist[TraceAnnotations.generation] = String(generation)
            }
            return ObjectTrace(span: span, annotationsToPersist: persist.isEmpty ? nil : persist,
                               traceParent: carrier["traceparent"] ?? "", traceState: carrier["tracestate"])
        }
        let span = tracer.startAnySpan(operation, context: .topLevel, ofKind: .server)
        var injected: [String: String] = [:]
        tracer.inject(span.context, into: &injected, using: DictionaryInjector())
        guard let parent = injected["traceparent"], !parent.isEmpty else {
            return ObjectTrace(span: span, annotationsToPersist: nil, traceParent: "", traceState: nil)
        }
        var persist = [TraceAnnotations.parent: parent, TraceAnnotations.timestamp: timestamp(now)]
        // An empty value removes a stale state or generation in a merge patch's eyes: the caller
        // drops empty values from the object's annotations.
        persist[TraceAnnotations.state] = injected["tracestate"] ?? ""
        persist[TraceAnnotations.generation] = generation.flatMap { $0 > 0 ? String($0) : nil } ?? ""
        return ObjectTrace(span: span, annotationsToPersist: persist, traceParent: parent, traceState: injected["tracestate"])
    }

    /// A child span of a trace carried as W3C strings (a pipeline pod's `KRATIX_TRACE_PARENT`), or
    /// of a new one without; nil when tracing is off.
    public static func child(_ operation: String, traceParent: String?, traceState: String?) -> (any Span)? {
        guard KratixTelemetry.tracingEnabled else { return nil }
        let tracer = InstrumentationSystem.tracer
        var context = InstrumentationContext.topLevel
        if let traceParent, isValidTraceParent(traceParent) {
            var carrier = ["traceparent": traceParent]
            if let traceState, !traceState.isEmpty { carrier["tracestate"] = traceState }
            tracer.extract(carrier, into: &context, using: DictionaryExtractor())
        }
        return tracer.startAnySpan(operation, context: context, ofKind: .server)
    }

    /// Ends the span, marked as failed with `error` when there is one.
    public func end(error: (any Error)? = nil) {
        if let error {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error, message: "\(error)"))
        }
        span.end()
    }

    /// Upstream's `needsNewTrace`.
    static func needsNewTrace(_ annotations: [String: String], generation: Int64?, now: Date) -> Bool {
        guard let parent = annotations[TraceAnnotations.parent], isValidTraceParent(parent) else { return true }
        if let stamp = annotations[TraceAnnotations.timestamp], !stamp.isEmpty {
            guard let time = parseTimestamp(stamp) else { return true }
            if now.timeIntervalSince(time) > TraceAnnotations.maximumAge { return true }
        }
        if let generation, generation > 0, let recorded = annotations[TraceAnnotations.generation], !recorded.isEmpty {
            guard let value = Int64(recorded), value == generation else { return true }
        }
        return false
    }

    /// `00-<32 hex, not all zero>-<16 hex, not all zero>-<2 hex>`, as W3C Trace Context requires.
    static func isValidTraceParent(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2 else { return false }
        let hex = Set("0123456789abcdef")
        guard parts.allSatisfy({ $0.allSatisfy { hex.contains($0) } }) else { return false }
        return parts[1].contains { $0 != "0" } && parts[2].contains { $0 != "0" }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}
