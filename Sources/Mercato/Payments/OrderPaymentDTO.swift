import Fluent
import Foundation

extension Order {
    /// The wire form with the payment as the provider reports it now: its status, and what the
    /// browser needs to finish it (Stripe.js's client secret, where to authenticate).
    func dto(on db: any Database, token: String? = nil, payment: PaymentState?) async throws -> OrderDTO {
        var dto = try await dto(on: db, token: token)
        if let payment {
            dto.payment.status = payment.status.rawValue
            dto.payment.clientSecret = payment.clientSecret
            dto.payment.nextActionURL = payment.nextActionURL
        }
        return dto
    }
}
