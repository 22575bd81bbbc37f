import FuzzSupport
import HTTPServer
import JacobianAPI
import JacobianEngine

/// The API's routes, in memory: the input is sent as the JSON body of POST /v1/jacobian, /v1/newton and /v1/ik
/// through the same router the server uses, asking for JSON or (from the seed) an SVG picture. Every answer must
/// be a response the API means to give: a 500 is a handler that failed, which no input may cause.
///
/// Solves are capped (200 iterations, 2 s) so that one input stays cheap; the caps are request fields a client
/// could set anyway, so nothing reachable is hidden.
private let responder: HTTPResponder = {
    var router = Router()
    let configuration = APIConfiguration(maxIterations: 200, computeTimeLimit: .seconds(2))
    JacobianAPI(engine: JacobianEngine(cacheCapacity: 16), configuration: configuration).register(in: &router)
    return router.responder()
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequests(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let accept = input.seed & 3 == 0 ? "image/svg+xml" : "application/json"
    for path in ["/v1/jacobian", "/v1/newton", "/v1/ik"] {
        let request = HTTPRequest(method: "POST", target: path,
                                  headers: ["Content-Type": "application/json", "Accept": accept], body: input.bytes)
        let response = responder(request)
        fuzzCheck(response.status.code != 500,
                  "\(path) answered 500: \(String(decoding: response.body, as: UTF8.self))")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzRequests_main")
public func FuzzRequestsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzRequests)
}
