import Synchronization

/// Whether this process should receive new traffic: what `/readyz` answers.
///
/// It starts `starting`, becomes `ready` once the listener is open, and turns `draining` at the stop signal,
/// before the listener closes, so that load balancers and Kubernetes stop routing here while in-flight requests
/// finish. It never goes back: a draining process only stops.
public final class Readiness: Sendable {
    /// The lifecycle phases that matter to routing.
    public enum State: Sendable, Equatable {
        /// Not listening yet.
        case starting
        /// Listening and taking traffic.
        case ready
        /// Asked to stop: finishing what it has, taking nothing new.
        case draining
    }

    private let state = Mutex(State.starting)

    /// A flag in the `starting` state.
    public init() {}

    /// The current state.
    public var current: State { state.withLock { $0 } }

    /// Whether `/readyz` should answer 200.
    public var isReady: Bool { current == .ready }

    /// `starting` becomes `ready`; a draining process stays draining.
    public func markReady() {
        state.withLock { if $0 == .starting { $0 = .ready } }
    }

    /// Enters `draining` for good. Returns true the first time, so that the caller starts the shutdown once.
    @discardableResult
    public func markDraining() -> Bool {
        state.withLock { state in
            defer { state = .draining }
            return state != .draining
        }
    }
}
