import Foundation
import Testing

@testable import KubeModel

@Suite struct ConditionTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let t1 = Date(timeIntervalSince1970: 1_700_000_100)

    @Test func upsertsByTypeAndMovesTransitionTimeOnlyOnStatusChange() {
        var conditions: [Condition] = []
        var changed: Bool
        changed = conditions.set(Condition(type: "Ready", status: .false, reason: "Pending", message: "wait"), now: t0)
        #expect(changed)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == "2023-11-14T22:13:20Z")

        // Same status, new message: updated in place, time unchanged.
        changed = conditions.set(Condition(type: "Ready", status: .false, reason: "Pending", message: "still"), now: t1)
        #expect(changed)
        #expect(conditions[type: "Ready"]?.message == "still")
        #expect(conditions[type: "Ready"]?.lastTransitionTime == "2023-11-14T22:13:20Z")

        // Nothing different: no change reported.
        changed = conditions.set(Condition(type: "Ready", status: .false, reason: "Pending", message: "still"), now: t1)
        #expect(!changed)

        // Status change moves the time.
        changed = conditions.set(Condition(type: "Ready", status: .true, reason: "Done", message: "ok"), now: t1)
        #expect(changed)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == "2023-11-14T22:15:00Z")
        #expect(conditions.count == 1)

        changed = conditions.set(Condition(type: "Other", status: .unknown), now: t1)
        #expect(changed)
        #expect(conditions.map(\.type) == ["Ready", "Other"])
        changed = conditions.remove(type: "Ready")
        #expect(changed)
        changed = conditions.remove(type: "Ready")
        #expect(!changed)
    }

    @Test func timestampsRoundTrip() {
        for epoch: Int64 in [0, 951_782_400, 1_700_000_000, 4_102_444_800, -86_400] {
            let text = Timestamp.formatEpochSeconds(epoch)
            #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: Double(epoch)), "\(text)")
        }
        #expect(Timestamp.formatEpochSeconds(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.parse("2024-01-02T03:04:05+01:00") == Timestamp.parse("2024-01-02T02:04:05Z"))
        #expect(Timestamp.parse("yesterday") == nil)
    }
}
