import CZeroMQ

/// The kind of a ZeroMQ socket, which fixes its messaging pattern.
public enum ZMQSocketType: Int32, CaseIterable, CustomStringConvertible, Sendable {
    /// Exclusive pair (`ZMQ_PAIR`); mostly for `inproc://` between two threads.
    case pair = 0
    /// Publisher (`ZMQ_PUB`): fans messages out to subscribers; drops at the high-water mark.
    case pub = 1
    /// Subscriber (`ZMQ_SUB`): receives the messages whose first frame starts with a subscribed topic.
    case sub = 2
    /// Request (`ZMQ_REQ`): strict send/receive lockstep.
    case req = 3
    /// Reply (`ZMQ_REP`): strict receive/send lockstep.
    case rep = 4
    /// Dealer (`ZMQ_DEALER`): asynchronous requests, load-balanced over peers.
    case dealer = 5
    /// Router (`ZMQ_ROUTER`): prefixes each received message with the sender's routing id and
    /// routes sent messages by their first frame.
    case router = 6
    /// Pull (`ZMQ_PULL`): fair-queued receiving end of a pipeline.
    case pull = 7
    /// Push (`ZMQ_PUSH`): load-balanced sending end of a pipeline; never drops.
    case push = 8
    /// Extended publisher (`ZMQ_XPUB`): also receives subscribe (`1` + topic) and unsubscribe
    /// (`0` + topic) messages.
    case xpub = 9
    /// Extended subscriber (`ZMQ_XSUB`): subscribes by sending `1` + topic messages.
    case xsub = 10

    /// The lower-case pattern name, e.g. `router`.
    public var description: String {
        switch self {
        case .pair: "pair"
        case .pub: "pub"
        case .sub: "sub"
        case .req: "req"
        case .rep: "rep"
        case .dealer: "dealer"
        case .router: "router"
        case .pull: "pull"
        case .push: "push"
        case .xpub: "xpub"
        case .xsub: "xsub"
        }
    }
}
