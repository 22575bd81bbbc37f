#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Synchronization

/// One accepted socket speaking HTTP/1.1: reads into the parser, hands complete requests to the request policy
/// (`RequestDispatcher`) one at a time (so pipelined responses keep their order), and writes responses back. It
/// only does I/O: when to read, parse, linger or close is decided by `state` (`ConnectionStateMachine`), whose
/// actions it performs (`perform`).
///
/// The connection belongs to one `EventLoop`, whose thread reads and writes its socket as readiness events come
/// and runs whatever other threads post to it (`loop.execute`: a worker's response, a timeout, shutdown).
///
/// Thread safety: every mutable property is touched only on the loop's thread, which is why the class can be
/// `@unchecked Sendable`. The only cross-thread state is in atomics: `deadline`, which the server's sweep timer
/// reads, `idleSince` and `evicting`.
final class Connection: SocketReadinessObserver, @unchecked Sendable {
    typealias CloseMode = ConnectionStateMachine.CloseMode

    let id: Int
    let fd: Int32
    let loop: EventLoop
    let context: ServerContext
    /// True for a connection accepted past `maxConnections` only to be answered 503 and closed.
    let isRefusal: Bool
    /// The client's address (without port): whose jobs these are, for the pool's fair scheduling.
    let client: String
    /// When `state.nextTimeout()` passes, in monotonic nanoseconds; 0 for none. Read by the sweep timer.
    let deadline = Atomic<UInt64>(0)
    /// Since when the connection holds nothing of a request (`state.idleSince`), in monotonic nanoseconds; 0
    /// while it does. Read by the accept loop, which closes the longest-idle connection when the table is full.
    let idleSince: Atomic<UInt64>
    /// Set once the accept loop chose this connection to close, so that it is not chosen twice.
    let evicting = Atomic<Bool>(false)

    var state: ConnectionStateMachine
    var parser: HTTPRequestParser
    /// The registration with `loop`, from `start` until `close`.
    var readinessToken: UInt64?
    /// Reading stopped on purpose (output piling up, a request in flight); `resumeReading` tries again.
    var readSuspended = false
    /// The last write found the socket full; the next writable event flushes.
    var awaitingWritable = false
    /// The peer closed its side: a short read no longer means the socket is drained, the end of stream is next.
    var peerHungUp = false
    /// Response bytes not yet written: whole buffers, the first one `pendingOffset` bytes in.
    var pending: [[UInt8]] = []
    var pendingOffset = 0
    var pendingBytes = 0
    var detectingPreface: Bool
    var isProcessingInput = false
    /// The head of the request being read or handled: method, version and keep-alive.
    var currentHead: RequestHead?
    /// Bytes this connection holds in the server's `ByteBudget` for the request being read or handled.
    var reservedBodyBytes = 0
    /// Bytes of queued response bodies this connection holds in the server's response budget; released as
    /// they are written.
    var reservedResponseBytes = 0
    /// The token of the request with the worker pool, cancelled if the client goes before the answer.
    var inFlight: CancellationToken?
    var takeover: (any ConnectionProtocolHandler)?
    /// What a takeover handler may do with this connection. Made afresh (it holds nothing but the connection)
    /// rather than stored: a stored one would hold the connection that holds it, a cycle no close breaks, and
    /// every HTTP/2 connection would leak (found by FuzzHTTP2 under LeakSanitizer).
    var io: ConnectionIO { ConnectionIO(connection: self) }

