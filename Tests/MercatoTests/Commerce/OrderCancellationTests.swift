import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Cancelling an unpaid order, whoever does it: `OrderService` returns its stock and queues the
/// voiding of its payment, so no cancel path can skip either.
@Suite(.serialized) struct OrderCancellationTests {
    static let catalogue = [CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 3)]
    static let admin: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]

    private func placeOrder(_ app: Application) async throws -> OrderDTO {
        let cart = try await CommerceFixtures.createCart(app)
        try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: 2)
        return try #require(try await CommerceFixtures.checkout(app, cart).order)
    }

    @Test(arguments: DatabaseBackend.available)
    func staffCancellingAnUnpaidOrderReturnsStockAndVoidsThePayment(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: an order holding two of three pairs, its payment opened
            let order = try await placeOrder(app)
            let paymentID = try #require(order.payment.id)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 2))
            // MUT: staff cancel it through the Admin API, then the worker runs what that queued
            let (status, _) = try await CommerceFixtures.send(
                app, .POST, "/api/v1/admin/orders/\(order.id)/transitions", headers: Self.admin,
                json: ["to": "cancelled", "note": "customer called"])
            let queued = try await CommerceFixtures.queuedJobs(app, kind: .voidPayment)
            _ = try await app.jobs.runDueJobs()
            // validate: cancelled with its transition, stock back on sale, the payment voided
            #expect(status == .ok)
            let stored = try await app.orders.find(order.id)
            #expect(stored.status == .cancelled)
            let transition = try await OrderTransition.query(on: app.db).filter(\.$order.$id == order.id)
                .sort(\.$createdAt, .descending).first()
            #expect(transition?.actor == "api-key:tests" && transition?.note == "customer called")
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 0))
            #expect(queued.count == 1)
            #expect(try await app.payments.retrievePayment(id: paymentID).status == .canceled)
        }
    }

    @Test func aPaymentThatSucceededJustBeforeTheVoidIsRefunded() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            // setup: the customer's card went through at the provider as staff cancelled the order
            let order = try await placeOrder(app)
            let paymentID = try #require(order.payment.id)
            _ = try await app.orders.transition(try await app.orders.find(order.id), to: .cancelled, actor: "admin")
            _ = try await app.payments.confirmPayment(
                id: paymentID, method: .testCard(number: TestPaymentProvider.Card.succeeds), idempotencyKey: "late")
            // MUT: the void job runs
            _ = try await app.jobs.runDueJobs()
            // validate: the money went back; the order stays cancelled, its stock on sale
            let refunds = try await app.db.sql.raw(
                "SELECT amount_refunded FROM test_payments WHERE id = \(bind: paymentID)"
            ).first()?.decode(column: "amount_refunded", as: Int64.self)
            #expect(refunds == order.totals.total.amount)
            #expect(try await app.orders.find(order.id).status == .cancelled)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 0))
        }
    }
}
