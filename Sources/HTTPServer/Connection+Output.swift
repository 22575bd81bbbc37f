#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Writing, flow control and closing. Everything here runs on the connection's queue.
extension Connection {
    /// Queues bytes to write; empty buffers are dropped so every queued buffer makes progress.
    func enqueue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !state.isClosed else { return }
        pending.append(bytes)
        pendingBytes += bytes.count
    }

    /// Writes as much as the socket takes with one `sendmsg` per attempt; when the socket is full, waits
    /// for a write source event. Finishes a requested close once everything is written.
    func flush() {
        while !pending.isEmpty && !state.isClosed {
            switch Socket.send(fd, pending[...], offset: pendingOffset) {
            case .failure(let error):
                context.logger.debug("write failed", metadata: ["error": "\(error)"])
                close(.immediate)
                return
            case .success(0):
                state.writeBlocked(now: Self.now())
                startWriteSource()
                updateDeadline()
                return
            case .success(let written):
                advance(by: written)
            }
        }
        guard !state.isClosed else { return }
        stopWriteSource()
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

    private func startWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [unowned self] in
                flush()
                if pending.isEmpty { continueAfterResponse() }
            }
            source.setCancelHandler { [self] in sourceCancelled() }
            liveSources += 1
            writeSource = source
            writeSourceRunning = true
            source.activate()
        } else if !writeSourceRunning {
            writeSourceRunning = true
            writeSource?.resume()
        }
    }

    private func stopWriteSource() {
        if writeSourceRunning, let writeSource {
            writeSource.suspend()
            writeSourceRunning = false
        }
    }

    func suspendReading() {
        if !readSuspended, let readSource {
            readSource.suspend()
            readSuspended = true
        }
    }

    func resumeReading() {
        if readSuspended, let readSource {
            readSource.resume()
            readSuspended = false
        }
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
        // A suspended source never delivers its cancellation, so resume before cancelling.
        resumeReading()
        readSource?.cancel()
        if let writeSource {
            if !writeSourceRunning { writeSource.resume() }
            writeSource.cancel()
        }
        if liveSources == 0 { _ = Glibc.close(fd) }  // Closed before `start` made any source.
        context.registry.remove(self)
    }

    /// The descriptor is closed only after every source on it is cancelled, as Dispatch requires.
    func sourceCancelled() {
        liveSources -= 1
        if liveSources == 0 {
            _ = Glibc.close(fd)
            readSource = nil
            writeSource = nil
        }
    }
}
