#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Ctrl-C handling for the long-running commands (`watch`, `drive`, `status --watch`): the
/// first SIGINT/SIGTERM sets a flag that their loops check, so they stop cleanly and print
/// their report; a second one ends the process at once.
enum Interrupt {
    private static let flag = Atomic<Int>(0)

    /// Whether SIGINT or SIGTERM arrived since `install()`.
    static var requested: Bool { flag.load(ordering: .relaxed) > 0 }

    /// Installs the handler. A blocking `zmq_poll` returns early (EINTR) when it fires.
    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { signalNumber in
                if Interrupt.flag.add(1, ordering: .relaxed).newValue > 1 { _exit(128 + signalNumber) }
            }
            #else
            action.__sigaction_u.__sa_handler = { signalNumber in
                if Interrupt.flag.add(1, ordering: .relaxed).newValue > 1 { _exit(128 + signalNumber) }
            }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: interrupt blocking calls
            sigaction(signalNumber, &action, nil)
        }
    }

    /// Sleeps for `seconds` or until interrupted.
    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while !requested && nanosleep(&request, &remaining) != 0 && errno == EINTR {
            request = remaining
        }
    }
}
