/// The names of saved frames, the same in `splatd render --out-dir`, `splatctl watch --out` and
/// the Python client's `splatd-watch --out`: `frame-000000.png`, `frame-000001.png`, … — the
/// frame's 0-based index among those saved, in six digits (more past 999999), so that the names
/// sort in order and `ffmpeg -i frame-%06d.png` reads them.
public enum FrameFileName {
    /// `frame-<index, six digits>.<fileExtension>`, e.g. `name(index: 42, fileExtension: "jpg")`
    /// is `frame-000042.jpg`.
    public static func name(index: Int, fileExtension: String) -> String {
        let digits = String(index)
        return "frame-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "." + fileExtension
    }
}
