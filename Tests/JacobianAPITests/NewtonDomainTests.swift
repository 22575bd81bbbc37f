import Testing
@testable import JacobianAPI

/// Issue #19: a Newton iterate leaving the function's domain is reported with the iteration, the iterate and the
/// operation, pointing at the function, not at the caller's start.
@Suite struct NewtonDomainTests {
    @Test func anIterateOutsideTheDomainNamesTheIterationNotTheStart() throws {
        let response = try LiveServer.shared.post("/v1/newton", """
            {"function": {"type": "expression", "inputs": ["x"], "outputs": ["log(x)"]}, "point": [3], "step_size": 1}
            """)
        #expect(response.status == 422, "\(response.text)")
        let problem = try response.json
        #expect(problem["type"]?.string == "urn:jacobian-service:problem:non-finite-result")
        #expect(problem["iteration"]?.double == 1)
        #expect(problem["operation"]?.string == "log")
        #expect(problem["iterate"]?.doubles?.count == 1)
        #expect(problem["detail"]?.string?.contains("iteration 1 stepped to x = ") == true)
        #expect(!response.text.contains("/point"))
    }
}
