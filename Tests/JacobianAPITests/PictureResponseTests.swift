import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import JacobianAPI

/// Content negotiation on the POST endpoints: SVG when asked for (Accept or ?format=svg), JSON otherwise, and
/// errors as problem+json whatever Accept says.
@Suite struct PictureResponseTests {
    let server = LiveServer.shared
    static let cube = #"{"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": ["x[0]^2", "x[1]^3", "x[2]^4"]}, "point": [1, 2, 3]}"#

    @Test(arguments: [
        ("image/svg+xml", "image/svg+xml"), ("*/*", "application/json"), ("application/json", "application/json"),
        ("image/*", "image/svg+xml"), ("application/json;q=0.5, image/svg+xml", "image/svg+xml"),
        ("image/svg+xml;q=0.4, application/json;q=0.9", "application/json"),
        ("text/html, image/svg+xml;q=0.1", "image/svg+xml"),
    ])
    func acceptChoosesTheRepresentation(accept: String, expected: String) throws {
        let response = try server.post("/v1/jacobian", Self.cube, accept: accept)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == expected)
    }

    @Test func formatQueryOverridesAccept() throws {
        let svg = try server.request("POST", "/v1/jacobian?format=svg", body: Self.cube,
                                     headers: [("Content-Type", "application/json"), ("Accept", "application/json")])
        #expect(svg.header("Content-Type") == "image/svg+xml")
        let json = try server.request("POST", "/v1/jacobian?format=json", body: Self.cube,
                                      headers: [("Content-Type", "application/json"), ("Accept", "image/svg+xml")])
        #expect(json.header("Content-Type") == "application/json")
    }

    @Test func heatmapHoldsOneCellPerEntryWithItsValue() throws {
        let response = try server.post("/v1/jacobian", Self.cube, accept: "image/svg+xml")
        let document = try XMLDocument(data: Data(response.body))
        let values = try document.nodes(forXPath: "//*[local-name()='rect']/@data-value").compactMap(\.stringValue)
        #expect(values.count == 9)
        // At (1, 2, 3) the Jacobian is diag(2, 12, 108).
        #expect(values.compactMap(Double.init).sorted() == [0, 0, 0, 0, 0, 0, 2, 12, 108], "\(values)")
        #expect(response.text.contains("x[0]") && response.text.contains("outputs[0]"))
        #expect(!response.text.contains("<script"))
    }

    @Test func newtonAndIKDrawTheirTrajectories() throws {
        let newton = try server.request("POST", "/v1/newton?format=svg", body: """
            {"function": {"type": "expression", "inputs": ["x0", "x1"], "outputs": ["(x0-2)^2 + (x1-3)^2", "(x0-1)^2 + (x1-1)^2"]},
             "point": [0, 0], "step_size": 0.1, "max_iterations": 10}
            """)
        #expect(newton.header("Content-Type") == "image/svg+xml")
        let newtonDocument = try XMLDocument(data: Data(newton.body))
        let polyline = try newtonDocument.nodes(forXPath: "//*[local-name()='polyline']")
        #expect(!polyline.isEmpty)
        let ik = try server.request("POST", "/v1/ik?format=svg", body: """
            {"arm": {"type": "planar", "link_lengths": [1, 0.8]}, "joint_angles": [0.5, 0.5], "target": [1.5, 0.5]}
            """)
        #expect(ik.header("Content-Type") == "image/svg+xml")
        #expect((try? XMLDocument(data: Data(ik.body))) != nil)
    }

    @Test func errorsStayProblemJSONWhenSVGIsAsked() throws {
        let response = try server.post("/v1/jacobian", #"{"function": {"type": "expression", "inputs": ["x"], "outputs": ["x"]}, "point": []}"#,
                                       accept: "image/svg+xml")
        #expect(response.status == 422)
        #expect(response.header("Content-Type") == "application/problem+json")
    }

    @Test func nothingAcceptableIs406() throws {
        let response = try server.post("/v1/jacobian", Self.cube, accept: "text/html, application/xml")
        #expect(response.status == 406)
        #expect(response.header("Content-Type") == "application/problem+json")
    }
}