    init(id: Int, fd: Int32, context: ServerContext, isRefusal: Bool, client: String = "") {
        self.id = id
        self.fd = fd
        self.context = context
        self.isRefusal = isRefusal
        self.client = client
        loop = EventLoop.next()
        let accepted = Self.now()
        state = ConnectionStateMachine(timeouts: context.configuration.timeouts, now: accepted)
        // Evictable from the start: a burst of silent sockets must not look busy until their loops take them up.
        idleSince = Atomic(isRefusal ? 0 : accepted)
        parser = HTTPRequestParser(limits: context.configuration.limits)
        detectingPreface = context.hasPrefaces
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Full reads (32 KiB each) one readiness event may do before the loop serves its other connections.
    static let readsPerTurn = 16

    /// Starts reading; a refusal is answered 503 at once instead.
    func start() {
        loop.execute { [self] in
            guard !state.isClosed else { return }
            // A socket that already holds bytes is reported at once: epoll checks readiness when it registers.
            guard let token = loop.watch(fd, self) else { return close(.immediate) }
            readinessToken = token
            if isRefusal {
                context.metrics.rejectedConnectionLimit.increment()
                refuse(.tooManyConnections)
            }
            updateDeadline()
        }
    }

    // MARK: Reading

    /// On the loop's thread, as the socket's readiness changes.
    func socketBecameReady(_ events: EventLoop.Events) {
        if events.contains(.hangUp) { peerHungUp = true }
        if events.contains(.readable) { readAvailable() }
        if events.contains(.writable) && awaitingWritable { writableAgain() }
    }

    /// Reads until the socket is drained (edge-triggered readiness reports only new bytes), reading is suspended
    /// or the connection closes; after `readsPerTurn` full reads it lets the loop's other connections have their
    /// turn and comes back after them (a client that sends without pause must not hold the loop).
    func readAvailable() {
        let capacity = 32 * 1024
        var reads = 0
        while !state.isClosed && !readSuspended {
            if reads == Self.readsPerTurn { return loop.execute { [self] in readAvailable() } }
            reads += 1
            let count = withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 16) { buffer in
                let count = read(fd, buffer.baseAddress, buffer.count)
                if count > 0 { received(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
                return count
            }
            if count == 0 {
                return peerDidClose()
            } else if count < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    context.logger.debug("read failed", metadata: ["errno": "\(errno)"])
                    close(.immediate)
                }
                return
            } else if count < capacity && !peerHungUp {
                return  // Drained: bytes that arrive later are a new event. Saves a read that would say EAGAIN.
            }
        }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        if state.discardsInput { return }  // The last response has been sent.
        if let takeover {
            takeover.receive(bytes)
            return
        }
        parser.append(bytes)
        state.requestBytesBuffered(now: Self.now())
        if detectingPreface && !checkPrefaces() { return }
        processInput()
    }

    private func peerDidClose() {
        // A client that closes while its request is queued or running has given up on it (as nginx's 499):
        // queued work is dropped, running work stops at its next check. A client that only half-closed still
        // gets the answer of running work that finishes (or of its cancellation).
        let stage = inFlight?.cancel()
        context.metrics.recordCancellation(stage)
        takeover?.peerClosed()
        // Suspending keeps the EOF from firing again while what is in flight is answered.
        perform(state.peerDidClose(abandonedQueuedWork: stage == .queued, output: pendingBytes))
    }

    /// Parses and dispatches buffered requests until one is with a worker or more bytes are needed.
    func processInput() {
        guard !isProcessingInput else { return }
        isProcessingInput = true
        defer { isProcessingInput = false }
        while state.mayParse(output: pendingBytes) {
            switch parser.next() {
            case .needMoreData:
                if parser.isIdle && pending.isEmpty { parser.releaseMemory() }
                perform(state.inputExhausted(output: pendingBytes))
                updateDeadline()
                return
            case .head(let head):
                currentHead = head
                state.headComplete(now: Self.now())
                // The declared length was checked against maxBodyBytes by the parser (an early 413); the
                // shared budget is charged only as the bytes arrive (`.bodyData`), so that declaring a body
                // and never sending it costs the client its per-request timeout, not everyone else's POSTs.
                if head.expectsContinue && parser.bufferedByteCount == 0 {
                    enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                    flush()
                }
            case .bodyData(let count):
                _ = reserveBody(count)  // On refusal the error response ends the loop.
            case .request(let request):
                state.requestComplete()
                dispatch(request)
            case .error(let error):
                context.logger.debug("rejected request", metadata: ["status": "\(error.status.code)",
                                                                      "cause": "\(error.detail)"])
                refuse(Refusal(error.status, error.detail))
            }
        }
        // Reading resumes in `continueAfterResponse`, once the worker answered or the output drained.
        perform(state.afterParsing(input: parser.bufferedByteCount, output: pendingBytes))
        updateDeadline()
    }

    // MARK: Requests and responses

