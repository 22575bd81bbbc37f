import CEpoll
import Dispatch
import Glibc
import Synchronization

/// Told when a watched socket may be read or written, on its event loop's thread.
protocol SocketReadinessObserver: AnyObject {
    func socketBecameReady(_ events: EventLoop.Events)
}

/// A thread that owns connections: it watches their sockets with its own epoll instance (edge-triggered) and runs
/// everything that touches them, I/O and the tasks other threads post (`execute`), one at a time. A connection's
/// state therefore needs no lock, and a request that can be answered where it was read (an inline route) is read,
/// answered and written on this thread without a single hand-off.
///
/// Why not a `DispatchSource` per connection: on Linux each source's readiness goes through libdispatch's manager
/// thread, which re-arms the descriptor after every event, and then to a worker thread (two thread hand-offs and an
/// `epoll_ctl` per request: with the hand-off a third of a small POST's CPU, issue #11); and under connection
/// churn the bookkeeping of sources that share a descriptor fails an internal assertion ("Source finalized
/// twice", found by FuzzHTTP2 after 1.4 million connections; swift-corelibs-libdispatch#949 and #833). Here a
/// socket is registered once, for reading and writing, when it is accepted, and leaves when it is closed.
///
/// Edge-triggered means one event per change, not per state: an observer reads until the socket is drained (or
/// stops reading on purpose and tries again when it resumes), and writes until the socket is full before it waits
/// for the next writable event.
///
/// Thread safety: `execute` and `execute(after:_:)` may be called from any thread; `watch` and `unwatch` only on
/// the loop's thread (they are called by the connections it owns).
final class EventLoop: @unchecked Sendable {
    /// What became possible on a socket.
    struct Events: OptionSet, Sendable {
        let rawValue: UInt8
        /// Bytes, an end of stream or an error are waiting to be read.
        static let readable = Events(rawValue: 1)
        /// The send buffer has room again (or the socket failed: the next write says how).
        static let writable = Events(rawValue: 2)
        /// The peer closed its side (or the socket failed): read until the end of stream, not only until a short
        /// read.
        static let hangUp = Events(rawValue: 4)
    }

    /// One loop per core, shared by every server of the process; their threads start with the first connection and
    /// run as long as the process.
    static let all: [EventLoop] = (0..<HTTPServerConfiguration.activeProcessorCount).map { _ in EventLoop() }
    private static let nextIndex = Atomic<Int>(0)

    /// The loop for a new connection, in turn.
    static func next() -> EventLoop {
        all[nextIndex.add(1, ordering: .relaxed).oldValue % all.count]
    }

    private let epoll: Int32
    /// An eventfd in the epoll set, written to wake the thread for posted tasks.
    private let wakeFD: Int32
    private static let wakeToken: UInt64 = 0

    private struct Posted {
        var tasks: [@Sendable () -> Void] = []
        /// The thread is awake or already signalled: no need to write to `wakeFD`.
        var awake = true
    }
    private let posted = Mutex(Posted())

    // Touched only on the loop's thread.
    private var observers: [UInt64: any SocketReadinessObserver] = [:]
    private var lastToken: UInt64 = 0

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: errno \(errno)")
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(wakeFD >= 0, "eventfd failed: errno \(errno)")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLET.rawValue
        event.data.u64 = Self.wakeToken
        precondition(epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &event) == 0, "epoll_ctl failed: errno \(errno)")
        startThread { [self] in run() }
    }

    /// Runs `task` on the loop's thread, after the tasks posted before it.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let wake = posted.withLock { posted in
            posted.tasks.append(task)
            defer { posted.awake = true }
            return !posted.awake
        }
        if wake {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Runs `task` on the loop's thread at `deadline` or soon after.
    func execute(after deadline: DispatchTime, _ task: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: deadline) { [self] in execute(task) }
    }

    /// Watches `fd` (non-blocking) for reading and writing until `unwatch`; nil if the kernel refuses it (the
    /// caller then closes the socket). The observer is held until then. Call on the loop's thread.
    func watch(_ fd: Int32, _ observer: any SocketReadinessObserver) -> UInt64? {
        lastToken += 1
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = lastToken
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { return nil }
        observers[lastToken] = observer
        return lastToken
    }

    /// Stops watching `fd` and lets its observer go; call on the loop's thread, before closing the descriptor. An
    /// event already taken for it finds nobody: tokens are never reused, even when descriptors are.
    func unwatch(_ fd: Int32, token: UInt64) {
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nil)
        observers.removeValue(forKey: token)
    }

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        var tasks: [@Sendable () -> Void] = []
        while true {
            // Announce the sleep; a task posted after this wakes the thread through the eventfd.
            let pending = posted.withLock { posted in
                posted.awake = !posted.tasks.isEmpty
                return posted.awake
            }
            let count = epoll_wait(epoll, events, Int32(capacity), pending ? 0 : -1)
            if count < 0 {
                precondition(errno == EINTR, "epoll_wait failed: errno \(errno)")
                continue
            }
            posted.withLock { $0.awake = true }
            for event in UnsafeBufferPointer(start: events, count: Int(count)) {
                if event.data.u64 == Self.wakeToken {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if let observer = observers[event.data.u64] {
                    observer.socketBecameReady(Self.events(event.events))
                }
            }
            posted.withLock { swap(&tasks, &$0.tasks) }  // Each array keeps its storage from turn to turn.
            for task in tasks { task() }
            tasks.removeAll(keepingCapacity: true)
        }
    }

    private static func events(_ flags: UInt32) -> Events {
        var events: Events = []
        let failed = flags & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
        if failed || flags & EPOLLIN.rawValue != 0 { events.insert(.readable) }
        if failed || flags & EPOLLOUT.rawValue != 0 { events.insert(.writable) }
        if failed || flags & EPOLLRDHUP.rawValue != 0 { events.insert(.hangUp) }
        return events
    }
}
