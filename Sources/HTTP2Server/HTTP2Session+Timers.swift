import CNGHTTP2
import Dispatch
import HTTPServer

/// The connection's two clocks, both on the connection's event loop (`io.execute(after:)`) and holding the session weakly, so a closed
/// connection's session is freed without waiting for them:
/// - idle: no open stream for `HTTP2Configuration.idleTimeout` → GOAWAY and close;
/// - request: a stream whose request has not fully arrived within the HTTP/1.1 allowance (head plus body
///   timeouts) is answered 408 and reset, so a client cannot hold streams open by never finishing them;
///   a stream whose response is still not sent after the HTTP/1.1 write timeout (the client withholds
///   flow-control credit) is reset with CANCEL, so a client cannot hold responses by never reading them.
extension HTTP2Session {
    /// Arms the idle timer when the last stream closed, disarms it when a stream opens.
    func updateIdleTimer() {
        if streams.isEmpty && !shuttingDown && !closed {
            guard !idleTimerArmed else { return }
            idleTimerArmed = true
            idleGeneration += 1
            let generation = idleGeneration
            io.execute(after: .now() + configuration.idleTimeout.dispatchInterval) { [weak self] in self?.idleTimerFired(generation) }
        } else if idleTimerArmed {
            idleTimerArmed = false
            idleGeneration += 1
        }
    }

    private func idleTimerFired(_ generation: Int) {
        guard idleTimerArmed, generation == idleGeneration, !closed, streams.isEmpty else { return }
        finalGoAwaySubmitted = true
        nghttp2_session_terminate_session(session, NGHTTP2_NO_ERROR.rawValue)
        sendPending()
        closeConnection()
    }

    /// How long a stream's request may take to arrive: the HTTP/1.1 head and body timeouts together.
    var requestAllowance: UInt64 {
        let timeouts = io.configuration.timeouts
        return timeouts.requestHead.nanoseconds &+ timeouts.requestBody.nanoseconds
    }

    /// How long a submitted response may wait for the client's flow-control credit: the HTTP/1.1 write timeout.
    var responseAllowance: UInt64 { io.configuration.timeouts.write.nanoseconds }

    /// Schedules a check at the earliest stream deadline, unless one is scheduled by then.
    func scheduleRequestCheck() {
        guard !closed, let earliest = streams.values.lazy.compactMap({ self.deadline(of: $0)?.at }).min(),
              nextStreamCheck.map({ earliest < $0 }) ?? true
        else { return }
        nextStreamCheck = earliest
        io.execute(after: DispatchTime(uptimeNanoseconds: earliest)) { [weak self] in
            self?.checkRequestDeadlines()
        }
    }

    /// When the server gives up on `stream` and why; nil while a worker has it or once it was reset.
    private func deadline(of stream: HTTP2Stream) -> (at: UInt64, unsentResponse: Bool)? {
        if let respondedAt = stream.respondedAt { return (respondedAt &+ responseAllowance, true) }
        return stream.isArriving ? (stream.startedAt &+ requestAllowance, false) : nil
    }

    private func checkRequestDeadlines() {
        nextStreamCheck = nil
        guard !closed else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let late = streams.values.compactMap { stream in
            deadline(of: stream).flatMap { $0.at <= now ? (stream.id, $0.unsentResponse) : nil }
        }
        for (id, unsentResponse) in late {
            if unsentResponse {
                streams[id]?.respondedAt = nil
                nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_CANCEL.rawValue)
            } else {
                answer(id, .requestTimeout)
            }
        }
        sendPending()  // Schedules the next check for the streams left.
    }
}

extension HTTP2Stream {
    /// The request is still arriving and nothing has answered it yet.
    var isArriving: Bool { !requestComplete && !answered }
}
