import Foundation
import Hummingbird

// Usage: bench-hummingbird [port]. Serves, until SIGTERM or SIGINT:
// - GET /hello -> {"message":"hello"}, the server-core comparison of scripts/load-test.sh;
// - POST /v1/jacobian, the minimal framework handler of scripts/load-test-post.sh: it decodes only `point` with
//   JSONDecoder (ignoring the function) and answers the Jacobian of the tutorial's (x0², x1³, x2⁴), hand-coded,
//   in the service's response shape. It is the floor a framework sets for this request, not a Jacobian service.
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8182 : 8182
let body = ByteBuffer(string: #"{"message":"hello"}"#)

struct PointRequest: Decodable { var point: [Double] }
struct JacobianAnswer: Encodable {
    var value: [Double]
    var jacobian: [[Double]]
    var shape: [Int]
    var mode: String
    var columns: [String]
}

let router = Router()
router.get("hello") { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
router.post("v1/jacobian") { request, context -> Response in
    let x = try await request.decode(as: PointRequest.self, context: context).point
    guard x.count == 3 else { throw HTTPError(.unprocessableContent) }
    let answer = JacobianAnswer(
        value: [x[0] * x[0], x[1] * x[1] * x[1], x[2] * x[2] * x[2] * x[2]],
        jacobian: [[2 * x[0], 0, 0], [0, 3 * x[1] * x[1], 0], [0, 0, 4 * x[2] * x[2] * x[2]]],
        shape: [3, 3], mode: "forward", columns: ["x[0]", "x[1]", "x[2]"])
    let data = try JSONEncoder().encode(answer)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
