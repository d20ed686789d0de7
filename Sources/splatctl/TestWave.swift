import Foundation

/// The test signal of `splatctl drive --wave`, the same as the Python client's
/// `splatd-publish --wave`: at `t` seconds, jawOpen (and every other value given) is scaled by
/// `rise` = 0.5 − 0.5·cos(2π·f·t), from closed to fully open and back once per cycle, and the
/// head turns by `swing` = sin(π·f·t) times the yaw amplitude (10° unless given), a swing to
/// either side at half that rate — so that static scenes, which have no jaw, move too.
struct TestWave: Equatable {
    /// The default frequency f, Hz.
    static let defaultHz = 1.0
    /// The default head yaw amplitude, degrees.
    static let defaultHeadYawDegrees: Float = 10

    /// Cycles of the jaw per second.
    var hz = TestWave.defaultHz

    /// 0…1, starting at 0: the factor on jawOpen and the other values.
    func rise(at t: Double) -> Float { Float(0.5 - 0.5 * cos(2 * Double.pi * hz * t)) }

    /// −1…1, starting at 0: the factor on the head yaw amplitude.
    func swing(at t: Double) -> Float { Float(sin(Double.pi * hz * t)) }
}
