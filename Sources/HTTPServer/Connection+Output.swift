#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Writing, flow control and closing. Everything here runs on the connection's event loop.
extension Connection {
    /// Queues bytes to write; empty buffers are dropped so every queued buffer makes progress.
    func enqueue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !state.isClosed else { return }
        pending.append(bytes)
        pendingBytes += bytes.count
    }

    /// Writes as much as the socket takes with one `sendmsg` per attempt; when the socket is full, waits
    /// for the next writable event (`writableAgain`). Finishes a requested close once everything is written.
    func flush() {
        while !pending.isEmpty && !state.isClosed {
            switch Socket.send(fd, pending[...], offset: pendingOffset) {
            case .failure(let error):
                context.logger.debug("write failed", metadata: ["error": "\(error)"])
                close(.immediate)
                return
            case .success(0):
                state.writeBlocked(now: Self.now())
                awaitingWritable = true
                updateDeadline()
                return
            case .success(let written):
                advance(by: written)
            }
        }
        guard !state.isClosed else { return }
        awaitingWritable = false
        perform(state.outputDrained(now: Self.now()))
        updateDeadline()
    }

    private func advance(by written: Int) {
        var remaining = written
        pendingBytes -= written
        // Heads are not reserved; counting them as body bytes releases a response's reservation a few hundred
        // bytes early, never late, and needs no per-buffer bookkeeping.
        let released = min(written, reservedResponseBytes)
        context.responseBudget.release(released)
        reservedResponseBytes -= released
        while remaining > 0 {
            let available = pending[0].count - pendingOffset
            if remaining >= available {
                remaining -= available
                pending.removeFirst()
                pendingOffset = 0
            } else {
                pendingOffset += remaining
                remaining = 0
            }
        }
        if pending.isEmpty { pending = [] }  // Releases the array's storage on idle connections.
    }

    /// The socket took bytes again after a full send buffer.
    func writableAgain() {
        flush()
        if pending.isEmpty { continueAfterResponse() }
    }

    func suspendReading() {
        readSuspended = true
    }

    /// Reads again; bytes that arrived while suspended raised no new event, so this reads once on its own.
    func resumeReading() {
        guard readSuspended else { return }
        readSuspended = false
        loop.execute { [self] in readAvailable() }
    }

    /// After the last response: half-close and linger (RFC 9112 §9.6) so that the client reads the response
    /// before the connection goes, instead of a reset caused by its unread input; the rest is read and discarded.
    func linger() {
        shutdown(fd, Int32(SHUT_WR))
        parser = HTTPRequestParser(limits: context.configuration.limits)
        takeover = nil
        resumeReading()
    }

    /// Closes now (`.immediate`), or once queued output is written and the client had time to read it.
    func close(_ mode: CloseMode) {
        guard !state.isClosed else { return }
        if mode == .lingering { return perform(state.closeRequested(.lingering, output: pendingBytes)) }
        state.close()
        context.metrics.recordCancellation(inFlight?.cancel())  // Nobody will read the answer now.
        inFlight = nil
        deadline.store(0, ordering: .relaxed)
        takeover = nil  // Breaks the handler -> ConnectionIO -> connection cycle.
        releaseBody()  // Mid-body (timeout, reset, shutdown): the parser's body goes now.
        pending = []
        pendingBytes = 0
        context.responseBudget.release(reservedResponseBytes)
        reservedResponseBytes = 0
        parser = HTTPRequestParser(limits: context.configuration.limits)
        if let readinessToken { loop.unwatch(fd, token: readinessToken) }
        readinessToken = nil
        _ = Glibc.close(fd)
        context.registry.remove(self)
    }
}
