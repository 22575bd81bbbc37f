import Foundation
import Testing
@testable import JacobianEngine

/// The tutorial's expression examples, against PyTorch's float64 results in Tests/Fixtures/expected.json.
@Suite("Tutorial fixture")
struct TutorialFixtureTests {
    private func example(_ name: String) -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/expected.json")
        let data = try! Data(contentsOf: url)
        let fixture = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return fixture[name] as! [String: Any]
    }

    @Test(arguments: ["method1_powers", "method2_powers", "method3_trig"])
    func vectorExamples(name: String) throws {
        let example = example(name)
        let size = (example["inputs"] as! [String: Int])["x"]!
        let function = try compile([.vector(name: "x", size: size)], example["outputs"] as! [String])
        let point = example["point"] as! [Double]
        let expected = (example["jacobian"] as! [[Double]]).flatMap { $0 }
        for mode in [DifferentiationMode.auto, .forward, .reverse] {
            let result = try function.jacobian(at: point, mode: mode)
            #expect(close(result.value, example["value"] as! [Double]))
            #expect(close(result.jacobian.storage, expected))
        }
        #expect(close(try function.evaluate(at: point), example["value"] as! [Double]))
    }

    /// Replays the tutorial's Newton iteration x ← x − step · J⁻¹ f(x) with our Jacobian (2×2 solved by Cramer's
    /// rule) and checks every point and value of PyTorch's trajectory.
    @Test func newtonTrajectory() throws {
        let example = example("app3_newton")
        let function = try compile((example["inputs"] as! [String]).map { .scalar($0) }, example["outputs"] as! [String])
        let step = example["step_size"] as! Double
        let trajectory = example["trajectory"] as! [[Double]]
        let values = example["values"] as! [[Double]]
        var x = example["point"] as! [Double]
        for (index, expectedPoint) in trajectory.enumerated() {
            #expect(close(x, expectedPoint, 1e-12), "point \(index)")
            let result = try function.jacobian(at: x)
            #expect(close(result.value, values[index], 1e-12), "value \(index)")
            let j = result.jacobian
            let determinant = j[0, 0] * j[1, 1] - j[0, 1] * j[1, 0]
            let dx0 = (j[1, 1] * result.value[0] - j[0, 1] * result.value[1]) / determinant
            let dx1 = (j[0, 0] * result.value[1] - j[1, 0] * result.value[0]) / determinant
            x = [x[0] - step * dx0, x[1] - step * dx1]
        }
    }
}
