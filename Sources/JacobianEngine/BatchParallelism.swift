import Dispatch
import Foundation
import Synchronization

/// Where a batch's parallel chunks run besides the calling thread.
///
/// A batch is split into chunks taken one at a time from a shared counter. The calling thread always takes part,
/// so a batch finishes even when no helper is ever granted; `offer` asks for up to `helpers` more threads, and a
/// helper stops taking chunks as soon as `shouldYield` says other work is waiting for its thread. In the server
/// the helpers are idle workers of its bounded pool (`JacobianAPI` binds `current` per request), so a batch never
/// uses more threads than the pool has, and gives them back between chunks to any request that arrives.
///
/// The engine's default, for library and benchmark callers, is `allCores`: helpers on Dispatch's global queue,
/// one per further core.
public struct BatchParallelism: Sendable {
    /// At most this many helper threads besides the caller.
    public let helpers: Int
    /// Asks for `job` to run on another thread now; false when none is free.
    public let offer: @Sendable (@escaping @Sendable () -> Void) -> Bool
    /// Whether a helper should stop taking chunks (other work waits for its thread).
    public let shouldYield: @Sendable () -> Bool

    /// A parallelism with `helpers` helpers obtained through `offer`, giving them back when `shouldYield`.
    public init(
        helpers: Int, offer: @escaping @Sendable (@escaping @Sendable () -> Void) -> Bool,
        shouldYield: @escaping @Sendable () -> Bool = { false }
    ) {
        self.helpers = max(0, helpers)
        self.offer = offer
        self.shouldYield = shouldYield
    }

    /// The calling thread alone.
    public static let callingThread = BatchParallelism(helpers: 0, offer: { _ in false })

    /// One helper per further core, on Dispatch's global queue.
    public static let allCores = BatchParallelism(
        helpers: ProcessInfo.processInfo.activeProcessorCount - 1,
        offer: { job in
            DispatchQueue.global(qos: .userInitiated).async(execute: job)
            return true
        })

    /// The parallelism batches use on this thread (or task): `allCores` unless a caller binds another with
    /// `BatchParallelism.$current.withValue(_:operation:)`.
    @TaskLocal public static var current: BatchParallelism = .allCores
}

/// The chunks of one parallel batch: a counter every thread takes chunks from, the batch's body, and the helpers
/// that have started, which the caller waits for before the body goes out of scope.
///
/// Helpers may start long after the batch is done (a queued job); they then find the dispenser closed and its
/// body gone, so nothing outlives the batch but the dispenser itself.
final class ChunkDispenser: Sendable {
    typealias Body = @Sendable (Int) throws(EngineError) -> Void

    private struct State {
        var closed = false
        var active = 0
        var body: Body?
    }

    let chunkCount: Int
    private let next = Atomic<Int>(0)
    private let state: Mutex<State>
    private let finished = DispatchSemaphore(value: 0)

    init(chunkCount: Int, body: @escaping Body) {
        self.chunkCount = chunkCount
        state = Mutex(State(body: body))
    }

    /// The next chunk to run, or nil once every chunk has been taken.
    func take() -> Int? {
        let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return chunk < chunkCount ? chunk : nil
    }

    /// Registers a helper that has started and hands it the body; nil once the caller has finished (the helper
    /// must then do nothing). A helper given the body must call `leave()` once it no longer holds it.
    func enter() -> Body? {
        state.withLock { state in
            guard !state.closed else { return nil }
            state.active += 1
            return state.body
        }
    }

    /// A helper is done.
    func leave() {
        let last = state.withLock { state in
            state.active -= 1
            return state.closed && state.active == 0
        }
        if last { finished.signal() }
    }

    /// Called by the caller once it finds no chunk left: waits for the helpers still running and drops the body;
    /// helpers that start later find the dispenser closed.
    func close() {
        let mustWait = state.withLock { state in
            state.closed = true
            return state.active > 0
        }
        if mustWait { finished.wait() }
        state.withLock { $0.body = nil }
    }
}

extension BatchParallelism {
    /// Runs `body` for every index in `0..<count`, each a sizeable piece of work (thousands of points' worth,
    /// such as encoding a chunk of an answer), over the calling thread and the helpers of `current`.
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        try? CompiledFunction.forEachPoint(count: count, pointsPerIndex: CompiledFunction.parallelBatchThreshold) {
            (index) throws(EngineError) in body(index)
        }
    }
}
