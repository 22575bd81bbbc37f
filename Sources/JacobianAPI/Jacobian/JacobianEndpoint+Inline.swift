import HTTPServer
import JacobianEngine

extension JacobianEndpoint {
    /// Largest body that may be answered inline; a larger one is not "small" whatever it holds.
    static let inlineBodyLimit = 4096
    /// Largest Jacobian (rows × columns) answered inline: a few microseconds of work at most.
    static let inlineJacobianEntries = 1024

    /// The body of `request`, parsed, when the request is cheap enough to answer on the connection's event loop rather
    /// than hop to a worker thread and back (`Router.InlinePolicy.attempt`); nil otherwise, and the request goes to
    /// the pool. Cheap: a small body holding one point of a function already compiled and cached, with a small
    /// Jacobian and no extras. The hop costs more than such a request (docs/BENCHMARKS.md), while anything whose
    /// cost is not known to be tiny, misses and batches included, keeps to the bounded pool.
    ///
    /// The caller answers from the body returned, so a cheap request is parsed once (deciding used to parse it and
    /// the handler again: about 6 % of the CPU on the POST path, issue #11). Only a body within
    /// `inlineBodyLimit` is parsed here, so a declined request costs at most one parse of 4 KiB.
    func cheapBody(_ request: HTTPRequest, parser: JSONParser) -> JSONValue? {
        guard request.body.count <= Self.inlineBodyLimit,
            let decoded = try? RequestBody.decode(request.body, contentType: request.headers["Content-Type"], parser: parser),
            case .object(let body) = decoded,
            let function = body["function"], body["point"] != nil, body["points"] == nil, body["include"] == nil
        else { return nil }
        let variable: DifferentiationVariable = body["wrt"] == .string("parameters") ? .parameters : .input
        guard let compiled = engine.peekCachedFunction(for: CanonicalJSON.key(function), withRespectTo: variable),
            compiled.outputCount * compiled.columnCount <= Self.inlineJacobianEntries
        else { return nil }
        return decoded
    }
}
