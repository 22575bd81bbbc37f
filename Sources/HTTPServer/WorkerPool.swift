#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// A fixed set of threads running jobs from a bounded FIFO queue.
///
/// Handlers are CPU-bound computations; running them here keeps them off the Dispatch threads that read and
/// write sockets, so a slow computation never stalls I/O on other connections. `submit` refuses work
/// instead of queueing without bound, and the caller answers 503.
final class WorkerPool: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job?] = []
        var head = 0
        var running = 0
        var stopped = false
        var waiting: Int { jobs.count - head }
    }

    let workerCount: Int
    let queueDepth: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let metrics: ServerMetrics

    init(workerCount: Int, queueDepth: Int, metrics: ServerMetrics) {
        self.workerCount = workerCount
        self.queueDepth = queueDepth
        self.metrics = metrics
        for _ in 0..<workerCount {
            startThread { [self] in work() }
        }
    }

    /// Queues `job`; false, without queueing, when every worker is busy and the queue is full.
    func submit(_ job: @escaping Job) -> Bool {
        let depth: Int? = state.withLock { state in
            guard !state.stopped, state.running + state.waiting < workerCount + queueDepth else { return nil }
            state.jobs.append(job)
            return state.waiting
        }
        guard let depth else { return false }
        metrics.workerQueueDepth.record(depth)
        available.signal()
        return true
    }

    /// Lets the threads exit once the queue is empty.
    func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<workerCount { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let next: (Job, Int, Int)? = state.withLock { state in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]!
                state.jobs[state.head] = nil
                state.head += 1
                // Compact once the consumed prefix dominates, so the array does not grow forever.
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head > 1024 && state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                state.running += 1
                return (job, state.waiting, state.running)
            }
            guard let (job, depth, running) = next else { return }  // Only `stop` signals without a job.
            metrics.workerQueueDepth.record(depth)
            metrics.requestsInFlight.record(running)
            job()
            let nowRunning = state.withLock { state in
                state.running -= 1
                return state.running
            }
            metrics.requestsInFlight.record(nowRunning)
        }
    }
}

/// Starts a detached POSIX thread; Foundation's `Thread` is avoided to keep the module Foundation-free.
private func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {  // Immutable after init; handed to exactly one thread.
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    precondition(result == 0, "pthread_create failed: \(result)")
    pthread_detach(thread)
}
