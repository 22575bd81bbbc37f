import CEpoll
import Glibc
import Synchronization

/// Told when a watched socket may be read or written. Called on the readiness thread, which serves every socket
/// of the process: an observer only hands the work to its own queue and returns.
protocol SocketReadinessObserver: AnyObject, Sendable {
    func socketBecameReady(_ events: SocketReadiness.Events)
}

/// One epoll instance, edge-triggered, watched by one thread for every connection of the process.
///
/// Why not a `DispatchSource` per connection: on Linux each source's readiness goes through libdispatch's manager
/// thread, which re-arms the descriptor after every event (an `epoll_ctl` and an eventfd wake-up per request, 6–9%
/// of the POST path's CPU, issue #11), and under connection churn its bookkeeping of sources that share a
/// descriptor fails an internal assertion ("Source finalized twice", found by FuzzHTTP2 after 1.4 million
/// connections; swift-corelibs-libdispatch#949 and #833). Edge-triggered epoll needs no re-arming: a socket is
/// registered once, for reading and writing, when it is accepted, and leaves the instance when it is closed.
///
/// Edge-triggered means one event per change, not per state: an observer reads until the socket is drained (or
/// it stops reading on purpose and tries again when it resumes), and writes until the socket is full before it
/// waits for the next writable event.
final class SocketReadiness: Sendable {
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

    /// The process's instance; its thread starts with the first server and runs as long as the process.
    static let shared = SocketReadiness()

    private let epoll: Int32
    /// Observers by the token their socket was registered with; a token is never reused, so an event still in
    /// flight for a socket that has been closed (its descriptor perhaps already reused) finds nobody.
    private let observers = Mutex<[UInt64: any SocketReadinessObserver]>([:])
    private let lastToken = Atomic<UInt64>(0)

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: errno \(errno)")
        startThread { [self] in run() }
    }

    /// Watches `fd` (non-blocking) for reading and writing until `unwatch`; nil if the kernel refuses it (the
    /// caller then closes the socket). The observer is held until then.
    func watch(_ fd: Int32, _ observer: any SocketReadinessObserver) -> UInt64? {
        let token = lastToken.add(1, ordering: .relaxed).newValue
        observers.withLock { $0[token] = observer }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        event.data.u64 = token
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else {
            _ = observers.withLock { $0.removeValue(forKey: token) }
            return nil
        }
        return token
    }

    /// Stops watching `fd` and lets its observer go; call before closing the descriptor.
    func unwatch(_ fd: Int32, token: UInt64) {
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nil)
        _ = observers.withLock { $0.removeValue(forKey: token) }
    }

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        var ready: [(any SocketReadinessObserver, Events)] = []
        ready.reserveCapacity(capacity)
        while true {
            let count = epoll_wait(epoll, events, Int32(capacity), -1)
            if count < 0 {
                precondition(errno == EINTR, "epoll_wait failed: errno \(errno)")
                continue
            }
            // One lock for the whole batch; the observers are called outside it.
            observers.withLock { observers in
                for event in UnsafeBufferPointer(start: events, count: Int(count)) {
                    guard let observer = observers[event.data.u64] else { continue }
                    ready.append((observer, Self.events(event.events)))
                }
            }
            for (observer, happened) in ready { observer.socketBecameReady(happened) }
            ready.removeAll(keepingCapacity: true)
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
