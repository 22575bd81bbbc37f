#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Synchronization

/// One accepted socket speaking HTTP/1.1: reads into the parser, hands complete requests to the worker
/// pool one at a time (so pipelined responses keep their order), and writes responses back.
///
/// Thread safety: every mutable property is touched only on `queue`, a serial queue, which is why the
/// class can be `@unchecked Sendable`. The only cross-thread state is `deadline`, an atomic the server's
/// sweep timer reads.
final class Connection: @unchecked Sendable {
    enum CloseMode { case immediate, lingering }

    let id: Int
    let fd: Int32
    let queue: DispatchQueue
    let context: ServerContext
    /// True for a connection accepted past `maxConnections` only to be answered 503 and closed.
    let isRefusal: Bool
    /// When `state.nextTimeout()` passes, in monotonic nanoseconds; 0 for none. Read by the sweep timer.
    let deadline = Atomic<UInt64>(0)

    var state: ConnectionStateMachine
    var parser: HTTPRequestParser
    var readSource: DispatchSourceRead?
    var readSuspended = false
    var writeSource: DispatchSourceWrite?
    var writeSourceRunning = false
    var liveSources = 0
    /// Response bytes not yet written: whole buffers, the first one `pendingOffset` bytes in.
    var pending: [[UInt8]] = []
    var pendingOffset = 0
    var pendingBytes = 0
    var closeAfterFlush: CloseMode?
    var closed = false
    var peerClosed = false
    var shuttingDown = false
    var detectingPreface: Bool
    var isProcessingInput = false
    /// The head of the request being read or handled: method, version and keep-alive.
    var currentHead: RequestHead?
    /// Bytes this connection holds in the server's `BodyBudget` for the request being read or handled.
    var reservedBodyBytes = 0
    var takeover: (any ConnectionProtocolHandler)?
    /// What a takeover handler may do with this connection. Made afresh (it holds nothing but the connection)
    /// rather than stored: a stored one would hold the connection that holds it, a cycle no close breaks, and
    /// every HTTP/2 connection would leak (found by FuzzHTTP2 under LeakSanitizer).
    var io: ConnectionIO { ConnectionIO(connection: self) }

    /// Past this many buffered input or output bytes the connection stops reading until it catches up,
    /// so a client that pipelines without reading cannot make the server buffer without bound.
    static let highWaterMark = 256 * 1024

    init(id: Int, fd: Int32, context: ServerContext, isRefusal: Bool) {
        self.id = id
        self.fd = fd
        self.context = context
        self.isRefusal = isRefusal
        queue = DispatchQueue(label: "http.connection", target: context.ioQueue)
        state = ConnectionStateMachine(timeouts: context.configuration.timeouts, now: Self.now())
        parser = HTTPRequestParser(limits: context.configuration.limits)
        detectingPreface = context.hasPrefaces
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Starts reading; a refusal is answered 503 at once instead.
    func start() {
        queue.async { [self] in
            guard !closed else { return }
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [unowned self] in readAvailable() }
            source.setCancelHandler { [self] in sourceCancelled() }
            liveSources += 1
            readSource = source
            source.activate()
            if isRefusal {
                context.metrics.rejectedConnectionLimit.increment()
                respondWithError(.serviceUnavailable, "The server has too many open connections.", retry: true)
            }
            updateDeadline()
        }
    }

    // MARK: Reading

