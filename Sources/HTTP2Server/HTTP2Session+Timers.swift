import CNGHTTP2
import Dispatch
import HTTPServer

/// The connection's two clocks, both on `io.queue` and holding the session weakly, so a closed
/// connection's session is freed without waiting for them:
/// - idle: no open stream for `HTTP2Configuration.idleTimeout` → GOAWAY and close;
/// - request: a stream whose request has not fully arrived within the HTTP/1.1 allowance (head plus body
///   timeouts) is answered 408 and reset, so a client cannot hold streams open by never finishing them.
extension HTTP2Session {
    /// Arms the idle timer when the last stream closed, disarms it when a stream opens.
    func updateIdleTimer() {
        if streams.isEmpty && !shuttingDown && !closed {
            guard !idleTimerArmed else { return }
            idleTimerArmed = true
            idleGeneration += 1
            let generation = idleGeneration
            let delay = DispatchTimeInterval.nanoseconds(Int(clamping: configuration.idleTimeout.wholeNanoseconds))
            io.queue.asyncAfter(deadline: .now() + delay) { [weak self] in self?.idleTimerFired(generation) }
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
        return UInt64(timeouts.requestHead.wholeNanoseconds) &+ UInt64(timeouts.requestBody.wholeNanoseconds)
    }

    /// Schedules one check at the earliest deadline of the requests still arriving, if none is scheduled.
    func scheduleRequestCheck() {
        guard !requestCheckScheduled, !closed,
              let earliest = streams.values.lazy.filter(\.isArriving).map(\.startedAt).min()
        else { return }
        requestCheckScheduled = true
        let deadline = DispatchTime(uptimeNanoseconds: earliest &+ requestAllowance)
        io.queue.asyncAfter(deadline: deadline) { [weak self] in self?.checkRequestDeadlines() }
    }

    private func checkRequestDeadlines() {
        requestCheckScheduled = false
        guard !closed else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let late = streams.values.filter { $0.isArriving && $0.startedAt &+ requestAllowance <= now }.map(\.id)
        for id in late {
            answer(id, status: .requestTimeout, detail: "The request was not received in time.")
        }
        sendPending()  // Schedules the next check for the streams still arriving.
    }
}

extension HTTP2Stream {
    /// The request is still arriving and nothing has answered it yet.
    var isArriving: Bool { !requestComplete && !answered }
}
