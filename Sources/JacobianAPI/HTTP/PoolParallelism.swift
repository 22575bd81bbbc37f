import HTTPServer
import JacobianEngine

extension BatchParallelism {
    /// A request's batches on the server: the calling worker plus the pool's idle workers, given back between
    /// chunks whenever another request waits (`WorkerPoolShare`). Off the pool (inline routes, direct calls),
    /// the calling thread alone: nothing outside the pool's bound takes cores for a request.
    static var ofCurrentWorker: BatchParallelism {
        guard let share = WorkerPoolShare.current else { return .callingThread }
        return BatchParallelism(helpers: share.helpers, offer: share.offer, shouldYield: { share.requestsWaiting })
    }
}
