import Foundation

extension LeaderElector {
    /// client-go's leader-election rules as a value type: it decides from the Lease it was shown
    /// whether to create, take over, renew or stand by; the elector does the requests.
    ///
    /// Expiry is judged by the local clock from when this process last saw the record change, not
    /// by the `renewTime` written by another machine, so clock skew between candidates does not
    /// matter (as client-go).
    struct StateMachine: Sendable {
        enum Decision: Sendable, Equatable {
            case create(LeaseRecord)
            case update(LeaseRecord)
            /// Someone else holds a valid lease.
            case standby(holder: String)
        }

        let identity: String
        let leaseDuration: Duration
        let renewDeadline: Duration
        private(set) var observed: LeaseRecord?
        private(set) var observedAt: ContinuousClock.Instant?
        private(set) var isLeader = false
        private(set) var lastRenewal: ContinuousClock.Instant?

        init(identity: String, leaseDuration: Duration, renewDeadline: Duration) {
            self.identity = identity
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
        }

        mutating func decide(current: LeaseRecord?, now: ContinuousClock.Instant, wallClock: Date) -> Decision {
            let time = LeaseRecord.microTime(wallClock)
            let seconds = Int(leaseDuration.components.seconds)
            guard let current else {
                return .create(LeaseRecord(holderIdentity: identity, leaseDurationSeconds: seconds,
                                           acquireTime: time, renewTime: time, leaseTransitions: 0))
            }
            if current != observed {
                observed = current
                observedAt = now
            }
            let holder = current.holderIdentity ?? ""
            let ours = holder == identity
            if !ours, !holder.isEmpty {
                let duration = Duration.seconds(current.leaseDurationSeconds > 0 ? current.leaseDurationSeconds : seconds)
                if let observedAt, observedAt + duration > now {
                    isLeader = false
                    return .standby(holder: holder)
                }
            }
            var next = current
            next.holderIdentity = identity
            next.leaseDurationSeconds = seconds
            next.renewTime = time
            if !ours {
                next.acquireTime = time
                next.leaseTransitions = current.leaseTransitions + 1
            }
            return .update(next)
        }

        /// The create or update was accepted: we lead.
        mutating func written(_ record: LeaseRecord, now: ContinuousClock.Instant) {
            observed = record
            observedAt = now
            isLeader = true
            lastRenewal = now
        }

        /// A renewal failed; returns true when leadership is lost (no renewal within the deadline).
        mutating func renewalFailed(now: ContinuousClock.Instant) -> Bool {
            guard isLeader else { return false }
            if let lastRenewal, now - lastRenewal < renewDeadline { return false }
            isLeader = false
            return true
        }

        /// The record that hands the lease over at once on a clean shutdown (`nil` if we do not lead).
        func release(wallClock: Date) -> LeaseRecord? {
            guard isLeader, var record = observed, record.holderIdentity == identity else { return nil }
            let time = LeaseRecord.microTime(wallClock)
            record.holderIdentity = nil
            record.leaseDurationSeconds = 1
            record.acquireTime = time
            record.renewTime = time
            return record
        }
    }
}