    private func readAvailable() {
        guard !closed else { return }
        let count = withUnsafeTemporaryAllocation(byteCount: 32 * 1024, alignment: 16) { buffer in
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { received(UnsafeRawBufferPointer(rebasing: buffer[..<count])) }
            return count
        }
        if count == 0 {
            peerDidClose()
        } else if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            context.logger.debug("read failed", metadata: ["errno": "\(errno)"])
            close(.immediate)
        }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        if case .lingering = state.phase { return }  // Discarded: the error response has been sent.
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
        peerClosed = true
        if let takeover {
            takeover.peerClosed()
            close(.immediate)
        } else if state.phase == .processing || !pending.isEmpty {
            suspendReading()  // EOF stays readable; answer what is in flight, then close.
        } else {
            close(.immediate)
        }
    }

    /// Parses and dispatches buffered requests until one is with a worker or more bytes are needed.
    func processInput() {
        guard !isProcessingInput else { return }
        isProcessingInput = true
        defer { isProcessingInput = false }
        // Stops once the output passes the high-water mark: an inline route is answered right here, so
        // without this check a client pipelining without reading would have every answer queued.
        while !closed && closeAfterFlush == nil && takeover == nil && state.phase != .processing
            && pendingBytes < Self.highWaterMark {
            switch parser.next() {
            case .needMoreData:
                if parser.isIdle && pending.isEmpty { parser.releaseMemory() }
                if peerClosed {
                    if pending.isEmpty { close(.immediate) } else { closeAfterFlush = .immediate }
                }
                updateDeadline()
                return
            case .head(let head):
                currentHead = head
                state.headComplete(now: Self.now())
                // Reserved before any body byte is read, so a refused client is not told to send it.
                if case .length(let length) = head.framing, !reserveBody(length) { continue }
                if head.expectsContinue && parser.bufferedByteCount == 0 {
                    enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                    flush()
                }
            case .chunk(let size):
                _ = reserveBody(size)  // On refusal the error response ends the loop.
            case .request(let request):
                state.requestComplete()
                dispatch(request)
            case .error(let error):
                context.logger.debug("rejected request", metadata: ["status": "\(error.status.code)",
                                                                      "cause": "\(error.detail)"])
                respondWithError(error.status, error.detail)
            }
        }
        // Reading resumes in `continueAfterResponse`, once the worker answered or the output drained.
        if pendingBytes >= Self.highWaterMark
            || (state.phase == .processing && parser.bufferedByteCount > Self.highWaterMark) {
            suspendReading()
        }
        updateDeadline()
    }

    // MARK: Requests and responses

    private func dispatch(_ request: HTTPRequest) {
        guard let head = currentHead else { preconditionFailure("request without a head") }
        let keepAlive = head.keepAlive
        guard Router.knownMethods.contains(request.method) else {
            deliver(context.errorResponse(.notImplemented, "The method \(request.method) is not implemented."),
                    to: head, keepAlive: keepAlive)
            return
        }
        if upgradeIfRequested(request) { return }
        let responder = context.responder
        if context.configuration.runsInline(request) {
            return deliver(responder(request), to: head, keepAlive: keepAlive)
        }
        // The job owns the body's reservation and gives it back once the responder is done with the body, so
        // it stays counted while queued even if the connection closes meanwhile. The pool runs every accepted job.
        let budget = context.bodyBudget
        let held = reservedBodyBytes
        reservedBodyBytes = 0
        let accepted = context.pool.submit { [self] in
            let response = responder(request)
            budget.release(held)
            queue.async { self.deliver(response, to: head, keepAlive: keepAlive) }
        }
        if !accepted {
            budget.release(held)
            context.metrics.rejectedOverloaded.increment()
            var response = context.errorResponse(.serviceUnavailable, "The server is overloaded; retry later.")
            response.headers.replaceOrAdd("Retry-After", String(context.configuration.retryAfterSeconds))
            deliver(response, to: head, keepAlive: keepAlive)
        }
    }

    /// Queues `response` to the request `head` and goes on with any pipelined request.
    func deliver(_ response: HTTPResponse, to head: RequestHead, keepAlive: Bool) {
        guard !closed else { return }
        releaseBody()  // Answered without a worker (inline route, error): the body is no longer needed.
        let keepAlive = keepAlive && !shuttingDown && !peerClosed
            && !response.headers.contains(token: "close", in: "Connection")
        var response = response
        let encoded: (head: [UInt8], sendBody: Bool)
        do {
            encoded = try context.encoder.encodeHead(response, requestMethod: head.method, keepAlive: keepAlive,
                                                     clientVersion: head.version)
        } catch {
            context.logger.error("invalid response from handler", metadata: ["error": "\(error)"])
            response = context.errorResponse(.internalServerError, "The server could not complete the request.")
            encoded = (try? context.encoder.encodeHead(response, requestMethod: head.method, keepAlive: keepAlive,
                                                       clientVersion: head.version)) ?? ([], false)
        }
        enqueue(encoded.head)
        if encoded.sendBody && !response.body.isEmpty { enqueue(response.body) }
        state.responseQueued(now: Self.now())
        if parser.bufferedByteCount > 0 { state.requestBytesBuffered(now: Self.now()) }
        if !keepAlive { closeAfterFlush = closeAfterFlush ?? .lingering }
        currentHead = nil
        flush()
        continueAfterResponse()
    }

    /// Answers an error generated by the server itself and closes the connection afterwards.
    func respondWithError(_ status: HTTPStatus, _ detail: String, retry: Bool = false) {
        var response = context.errorResponse(status, detail)
        if retry { response.headers.replaceOrAdd("Retry-After", String(context.configuration.retryAfterSeconds)) }
        let head = currentHead ?? RequestHead(method: "GET", target: "/", version: .http1_1, headers: [:],
                                              framing: .none, expectsContinue: false, keepAlive: false)
        closeAfterFlush = .lingering
        state.requestComplete()
        deliver(response, to: head, keepAlive: false)
    }

    /// Resumes reading and parsing once the output has room, unless the connection is closing.
    func continueAfterResponse() {
        if takeover != nil {
            if !closed && closeAfterFlush == nil && !peerClosed && pendingBytes < Self.highWaterMark { resumeReading() }
            return
        }
        guard !closed, closeAfterFlush == nil, pendingBytes < Self.highWaterMark else { return }
        if case .lingering = state.phase { return }
        if !peerClosed { resumeReading() }
        processInput()
    }

    // MARK: Timeouts and shutdown

    /// Publishes the deadline in force for the sweep timer.
    func updateDeadline() {
        deadline.store(closed ? 0 : state.nextTimeout()?.deadline ?? 0, ordering: .relaxed)
    }

    /// Called on `queue` by the sweep timer when `deadline` may have passed.
    func checkTimeout() {
        guard !closed, let (due, kind) = state.nextTimeout(), due <= Self.now() else { return }
        switch kind {
        case .idle, .write, .lingering:
            close(.immediate)
        case .requestTimeout:
            context.logger.debug("request timed out", metadata: ["phase": "\(state.phase)"])
            respondWithError(.requestTimeout, "The request was not received in time.")
        }
    }

    /// Stops taking new requests: idle connections close now, busy ones after their current response.
    func beginGracefulShutdown() {
        guard !closed, !shuttingDown else { return }
        shuttingDown = true
        if let takeover {
            takeover.beginGracefulShutdown()
        } else if case .idle = state.phase, parser.bufferedByteCount == 0 {
            if pending.isEmpty { close(.immediate) } else { closeAfterFlush = closeAfterFlush ?? .lingering }
        }
    }
}
