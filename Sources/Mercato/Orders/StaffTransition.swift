import Foundation
import Vapor

/// What staff submit to move an order (fulfil, ship with carrier details, deliver, cancel).
struct StaffTransitionRequest: Content {
    var to: String
    var note: String?
    var carrier: String?
    var trackingNumber: String?
    var trackingURL: String?
}

extension OrderStatus {
    /// The status a client named, or a 400 naming `parameter` and the known ones.
    static func parse(_ raw: String, parameter: String) throws -> OrderStatus {
        guard let status = OrderStatus(rawValue: raw) else {
            let known = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidParameter(
                name: parameter, problem: "unknown status '\(raw.prefix(40))'; expected one of \(known)")
        }
        return status
    }
}

extension OrderService {
    /// Checks a staff member's move and applies it through `transition`. Paid and refunded follow
    /// from payments and refunds, never from a manual move.
    func applyStaffTransition(_ request: StaffTransitionRequest, to order: Order, actor: String) async throws -> Order {
        guard let next = OrderStatus(rawValue: request.to) else {
            let known = OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidField(
                name: "to", problem: "unknown status '\(request.to.prefix(40))'; expected one of \(known)")
        }
        guard next != .paid, next != .refunded, next != .partiallyRefunded else {
            throw InvalidField(
                name: "to", problem: "'\(next.rawValue)' follows from payments and refunds, not a manual transition")
        }
        // Unicode scalars, as the OpenAPI document's maxLength counts them.
        guard (request.note?.unicodeScalars.count ?? 0) <= 500 else {
            throw InvalidField(name: "note", problem: "must be at most 500 characters")
        }
        if let url = request.trackingURL {
            // It becomes a link in the customer's email: web addresses only, never javascript: or data:.
            let lowered = url.lowercased()
            guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), url.unicodeScalars.count <= 2_000,
                URL(string: url)?.host != nil
            else { throw InvalidField(name: "trackingURL", problem: "must be an http(s) address") }
        }
        let shipment =
            next == .shipped
            ? Shipment(
                carrier: request.carrier, trackingNumber: request.trackingNumber, trackingURL: request.trackingURL)
            : nil
        return try await transition(order, to: next, actor: actor, note: request.note, shipment: shipment)
    }
}
