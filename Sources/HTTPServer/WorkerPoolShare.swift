/// What a request's handler may borrow of the server's worker pool for parallel work (a large batch): workers that
/// are idle now, to be given back as soon as another request waits. Bound to the worker thread while it runs a
/// job (`current`); nil on any other thread (inline routes, I/O threads, direct calls in tests).
///
/// The pool's bound holds: helpers run on the pool's own workers and only on idle ones, so a batch uses at most
/// `workerCount` threads, and its helpers never delay a request (they leave at their next chunk once one waits).
public struct WorkerPoolShare: Sendable {
    let pool: WorkerPool
    let client: String

    /// The most helpers worth asking for: every other worker.
    public var helpers: Int { pool.workerCount - 1 }

    /// Runs `job` on an idle worker now, counted as this request's client; false when no worker is idle.
    public func offer(_ job: @escaping @Sendable () -> Void) -> Bool { pool.offerIdle(client: client, job) }

    /// Whether a request waits for a worker, so helpers should stop.
    public var requestsWaiting: Bool { pool.hasWaitingRequests }

    /// The share of the pool whose worker runs the current job.
    @TaskLocal public static var current: WorkerPoolShare?
}
