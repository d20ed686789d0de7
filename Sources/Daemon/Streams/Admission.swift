import Foundation

/// Admission control for `open_stream` (`admission_control: true`): whether the render thread,
/// by the frame costs measured on this machine, can give a new stream its fps without taking
/// it from the watched streams.
///
/// The render thread draws one frame at a time with every core, so its time is the machine's
/// rendering capacity: a stream needs `fps × (render + encode seconds per frame)` of it (its
/// `render_load` in status). A new stream's cost is estimated from the streams measured so far:
/// one showing the same view (the picture is shared, only the encoding is its own), else one
/// of the same avatar, else any, scaled by the number of pixels. With nothing measured yet it
/// is admitted.
struct Admission {
    let streams: [StreamSlot]

    /// The part of the render thread's time the streams may take together: the rest is kept
    /// for the I/O, speech and output threads and for frames that cost more than the median.
    static let capacity = 0.9

    /// Throws ``ControlError/limitReached(_:)`` naming the figures when `settings` would not fit.
    func admit(_ settings: StreamSettings) throws {
        let load = streams.filter(\.isWatched).reduce(0) { $0 + $1.renderLoad }
        guard let cost = estimatedCost(settings) else { return }
        let needed = cost * Double(settings.fps)
        guard load + needed > Self.capacity else { return }
        throw ControlError.limitReached(String(
            format: "admission control: the watched streams need %.0f %% of the render thread at their frame rates and this stream about %.0f %% more (%d×%d at %g fps, %.1f ms a frame by the streams measured on this machine), above the %.0f %% it can give; ask for fewer fps or pixels, close a stream, or open it without admission control to share what there is",
            100 * load, 100 * needed, settings.width, settings.height, Double(settings.fps), 1000 * cost, 100 * Self.capacity))
    }

    /// Seconds of the render thread one frame of `settings` would take; nil when no stream has
    /// been measured.
    func estimatedCost(_ settings: StreamSettings) -> Double? {
        let measured = streams.compactMap { stream in stream.frameCost.map { (stream.settings, $0) } }
        let pixels = Double(settings.width * settings.height)
        func perPixel(_ m: (StreamSettings, (render: Double, encode: Double))) -> Double {
            (m.1.render + m.1.encode) / Double(m.0.width * m.0.height)
        }
        if let shared = measured.first(where: { $0.0.viewKey == settings.viewKey }) {
            return shared.1.encode
        }
        let candidates = measured.filter { $0.0.avatarID == settings.avatarID && $0.1.render > 0 }
        let pool = candidates.isEmpty ? measured.filter { $0.1.render > 0 } : candidates
        guard !pool.isEmpty else { return nil }
        let sorted = pool.map(perPixel).sorted()
        return sorted[sorted.count / 2] * pixels
    }
}
