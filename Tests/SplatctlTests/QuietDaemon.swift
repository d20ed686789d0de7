import Daemon
import Logging

extension SplatService {
    /// A daemon on ephemeral loopback ports with the demo avatar and no default stream, logging
    /// only critical messages, for splatctl to talk to; `configure` adjusts the configuration.
    static func quiet(_ configure: (inout DaemonConfiguration) -> Void = { _ in }) throws -> SplatService {
        var configuration = DaemonConfiguration.ephemeralLoopback
        configuration.defaultStream = false
        configure(&configuration)
        var logger = Logger(label: "splatctl-test")
        logger.logLevel = .critical
        return try SplatService(configuration: configuration, logger: logger)
    }
}
