import SplatProtocol

/// A control request that cannot be carried out, with the status and message of its reply.
enum ControlError: Error, CustomStringConvertible {
    case invalid(String)
    case notFound(String)
    case alreadyExists(String)
    case loadFailed(String)
    case limitReached(String)
    case permissionDenied(String)

    var status: Splatd_V1_Status {
        switch self {
        case .invalid: return .invalidRequest
        case .notFound: return .notFound
        case .alreadyExists: return .alreadyExists
        case .loadFailed: return .loadFailed
        case .limitReached: return .limitReached
        case .permissionDenied: return .permissionDenied
        }
    }

    var description: String {
        switch self {
        case let .invalid(m), let .notFound(m), let .alreadyExists(m), let .loadFailed(m), let .limitReached(m),
             let .permissionDenied(m):
            return m
        }
    }
}

extension ControlError {
    /// The reply an output error gets.
    init(_ error: OutputError) {
        switch error {
        case .unknownStream, .unknownOutput: self = .notFound(error.description)
        case .idTaken: self = .alreadyExists(error.description)
        case .limitReached: self = .limitReached(error.description)
        case .invalidURL, .invalidID, .invalidBitrate, .oddSize: self = .invalid(error.description)
        }
    }
}
