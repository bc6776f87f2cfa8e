import Fluent
import Foundation
import Vapor

/// Registration, sign-in and sign-out. Signing in (or up) merges the visitor's guest cart into
/// the customer's and rotates the session token.
enum SignInPages {
    struct Context: Encodable {
        var title: String
        var csrf: String
        var error: String?
        var notice: String?
        var email: String
        var name: String
    }

    static func showLogin(req: Request) async throws -> Response {
        if try await req.signedInCustomer() != nil { return req.seeOther(.account) }
        let notice = req.formQuery["reset"] != nil ? "Your password has been changed. Please sign in." : nil
        return try await render(req, "login", title: "Sign in", problem: nil, notice: notice)
    }

    static func login(req: Request) async throws -> Response {
        do {
            let customer = try await req.customers.authenticate(
                email: req.formField("email") ?? "",
                password: (try? req.content.get(String.self, at: "password")) ?? "",
                clientAddress: req.clientAddress)
            try await signIn(req, customerID: try customer.requireID())
            return req.seeOther(.account)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            let response = try await render(req, "login", title: "Sign in", problem: problem, notice: nil)
            if let abort = error as? any AbortError {
                for (name, value) in abort.headers { response.headers.replaceOrAdd(name: name, value: value) }
            }
            return response
        }
    }

    static func showRegister(req: Request) async throws -> Response {
        if try await req.signedInCustomer() != nil { return req.seeOther(.account) }
        return try await render(req, "register", title: "Create an account", problem: nil, notice: nil)
    }

    static func register(req: Request) async throws -> Response {
        do {
            let customer = try await req.customers.register(
                email: req.formField("email") ?? "",
                password: (try? req.content.get(String.self, at: "password")) ?? "",
                name: req.formField("name") ?? "")
            try await signIn(req, customerID: try customer.requireID())
            return req.seeOther(.account)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await render(req, "register", title: "Create an account", problem: problem, notice: nil)
        }
    }

    /// `POST /account/logout`: the session ends and the browser gets a fresh anonymous one.
    static func logout(req: Request) async throws -> Response {
        try await req.startWebSession(customerID: nil, cartID: nil)
        let response = req.seeOther(.home)
        // On a shared computer the next person mustn't find this visitor's orders either.
        PlacedOrderCookie.forget(request: req, response: response)
        return response
    }

    /// Merges the guest cart into the customer's, then replaces the session with a signed-in one.
    private static func signIn(_ req: Request, customerID: UUID) async throws {
        let carts = req.carts
        var cartID: UUID?
        if let guest = try await StorefrontCart.find(for: req, create: false), guest.customerID == nil {
            cartID = try await carts.merge(guest: guest, intoCartOf: customerID).requireID()
        } else {
            cartID = try await carts.activeCart(ofCustomer: customerID)?.requireID()
        }
        try await req.startWebSession(customerID: customerID, cartID: cartID)
    }

    private static func render(
        _ req: Request, _ template: String, title: String, problem: FormProblem?, notice: String?
    ) async throws -> Response {
        let session = try await req.webSession()
        let context = Context(
            title: title, csrf: session.csrfToken, error: problem?.message, notice: notice,
            email: req.method == .POST ? req.formField("email") ?? "" : "",
            name: req.method == .POST ? req.formField("name") ?? "" : "")
        return try await req.renderPrivatePage(template, context, status: problem?.status ?? .ok)
    }
}

/// `GET /account`: profile, saved addresses (add, delete) and order history. Guests get links
/// to sign in or register.
enum AccountPage {
    struct Context: Encodable {
        var title = "Your account"
        var isSignedIn: Bool
        var csrf: String?
        var error: String?
        var name: String
        var email: String
        var addresses: [SavedAddress]
        var orders: [OrderRow]
        var form: CheckoutPage.Form
    }

    struct SavedAddress: Encodable {
        var lines: [String]
        var deleteURL: String
    }

    struct OrderRow: Encodable {
        var number: String
        var status: String
        var total: String
        var itemCount: Int
        var placedAt: String
        var url: String
    }

    static func show(req: Request) async throws -> Response {
        try await render(req, problem: nil)
    }

