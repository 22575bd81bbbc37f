import CNGHTTP2
import Dispatch
import HTTPServer

/// The bridge to the request policy (`RequestDispatcher`, shared with HTTP/1.1): complete requests run inline or on
/// the worker pool, in parallel across the streams of a connection, and each response is submitted as soon as it
/// is back on the connection's event loop, so responses leave in the order they finish, not the order requests came.
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

    /// Answers a stream the server refused (too large, too many fields) as HTTP/1.1 would.
    func answerIfRejected(_ id: Int32) {
        guard let rejection = streams[id]?.rejection else { return }
        answer(id, rejection)
    }

    /// Answers stream `id` with the server's refusal, unless something already answered it.
    func answer(_ id: Int32, _ refusal: Refusal) {
        guard let stream = streams[id], !stream.answered else { return }
        respond(to: id, method: stream.method, with: io.dispatcher.response(for: refusal))
    }

    /// Hands `request` to the request policy (`RequestDispatcher`), as HTTP/1.1 does: answered at once (an inline
    /// route, a refusal) or by a worker, in parallel with the connection's other streams. Beyond the pool's
    /// bound, HTTP/2 adds its own: at most `maxQueuedWork` requests of this connection with workers.
    func dispatch(_ request: HTTPRequest, on id: Int32) {
        streams[id]?.answered = true
        let dispatcher = io.dispatcher
        switch dispatcher.decide(request) {
        case .answered(let response):
            respond(to: id, method: request.method, with: response)
        case .needsWorker(let pending):
            guard queuedWork < configuration.maxQueuedWork else {
                return respond(to: id, method: request.method, with: dispatcher.refuse(pending, queueFull))
            }
            let io = io
            let refused = dispatcher.submit(pending, client: io.client) { [self] response in
                io.execute {
                    self.queuedWork -= 1
                    // Nil: dropped because the stream was reset (or the connection lost) while the job waited.
                    if let response { self.deliver(response, to: id, method: request.method) }
                }
            }
            if let refused { return respond(to: id, method: request.method, with: refused) }
            queuedWork += 1
            streams[id]?.cancellation = request.cancellation
        }
    }

    /// A worker's response, back on the connection's event loop. The stream may have been reset meanwhile.
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
        let dispatcher = io.dispatcher
        var response = response
        var reserved = dispatcher.admitResponse(
            &response, sendsBody: method != "HEAD" && !response.status.forbidsContent)
        var fields: HTTP2ResponseFields
        do {
            fields = try HTTP2ResponseFields(response, date: io.date)
        } catch {
            dispatcher.releaseResponse(reserved)
            reserved = 0
            response = dispatcher.invalidResponse(error)
            guard let fallback = try? HTTP2ResponseFields(response, date: io.date) else { return }
            fields = fallback
        }
        let sendsBody = method != "HEAD" && !response.status.forbidsContent && !response.body.isEmpty
        streams[id]!.reservedResponseBytes = reserved
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
