#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension IKWorkspace {
    /// Fills `e` from `e.joints`: forward kinematics, error, error norms and, if `withJacobian`, the task
    /// Jacobian. Levenberg–Marquardt evaluates trials without it and calls ``completeJacobian(_:)`` only for the
    /// trial it accepts, so rejected trials cost forward kinematics alone.
    func evaluate(_ e: IKEvaluation, withJacobian: Bool = true) {
        evaluations += 1
        if isPlanar { planarKinematics(e) } else if isFrames { frameKinematics(e) } else { denavitHartenbergKinematics(e) }
        taskError(e)
        if withJacobian { completeJacobian(e) }
        var cost = 0.0
        for row in 0..<taskSize {
            if isWeighted { e.weightedError[row] = weights[row] * e.error[row] }
            cost += e.weightedError[row] * e.weightedError[row]
        }
        e.cost = 0.5 * cost
        var position = 0.0, weightedPosition = 0.0
        for row in 0..<positionSize {
            position += e.error[row] * e.error[row]
            weightedPosition += e.weightedError[row] * e.weightedError[row]
        }
        var weightedOrientation = 0.0
        for row in positionSize..<taskSize { weightedOrientation += e.weightedError[row] * e.weightedError[row] }
        e.positionError = position.squareRoot()
        e.weightedPositionError = weightedPosition.squareRoot()
        e.weightedOrientationError = weightedOrientation.squareRoot()
    }

    /// Fills the task Jacobian (and its weighted copy) of `e`, which must be the evaluation computed last: the
    /// frame origins and axes it reads are those of the latest forward kinematics.
    func completeJacobian(_ e: IKEvaluation) {
        // Frame chains fill `origins` and `axes` like DH chains, so their geometric Jacobian is the same.
        if isPlanar { planarJacobian(e) } else { denavitHartenbergJacobian(e) }
        guard isWeighted else { return }
        let n = jointCount
        for row in 0..<taskSize {
            let w = weights[row]
            for column in 0..<n { e.weightedJacobian[row * n + column] = w * e.jacobian[row * n + column] }
        }
    }

    /// The tutorial's arm: link i at angle φᵢ = θ₁ + … + θᵢ. Jacobian column j is the planar cross product of
    /// ẑ with (p_e − o_j), o_j the joint's position, and 1 in the angle row.
    private func planarKinematics(_ e: IKEvaluation) {
        let n = jointCount
        var x = 0.0, y = 0.0, phi = 0.0
        for i in 0..<n {
            origins[3 * i] = x
            origins[3 * i + 1] = y
            phi += e.joints[i]
            x += linkA[i] * cos(phi)
            y += linkA[i] * sin(phi)
        }
        e.position[0] = x
        e.position[1] = y
        e.angle = phi
    }

    private func planarJacobian(_ e: IKEvaluation) {
        let n = jointCount
        let x = e.position[0], y = e.position[1]
        for j in 0..<n {
            e.jacobian[j] = -(y - origins[3 * j + 1])
            e.jacobian[n + j] = x - origins[3 * j]
            if hasOrientation { e.jacobian[2 * n + j] = 1 }
        }
    }

    /// Standard DH: frame i = frame i−1 · Rz(θ)·Tz(d)·Tx(a)·Rx(α). The geometric Jacobian's column i uses
    /// the z axis zᵢ₋₁ and origin pᵢ₋₁ of the frame before joint i: revolute [zᵢ₋₁ × (p_e − pᵢ₋₁); zᵢ₋₁],
    /// prismatic [zᵢ₋₁; 0].
    private func denavitHartenbergKinematics(_ e: IKEvaluation) {
        let n = jointCount
        var r = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
        var px = 0.0, py = 0.0, pz = 0.0
        for i in 0..<n {
            origins[3 * i] = px; origins[3 * i + 1] = py; origins[3 * i + 2] = pz
            axes[3 * i] = r.2; axes[3 * i + 1] = r.5; axes[3 * i + 2] = r.8
            let isPrismatic = prismatic[i] != 0
            let theta = isPrismatic ? linkOffset[i] : e.joints[i] + linkOffset[i]
            let d = isPrismatic ? linkD[i] + e.joints[i] : linkD[i]
            let c = cos(theta), s = sin(theta), ca = cosAlpha[i], sa = sinAlpha[i]
            let a = linkA[i]
            // Translation R·(a·c, a·s, d).
            let tx = a * c, ty = a * s
            px += r.0 * tx + r.1 * ty + r.2 * d
            py += r.3 * tx + r.4 * ty + r.5 * d
            pz += r.6 * tx + r.7 * ty + r.8 * d
            // Local rotation columns: x = (c, s, 0), y = (−s·ca, c·ca, sa), z = (s·sa, −c·sa, ca).
            let yx = -s * ca, yy = c * ca, zx = s * sa, zy = -c * sa
            r = (r.0 * c + r.1 * s, r.0 * yx + r.1 * yy + r.2 * sa, r.0 * zx + r.1 * zy + r.2 * ca,
                 r.3 * c + r.4 * s, r.3 * yx + r.4 * yy + r.5 * sa, r.3 * zx + r.4 * zy + r.5 * ca,
                 r.6 * c + r.7 * s, r.6 * yx + r.7 * yy + r.8 * sa, r.6 * zx + r.7 * zy + r.8 * ca)
        }
        e.position[0] = px; e.position[1] = py; e.position[2] = pz
        e.rotation[0] = r.0; e.rotation[1] = r.1; e.rotation[2] = r.2
        e.rotation[3] = r.3; e.rotation[4] = r.4; e.rotation[5] = r.5
        e.rotation[6] = r.6; e.rotation[7] = r.7; e.rotation[8] = r.8
    }

    /// Frame chains (URDF): T = origin₁·motion₁(q₁)·…·originₙ·motionₙ(qₙ)·tip. The geometric Jacobian is the DH one's,
    /// with each joint's origin and world axis R·axis taken after its fixed origin transform and before its motion.
    private func frameKinematics(_ e: IKEvaluation) {
        var r = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
        var px = 0.0, py = 0.0, pz = 0.0
        /// (r, p) ← (r, p)·(rotation b, translation t).
        func compose(_ b: UnsafeMutableBufferPointer<Double>, _ bOffset: Int, _ t: UnsafeMutableBufferPointer<Double>, _ tOffset: Int) {
            let (tx, ty, tz) = (t[tOffset], t[tOffset + 1], t[tOffset + 2])
            px += r.0 * tx + r.1 * ty + r.2 * tz
            py += r.3 * tx + r.4 * ty + r.5 * tz
            pz += r.6 * tx + r.7 * ty + r.8 * tz
            r = rotate(r, (b[bOffset], b[bOffset + 1], b[bOffset + 2], b[bOffset + 3], b[bOffset + 4], b[bOffset + 5],
                           b[bOffset + 6], b[bOffset + 7], b[bOffset + 8]))
        }
        for i in 0..<jointCount {
            compose(frameRotation, 9 * i, frameTranslation, 3 * i)
            origins[3 * i] = px; origins[3 * i + 1] = py; origins[3 * i + 2] = pz
            let (ax, ay, az) = (frameAxis[3 * i], frameAxis[3 * i + 1], frameAxis[3 * i + 2])
            let wx = r.0 * ax + r.1 * ay + r.2 * az, wy = r.3 * ax + r.4 * ay + r.5 * az, wz = r.6 * ax + r.7 * ay + r.8 * az
            axes[3 * i] = wx; axes[3 * i + 1] = wy; axes[3 * i + 2] = wz
            let q = e.joints[i]
            if prismatic[i] != 0 {
                px += wx * q; py += wy * q; pz += wz * q
            } else {
                // Rodrigues: R(axis, q) = cos q·I + sin q·[a]× + (1 − cos q)·a·aᵀ.
                let c = cos(q), s = sin(q), v = 1 - c
                r = rotate(r, (c + ax * ax * v, ax * ay * v - az * s, ax * az * v + ay * s,
                               ay * ax * v + az * s, c + ay * ay * v, ay * az * v - ax * s,
                               az * ax * v - ay * s, az * ay * v + ax * s, c + az * az * v))
            }
        }
        compose(tipRotation, 0, tipTranslation, 0)
        e.position[0] = px; e.position[1] = py; e.position[2] = pz
        e.rotation[0] = r.0; e.rotation[1] = r.1; e.rotation[2] = r.2
        e.rotation[3] = r.3; e.rotation[4] = r.4; e.rotation[5] = r.5
        e.rotation[6] = r.6; e.rotation[7] = r.7; e.rotation[8] = r.8
    }

    private typealias Matrix3 = (Double, Double, Double, Double, Double, Double, Double, Double, Double)

    /// a·b for row-major 3×3 matrices.
    private func rotate(_ a: Matrix3, _ b: Matrix3) -> Matrix3 {
        (a.0 * b.0 + a.1 * b.3 + a.2 * b.6, a.0 * b.1 + a.1 * b.4 + a.2 * b.7, a.0 * b.2 + a.1 * b.5 + a.2 * b.8,
         a.3 * b.0 + a.4 * b.3 + a.5 * b.6, a.3 * b.1 + a.4 * b.4 + a.5 * b.7, a.3 * b.2 + a.4 * b.5 + a.5 * b.8,
         a.6 * b.0 + a.7 * b.3 + a.8 * b.6, a.6 * b.1 + a.7 * b.4 + a.8 * b.7, a.6 * b.2 + a.7 * b.5 + a.8 * b.8)
    }

    private func denavitHartenbergJacobian(_ e: IKEvaluation) {
        let n = jointCount
        let px = e.position[0], py = e.position[1], pz = e.position[2]
        for i in 0..<n {
            let zx = axes[3 * i], zy = axes[3 * i + 1], zz = axes[3 * i + 2]
            if prismatic[i] != 0 {
                e.jacobian[i] = zx; e.jacobian[n + i] = zy; e.jacobian[2 * n + i] = zz
                if hasOrientation { e.jacobian[3 * n + i] = 0; e.jacobian[4 * n + i] = 0; e.jacobian[5 * n + i] = 0 }
            } else {
                let dx = px - origins[3 * i], dy = py - origins[3 * i + 1], dz = pz - origins[3 * i + 2]
                e.jacobian[i] = zy * dz - zz * dy
                e.jacobian[n + i] = zz * dx - zx * dz
                e.jacobian[2 * n + i] = zx * dy - zy * dx
                if hasOrientation { e.jacobian[3 * n + i] = zx; e.jacobian[4 * n + i] = zy; e.jacobian[5 * n + i] = zz }
            }
        }
    }

    /// Target minus task vector; the orientation part is the wrapped angle difference in the plane, and the
    /// rotation vector of R_target·R_currentᵀ in space (the rotation still to be applied, in the base frame,
    /// which is what the angular rows zᵢ₋₁ of the geometric Jacobian act on).
    private func taskError(_ e: IKEvaluation) {
        for i in 0..<positionSize { e.error[i] = targetPosition[i] - e.position[i] }
        e.orientationError = 0
        guard hasOrientation else { return }
        if isPlanar {
            let wrapped = remainder(targetAngle - e.angle, 2 * Double.pi)  // in [−π, π]
            e.error[2] = wrapped
            e.orientationError = abs(wrapped)
            return
        }
        var m = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        withUnsafeMutableBytes(of: &m) { raw in
            let out = raw.bindMemory(to: Double.self)
            for i in 0..<3 {
                for j in 0..<3 {
                    out[3 * i + j] = targetRotation[3 * i] * e.rotation[3 * j]
                        + targetRotation[3 * i + 1] * e.rotation[3 * j + 1]
                        + targetRotation[3 * i + 2] * e.rotation[3 * j + 2]
                }
            }
            var v = (0.0, 0.0, 0.0)
            Rotation.logarithm(UnsafePointer(out.baseAddress!), into: &v)
            e.error[3] = v.0; e.error[4] = v.1; e.error[5] = v.2
            e.orientationError = (v.0 * v.0 + v.1 * v.1 + v.2 * v.2).squareRoot()
        }
    }
}
