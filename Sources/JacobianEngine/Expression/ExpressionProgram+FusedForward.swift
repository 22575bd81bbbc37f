/// Forward mode fused with evaluation: one pass computes each instruction's value, its local partials and its
/// tangent row, so the partials are never stored and read back. Jacobian–vector products and compressed sparse
/// Jacobians (a few directions, where that memory traffic is most of the cost) use it.
extension ExpressionProgram {
    /// Runs values and `width` tangent directions at `point`: `registers` gets every value, `tangents`
    /// (registerCount × width) every tangent row, the inputs' rows (the first inputCount × width entries) being
    /// filled by `seed(tangents)` once.
    func runValuesAndTangents(
        _ point: UnsafeBufferPointer<Double>, _ registers: UnsafeMutableBufferPointer<Double>, width: Int,
        tangents: UnsafeMutablePointer<Double>, seed: (UnsafeMutablePointer<Double>) -> Void
    ) {
        load(point, registers)
        seed(tangents)
        (tangents + inputCount * width).update(repeating: 0, count: constants.count * width)
        // Small widths (a colouring's few colours, one tangent) get loops the compiler sees the length of.
        switch width {
        case 1: sweep(registers, width: 1, tangents: tangents)
        case 2: sweep(registers, width: 2, tangents: tangents)
        case 3: sweep(registers, width: 3, tangents: tangents)
        case 4: sweep(registers, width: 4, tangents: tangents)
        default: sweep(registers, width: width, tangents: tangents)
        }
    }

    @inline(__always)
    private func sweep(_ registers: UnsafeMutableBufferPointer<Double>, width: Int, tangents: UnsafeMutablePointer<Double>) {
        instructions.withUnsafeBufferPointer { code in
            for instruction in code {
                let result = instruction.operation.evaluate(
                    registers[Int(instruction.first)], registers[Int(instruction.second)], partials: true)
                registers[Int(instruction.output)] = result.value
                let out = tangents + Int(instruction.output) * width
                let a = tangents + Int(instruction.first) * width
                let b = tangents + Int(instruction.second) * width
                switch instruction.activity {
                case Instruction.firstActive: for j in 0..<width { out[j] = result.dx * a[j] }
                case Instruction.secondActive: for j in 0..<width { out[j] = result.dy * b[j] }
                case Instruction.firstActive | Instruction.secondActive:
                    for j in 0..<width { out[j] = result.dx * a[j] + result.dy * b[j] }
                default: for j in 0..<width { out[j] = 0 }
                }
            }
        }
    }

    /// Runs values and tangents in scratch that lives for the call (directions in chunks of at most
    /// `blockWidthLimit`), copies the outputs' values into `value`, and hands each chunk's first direction, width,
    /// values and tangents to `body`. `seed(start, width, block)` fills the inputs' tangent rows (inputCount ×
    /// width) for directions `start..<start + width`. Throws the value error when an output is not finite.
    func withForwardTangents(
        _ point: UnsafeBufferPointer<Double>, value: UnsafeMutableBufferPointer<Double>, directions count: Int,
        seed: (Int, Int, UnsafeMutablePointer<Double>) -> Void,
        _ body: (Int, Int, UnsafeMutableBufferPointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) throws(EngineError) {
        let registers = registerCount
        let chunk = min(max(count, 1), blockWidthLimit)
        let finite = withUnsafeTemporaryAllocation(of: Double.self, capacity: registers * (chunk + 1)) { scratch in
            let values = UnsafeMutableBufferPointer(rebasing: scratch[0..<registers])
            let tangents = scratch.baseAddress! + registers
            var start = 0
            repeat {
                let width = min(chunk, max(count - start, 0))
                runValuesAndTangents(point, values, width: width, tangents: tangents) { block in
                    seed(start, width, block)
                }
                if start == 0 {
                    for row in 0..<outputCount { value[row] = values[Int(outputRegisters[row])] }
                    if !value.allSatisfy({ $0.isFinite }) { return false }
                }
                body(start, width, values, tangents)
                start += width
            } while start < count
            return true
        }
        if !finite { throw NonFiniteDiagnosis(program: self, point: Array(point)).valueError() }
    }
}
