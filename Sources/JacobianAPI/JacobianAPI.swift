import HTTPServer
import JacobianEngine
import Solvers

/// Settings of the JSON API that are not the engine's or the server's.
public struct APIConfiguration: Sendable {
    /// Largest `max_iterations` a Newton or IK request may ask for. Default 10,000: enough to converge from far
    /// away, small enough that one request cannot hold a worker for long. At most `iterationLimit`.
    public var maxIterations: Int
    /// The most iterations the solvers themselves accept (each keeps a point of its trajectory): the setting's
    /// upper bound, so that a larger one is refused at startup rather than by the solver in every request.
    public static let iterationLimit = min(NewtonOptions.iterationLimit, IKOptions.iterationLimit)
    /// Largest number of inputs or outputs of a function given to /v1/newton. Default 1,000: every iteration
    /// takes an SVD of the Jacobian, whose cost grows with the cube of its size.
    public var maxSolverDimension: Int
    /// Wall-clock time one computation (a Jacobian batch, a Newton solve) may take before it is stopped with a 422
    /// naming `computeTimeLimit`. Default 10 s: the largest legitimate requests (a full 10,000-point batch, a
    /// 1,000-dimension solve of a few iterations) fit, and one request cannot hold a core for minutes. Also the
    /// largest `timeout_ms` of an IK request and the most time an IK path may take.
    public var computeTimeLimit: Duration
    /// Largest response an endpoint computes, estimated from the request before any work (a batch's values and
    /// Jacobians, a Newton trajectory) at `ResponseSize.bytesPerNumber` per number; 422 naming `maxResponseBytes`
    /// beyond. Default 64 MiB: a 100,000-point batch of 3 × 3 Jacobians (30 MB) fits; an 80 MB answer to an
    /// 80 KB request does not (issue #19).
    public var maxResponseBytes: Int
    /// Deepest JSON nesting accepted in a body. Default `JSONParser.defaultMaxDepth`.
    public var maxJSONDepth: Int
    /// Bounds on ONNX models: bytes, nodes, tensor elements, Jacobian entries, models held (`ModelLimits`).
    public var modelLimits = ModelLimits()

    public init(
        maxIterations: Int = iterationLimit, maxSolverDimension: Int = 1_000, computeTimeLimit: Duration = .seconds(10),
        maxJSONDepth: Int = JSONParser.defaultMaxDepth, maxResponseBytes: Int = 64 << 20
    ) {
        self.maxIterations = maxIterations
        self.maxSolverDimension = maxSolverDimension
        self.computeTimeLimit = computeTimeLimit
        self.maxJSONDepth = maxJSONDepth
        self.maxResponseBytes = maxResponseBytes
    }
}

/// The service's HTTP API: POST /v1/jacobian, /v1/newton and /v1/ik, GET /openapi.yaml, GET / and GET /docs.
/// Health, readiness and metrics routes belong to the process (ServerApp), which knows its own state.
public struct JacobianAPI: Sendable {
    public let engine: JacobianEngine
    public let configuration: APIConfiguration
    /// The ONNX models functions may refer to by name (/v1/models).
    public let models: ModelRepository

    public init(engine: JacobianEngine, configuration: APIConfiguration = APIConfiguration()) {
        self.engine = engine
        self.configuration = configuration
        self.models = ModelRepository(limits: configuration.modelLimits)
    }

