import Fluent
import Foundation
import Vapor

/// The storefront's browser session: the `mercato_session` cookie holds the token of a `.web`
/// `CustomerSession` row, so any instance can serve any request (nothing lives in process memory).
/// Sessions are created lazily, by the first page that shows a form, so catalogue browsing and
/// crawlers never write to the database.
enum WebSessionCookie {
    static let name = "mercato_session"

    /// HttpOnly (scripts can't read it), SameSite=Lax (other sites' POSTs don't carry it), Secure
    /// everywhere but development (which runs on plain http://localhost).
    static func value(token: String, settings: Settings) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token, maxAge: settings.checkout.sessionDays * 86_400, path: "/",
            isSecure: settings.environment != .development, isHTTPOnly: true, sameSite: .lax)
    }
}

/// What one request learned about its session: loaded once, and the token to send back when
/// this request created or rotated it.
final class WebSessionState: @unchecked Sendable {
    var loaded = false
    var session: CustomerSession?
    var issuedToken: String?
}

extension Request {
    private struct WebSessionKey: StorageKey {
        typealias Value = WebSessionState
    }

    var webSessionState: WebSessionState {
        if let state = storage[WebSessionKey.self] { return state }
        let state = WebSessionState()
        storage[WebSessionKey.self] = state
        return state
    }

    /// The visitor's live session, if their cookie opens one.
    func currentWebSession() async throws -> CustomerSession? {
        let state = webSessionState
        if !state.loaded {
            state.loaded = true
            if let token = cookies[WebSessionCookie.name]?.string {
                state.session = try await application.customers.session(forToken: token, kind: .web)
            }
        }
        return state.session
    }

    /// The visitor's session, opened now for a first-time visitor.
    func webSession() async throws -> CustomerSession {
        if let session = try await currentWebSession() { return session }
        return try await startWebSession(customerID: nil, cartID: nil)
    }

    /// Replaces the current session with a new one under a new token. Sign-in and sign-out go
    /// through here, so a token planted or seen before sign-in is worthless after it (session fixation).
    @discardableResult
    func startWebSession(customerID: UUID?, cartID: UUID?) async throws -> CustomerSession {
        let service = application.customers
        if let old = try await currentWebSession() { try await service.closeSession(old) }
        let (session, token) = try await service.openSession(kind: .web, customerID: customerID, cartID: cartID)
        let state = webSessionState
        state.session = session
        state.issuedToken = token
        return session
    }

    /// The signed-in customer, or nil for a guest.
    func signedInCustomer() async throws -> Customer? {
        guard let id = try await currentWebSession()?.customerID else { return nil }
        return try await Customer.find(id, on: db).flatMap { $0.disabledAt == nil ? $0 : nil }
    }
}

/// Sends the session cookie when a request opened or rotated the session. A response that sets
/// a session cookie is never cacheable.
struct WebSessionCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let token = request.webSessionState.issuedToken {
            response.cookies[WebSessionCookie.name] = WebSessionCookie.value(
                token: token, settings: request.application.settings)
            response.headers.replaceOrAdd(name: .cacheControl, value: PrivatePage.cacheControl)
        }
        return response
    }
}
