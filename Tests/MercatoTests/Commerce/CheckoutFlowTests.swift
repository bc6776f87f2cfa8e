import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite(.serialized) struct CheckoutFlowTests {
    static let catalogue = [
        CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 3),
        CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30),
    ]

    /// A cart with 2 tees and 1 pair of sneakers, checked out to Germany.
    private func placeOrder(_ app: Application) async throws -> OrderDTO {
        let cart = try await CommerceFixtures.createCart(app)
        try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 2)
        try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: 1)
        let placed = try await CommerceFixtures.checkout(app, cart)
        #expect(placed.status == .created, "checkout failed: \(placed.code ?? "")")
        return try #require(placed.order)
    }

    @Test(arguments: DatabaseBackend.available)
    func checkoutReservesStockAndPaymentCommitsIt(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // MUT: checkout
            let order = try await placeOrder(app)
            // validate: priced from the catalogue, shipping free over €50, 19 % VAT included
            #expect(order.status == .pendingPayment)
            #expect(order.number.hasPrefix("M-"))
            #expect(order.totals.subtotal.amount == 10_500)
            #expect(order.totals.shipping.amount == 0)
            #expect(order.totals.total.amount == 10_500)
            #expect(order.totals.tax.amount == 1_676)  // 105.00 × 19/119 = 16.76
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 1))
            #expect(try await CommerceFixtures.queuedJobs(app, kind: .expireReservation).count == 1)
            // MUT: pay
            let paid = try await CommerceFixtures.pay(app, order)
            // validate: paid once, stock left the shelf, one confirmation queued, transitions recorded
            #expect(paid.status == .ok)
            #expect(paid.order?.status == .paid)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (2, 0))
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-basic-tee") == (28, 0))
            let emails = try await CommerceFixtures.queuedJobs(app, kind: .sendEmail)
            #expect(emails.count == 1)
            #expect(emails.first?.contains(order.number) == true)
            #expect(paid.order?.transitions.map(\.to) == ["pending_payment", "paid"])
            #expect(paid.order?.transitions.map(\.actor) == ["customer", "customer"])
            // MUT: paying again is harmless
            let again = try await CommerceFixtures.pay(app, order)
            #expect(again.order?.status == .paid)
            #expect(try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).count == 1)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (2, 0))
        }
    }

    @Test func aDeclinedCardLeavesTheOrderPayableAndNothingCharged() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let order = try await placeOrder(app)
            // MUT
            let declined = try await CommerceFixtures.pay(app, order, card: TestPaymentProvider.Card.declines)
            let unknown = try await CommerceFixtures.pay(app, order, card: "4111111111111111")
            let malformed = try await CommerceFixtures.pay(app, order, card: "12ab")
            // validate
            #expect(declined.status == .paymentRequired)
            #expect(declined.code == "payment_declined")
            #expect(unknown.status == .paymentRequired)
            #expect(malformed.status == .badRequest)
            #expect(try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).isEmpty)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 1))
            // MUT: a good card afterwards works
            let paid = try await CommerceFixtures.pay(app, order)
            #expect(paid.order?.status == .paid)
        }
    }

    @Test func authenticationRequiredThenApprovedSettlesOnReturn() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let order = try await placeOrder(app)
            // MUT: the card asks for authentication
            let pending = try await CommerceFixtures.pay(
                app, order, card: TestPaymentProvider.Card.requiresAuthentication)
            let payment = try #require(pending.order?.payment)
            #expect(pending.order?.status == .pendingPayment)
            #expect(payment.status == "requires_action")
            #expect(payment.nextActionURL == "/checkout/authenticate/\(payment.id ?? "")")
            // MUT: the customer approves, then returns
            let approved = try await CommerceFixtures.send(
                app, .POST, "/api/v1/payments/test/\(payment.id ?? "")/authentication", json: ["approve": true])
            #expect(approved.0 == .ok)
            var synced: OrderDTO?
            try await app.testing().test(
                .POST, "/api/v1/orders/\(order.id)/payment/sync", headers: [OrderRoutes.tokenHeader: order.token ?? ""]
            ) { response in
                #expect(response.status == .ok)
                synced = try response.content.decode(OrderDTO.self)
            }
            // validate
            #expect(synced?.status == .paid)
            #expect(synced?.transitions.last?.actor == "customer-return")
        }
    }

    @Test func anExpiredReservationCancelsTheOrderAndReturnsStock() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: an order whose reservation ran out
            let order = try await placeOrder(app)
            try await app.db.sql.raw(
                "UPDATE orders SET reservation_expires_at = \(bind: Date().addingTimeInterval(-1)) WHERE id = \(bind: order.id)"
            ).run()
            try await app.db.sql.raw("UPDATE jobs SET run_at = \(bind: Date().addingTimeInterval(-1))").run()
            // MUT: the expiry job runs
            let ran = try await app.jobs.runDueJobs()
            // validate
            #expect(ran >= 1)
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .cancelled)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 0))
            let payment = try await app.payments.retrievePayment(id: try #require(stored.paymentID))
            #expect(payment.status == .canceled)
            // MUT: paying after that is refused
            let late = try await CommerceFixtures.pay(app, order)
            #expect(late.status == .conflict)
            #expect(late.code == "order_not_payable")
        }
    }

    @Test func badCheckoutInputIsRejectedAndReservesNothing() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let cart = try await CommerceFixtures.createCart(app)
            let empty = try await CommerceFixtures.checkout(app, cart)
            #expect(empty.code == "cart_empty")
            try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: 2)
            // MUT + validate
            let badEmail = try await CommerceFixtures.checkout(app, cart, email: "not-an-email")
            #expect(badEmail.status == .badRequest)
            let badMethod = try await CommerceFixtures.checkout(app, cart, method: "teleport")
            #expect(badMethod.code == "unknown_shipping_method")
            var japan = CommerceFixtures.germany
            japan.country = "JP"
            let noZone = try await CommerceFixtures.checkout(app, cart, method: "standard", address: japan)
            #expect(noZone.code == "shipping_unavailable")
            var nowhere = CommerceFixtures.germany
            nowhere.country = "Germany"
            let badCountry = try await CommerceFixtures.checkout(app, cart, address: nowhere)
            #expect(badCountry.status == .badRequest)
            let otherToken = try await CommerceFixtures.createCart(app)
            let stolen = try await CommerceFixtures.checkout(app, .init(id: cart.id, token: otherToken.token))
            #expect(stolen.code == "cart_not_found")
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 0))
            // a sold-out line stops the whole order
            try await app.db.sql.raw("UPDATE inventory_levels SET reserved = on_hand - 1").run()
            let soldOut = try await CommerceFixtures.checkout(app, cart)
            #expect(soldOut.status == .conflict)
            #expect(soldOut.code == "out_of_stock")
            #expect(try await Order.query(on: app.db).count() == 0)
        }
    }

    @Test func taxExclusivePricesAddTaxAtCheckout() async throws {
        var settings = try TestSupport.settings()
        settings.checkout.pricesIncludeTax = false
        try await TestSupport.withApp(settings) { app in
            try await CatalogFixtures.insert(Self.catalogue, into: app)
            _ = try await DemoCommerceSeeder(database: app.db).run()
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 1)
            // MUT
            let order = try #require(try await CommerceFixtures.checkout(app, cart).order)
            // validate: €15.00 + €4.90 shipping = €19.90, + 19 % = €3.781 → €3.78
            #expect(order.totals.tax.amount == 378)
            #expect(order.totals.total.amount == 2_368)
            #expect(order.totals.pricesIncludeTax == false)
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func checkingOutOneCartTwiceAtOnceMakesOneOrder(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(
            on: backend, [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
        ) { app in
            // setup
            let cart = try await CommerceFixtures.createCart(app)
            try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 2)
            // MUT: a double-clicked "place order"
            let outcomes = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<2 { group.addTask { try await CommerceFixtures.checkout(app, cart).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // validate: one order, one reservation
            #expect(outcomes.sorted { $0.code < $1.code } == [.created, .conflict])
            let orders = try await Order.query(on: app.db).count()
            #expect(orders == 1)
            let stock = try await CommerceFixtures.stock(app, sku: "SKU-basic-tee")
            #expect(stock == (30, 2))
        }
    }
}
