import Testing
import TestSupport
@testable import JacobianEngine

/// Jacobian–vector and vector–Jacobian products equal the dense products J·v and uᵀJ to rounding, for
/// expressions and for networks with respect to their input and their parameters, point by point in a batch.
@Suite("Products")
struct ProductTests {
    private func denseProducts(_ jacobian: Matrix, tangents: [[Double]]) -> [[Double]] {
        tangents.map { v in (0..<jacobian.rows).map { r in (0..<jacobian.columns).reduce(0) { $0 + jacobian[r, $1] * v[$1] } } }
    }

    private func denseProducts(_ jacobian: Matrix, cotangents: [[Double]]) -> [[Double]] {
        cotangents.map { u in (0..<jacobian.columns).map { j in (0..<jacobian.rows).reduce(0) { $0 + u[$1] * jacobian[$1, j] } } }
    }

    private func vectors(_ count: Int, _ length: Int, _ rng: inout SeededGenerator) -> [[Double]] {
        (0..<count).map { _ in (0..<length).map { _ in Double.random(in: -2..<2, using: &rng) } }
    }

    private func checkAgainstDense(_ function: CompiledFunction, at point: [Double], seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dense = try function.jacobian(at: point)
        let tangents = vectors(5, function.columnCount, &rng)
        let cotangents = vectors(4, function.outputCount, &rng)
        let jvp = try function.jacobianVectorProducts(at: point, tangents: tangents)
        let vjp = try function.vectorJacobianProducts(at: point, cotangents: cotangents)
        #expect(close(jvp.value, dense.value, 1e-15))
        #expect(close(vjp.value, dense.value, 1e-15))
        for (got, want) in zip(jvp.products, denseProducts(dense.jacobian, tangents: tangents)) {
            #expect(close(got, want, 1e-12))
        }
        for (got, want) in zip(vjp.products, denseProducts(dense.jacobian, cotangents: cotangents)) {
            #expect(close(got, want, 1e-12))
        }
    }

    @Test func expressionProductsEqualDenseProducts() throws {
        let function = try compile(
            [.scalar("t"), .vector(name: "x", size: 3)],
            ["sin(t) * x[0] + x[1]^3", "x[2] / (1 + t^2)", "2", "x[0]", "hypot(x[1], x[2]) * exp(-t)", "x[0]"],
            definitions: ["u = x[0] * x[1]"])
        try checkAgainstDense(function, at: [0.4, -1.1, 0.7, 2.3], seed: 1)
    }

    @Test func networkProductsEqualDenseProducts() throws {
        var rng = SeededGenerator(seed: 7)
        for activation in NetworkSamples.activations {
            let network = NetworkSamples.network(around: activation, using: &rng)
            let point = NetworkSamples.point(3, using: &rng)
            try checkAgainstDense(try CompiledFunction(network), at: point, seed: 3)
            try checkAgainstDense(try CompiledFunction(network, withRespectTo: .parameters), at: point, seed: 4)
        }
    }

    @Test func batchAnswersEachPointWithTheSameVectors() throws {
        let function = try compile([.vector(name: "x", size: 2)], ["x[0] * x[1]", "sin(x[0])"])
        let points = [[1.0, 2.0], [-0.5, 0.25], [3.0, -1.0]]
        let results = try function.products(.tangents, at: points, vectors: [[1, 0], [0.5, -2]])
        for (point, result) in zip(points, results) {
            #expect(result == (try function.jacobianVectorProducts(at: point, tangents: [[1, 0], [0.5, -2]])))
        }
    }

    @Test func wrongLengthsAndTooManyVectorsAreRefused() throws {
        let function = try compile([.vector(name: "x", size: 2)], ["x[0] * x[1]"])
        let short = engineError { try function.jacobianVectorProducts(at: [1, 2], tangents: [[1, 0], [1]]) }
        #expect(short?.kind == .dimensionMismatch && short?.pointer == "/tangents/1")
        let long = engineError { try function.vectorJacobianProducts(at: [1, 2], cotangents: [[1, 2]]) }
        #expect(long?.kind == .dimensionMismatch && long?.pointer == "/cotangents/0")
        let many = engineError {
            try function.jacobianVectorProducts(
                at: [1, 2], tangents: Array(repeating: [1, 0], count: 3), limits: EngineLimits(maxVectors: 2))
        }
        #expect(many?.kind == .limitExceeded && many?.limit == "maxVectors")
    }

    @Test func nonFiniteProductsNameTheOperation() throws {
        let function = try compile([.vector(name: "x", size: 2)], ["sqrt(x[0]) + x[1]"])
        let error = engineError { try function.jacobianVectorProducts(at: [0, 1], tangents: [[1, 1]]) }
        #expect(error?.kind == .nonFinite && error?.operation == "sqrt")
    }
}
