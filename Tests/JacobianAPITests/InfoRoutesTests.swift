import Foundation
import Testing
@testable import JacobianAPI

/// GET /openapi.yaml serves the repository's spec byte for byte, and GET / points to it.
@Suite struct InfoRoutesTests {
    let server = LiveServer.shared

    @Test func openAPIDocumentIsTheRepositorysSpec() throws {
        let response = try server.request("GET", "/openapi.yaml", headers: [])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/yaml")
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let onDisk = try Data(contentsOf: root.appendingPathComponent("openapi.yaml"))
        #expect(response.body == Array(onDisk))
    }

    @Test func rootPointsToTheSpecAndAnExample() throws {
        let response = try server.request("GET", "/", headers: [])
        #expect(response.status == 200)
        #expect(response.text.contains("/openapi.yaml"))
        #expect(response.text.contains("curl --json"))
    }

    @Test func unknownPathsAndMethodsAreProblems() throws {
        let missing = try server.request("GET", "/v1/laplacian", headers: [])
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        let wrongMethod = try server.request("GET", "/v1/jacobian", headers: [])
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow")?.contains("POST") == true)
    }
}
