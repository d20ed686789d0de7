import CPNG

/// The PNG row filter the encoder applies before zlib compression.
///
/// A fixed filter costs one pass over each row; `.adaptive` tries all five filters on every
/// row and keeps the one with the smallest sum of absolute differences, which roughly doubles
/// the encode time at level 1 for a few percent smaller output.
public enum PNGFilter: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// No filtering (best for level 0, where nothing is compressed).
    case none
    /// Each byte minus the same channel of the pixel to its left.
    case sub
    /// Each byte minus the same byte of the row above.
    case up
    /// Each byte minus the mean of left and above.
    case average
    /// Paeth predictor from left, above and upper-left.
    case paeth
    /// libpng chooses per row among all five (libpng's default).
    case adaptive

    /// libpng's filter mask for `png_set_filter`.
    var libpngMask: Int32 {
        switch self {
        case .none: return PNG_FILTER_NONE
        case .sub: return PNG_FILTER_SUB
        case .up: return PNG_FILTER_UP
        case .average: return PNG_FILTER_AVG
        case .paeth: return PNG_FILTER_PAETH
        case .adaptive:
            return PNG_FILTER_NONE | PNG_FILTER_SUB | PNG_FILTER_UP | PNG_FILTER_AVG | PNG_FILTER_PAETH
        }
    }

    /// `"none"`, `"sub"`, `"up"`, `"average"`, `"paeth"` or `"adaptive"`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .sub: return "sub"
        case .up: return "up"
        case .average: return "average"
        case .paeth: return "paeth"
        case .adaptive: return "adaptive"
        }
    }
}