    /// Adds the API's routes to `router`.
    public func register(in router: inout Router) {
        let parser = JSONParser(maxDepth: configuration.maxJSONDepth)
        let jacobian = JacobianEndpoint(engine: engine, maxResponseBytes: configuration.maxResponseBytes, models: models)
        let newton = NewtonEndpoint(engine: engine, configuration: configuration)
        let ik = IKEndpoint(maxIterations: configuration.maxIterations, timeLimit: configuration.computeTimeLimit)
        let hessian = HessianEndpoint(engine: engine)
        let limit = configuration.computeTimeLimit
        let jacobianCompute: Computation = { body, stop throws(Problem) in try jacobian.respond(body, interruption: stop) }
        // A cheap request is answered from the one parse that found it cheap; any other goes to the pool.
        let cheapJacobian = Router.InlinePolicy.attempt { request in
            jacobian.cheapBody(request, parser: parser).map { body in Self.answer(request, limit, jacobianCompute) { body } }
        }
        router.add("POST", "/v1/jacobian", inline: cheapJacobian, Self.endpoint(parser, limit, jacobianCompute))
        router.add("POST", "/v1/newton", Self.endpoint(parser, limit) { body, stop throws(Problem) in
            try newton.run(body, interruption: stop)
        })
        router.add("POST", "/v1/ik", Self.endpoint(parser, limit) { body, stop throws(Problem) in
            try ik.run(body, interruption: stop)
        })
        router.add("POST", "/v1/hessian", Self.endpoint(parser, limit) { body, _ throws(Problem) in
            try hessian.run(body)
        })
        ModelRoutes.register(in: &router, models: models)
        // Embedded at build time (`.embedInCode`), so the binary serves its spec with no file beside it.
        router.add("GET", "/openapi.yaml") { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/yaml"], body: PackageResources.openapi_yaml)
        }
        // A browser (Accept: text/html) gets the playground page; curl and other clients keep the text.
        router.add("GET", "/") { request in BrowserPages.index(request, welcome: Self.welcome) }
        BrowserPages.register(in: &router)
    }

    /// Wraps a computation into a responder: negotiation first (so a 406 costs nothing), then the body, then only
    /// the representation asked for. The computation gets an `Interruption` that stops it `timeLimit` after it
    /// starts or once the client has gone (the request's `CancellationToken`).
    static func endpoint(_ parser: JSONParser, _ timeLimit: Duration, _ compute: @escaping Computation) -> HTTPResponder {
        return { request in
            // Batches run on the pool's workers only (issue 12): this one and those idle now.
            BatchParallelism.$current.withValue(.ofCurrentWorker) {
                answer(request, timeLimit, compute) { () throws(Problem) in
                    try RequestBody.decode(request.body, contentType: request.headers["Content-Type"], parser: parser)
                }
            }
        }
    }

    /// What an endpoint computes from a request's JSON body, stopped by the `Interruption`.
    typealias Computation = @Sendable (JSONValue, Interruption) throws(Problem) -> any EndpointOutcome

    /// The response to `request` whose body `decode` gives: the pool's path decodes it here, an inline attempt
    /// hands over the body it already parsed.
    static func answer(
        _ request: HTTPRequest, _ timeLimit: Duration, _ compute: Computation,
        body decode: () throws(Problem) -> JSONValue
    ) -> HTTPResponse {
        do throws(Problem) {
            let representation = try Representation.negotiate(request)
            let body = try decode()
            let token = request.cancellation
            let outcome = try compute(body, Interruption(timeLimit: timeLimit, isCancelled: { token.isCancelled }))
            switch representation {
            case .json:
                var writer = JSONWriter()
                try outcome.writeJSON(into: &writer)
                return Responses.json(writer.bytes)
            case .svg: return Responses.svg(outcome.svg())
            }
        } catch {
            return Responses.problem(error)
        }
    }

    static let welcome = """
        Jacobian service: exact Jacobians, Newton steps and inverse kinematics over HTTP.

        The API is described in /openapi.yaml. Try:

          curl --json '{"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}, "point": [0.8579, 0.3352, 0.6698]}' http://localhost:8080/v1/jacobian

        Endpoints: POST /v1/jacobian, POST /v1/hessian, POST /v1/newton, POST /v1/ik; GET /healthz, /readyz, /metrics,
        /openapi.yaml. In a browser, / is a playground and /docs the API reference.

        """
}
