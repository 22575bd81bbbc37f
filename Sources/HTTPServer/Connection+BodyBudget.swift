/// The connection's share of the server-wide request-body budget (`HTTPLimits.maxBufferedBodyBytes`).
///
/// A request's body is reserved as its bytes arrive (the parser's `.bodyData` events), whatever the framing: a
/// declared Content-Length or chunk size costs nothing until its bytes exist, so a client cannot fill the budget
/// with declarations. `reservedBodyBytes` holds what the current request reserved; it is
/// released when the response is queued (`deliver`), handed to the worker job that runs the request (which
/// releases it when the responder is done), released on a takeover, and released by `close`, so every way a
/// request ends gives back exactly what it took. Everything here runs on the connection's event loop.
extension Connection {
    /// Reserves `bytes` of the body being read (`RequestDispatcher.reserveBody`); when they are refused, answers
    /// the refusal (503 + Retry-After when the budget is full) and closes (the rest of the body is not read).
    func reserveBody(_ bytes: Int) -> Bool {
        if let refusal = context.dispatcher.reserveBody(bytes, after: reservedBodyBytes) {
            refuse(refusal)
            return false
        }
        reservedBodyBytes += bytes
        return true
    }

    /// Gives back the current request's reservation: its response is queued, or the connection is closing.
    /// Safe to call more than once.
    func releaseBody() {
        context.dispatcher.releaseBody(reservedBodyBytes)
        reservedBodyBytes = 0
    }
}
