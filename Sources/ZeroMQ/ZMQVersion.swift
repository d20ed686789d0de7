import CZeroMQ

/// The version of the libzmq library loaded at run time.
public struct ZMQVersion: Comparable, CustomStringConvertible, Hashable, Sendable {
    /// Major version (4 for libzmq 4.3.4).
    public let major: Int
    /// Minor version (3 for libzmq 4.3.4).
    public let minor: Int
    /// Patch version (4 for libzmq 4.3.4).
    public let patch: Int

    /// Creates a version from its three components.
    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// `"major.minor.patch"`.
    public var description: String { "\(major).\(minor).\(patch)" }

    /// Orders versions component by component.
    public static func < (lhs: ZMQVersion, rhs: ZMQVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}
