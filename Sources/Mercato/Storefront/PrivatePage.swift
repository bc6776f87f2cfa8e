import Foundation
import Vapor

/// Pages that show one visitor's data (cart, checkout, account, orders): never stored by a
/// browser or shared cache, never in `PublicPageCache`.
enum PrivatePage {
    static let cacheControl = "private, no-store"
}

extension Request {
    /// Renders a per-visitor page with `Cache-Control: private, no-store`.
    func renderPrivatePage(
        _ template: String, _ context: some Encodable, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let view = try await view.render(template, context)
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: PrivatePage.cacheControl)
        return response
    }

    /// `303 See Other` to a storefront page: the GET after a form POST.
    func seeOther(_ link: SiteURL) -> Response {
        seeOther(link.path)
    }

    func seeOther(_ path: String) -> Response {
        let response = redirect(to: path, redirectType: .normal)
        response.headers.replaceOrAdd(name: .cacheControl, value: PrivatePage.cacheControl)
        return response
    }

    /// A form field as typed, trimmed; nil when absent.
    func formField(_ name: String) -> String? {
        (try? content.get(String.self, at: name))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// What a failed form shows: the message inline and the status an API client would get.
struct FormProblem: Error {
    var status: HTTPResponseStatus
    var message: String

    /// Errors a visitor can cause become an inline message; anything else propagates.
    init?(_ error: any Error) {
        guard let error = error as? any AppError, error.status.code < 500 else { return nil }
        status = error.status
        message = error.reason
    }

    init(status: HTTPResponseStatus, message: String) {
        self.status = status
        self.message = message
    }
}

/// A quantity typed into a form: a whole number in range, or an error naming the field.
enum FormQuantity {
    static func parse(_ raw: String?, allowZero: Bool = false) throws -> Int {
        let lower = allowZero ? 0 : 1
        guard let raw, let value = Int(raw), (lower...CartError.maximumQuantity) ~= value else {
            throw InvalidField(
                name: "Quantity", problem: "must be a whole number from \(lower) to \(CartError.maximumQuantity)")
        }
        return value
    }
}
