import Foundation
import Testing

@testable import KratixTelemetry

/// When an object's trace is joined and when a new one starts (upstream's `needsNewTrace`).
@Suite struct ObjectTraceTests {
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func traceParentsAreCheckedAsW3CSays() {
        #expect(ObjectTrace.isValidTraceParent(Self.parent))
        #expect(!ObjectTrace.isValidTraceParent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "all-zero trace id")
        #expect(!ObjectTrace.isValidTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), "all-zero span id")
        #expect(!ObjectTrace.isValidTraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "upper case")
        #expect(!ObjectTrace.isValidTraceParent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "version ff")
        #expect(!ObjectTrace.isValidTraceParent("garbage"))
    }

    @Test func aTraceIsJoinedWhileItIsYoungAndOfThisGeneration() {
        let stamp = ObjectTrace.timestamp(now.addingTimeInterval(-60))
        let annotations = [TraceAnnotations.parent: Self.parent, TraceAnnotations.timestamp: stamp, TraceAnnotations.generation: "3"]
        #expect(!ObjectTrace.needsNewTrace(annotations, generation: 3, now: now))
        #expect(ObjectTrace.needsNewTrace(annotations, generation: 4, now: now), "a new generation is a new trace")
        #expect(ObjectTrace.needsNewTrace(annotations, generation: 3, now: now.addingTimeInterval(25 * 3600)), "older than a day")
        #expect(ObjectTrace.needsNewTrace([:], generation: 3, now: now), "no trace")
        #expect(ObjectTrace.needsNewTrace([TraceAnnotations.parent: "bad"], generation: nil, now: now))
        #expect(ObjectTrace.needsNewTrace([TraceAnnotations.parent: Self.parent, TraceAnnotations.timestamp: "yesterday"], generation: nil, now: now))
        #expect(!ObjectTrace.needsNewTrace([TraceAnnotations.parent: Self.parent], generation: 7, now: now), "no recorded generation: joined")
    }

    @Test func offMeansNoSpanAndNothingToWrite() {
        KratixTelemetry.enable(tracing: false, metrics: nil)
        #expect(ObjectTrace.start("x", annotations: [:], generation: 1) == nil)
        #expect(ObjectTrace.child("x", traceParent: Self.parent, traceState: nil) == nil)
        // Counters without a factory are not kept (and do not crash).
        KratixTelemetry.recordPlacementWrite(result: "success", promise: "p", resource: "", destination: "d", pipeline: "")
    }
}
