/// Hessians by forward-over-reverse: one forward sweep carries tangents `Ṫ = ∂register/∂x · V` for a block of
/// directions V, then, per output, one reverse sweep carries the adjoint ā and its tangent Ȧ = ∂ā/∂x · V. For an
/// instruction z = f(a, b) the reverse step is the first-order rule plus its derivative along V:
///
///     ā_a += ā_z f_a                 Ȧ_a += Ȧ_z f_a + ā_z (f_aa Ṫ_a + f_ab Ṫ_b)
///     ā_b += ā_z f_b                 Ȧ_b += Ȧ_z f_b + ā_z (f_ab Ṫ_a + f_bb Ṫ_b)
///
/// so the inputs' ā is the gradient and their Ȧ is H·V, exactly (no differencing). The second partials come from
/// `SecondDerivatives.swift`; terms of an operand that does not depend on the inputs are skipped, never multiplied
/// by a zero tangent (its partials may be infinite, as for `0 ^ x`).
extension ExpressionProgram {
    /// For each output in `rows`, the gradient (`gradients`, rows.count × n) and H·V (`products`, rows.count × n ×
    /// count, row-major: output, input, direction), where input j's directions are `seed(j, start, width, row)`
    /// for directions `start..<start + width` (filled into `row`). Directions go in chunks that keep the blocks
    /// within `forwardTangentBudget`.
    func hessianProducts(
        at point: UnsafeBufferPointer<Double>, rows: [Int], directions count: Int,
        seed: (Int, Int, Int, UnsafeMutablePointer<Double>) -> Void,
        value: UnsafeMutableBufferPointer<Double>, gradients: UnsafeMutableBufferPointer<Double>,
        products: UnsafeMutableBufferPointer<Double>
    ) throws(EngineError) {
        let n = inputCount, registers = registerCount
        let chunk = min(max(count, 1), max(1, blockWidthLimit / 2))
        try withPartials(point, value: value, extra: registers * (2 * chunk + 1)) { values, partials, scratch in
            let tangents = scratch
            let adjointTangents = scratch + registers * chunk
            let adjoints = scratch + 2 * registers * chunk
            var start = 0
            repeat {
                let width = min(chunk, count - start)
                forwardBlock(partials, width: width, tangents: tangents) { column, row in
                    seed(column, start, width, row)
                }
                for (index, row) in rows.enumerated() {
                    // Small widths (one vector, a tridiagonal Hessian's 3 colours) get loops of known length.
                    switch width {
                    case 1: reverseWithTangents(row: row, width: 1, values: values, partials: partials,
                                                tangents: tangents, adjoints: adjoints, adjointTangents: adjointTangents)
                    case 2: reverseWithTangents(row: row, width: 2, values: values, partials: partials,
                                                tangents: tangents, adjoints: adjoints, adjointTangents: adjointTangents)
                    case 3: reverseWithTangents(row: row, width: 3, values: values, partials: partials,
                                                tangents: tangents, adjoints: adjoints, adjointTangents: adjointTangents)
                    default: reverseWithTangents(row: row, width: width, values: values, partials: partials,
                                                 tangents: tangents, adjoints: adjoints, adjointTangents: adjointTangents)
                    }
                    if start == 0 {
                        for j in 0..<n { gradients[index * n + j] = adjoints[j] }
                    }
                    for j in 0..<n {
                        let target = (index * n + j) * count + start
                        for t in 0..<width { products[target + t] = adjointTangents[j * width + t] }
                    }
                }
                start += width
            } while start < count
        }
    }

