import Testing
@testable import JacobianAPI

/// Each of the tutorial's examples sent over real HTTP and compared with PyTorch's float64 answers.
@Suite struct TutorialExamplesTests {
    let server = LiveServer.shared

    /// Methods 1 to 3: `inputs` in the fixture is {"x": 3}; the request declares the same vector.
    @Test(arguments: ["method1_powers", "method2_powers", "method3_trig"])
    func expressionExamples(name: String) throws {
        let example = Fixture.example(name)
        let outputs = Fixture.text(example["outputs"])
        let body = """
            {"function": {"type": "expression", "inputs": [{"name": "x", "size": 3}], "outputs": \(outputs)},
             "point": \(Fixture.text(example["point"]))}
            """
        let response = try server.post("/v1/jacobian", body)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(close(json["value"]?.doubles, example["value"].flatMap { $0.doubles }))
        #expect(close(json["jacobian"]?.matrix, example["jacobian"].flatMap { $0.matrix }))
        #expect(json["shape"]?.doubles == [3, 3])
        #expect(json["columns"] == .strings(["x[0]", "x[1]", "x[2]"]))
        #expect(json["mode"]?.string == "forward")
    }

    @Test func networkSensitivityWithRespectToTheInput() throws {
        let example = Fixture.example("app1_network")
        let body = """
            {"function": {"type": "network", "layers": \(Fixture.text(example["layers"]))},
             "point": \(Fixture.text(example["point"])), "include": ["sensitivity"]}
            """
        let response = try server.post("/v1/jacobian", body)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(close(json["value"]?.doubles, example["value"].flatMap { $0.doubles }))
        #expect(close(json["jacobian"]?.matrix, example["jacobian"].flatMap { $0.matrix }))
        let maxAbs = try #require(json["sensitivity"]?["max_abs"]?.double)
        #expect(close(maxAbs, try #require(example["max_abs_sensitivity"].flatMap { $0.double })))
        #expect(json["sensitivity"]?["max_abs_at"]?.doubles == [0, 1])
    }

    @Test func networkJacobianWithRespectToItsParameters() throws {
        let example = Fixture.example("app1_network")
        let body = """
            {"function": {"type": "network", "layers": \(Fixture.text(example["layers"]))},
             "point": \(Fixture.text(example["point"])), "wrt": "parameters", "mode": "reverse"}
            """
        let response = try server.post("/v1/jacobian", body)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(close(json["jacobian"]?.matrix, example["jacobian_wrt_parameters"].flatMap { $0.matrix }))
        #expect(json["shape"]?.doubles == [2, 17])
        #expect(json["columns"]?[0]?.string == "layers[0].weight[0][0]")
        #expect(json["columns"]?[6]?.string == "layers[0].bias[0]")
        #expect(json["mode"]?.string == "reverse")
    }

    @Test func newtonTenStepsReproduceTheTrajectory() throws {
        let example = Fixture.example("app3_newton")
        let body = """
            {"function": {"type": "expression", "inputs": \(Fixture.text(example["inputs"])),
                          "outputs": \(Fixture.text(example["outputs"]))},
             "point": \(Fixture.text(example["point"])), "step_size": 0.1, "max_iterations": 10, "tolerance": 0}
            """
        let response = try server.post("/v1/newton", body)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        let expectedPoints = try #require(example["trajectory"].flatMap { $0.matrix })
        let expectedValues = try #require(example["values"].flatMap { $0.matrix })
        guard case .array(let trajectory)? = json["trajectory"] else { Issue.record("no trajectory"); return }
        #expect(trajectory.count == 11)
        for (index, iterate) in trajectory.enumerated() {
            #expect(close(iterate["point"]?.doubles, expectedPoints[index]), "iterate \(index)")
            #expect(close(iterate["value"]?.doubles, expectedValues[index]), "value \(index)")
        }
        #expect(close(json["point"]?.doubles, expectedPoints[10]))
        #expect(json["iterations"]?.double == 10)
        #expect(json["status"]?.string == "max_iterations")
        #expect(json["converged"] == .bool(false))
    }

    @Test func inverseKinematicsSingleStep() throws {
        let example = Fixture.example("app2_ik_step")
        let body = """
            {"arm": {"type": "planar", "link_lengths": \(Fixture.text(example["link_lengths"]))},
             "joint_angles": \(Fixture.text(example["joint_angles"])), "target": \(Fixture.text(example["target"]))}
            """
        let response = try server.post("/v1/ik", body)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(close(json["delta"]?.doubles, example["delta"].flatMap { $0.doubles }))
        #expect(close(json["joint_angles"]?.doubles, example["new_joint_angles"].flatMap { $0.doubles }))
        guard case .array(let trajectory)? = json["trajectory"] else { Issue.record("no trajectory"); return }
        #expect(close(trajectory.first?["end_effector"]?.doubles, example["end_effector"].flatMap { $0.doubles }))
    }

    @Test func inverseKinematicsThreeJointExerciseConverges() throws {
        let example = Fixture.example("ex4_ik_3joint")
        let body = """
            {"arm": {"type": "planar", "link_lengths": \(Fixture.text(example["link_lengths"]))},
             "joint_angles": \(Fixture.text(example["joint_angles"])), "target": \(Fixture.text(example["target"])),
             "max_iterations": 100, "tolerance": \(Fixture.text(example["tolerance"]))}
            """
        let response = try server.post("/v1/ik", body)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json
        #expect(json["status"]?.string == "converged")
        #expect(try #require(json["error_norm"]?.double) <= 1e-6)
    }
}
