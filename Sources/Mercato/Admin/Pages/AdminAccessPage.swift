import Foundation
import Vapor

/// `GET/POST /admin/access/{token}`: where the emailed staff links land (an invitation or a
/// password reset), a form to choose the password. It works without JavaScript and without a
/// session: the single-use token in the path is the form's secret, and a POST must also come
/// from this shop's own pages.
struct AdminAccessPage: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let access = routes.grouped("admin", "access", ":token")
        access.get(use: Self.show)
        access.post(use: Self.submit)
    }

    struct Context: Encodable {
        var title: String
        var invitation: Bool
        /// Whether the link still works.
        var found: Bool
        var name: String
        var email: String
        var action: String
        var error: String?
        var done: Bool
        var minimumLength = CustomerError.minimumPasswordLength
        var maximumLength = CustomerError.maximumPasswordLength
    }

    static func show(req: Request) async throws -> Response {
        try await render(req, problem: nil, done: false)
    }

    static func submit(req: Request) async throws -> Response {
        guard req.comesFromThisShop else { throw CustomerError.csrfMismatch }
        let token = try req.parameters.require("token")
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        do {
            guard password == (try? req.content.get(String.self, at: "confirm")) else {
                throw InvalidField(name: "confirm", problem: "must repeat the password exactly")
            }
            _ = try await req.staff.usePasswordLink(token: token, password: password)
            return try await render(req, problem: nil, done: true)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await render(req, problem: problem, done: false)
        }
    }

    private static func render(_ req: Request, problem: FormProblem?, done: Bool) async throws -> Response {
        let token = try req.parameters.require("token")
        let link = done ? nil : try await req.staff.pendingLink(token: token)
        let invitation = link?.purpose == .invitation
        var context = Context(
            title: link == nil ? "Link expired" : invitation ? "Welcome" : "Choose a new password",
            invitation: invitation, found: link != nil,
            name: link?.member.name ?? "", email: link?.member.email ?? "", action: req.url.path,
            error: problem?.message, done: done)
        if done { context.title = "Password set" }
        let status: HTTPResponseStatus = done ? .ok : link == nil ? .notFound : problem?.status ?? .ok
        let response = try await req.renderPrivatePage("admin/access", context, status: status)
        // The token is in this page's URL: don't hand it to other sites in a Referer.
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }
}
