import Foundation
import ZeroMQ

/// Generous upper bound for anything that should happen "soon" on a busy 2-core machine.
let patience: Duration = .seconds(5)

/// Creates a socket whose blocking receives and sends give up after `patience`, so that no
/// test can hang.
func boundedSocket(_ context: ZMQContext, _ type: ZMQSocketType, timeout: Duration = patience) throws -> ZMQSocket {
    let socket = try context.socket(type)
    try socket.set(.receiveTimeout, timeout)
    try socket.set(.sendTimeout, timeout)
    return socket
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
func waitUntil(timeout: Duration = patience, _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return try condition()
}

/// Receives frames from a non-blocking check until nothing is pending; returns how many.
func drain(_ socket: ZMQSocket) throws -> Int {
    var count = 0
    while try socket.receive(dontWait: true) != nil { count += 1 }
    return count
}

/// Bytes of a string, for comparing frames.
func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
