import Foundation
import Hummingbird
import SplatProtocol

/// Who may do what through the gateway: the token (when configured) on every request and
/// WebSocket upgrade, and, read-only, only what looks.
struct AccessPolicy: Sendable {
    let token: String?
    let readOnly: Bool

    /// Whether `request` carries the token (header `Authorization: Bearer T` or query `token=T`).
    func admits(_ request: Request) -> Bool {
        guard let token else { return true }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
           Self.equal(String(header.dropFirst(7)), token) {
            return true
        }
        if let query = request.uri.queryParameters.get("token"), Self.equal(query, token) { return true }
        return false
    }

    /// Whether a read-only gateway lets `request` through (it only looks).
    func allows(_ request: Splatd_V1_Request) -> Bool {
        guard readOnly else { return true }
        switch request.body {
        case .ping?, .listAvatars?, .listStreams?, .getStatus?: return true
        default: return false
        }
    }

    /// Compares in time independent of where the strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// Refuses requests without the token: 401 and a reason (WebSocket upgrades included).
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.admits(request) else {
            return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
                            body: .init(byteBuffer: ByteBuffer(string: "this gateway needs its token: Authorization: Bearer TOKEN, or ?token=TOKEN\n")))
        }
        return try await next(request, context)
    }
}
