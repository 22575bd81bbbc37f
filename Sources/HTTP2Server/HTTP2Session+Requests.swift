import CNGHTTP2
import Dispatch
import HTTPServer

/// The bridge to the responder: complete requests run on the worker pool, in parallel across the streams
/// of a connection, and each response is submitted as soon as it is back on the connection's queue, so
/// responses leave in the order they finish, not the order requests came.
extension HTTP2Session {
    /// The client finished a request (END_STREAM): run it, unless it was already answered.
    func requestComplete(_ id: Int32) {
        guard streams[id] != nil else { return }
        streams[id]!.requestComplete = true
        let stream = streams[id]!
        guard !stream.answered else { return }
        if stream.rejection != nil { return answerIfRejected(id) }
        dispatch(stream.makeRequest(), on: id)
    }

    /// Answers a stream the server refused (too large, too many fields) with the HTTP/1.1 side's status.
    func answerIfRejected(_ id: Int32) {
        guard let rejection = streams[id]?.rejection else { return }
        answer(id, status: rejection.status, detail: rejection.detail, retry: rejection.retry)
    }

    /// Answers stream `id` with the server's own error response, with Retry-After when `retry`, unless
    /// something already answered it.
    func answer(_ id: Int32, status: HTTPStatus, detail: String, retry: Bool = false) {
        guard let stream = streams[id], !stream.answered else { return }
        var response = io.configuration.errorResponder(status, detail)
        if retry { response.headers.replaceOrAdd("Retry-After", String(io.configuration.retryAfterSeconds)) }
        respond(to: id, method: stream.method, with: response)
    }

    /// Runs the responder for `request` on the worker pool; 503 + Retry-After when the pool is full, exactly as
    /// over HTTP/1.1. The method is the router's to judge (405 with `Allow`), as for HTTP/1.1.
    func dispatch(_ request: HTTPRequest, on id: Int32) {
        streams[id]?.answered = true
        let responder = io.responder
        if io.configuration.runsInline(request) {
            return respond(to: id, method: request.method, with: responder(request))
        }
        guard queuedWork < configuration.maxQueuedWork else {
            var response = io.configuration.errorResponder(.serviceUnavailable,
                "The connection has too many requests being computed (maxQueuedWork = \(configuration.maxQueuedWork)); retry later.")
            response.headers.replaceOrAdd("Retry-After", String(io.configuration.retryAfterSeconds))
            return respond(to: id, method: request.method, with: response)
        }
        let queue = io.queue
        let token = request.cancellation
        streams[id]?.cancellation = token
        queuedWork += 1
        let accepted = io.submit { [self] in
            // Dropped when the stream was reset (or the connection lost) while the job waited.
            guard token.start() else { return queue.async { self.queuedWork -= 1 } }
            let response = responder(request)
            token.finish()
            queue.async {
                self.queuedWork -= 1
                self.deliver(response, to: id, method: request.method)
            }
        }
        if !accepted {
            queuedWork -= 1
            streams[id]?.cancellation = nil
            var response = io.configuration.errorResponder(.serviceUnavailable, Refusal.overloaded)
            response.headers.replaceOrAdd("Retry-After", String(io.configuration.retryAfterSeconds))
            respond(to: id, method: request.method, with: response)
        }
    }

    /// A worker's response, back on the connection's queue. The stream may have been reset meanwhile.
    private func deliver(_ response: HTTPResponse, to id: Int32, method: String) {
        guard !closed, streams[id] != nil else { return }
        streams[id]!.cancellation = nil
        respond(to: id, method: method, with: response)
        sendPending()
    }

    /// Submits `response` on stream `id`: HEADERS, then DATA from the stream's buffer unless the method
    /// is HEAD or the status has no content (the content-length stays, as over HTTP/1.1).
    private func respond(to id: Int32, method: String, with response: HTTPResponse) {
        guard streams[id] != nil else { return }
        streams[id]!.answered = true
        streams[id]!.respondedAt = DispatchTime.now().uptimeNanoseconds
        var response = response
        var fields: HTTP2ResponseFields
        do {
            fields = try HTTP2ResponseFields(response, date: io.date)
        } catch {
            logger.error("invalid response from handler", metadata: ["error": "\(error)"])
            response = io.configuration.errorResponder(.internalServerError, Refusal.handlerFailed)
            guard let fallback = try? HTTP2ResponseFields(response, date: io.date) else { return }
            fields = fallback
        }
        var sendsBody = method != "HEAD" && !response.status.forbidsContent && !response.body.isEmpty
        let reserved = sendsBody ? io.reserveResponse(response.body.count) : 0
        if reserved == nil {
            // The budget of unread responses is full: this body is dropped and a short 503 goes instead.
            response = io.responseBudgetExceeded()
            guard let refusal = try? HTTP2ResponseFields(response, date: io.date) else { return }
            fields = refusal
            sendsBody = !response.body.isEmpty
        } else {
            streams[id]!.reservedResponseBytes = reserved ?? 0
        }
        streams[id]!.responseBody = sendsBody ? response.body : []
        streams[id]!.responseOffset = 0
        let provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil),
                                             read_callback: Self.responseBodyProvider)
        let result = withUnsafePointer(to: provider) { provider in
            fields.withNameValuePairs { pairs in
                nghttp2_submit_response(session, id, pairs.baseAddress, pairs.count, sendsBody ? provider : nil)
            }
        }
        if result != 0 {
            logger.debug("HTTP/2 response not submitted", metadata: ["error": "\(Self.describe(Int(result)))"])
        }
    }

    /// Continues an HTTP/1.1 request that asked for `Upgrade: h2c` as stream 1 (RFC 7540 §3.2); false when
    /// nghttp2 refuses the settings, in which case the request stays on HTTP/1.1.
    func upgrade(from request: HTTPRequest, settings: [UInt8]) -> Bool {
        let result = settings.withUnsafeBufferPointer { payload in
            nghttp2_session_upgrade2(session, payload.baseAddress, payload.count,
                                     request.method == "HEAD" ? 1 : 0, nil)
        }
        guard result == 0 else { return false }
        var stream = HTTP2Stream(id: 1, startedAt: DispatchTime.now().uptimeNanoseconds)
        stream.method = request.method
        stream.requestComplete = true  // The HTTP/1.1 side read the whole body.
        streams[1] = stream
        var upgraded = request
        upgraded.version = .http2
        for field in ["Connection", "Upgrade", "HTTP2-Settings", "Keep-Alive"] { upgraded.headers.remove(field) }
        dispatch(upgraded, on: 1)
        sendPending()
        return true
    }
}
