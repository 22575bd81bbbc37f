/// The details of the server's own refusals, written once for both protocols, so that HTTP/1.1 and HTTP/2 answer
/// the same thing in the same words (they had drifted: "The body is larger…" against "The request body is
/// larger…"). The status and the problem format are the error responder's; this is only the sentence.
public enum Refusal {
    /// 413: a declared or received body past `maxBodyBytes`.
    public static func bodyTooLarge(limit: Int) -> String {
        "The request body is larger than the limit maxBodyBytes = \(limit) bytes."
    }

    /// 503 + Retry-After: the process-wide body budget has no room for these bytes.
    public static func bodyBudgetFull(limit: Int) -> String {
        "The server holds too many request bodies (the limit maxBufferedBodyBytes = \(limit) bytes); retry later."
    }

    /// 503 + Retry-After: every worker is busy and the queue is full.
    public static let overloaded = "The server is overloaded; retry later."

    /// 500: a handler threw, or its response could not be sent as it was (a field that would corrupt the stream).
    public static let handlerFailed = "The server could not complete the request."
}