    static func addAddress(req: Request) async throws -> Response {
        guard let customer = try await req.signedInCustomer() else { return req.seeOther(.accountLogin) }
        do {
            let form = CheckoutPage.Form(req)
            try await req.addressBook(of: try customer.requireID()).add(
                form.address, field: "Address")
            return req.seeOther(.account)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await render(req, problem: problem)
        }
    }

    static func deleteAddress(req: Request) async throws -> Response {
        guard let customer = try await req.signedInCustomer() else { return req.seeOther(.accountLogin) }
        guard let id = req.parameters.get("addressID", as: UUID.self),
            try await req.addressBook(of: try customer.requireID()).delete(id: id)
        else { throw Abort(.notFound, reason: "No saved address with this id.") }
        return req.seeOther(.account)
    }

    private static func render(_ req: Request, problem: FormProblem?) async throws -> Response {
        guard let customer = try await req.signedInCustomer() else {
            return try await req.renderPrivatePage(
                "account",
                Context(
                    isSignedIn: false, name: "", email: "", addresses: [], orders: [], form: CheckoutPage.Form()))
        }
        let customerID = try customer.requireID()
        let addresses = try await req.addressBook(of: customerID).all()
        let orders = try await req.orders.history(ofCustomer: customerID)
        let context = Context(
            isSignedIn: true, csrf: req.webSessionState.session?.csrfToken, error: problem?.message,
            name: customer.name, email: customer.email,
            addresses: try addresses.map {
                SavedAddress(
                    lines: $0.postalAddress.lines, deleteURL: SiteURL.accountAddressDelete(id: try $0.requireID()).path)
            },
            orders: orders.map {
                OrderRow(
                    number: $0.number, status: $0.status.rawValue.replacingOccurrences(of: "_", with: " "),
                    total: $0.total.formatted, itemCount: $0.itemCount,
                    placedAt: $0.createdAt.formatted(.iso8601.year().month().day()),
                    url: SiteURL.accountOrder(number: $0.number).path)
            },
            form: req.method == .POST ? CheckoutPage.Form(req) : CheckoutPage.Form())
        return try await req.renderPrivatePage("account", context, status: problem?.status ?? .ok)
    }
}

/// `GET/POST /account/password-reset` (ask for a link) and `GET/POST /account/password-reset/{token}`
/// (choose a new password). The token is single-use; using it signs every session of the account out.
enum PasswordResetPages {
    struct Context: Encodable {
        var title = "Reset your password"
        var csrf: String
        var error: String?
        var sent: Bool
        var email: String
        var action: String
    }

    static func showRequest(req: Request) async throws -> Response {
        try await renderRequest(req, problem: nil)
    }

    static func request(req: Request) async throws -> Response {
        do {
            try await req.customers.requestPasswordReset(email: req.formField("email") ?? "")
            return req.seeOther(SiteURL.passwordReset.with(query: [("sent", "1")]))
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await renderRequest(req, problem: problem)
        }
    }

    static func showChoose(req: Request) async throws -> Response {
        try await renderChoose(req, problem: nil)
    }

    static func choose(req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        do {
            try await req.customers.resetPassword(
                token: token, newPassword: (try? req.content.get(String.self, at: "password")) ?? "")
            try await req.startWebSession(customerID: nil, cartID: nil)
            return req.seeOther(SiteURL.accountLogin.with(query: [("reset", "1")]))
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await renderChoose(req, problem: problem)
        }
    }

    private static func renderRequest(_ req: Request, problem: FormProblem?) async throws -> Response {
        let session = try await req.webSession()
        let context = Context(
            csrf: session.csrfToken, error: problem?.message, sent: req.formQuery["sent"] != nil,
            email: req.method == .POST ? req.formField("email") ?? "" : "", action: SiteURL.passwordReset.path)
        return try await req.renderPrivatePage("password-reset", context, status: problem?.status ?? .ok)
    }

    private static func renderChoose(_ req: Request, problem: FormProblem?) async throws -> Response {
        let session = try await req.webSession()
        let token = try req.parameters.require("token")
        let context = Context(
            title: "Choose a new password", csrf: session.csrfToken, error: problem?.message, sent: false, email: "",
            action: SiteURL.passwordResetToken(token: token).path)
        let response = try await req.renderPrivatePage("password-choose", context, status: problem?.status ?? .ok)
        // The token is in this page's URL: don't hand it to other sites in a Referer.
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        return response
    }
}
