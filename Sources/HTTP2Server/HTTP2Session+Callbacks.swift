import CNGHTTP2
import Dispatch

/// nghttp2's callbacks: C function pointers that capture nothing, so each finds its `HTTP2Session` through
/// `user_data` and forwards to a method. They run inside `nghttp2_session_mem_recv` / `mem_send`, on the
/// connection's event loop.
extension HTTP2Session {
    static func installCallbacks(_ callbacks: OpaquePointer?) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            return HTTP2Session.from(userData).beginHeaders(frame)
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) {
            _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let name, let value else { return 0 }
            HTTP2Session.from(userData).header(
                frame,
                name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
                value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self))
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
            _, _, streamID, data, length, userData in
            guard let data else { return 0 }
            HTTP2Session.from(userData).dataChunk(streamID, UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            HTTP2Session.from(userData).frameReceived(frame)
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            HTTP2Session.from(userData).frameSent(frame)
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, userData in
            HTTP2Session.from(userData).streamClosed(streamID)
            return 0
        }
    }

    /// The response body nghttp2 sends in DATA frames, read from the stream's buffer.
    static let responseBodyProvider: nghttp2_data_source_read_callback = {
        _, streamID, buffer, length, flags, _, userData in
        guard let buffer, let flags else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
        return HTTP2Session.from(userData).readResponseBody(streamID, into: buffer, length: length, flags: flags)
    }

    // MARK: Forwarded callbacks

    private func beginHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        if header.type == UInt8(NGHTTP2_HEADERS.rawValue) && frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
            streams[header.stream_id] = HTTP2Stream(id: header.stream_id, startedAt: DispatchTime.now().uptimeNanoseconds)
        }
        return 0
    }

    private func header(_ frame: UnsafePointer<nghttp2_frame>, name: String, value: String) {
        let id = frame.pointee.hd.stream_id
        // Trailer fields (a second HEADERS) are not used by any route; they are read and dropped.
        guard frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST, streams[id] != nil else { return }
        streams[id]!.addField(name: name, value: value, limits: limits,
                              maxHeaderListSize: configuration.maxHeaderListSize)
    }

    private func dataChunk(_ id: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[id], !stream.answered else { return }  // Answered early: ignored.
        // At most maxConcurrentStreams streams: summing them per DATA frame is cheap and cannot drift.
        let elsewhere = streams.values.reduce(0) { $0 + $1.body.count } - stream.body.count
        streams[id]!.appendBody(bytes, connectionRoom: configuration.maxBufferedRequestBytes - elsewhere,
                                policy: io.dispatcher)
        answerIfRejected(id)
    }

    /// nghttp2 closed the stream (END_STREAM both ways, RST_STREAM either way): its body is given back.
    private func streamClosed(_ id: Int32) {
        guard var stream = streams.removeValue(forKey: id) else { return }
        stream.releaseBody(to: io.dispatcher)
        io.dispatcher.releaseResponse(stream.reservedResponseBytes)
        // Closed before its response was submitted (reset by the client): the work is for nobody.
        if let stage = stream.cancellation?.cancel() {
            io.recordCancellation(stage)
            abandonedWork(at: DispatchTime.now().uptimeNanoseconds)
        }
    }

    private func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
        let header = frame.pointee.hd
        let id = header.stream_id
        let endsStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST, streams[id] != nil {
                streams[id]!.checkDeclaredLength(limits: limits)
                answerIfRejected(id)  // Before the body arrives, as HTTP/1.1 checks Content-Length.
            }
            if endsStream { requestComplete(id) }
        case NGHTTP2_DATA.rawValue:
            if endsStream { requestComplete(id) }
        default:
            break
        }
    }

    /// After a response that went out before the request was complete (413, 431...), RST_STREAM with
    /// NO_ERROR tells the client to stop sending the body (RFC 9113 §8.1).
    private func frameSent(_ frame: UnsafePointer<nghttp2_frame>) {
        let header = frame.pointee.hd
        let type = UInt32(header.type)
        guard type == NGHTTP2_DATA.rawValue || type == NGHTTP2_HEADERS.rawValue,
              header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
              let stream = streams[header.stream_id], stream.answered, !stream.requestComplete
        else { return }
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id,
                                  NGHTTP2_NO_ERROR.rawValue)
    }

    private func readResponseBody(_ id: Int32, into buffer: UnsafeMutablePointer<UInt8>, length: Int,
                                  flags: UnsafeMutablePointer<UInt32>) -> Int {
        guard let stream = streams[id] else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let start = stream.responseOffset
        let count = min(length, stream.responseBody.count - start)
        stream.responseBody.withUnsafeBufferPointer { body in
            buffer.update(from: body.baseAddress! + start, count: count)
        }
        streams[id]!.responseOffset += count
        let released = min(count, stream.reservedResponseBytes)
        io.dispatcher.releaseResponse(released)
        streams[id]!.reservedResponseBytes -= released
        if start + count == stream.responseBody.count {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            streams[id]!.responseBody = []  // Sent: the buffer need not live as long as the stream.
        }
        return count
    }
}
