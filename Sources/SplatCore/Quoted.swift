extension String {
    /// A printable, length-limited rendering of an untrusted string for messages and logs:
    /// quoted, non-printable and non-ASCII characters as `?`, at most 80 characters then `…`.
    public var quotedForMessage: String {
        let clipped = unicodeScalars.prefix(80).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "?" }.joined()
        return "\"\(clipped)\"" + (unicodeScalars.count > 80 ? "…" : "")
    }
}
