import Synchronization

/// Whether the client that sent a request still wants its answer.
///
/// The server cancels a request's token when its client goes away before the answer: an HTTP/1.1 connection
/// that reaches end of stream or fails while the request is queued or running, an HTTP/2 stream reset (or its
/// connection lost) before its response. Queued work whose token is cancelled is dropped before it starts;
/// running work should look at `isCancelled` at natural break points (between batch chunks, solver iterations,
/// large network layers) and stop, since nobody will read what it computes. A responder that never looks
/// simply runs to the end, as before.
///
/// Thread safety: one atomic; any thread may read it, the server cancels it from the connection's event loop.
public final class CancellationToken: Sendable {
    /// What was under way when the token was cancelled, for the metrics.
    public enum Stage: UInt8, Sendable {
        /// Waiting for a worker: the work is dropped before it starts.
        case queued = 0
        /// With a worker: the work stops at its next check.
        case running = 1
    }

    private static let cancelled: UInt8 = 2
    private static let finished: UInt8 = 3
    private let state = Atomic<UInt8>(Stage.queued.rawValue)

    /// A token for a request nobody has cancelled.
    public init() {}

    /// True once the client has gone: stop computing, the answer will not be read.
    public var isCancelled: Bool { state.load(ordering: .relaxed) == Self.cancelled }

    /// Called by the worker about to run the request; false when the client left while it was queued.
    public func start() -> Bool {
        state.compareExchange(expected: Stage.queued.rawValue, desired: Stage.running.rawValue,
                              ordering: .relaxed).exchanged
    }

    /// Called once the responder returned: a later cancellation changes nothing and counts nothing.
    public func finish() {
        state.store(Self.finished, ordering: .relaxed)
    }

    /// Cancels the request; returns the stage it was in, or nil when it had finished or was cancelled already.
    @discardableResult
    public func cancel() -> Stage? {
        var current = state.load(ordering: .relaxed)
        while current == Stage.queued.rawValue || current == Stage.running.rawValue {
            let (exchanged, original) = state.compareExchange(expected: current, desired: Self.cancelled,
                                                               ordering: .relaxed)
            if exchanged { return Stage(rawValue: original) }
            current = original
        }
        return nil
    }
}