    /// Hands a complete request to the request policy: answered at once (inline route, refusal) or by a worker.
    private func dispatch(_ request: HTTPRequest) {
        guard let head = currentHead else { preconditionFailure("request without a head") }
        if upgradeIfRequested(request) { return }
        let dispatcher = context.dispatcher
        switch dispatcher.decide(request) {
        case .answered(let response):
            deliver(response, to: head)
        case .needsWorker(let pending):
            // The job owns the body's reservation and gives it back once the responder is done with the body, so
            // it stays counted while queued even if the connection closes meanwhile.
            let held = reservedBodyBytes
            let refused = dispatcher.submit(pending, client: client) { [self] response in
                dispatcher.releaseBody(held)
                guard let response else { return }  // The client left while it waited.
                loop.execute { self.deliver(response, to: head) }
            }
            if let refused { return deliver(refused, to: head) }
            reservedBodyBytes = 0
            inFlight = request.cancellation
        }
    }

    /// Queues `response` to the request `head` and goes on with any pipelined request.
    func deliver(_ response: HTTPResponse, to head: RequestHead) {
        guard !state.isClosed else { return }
        inFlight = nil
        releaseBody()  // Answered without a worker (inline route, error): the body is no longer needed.
        let keepAlive = state.persists(requestKeepAlive: head.keepAlive,
                                       responseCloses: response.headers.contains(token: "close", in: "Connection"))
        let dispatcher = context.dispatcher
        var response = response
        var reserved = dispatcher.admitResponse(
            &response, sendsBody: head.method != "HEAD" && !response.status.forbidsContent)
        var encoded: (head: [UInt8], sendBody: Bool)
        do {
            encoded = try context.encoder.encodeHead(response, requestMethod: head.method, keepAlive: keepAlive,
                                                     clientVersion: head.version)
        } catch {
            dispatcher.releaseResponse(reserved)
            reserved = 0
            response = dispatcher.invalidResponse(error)
            encoded = (try? context.encoder.encodeHead(response, requestMethod: head.method, keepAlive: keepAlive,
                                                       clientVersion: head.version)) ?? ([], false)
        }
        enqueue(encoded.head)
        if encoded.sendBody { enqueue(response.body) }
        reservedResponseBytes += reserved
        state.responseQueued(persistent: keepAlive, input: parser.bufferedByteCount, now: Self.now())
        currentHead = nil
        flush()
        continueAfterResponse()
    }

    /// Answers a refusal of the server itself and closes the connection afterwards.
    func refuse(_ refusal: Refusal) {
        let head = currentHead ?? RequestHead(method: "GET", target: "/", version: .http1_1, headers: [:],
                                              framing: .none, expectsContinue: false, keepAlive: false)
        state.refusing()
        deliver(context.dispatcher.response(for: refusal), to: head)
    }

    /// Resumes reading and parsing once the output has room, unless the connection is closing.
    func continueAfterResponse() {
        perform(state.nextAfterResponse(output: pendingBytes))
    }

    /// Does what the state machine decided.
    func perform(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none: break
        case .processInput(let resume):
            if resume { resumeReading() }
            processInput()
        case .resumeReading: resumeReading()
        case .suspendReading: suspendReading()
        case .flush: flush()
        case .closeNow: close(.immediate)
        case .linger: linger()
        case .refuse(let refusal): refuse(refusal)
        case .shutDownTakeover: takeover?.beginGracefulShutdown()
        }
    }

    // MARK: Timeouts and shutdown

    /// Publishes the deadline in force for the sweep timer, and whether the connection may be evicted.
    func updateDeadline() {
        deadline.store(state.nextTimeout()?.deadline ?? 0, ordering: .relaxed)
        idleSince.store(state.evictableSince(input: parser.bufferedByteCount, output: pendingBytes) ?? 0,
                        ordering: .relaxed)
    }

    /// Closes the connection to make room for a new one, if it is still idle (it may have received a request
    /// since it was chosen; then it stays, and the table is one over its size until a connection closes).
    func evictIfIdle() {
        guard state.evictableSince(input: parser.bufferedByteCount, output: pendingBytes) != nil
        else { return evicting.store(false, ordering: .relaxed) }
        context.metrics.evictedConnections.increment()
        close(.immediate)
    }

    /// Posted to `loop` by the sweep timer when `deadline` may have passed.
    func checkTimeout() {
        perform(state.deadlinePassed(now: Self.now()))
    }

    /// Stops taking new requests: idle connections close now, busy ones after their current response.
    func beginGracefulShutdown() {
        perform(state.shutdownRequested(input: parser.bufferedByteCount, output: pendingBytes))
    }
}
