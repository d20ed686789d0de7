import Foundation

/// Converts interleaved 16-bit or float PCM at any common rate, mono or stereo, to mono `Float`
/// samples at 16 kHz (the rate of ``SpeechAnalyzer``), streaming: state is kept between chunks,
/// so chunks of any size (even single samples) give the same output as one long chunk.
///
/// **Design: exact rational polyphase windowed-sinc.** The rate ratio is reduced to
/// `16000 / rate = L / M` (44100 Hz: L = 160, M = 441; 48000 Hz: 1 / 3; 8000 Hz: 2 / 1). Output
/// sample *n* sits exactly at input position *n·M/L*: its integer part selects the input
/// samples, its fractional part (a multiple of 1/L) selects one of L precomputed filter phases,
/// so there is no drift and no interpolation between table entries. The filter is a
/// Kaiser-windowed sinc (β = 6.76, about 70 dB stop-band attenuation) with its cut-off at
/// 0.45 × min(rate, 16000) and a transition band of 0.1 × min(rate, 16000) centred on it: for
/// every input rate ≥ 16 kHz the pass band reaches 6.4 kHz and everything above 8 kHz (which
/// would alias) is at least 70 dB down; for rates below 16 kHz the same filter removes the
/// spectral images above the input's Nyquist frequency. Each phase is normalised to unit DC
/// gain. Channels are mixed down (averaged) before filtering. 16 kHz input is only mixed down
/// and converted (no filter, no delay).
///
/// Linear-phase, centred filter: the output signal is time-aligned with the input (output
/// sample *n* is input time *n*/16000 s), but it can only be produced ``latencySeconds`` later
/// (half the filter: 1.4 ms from 22.05 kHz up, 2.0 ms at 11.025 kHz, 2.75 ms at 8 kHz).
///
/// Cost: ``tapCount`` multiply-adds per output sample (44 at 8–12 kHz, 60 at 22.05 kHz, 120 at
/// 44.1 kHz, 130 at 48 kHz, 260 at 96 kHz), no allocation once the internal buffer has grown to
/// the largest chunk.
public struct AudioResampler: Sendable {
    /// The output rate: 16 kHz.
    public static let outputRate = 16_000
    /// Input rates accepted: 4 kHz … 192 kHz whose ratio to 16 kHz reduces to at most
    /// ``maximumPhases`` filter phases (every common rate does).
    public static let rateRange = 4_000...192_000
    /// The largest number of polyphase filter phases (L) a rate may need.
    public static let maximumPhases = 1_000

    /// The input sample rate in Hz.
    public let inputRate: Int
    /// Interleaved input channels (1 or 2).
    public let channels: Int
    /// Up-sampling factor L of the reduced ratio 16000 / inputRate = L / M.
    public let up: Int
    /// Down-sampling factor M.
    public let down: Int
    /// Filter taps per output sample (2 K; 0 for 16 kHz input).
    public let tapCount: Int
    /// Delay before an output sample can be produced: half the filter, in seconds.
    public var latencySeconds: Double { Double(tapCount / 2) / Double(inputRate) }

    private let half: Int                 // K
    private let table: [Float]           // L phases × 2K taps
    private var history: [Float]         // mono input; history[position] is the base sample of the next output
    private var position: Int
    private var phase: Int
    private var carry: Float = 0        // a left-over sample of an incomplete stereo frame
    private var hasCarry = false

    /// Whether `rate` (Hz) can be converted.
    public static func supports(rate: Int) -> Bool {
        rateRange.contains(rate) && outputRate / gcd(rate, outputRate) <= maximumPhases
    }

    /// A resampler for `inputRate` Hz with `channels` interleaved channels.
    /// - Throws: ``AudioError/unsupportedSampleRate(_:)``, ``AudioError/unsupportedChannelCount(_:)``.
    public init(inputRate: Int, channels: Int = 1) throws {
        guard Self.supports(rate: inputRate) else { throw AudioError.unsupportedSampleRate(inputRate) }
        guard channels == 1 || channels == 2 else { throw AudioError.unsupportedChannelCount(channels) }
        self.inputRate = inputRate
        self.channels = channels
        let g = Self.gcd(inputRate, Self.outputRate)
        up = Self.outputRate / g
        down = inputRate / g
        if inputRate == Self.outputRate {
            half = 0
            tapCount = 0
            table = []
        } else {
            let fs = Double(inputRate)
            let fMin = Double(min(inputRate, Self.outputRate))
            let cutoff = 0.45 * fMin                   // Hz, the −6 dB point
            let transition = 0.1 * fMin                // Hz, full width
            let attenuation = 70.0                     // dB
            let beta = 0.1102 * (attenuation - 8.7)
            let deltaOmega = 2 * Double.pi * transition / fs
            let length = (attenuation - 8) / (2.285 * deltaOmega)
            let k = max(2, Int((length / 2).rounded(.up)))
            half = k
            tapCount = 2 * k
            var t = [Float](repeating: 0, count: up * 2 * k)
            let i0Beta = Self.besselI0(beta)
            for p in 0..<up {
                var sum = 0.0
                var row = [Double](repeating: 0, count: 2 * k)
                for jIndex in 0..<(2 * k) {
                    let j = jIndex - (k - 1)
                    let tau = Double(p) / Double(up) - Double(j)        // input samples from the output instant
                    let x = 2 * cutoff / fs * tau
                    let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                    let r = tau / Double(k)
                    let w = abs(r) >= 1 ? 0 : Self.besselI0(beta * (1 - r * r).squareRoot()) / i0Beta
                    row[jIndex] = 2 * cutoff / fs * sinc * w
                    sum += row[jIndex]
                }
                for jIndex in 0..<(2 * k) { t[p * 2 * k + jIndex] = Float(row[jIndex] / sum) }
            }
            table = t
        }
        history = []
        history.reserveCapacity(4096)
        position = 0
        phase = 0
        reset()
    }

