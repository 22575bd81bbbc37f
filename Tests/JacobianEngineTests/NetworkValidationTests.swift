import Foundation
import TestSupport
import Testing
@testable import JacobianEngine

/// Malformed, oversized and numerically hostile networks give clear errors with JSON pointers.
@Suite("Network validation")
struct NetworkValidationTests {
    private func compileError(
        _ layers: [Layer], withRespectTo variable: DifferentiationVariable = .input,
        limits: EngineLimits = EngineLimits()
    ) -> EngineError? {
        do {
            _ = try CompiledFunction(NetworkFunction(layers: layers), withRespectTo: variable, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func noLayers() {
        let error = compileError([])
        #expect(error?.kind == .invalidSpecification)
        #expect(error?.pointer == "/layers")
        #expect(error?.message == "a network needs at least one layer")
    }

    @Test func noLinearLayerLeavesTheInputSizeUndefined() {
        let error = compileError([.relu, .softmax])
        #expect(error?.kind == .invalidSpecification)
        #expect(error?.pointer == "/layers")
        #expect(error?.message.contains("at least one linear layer") == true)
    }

    @Test func raggedWeightPointsAtTheRow() {
        let error = compileError([.linear(weight: [[1, 2], [3, 4], [5]], bias: nil)])
        #expect(error?.kind == .invalidSpecification)
        #expect(error?.pointer == "/layers/0/weight/2")
        #expect(error?.message.contains("weight row 2 has 1 entries but row 0 has 2") == true)
    }

    @Test func emptyWeight() {
        #expect(compileError([.relu, .linear(weight: [], bias: nil)])?.pointer == "/layers/1/weight")
        #expect(compileError([.linear(weight: [[]], bias: nil)])?.pointer == "/layers/0/weight")
    }

    @Test func biasLengthMustMatchTheRows() {
        let error = compileError([.linear(weight: [[1, 2]], bias: [0, 1])])
        #expect(error?.pointer == "/layers/0/bias")
        #expect(error?.message.contains("bias has 2 entries but the weight has 1 rows") == true)
    }

    @Test func consecutiveLinearLayersMustFit() {
        let error = compileError([
            .linear(weight: [[1, 2], [3, 4], [5, 6]], bias: nil), .tanh, .linear(weight: [[1, 2]], bias: nil),
        ])
        #expect(error?.kind == .invalidSpecification)
        #expect(error?.pointer == "/layers/2/weight")
        #expect(error?.message == "layers[2] (linear) takes 2 inputs but receives a vector of 3 entries")
    }

    @Test func nonFiniteParametersAreRefused() {
        #expect(compileError([.linear(weight: [[1, .nan]], bias: nil)])?.pointer == "/layers/0/weight/0/1")
        #expect(compileError([.linear(weight: [[1]], bias: [.infinity])])?.pointer == "/layers/0/bias/0")
        let linear = Layer.linear(weight: [[1]], bias: nil)
        #expect(compileError([linear, .softplus(beta: 0, threshold: 20)])?.pointer == "/layers/1/beta")
        #expect(compileError([linear, .softplus(beta: 1, threshold: .nan)])?.pointer == "/layers/1/threshold")
        #expect(compileError([linear, .elu(alpha: .infinity)])?.pointer == "/layers/1/alpha")
        #expect(compileError([linear, .leakyReLU(negativeSlope: .nan)])?.pointer == "/layers/1/negative_slope")
    }

    @Test func unknownLayerTypeInJSONIsADecodingError() {
        let json = #"{"layers": [{"type": "linear", "weight": [[1]]}, {"type": "swish"}]}"#
        #expect {
            try JSONDecoder().decode(NetworkFunction.self, from: Data(json.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains("unknown layer type 'swish'")
                && context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["layers", "1", "type"]
        }
    }

    @Test func parameterLimitNamesTheLayerAndTheLimit() {
        let wide = Layer.linear(weight: Array(repeating: Array(repeating: 0.5, count: 10), count: 10), bias: nil)
        let error = compileError([wide, .relu, wide], limits: EngineLimits(maxNetworkParameters: 150))
        #expect(error?.kind == .limitExceeded)
        #expect(error?.limit == "maxNetworkParameters")
        #expect(error?.pointer == "/layers/2")
    }

    @Test func inputOutputAndJacobianLimits() {
        let layer = Layer.linear(weight: Array(repeating: Array(repeating: 0.5, count: 8), count: 4), bias: [1, 2, 3, 4])
        #expect(compileError([layer], limits: EngineLimits(maxInputs: 7))?.limit == "maxInputs")
        #expect(compileError([layer], limits: EngineLimits(maxOutputs: 3))?.limit == "maxOutputs")
        #expect(compileError([layer], limits: EngineLimits(maxJacobianEntries: 31))?.limit == "maxJacobianEntries")
        // 36 parameters: the input Jacobian (4 × 8) fits, the parameter Jacobian (4 × 36) does not.
        #expect(compileError([layer], withRespectTo: .parameters, limits: EngineLimits(maxJacobianEntries: 100))?
            .limit == "maxJacobianEntries")
        #expect(compileError([layer], limits: EngineLimits(maxJacobianEntries: 100)) == nil)
    }

    @Test func intermediateVectorsAreBoundedSoLongActivationChainsCannotExhaustMemory() {
        // 2 inputs → 10 wide, then relus: the forward pass keeps 2 + 10 per layer numbers.
        let layers = [Layer.linear(weight: Array(repeating: [1, 1], count: 10), bias: nil)]
            + Array(repeating: Layer.relu, count: 20)
        let error = compileError(layers, limits: EngineLimits(maxJacobianEntries: 100))
        #expect(error?.limit == "maxJacobianEntries")
        #expect(error?.pointer == "/layers/9")      // 2 + 10 · 10 = 102 > 100 after layers[9]
        #expect(compileError(layers, limits: EngineLimits(maxJacobianEntries: 212)) == nil)
    }

    @Test func modeWhoseBlocksExceedTheLimitFallsBackToTheOther() throws {
        // 30 inputs → 2 → 1: forward blocks hold 30 × 30 entries, more than the limit; reverse blocks 1 × 30.
        var rng = SeededGenerator(seed: 3)
        let network = NetworkFunction(layers: [
            NetworkSamples.linear(2, 30, using: &rng), .tanh, NetworkSamples.linear(1, 2, using: &rng),
        ])
        let small = try CompiledFunction(network, limits: EngineLimits(maxJacobianEntries: 100))
        let full = try CompiledFunction(network)
        let point = NetworkSamples.point(30, using: &rng)
        #expect(try small.jacobian(at: point, mode: .forward) == full.jacobian(at: point, mode: .reverse))
        #expect(compileError(network.layers, limits: EngineLimits(maxJacobianEntries: 29))?.limit == "maxJacobianEntries")
    }

    @Test func overflowingValueNamesTheLayer() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [
            .linear(weight: [[1e300], [1]], bias: nil), .relu,
        ]))
        do {
            _ = try function.evaluate(at: [1e10])
            Issue.record("expected a non-finite error")
        } catch {
            #expect(error.kind == .nonFinite)
            #expect(error.row == 0)
            #expect(error.operation == "layers[0] (linear)")
            #expect(error.message == "the value of y[0] is not finite at this point: layers[0] (linear) produced a NaN "
                + "or infinite value")
        }
    }

    @Test func overflowingDerivativeNamesRowColumnAndLayer() throws {
        // The value 1e-200 · 1e200 · 1e200 = 1e200 is finite, but the derivative 1e400 is not.
        let function = try CompiledFunction(NetworkFunction(layers: [
            .linear(weight: [[1e200]], bias: nil), .relu, .linear(weight: [[1e200]], bias: nil),
        ]))
        do {
            _ = try function.jacobian(at: [1e-200], mode: .forward)
            Issue.record("expected a non-finite error")
        } catch {
            #expect(error.kind == .nonFinite)
            #expect(error.row == 0)
            #expect(error.columnIndex == 0)
            #expect(error.operation == "layers[2] (linear)")
            #expect(error.message.hasPrefix("the derivative of y[0] with respect to x[0] is not finite"))
        }
        #expect(throws: EngineError.self) { try function.jacobian(at: [1e-200], mode: .reverse) }
    }

    @Test func pointOfTheWrongLengthIsADimensionMismatch() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [.linear(weight: [[1, 2]], bias: nil)]))
        #expect(throws: EngineError.self) { try function.jacobian(at: [1, 2, 3]) }
        do { _ = try function.evaluate(at: [1]) } catch { #expect(error.kind == .dimensionMismatch) }
    }
}

@Suite("Network listing")
struct NetworkListingTests {
    @Test func debugDescriptionListsLayersAndParameterRanges() throws {
        let function = try CompiledFunction(NetworkFunction(layers: [
            .linear(weight: [[1, 2], [3, 4], [5, 6]], bias: [0, 0, 0]), .gelu, .linear(weight: [[1, 1, 1]], bias: nil),
        ]), withRespectTo: .parameters)
        #expect(function.debugDescription == """
            network: 2 inputs → 1 outputs, 12 parameters, differentiated with respect to its parameters
              layers[0] (linear): 2 → 3, parameters 0..<9
              layers[1] (gelu): 3 → 3
              layers[2] (linear): 3 → 1, parameters 9..<12 (no bias)
            """)
    }
}
