import HTTPServer
import JacobianEngine

extension JacobianEndpoint {
    /// Largest body that may be answered inline; a larger one is not "small" whatever it holds.
    static let inlineBodyLimit = 4096
    /// Largest Jacobian (rows × columns) answered inline: a few microseconds of work at most.
    static let inlineJacobianEntries = 1024

    /// Whether `request` is cheap enough to answer on the connection's queue rather than hop to a worker
    /// thread and back (`Router.runsInline`): a small body holding one point of a function already compiled and
    /// cached, with a small Jacobian and no extras. The hop costs more than such a request (docs/BENCHMARKS.md),
    /// while anything whose cost is not known to be tiny, misses and batches included, keeps to the bounded pool.
    ///
    /// The body is parsed here and again by the handler: for bodies this small that costs less than the hop.
    func isCheap(_ request: HTTPRequest, parser: JSONParser) -> Bool {
        guard request.body.count <= Self.inlineBodyLimit,
            case .object(let body)? = try? parser.parse(request.body),
            let function = body["function"], body["point"] != nil, body["points"] == nil, body["include"] == nil
        else { return false }
        let variable: DifferentiationVariable = body["wrt"] == .string("parameters") ? .parameters : .input
        guard let compiled = engine.peekCachedFunction(for: CanonicalJSON.key(function), withRespectTo: variable)
        else { return false }
        return compiled.outputCount * compiled.columnCount <= Self.inlineJacobianEntries
    }
}