    /// Forgets all input: the next sample is time 0 again.
    public mutating func reset() {
        history.removeAll(keepingCapacity: true)
        // K − 1 zeros before time 0, so output 0 is centred on input sample 0.
        if half > 0 { history.append(contentsOf: repeatElement(0, count: half - 1)) }
        position = max(half - 1, 0)
        phase = 0
        hasCarry = false
    }

    /// Converts interleaved 16-bit samples and appends the 16 kHz mono output to `output`.
    /// A trailing incomplete stereo frame is kept for the next call.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, into output: inout [Float]) {
        let scale: Float = 1 / 32768
        appendMono(count: samples.count) { Float(samples[$0]) * scale }
        produce(into: &output)
    }

    /// Converts interleaved float samples (full scale ±1) and appends the 16 kHz mono output.
    public mutating func process(_ samples: UnsafeBufferPointer<Float>, into output: inout [Float]) {
        appendMono(count: samples.count) { samples[$0] }
        produce(into: &output)
    }

    /// Convenience for arrays of 16-bit samples.
    public mutating func process(_ samples: [Int16], into output: inout [Float]) {
        samples.withUnsafeBufferPointer { process($0, into: &output) }
    }

    /// Convenience for arrays of float samples.
    public mutating func process(_ samples: [Float], into output: inout [Float]) {
        samples.withUnsafeBufferPointer { process($0, into: &output) }
    }

    @inline(__always)
    private mutating func appendMono(count: Int, _ sample: (Int) -> Float) {
        if channels == 1 {
            for i in 0..<count { history.append(sample(i)) }
            return
        }
        var i = 0
        if hasCarry, count > 0 {
            history.append(0.5 * (carry + sample(0)))
            hasCarry = false
            i = 1
        }
        while i + 1 < count {
            history.append(0.5 * (sample(i) + sample(i + 1)))
            i += 2
        }
        if i < count {
            carry = sample(i)
            hasCarry = true
        }
    }

    private mutating func produce(into output: inout [Float]) {
        if half == 0 {
            output.append(contentsOf: history)
            history.removeAll(keepingCapacity: true)
            return
        }
        let k = half
        let taps = 2 * k
        let stepWhole = down / up
        let stepFraction = down % up
        let available = history.count
        history.withUnsafeBufferPointer { hist in
            table.withUnsafeBufferPointer { tab in
                // Output at base `position` needs history[position − K + 1 … position + K].
                while position + k < available {
                    let x = hist.baseAddress! + (position - (k - 1))
                    let h = tab.baseAddress! + phase * taps
                    var acc0: Float = 0, acc1: Float = 0, acc2: Float = 0, acc3: Float = 0
                    var j = 0
                    while j + 4 <= taps {
                        acc0 += x[j] * h[j]
                        acc1 += x[j + 1] * h[j + 1]
                        acc2 += x[j + 2] * h[j + 2]
                        acc3 += x[j + 3] * h[j + 3]
                        j += 4
                    }
                    while j < taps {
                        acc0 += x[j] * h[j]
                        j += 1
                    }
                    output.append((acc0 + acc1) + (acc2 + acc3))
                    position += stepWhole
                    phase += stepFraction
                    if phase >= up {
                        phase -= up
                        position += 1
                    }
                }
            }
        }
        // Keep K − 1 samples of history before the next base sample.
        let drop = min(position - (k - 1), history.count)
        if drop > 0 {
            let remaining = history.count - drop
            history.withUnsafeMutableBufferPointer { buffer in
                if remaining > 0 {
                    buffer.baseAddress!.update(from: buffer.baseAddress! + drop, count: remaining)
                }
            }
            history.removeLast(drop)
            position -= drop
        }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (abs(a), abs(b))
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// The modified Bessel function of the first kind, order 0 (power series).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let q = x * x / 4
        for k in 1..<60 {
            term *= q / Double(k * k)
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }
}
