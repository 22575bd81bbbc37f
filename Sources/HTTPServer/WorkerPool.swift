#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A fixed set of threads running jobs from a bounded queue, fairly between clients.
///
/// Handlers are CPU-bound computations; running them here keeps them off the Dispatch threads that read and
/// write sockets, so a slow computation never stalls I/O on other connections. `submit` refuses work
/// instead of queueing without bound, and the caller answers 503.
///
/// Fairness: each job belongs to a client (the peer address of its connection). A free worker takes the oldest
/// job of the client with the fewest jobs running, not the oldest job overall, so a client that queued many
/// heavy requests gets one worker while another client's request waits only for the next worker to free up,
/// not behind the whole queue (issue #19: six heavy batches made a trivial request wait 51 s). A lone client
/// still gets every worker: the rule only orders waiting jobs, it never leaves a worker idle.
///
/// Beyond the `workerCount` workers there are `spareWorkers` more threads, which only start jobs of clients with
/// nothing running: when one client's heavy requests hold every worker, another client's request starts at once
/// and shares the cores (the kernel time-slices them) instead of waiting up to a time limit for a worker.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct Entry {
        let client: String
        let job: Job
        /// A helper of a running request's batch (`offerIdle`), not a request of its own.
        var isHelper = false
    }

    private struct State {
        /// Waiting jobs, oldest first.
        var jobs: [Entry] = []
        /// Jobs running per client; clients with none are removed.
        var runningByClient: [String: Int] = [:]
        var running = 0
        var stopped = false
        /// Waiting jobs that are requests, not helpers.
        var waitingRequests = 0
        var waiting: Int { jobs.count }

        /// Takes the oldest job of the client with the fewest jobs running, if it may start: beyond
        /// `workerCount` jobs running, only a client with none running may start one (on a spare thread).
        /// O(waiting), at most `queueDepth` plus the workers, stopping early at a client with none running.
        mutating func takeFairest(workerCount: Int) -> Entry? {
            guard !jobs.isEmpty else { return nil }
            var best = 0
            var bestRunning = Int.max
            for (index, entry) in jobs.enumerated() {
                let running = runningByClient[entry.client] ?? 0
                if running < bestRunning {
                    best = index
                    bestRunning = running
                    if running == 0 { break }
                }
            }
            guard running < workerCount || bestRunning == 0 else { return nil }
            if !jobs[best].isHelper { waitingRequests -= 1 }
            return jobs.remove(at: best)
        }
    }

    let workerCount: Int
    /// Extra threads for clients with nothing running (see the type's documentation).
    let spareWorkers: Int
    let queueDepth: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let metrics: ServerMetrics

    init(workerCount: Int, queueDepth: Int, metrics: ServerMetrics, spareWorkers: Int = 1) {
        self.workerCount = workerCount
        self.spareWorkers = max(0, spareWorkers)
        self.queueDepth = queueDepth
        self.metrics = metrics
        for _ in 0..<(workerCount + self.spareWorkers) {
            startThread { [self] in work() }
        }
    }

    /// Queues `job` for `client`; false, without queueing, when every worker is busy and the queue is full.
    func submit(client: String = "", _ job: @escaping Job) -> Bool {
        let depth: Int? = state.withLock { state in
            guard !state.stopped, state.running + state.waiting < workerCount + queueDepth else { return nil }
            state.jobs.append(Entry(client: client, job: job))
            state.waitingRequests += 1
            return state.waiting
        }
        guard let depth else { return false }
        metrics.workerQueueDepth.record(depth)
        available.signal()
        return true
    }

    /// Runs `job` as `client`'s on a worker that is idle now (no job running on it or waiting for it); false,
    /// without queueing, when none is. How a request's batch borrows idle workers for its parallel chunks
    /// (`WorkerPoolShare`): it never takes a worker a request is waiting for, and never counts against the queue.
    func offerIdle(client: String, _ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.stopped, state.running + state.waiting < workerCount else { return false }
            state.jobs.append(Entry(client: client, job: job, isHelper: true))
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Whether a request waits for a worker: a batch's helpers then give their workers back between chunks.
    var hasWaitingRequests: Bool { state.withLock { $0.waitingRequests > 0 } }

    /// Lets the threads exit once the queue is empty.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<(workerCount + spareWorkers) { available.signal() }
    }

    /// Waits for a signal, then runs jobs as long as one may start. A signal may find no job it may start (the
    /// job waits for a running one to finish, whose thread then takes it), so a job never depends on a signal
    /// of its own; spare signals only cause an extra look at the queue.
    private func work() {
        var mayWait = true
        while true {
            if mayWait { available.wait() }
            let next: (Entry, Int, Int)?? = state.withLock { state in
                guard let entry = state.takeFairest(workerCount: workerCount) else {
                    return state.stopped && state.jobs.isEmpty ? .some(nil) : nil
                }
                state.running += 1
                state.runningByClient[entry.client, default: 0] += 1
                return (entry, state.waiting, state.running)
            }
            guard let taken = next else {
                mayWait = true
                continue
            }
            guard let (entry, depth, running) = taken else { return }  // Stopped with nothing left.
            mayWait = false
            metrics.workerQueueDepth.record(depth)
            metrics.requestsInFlight.record(running)
            WorkerPoolShare.$current.withValue(WorkerPoolShare(pool: self, client: entry.client)) { entry.job() }
            let nowRunning = state.withLock { state in
                state.running -= 1
                let left = state.runningByClient[entry.client, default: 1] - 1
                state.runningByClient[entry.client] = left > 0 ? left : nil
                return state.running
            }
            metrics.requestsInFlight.record(nowRunning)
        }
    }
}
