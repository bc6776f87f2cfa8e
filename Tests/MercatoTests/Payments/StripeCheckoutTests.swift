import AsyncHTTPClient
import Fluent
import Foundation
import StripeClient
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// A whole checkout with Stripe as the payment adapter, against a real localstripe: the order gets a
/// PaymentIntent with a client secret, the customer's payment method settles it, and Stripe's
/// webhook for the same payment — however often it comes — changes nothing more.
@Suite(.serialized, .enabled(if: TestServices.stripeEnabled)) struct StripeCheckoutTests {
    static let catalogue = [CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 5)]

    private func withStripeShop(_ body: (Application) async throws -> Void) async throws {
        var settings = try TestSupport.settings()
        settings.adapters.payments = .stripe
        settings.stripe = try TestServices.stripeSettings()
        try await TestSupport.withApp(settings) { app in
            try await CatalogFixtures.insert(Self.catalogue, into: app)
            _ = try await DemoCommerceSeeder(database: app.db).run()
            try await body(app)
        }
    }

    private func placeOrder(_ app: Application) async throws -> OrderDTO {
        let cart = try await CommerceFixtures.createCart(app)
        try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: 1)
        let placed = try await CommerceFixtures.checkout(app, cart)
        #expect(placed.status == .created, "\(placed.code ?? "")")
        return try #require(placed.order)
    }

    private func payWithMethod(_ app: Application, _ order: OrderDTO, card: String) async throws -> (
        HTTPStatus, String?
    ) {
        let stripe = try #require(app.payments as? StripePaymentProvider)
        let method = try await StripeContract.card(card, client: stripe.client)
        return try await CommerceFixtures.send(
            app, .POST, "/api/v1/orders/\(order.id)/payment", headers: [OrderRoutes.tokenHeader: order.token ?? ""],
            json: ["paymentMethod": method])
    }

    @Test func anOrderIsPaidThroughStripeExactlyOnce() async throws {
        try await withStripeShop { app in
            // MUT: checkout opens a PaymentIntent for the order total
            let order = try await placeOrder(app)
            // validate
            #expect(order.payment.provider == "stripe")
            #expect(order.payment.id?.hasPrefix("pi_") == true)
            #expect(order.payment.clientSecret?.isEmpty == false)
            var config: PaymentRoutes.PaymentConfig?
            try await app.testing().test(.GET, "/api/v1/payments/config") {
                config = try $0.content.decode(PaymentRoutes.PaymentConfig.self)
            }
            #expect(config?.provider == "stripe")
            #expect(config?.liveMode == false)
            // MUT: a declined card on one order (localstripe can't confirm an intent again after a
            // decline, which real Stripe allows), a good card on this one
            let other = try await placeOrder(app)
            let declined = try await payWithMethod(app, other, card: "4000000000000341")
            #expect(declined == (.paymentRequired, "payment_declined"))
            let paid = try await payWithMethod(app, order, card: "4242424242424242")
            #expect(paid.0 == .ok)
            // MUT: Stripe's webhook for the same payment arrives twice
            let payload = StripeContract.eventPayload(
                id: "evt_\(UUID().uuidString.prefix(12))", kind: .paymentSucceeded,
                paymentID: try #require(order.payment.id),
                amountRefunded: nil)
            for _ in 0..<2 {
                var headers = StripeContract.sign(payload, at: Date())
                headers.add(name: "Content-Type", value: "application/json")
                try await app.testing().test(
                    .POST, "/api/v1/webhooks/payments", headers: headers, body: ByteBuffer(bytes: payload)
                ) { #expect($0.status == .ok) }
            }
            // validate: paid once, stock committed once, one email
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .paid)
            // the other, declined order still holds one pair
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (4, 1))
            #expect(try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).count == 1)
            let intent = try await app.payments.retrievePayment(id: try #require(stored.paymentID))
            #expect(intent.status == .succeeded)
            #expect(intent.amount == stored.total)
        }
    }

    @Test func aForgedStripeWebhookIsRefused() async throws {
        try await withStripeShop { app in
            let order = try await placeOrder(app)
            let payload = StripeContract.eventPayload(
                id: "evt_forged", kind: .paymentSucceeded, paymentID: try #require(order.payment.id),
                amountRefunded: nil)
            var headers = StripeContract.sign(payload, at: Date(), secret: "whsec_someone_else")
            headers.add(name: "Content-Type", value: "application/json")
            try await app.testing().test(
                .POST, "/api/v1/webhooks/payments", headers: headers, body: ByteBuffer(bytes: payload)
            ) { #expect($0.status == .badRequest) }
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .pendingPayment)
        }
    }
}
