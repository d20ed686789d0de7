/// The demo head's per-vertex appearance labels (`regions` in the blendshape rig file).
enum HeadRegion: UInt8, CaseIterable {
    case skin = 0, lips, sclera, iris, pupil, eyebrows, scalp, teeth, mouth, eyelid, nostril, neck

    /// The label of a stored value; unknown values are skin (docs/formats.md).
    init(label: UInt8) { self = HeadRegion(rawValue: label) ?? .skin }
}