    /// One reverse sweep of adjoints and adjoint tangents from output `row`.
    @inline(__always)
    private func reverseWithTangents(
        row: Int, width: Int, values: UnsafeMutableBufferPointer<Double>,
        partials: UnsafeMutableBufferPointer<Double>, tangents: UnsafeMutablePointer<Double>,
        adjoints: UnsafeMutablePointer<Double>, adjointTangents: UnsafeMutablePointer<Double>
    ) {
        let seedRegister = Int(outputRegisters[row])
        adjoints.update(repeating: 0, count: registerCount)
        adjointTangents.update(repeating: 0, count: registerCount * width)
        adjoints[seedRegister] = 1
        let firstInstructionRegister = inputCount + constants.count
        instructions.withUnsafeBufferPointer { code in
            @inline(__always) func step(_ k: Int) {
                let instruction = code[k]
                let g = adjoints[Int(instruction.output)]
                let gDot = adjointTangents + Int(instruction.output) * width
                let activity = instruction.activity
                let x = values[Int(instruction.first)], y = values[Int(instruction.second)]
                let curvature = instruction.operation.curvature
                let second = curvature.isEmpty || g == 0
                    ? (xx: 0.0, xy: 0.0, yy: 0.0)
                    : instruction.operation.secondPartials(x, y, value: values[Int(instruction.output)])
                let aDot = tangents + Int(instruction.first) * width
                let bDot = tangents + Int(instruction.second) * width
                if activity & Instruction.firstActive != 0 {
                    let da = partials[2 * k]
                    adjoints[Int(instruction.first)] += g * da
                    let target = adjointTangents + Int(instruction.first) * width
                    for t in 0..<width { target[t] += da * gDot[t] }
                    if curvature.contains(.xx), g != 0 {
                        let c = g * second.xx
                        for t in 0..<width { target[t] += c * aDot[t] }
                    }
                    if curvature.contains(.xy), g != 0, activity & Instruction.secondActive != 0 {
                        let c = g * second.xy
                        for t in 0..<width { target[t] += c * bDot[t] }
                    }
                }
                if activity & Instruction.secondActive != 0 {
                    let db = partials[2 * k + 1]
                    adjoints[Int(instruction.second)] += g * db
                    let target = adjointTangents + Int(instruction.second) * width
                    for t in 0..<width { target[t] += db * gDot[t] }
                    if curvature.contains(.yy), g != 0 {
                        let c = g * second.yy
                        for t in 0..<width { target[t] += c * bDot[t] }
                    }
                    if curvature.contains(.xy), g != 0, activity & Instruction.firstActive != 0 {
                        let c = g * second.xy
                        for t in 0..<width { target[t] += c * aDot[t] }
                    }
                }
            }
            if row < sparsity.coneRowCount {
                sparsity.coneInstructions.withUnsafeBufferPointer { cones in
                    for index in sparsity.coneStarts[row]..<sparsity.coneStarts[row + 1] { step(Int(cones[index])) }
                }
            } else if seedRegister >= firstInstructionRegister {
                for k in stride(from: seedRegister - firstInstructionRegister, through: 0, by: -1) { step(k) }
            }
        }
    }

    /// The error for a non-finite gradient or second derivative of output `row`: a non-finite gradient is
    /// diagnosed as for a Jacobian; otherwise the first instruction in the output's cone with a non-finite second
    /// partial on an input-dependent operand is named.
    func hessianError(point: UnsafeBufferPointer<Double>, row: Int, column: Int, entry: Double) -> EngineError {
        let diagnosis = NonFiniteDiagnosis(program: self, point: Array(point))
        if let bad = diagnosis.reverseRow(row).firstIndex(where: { !$0.isFinite }) {
            return diagnosis.derivativeError(row: row, column: bad, entry: .nan)
        }
        var registers = [Double](repeating: 0, count: registerCount)
        registers.withUnsafeMutableBufferPointer { runValues(point, $0) }
        let what = "a second derivative of \(rowNames[row]) with respect to \(columnNames[column]) is "
            + NonFiniteDiagnosis.format(entry)
        for (k, instruction) in instructions.enumerated() where instruction.activity != 0 {
            let second = instruction.operation.secondPartials(
                registers[Int(instruction.first)], registers[Int(instruction.second)],
                value: registers[Int(instruction.output)])
            let first = instruction.activity & Instruction.firstActive != 0
            let other = instruction.activity & Instruction.secondActive != 0
            let bad = (first && !second.xx.isFinite) || (other && !second.yy.isFinite)
                || (first && other && !second.xy.isFinite)
            guard bad else { continue }
            let name = instruction.operation.displayName
            return EngineError(
                kind: .nonFinite,
                message: "\(what): the second derivative of \(name) is not finite there (from \(name) in "
                    + "\(locations[k].description))",
                row: row, columnIndex: column, operation: name)
        }
        return EngineError(kind: .nonFinite, message: "\(what): the chain rule overflows although every local "
                           + "derivative is finite", row: row, columnIndex: column)
    }
}
