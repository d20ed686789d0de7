import CALSA

/// An ALSA call that failed: the device, the call, ALSA's error code and its `snd_strerror` text.
public struct ALSAError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The PCM name (`hw:0`, `default`, `plughw:1,0`, …).
    public var device: String
    /// The ALSA call, e.g. `snd_pcm_open`, `snd_pcm_set_params`, `snd_pcm_readi`.
    public var operation: String
    /// ALSA's (negative errno) code.
    public var code: Int32
    /// `snd_strerror(code)`.
    public var message: String

    public init(device: String, operation: String, code: Int32) {
        self.device = device
        self.operation = operation
        self.code = code
        message = String(cString: snd_strerror(code))
    }

    /// `ALSA capture 'hw:0': snd_pcm_open: No such file or directory (-2)`.
    public var description: String {
        "ALSA capture '\(device)': \(operation): \(message) (\(code))"
    }
}
