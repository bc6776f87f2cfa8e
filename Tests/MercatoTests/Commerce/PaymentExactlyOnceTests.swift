import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import Mercato

@Suite(.serialized) struct PaymentExactlyOnceTests {
    static let catalogue = [CatalogFixtures.product("Court Sneakers", category: "sneakers", price: 7_500, stock: 5)]

    private func order(_ app: Application, quantity: Int = 2) async throws -> OrderDTO {
        let cart = try await CommerceFixtures.createCart(app)
        try await CommerceFixtures.add(app, cart, sku: "SKU-court-sneakers", quantity: quantity)
        return try #require(try await CommerceFixtures.checkout(app, cart).order)
    }

    private func signedEvent(
        _ app: Application, id: String, type: String, paymentID: String, amountRefunded: Int64? = nil,
        at time: Date = Date(), secret: String? = nil
    ) -> (HTTPHeaders, ByteBuffer) {
        var data: [String: Any] = ["paymentId": paymentID]
        if let amountRefunded { data["amountRefunded"] = amountRefunded }
        let payload = Array(
            (try? JSONSerialization.data(withJSONObject: ["id": id, "type": type, "data": data])) ?? Data())
        let signature = TestPaymentProvider.signatureHeaderValue(
            payload: payload, timestamp: Int(time.timeIntervalSince1970),
            secret: secret ?? app.settings.checkout.testWebhookSecret)
        return (
            [TestPaymentProvider.signatureHeader: signature, "Content-Type": "application/json"],
            ByteBuffer(bytes: payload)
        )
    }

    private func deliver(_ app: Application, _ event: (HTTPHeaders, ByteBuffer)) async throws -> (HTTPStatus, Bool?) {
        var result: (HTTPStatus, Bool?) = (.internalServerError, nil)
        try await app.testing().test(.POST, "/api/v1/webhooks/payments", headers: event.0, body: event.1) { response in
            result.0 = response.status
            if response.status == .ok {
                result.1 = try response.content.decode(PaymentRoutes.WebhookReceipt.self).duplicate
            }
        }
        return result
    }

    @Test(arguments: DatabaseBackend.available)
    func returnAndWebhooksRacingSettleTheOrderOnce(on backend: DatabaseBackend) async throws {
        try await CommerceFixtures.withShop(on: backend, Self.catalogue) { app in
            // setup: the customer's card went through at the provider
            let order = try await order(app)
            let paymentID = try #require(order.payment.id)
            _ = try await app.payments.confirmPayment(
                id: paymentID, method: .testCard(number: TestPaymentProvider.Card.succeeds), idempotencyKey: "test")
            let event = signedEvent(app, id: "evt_same", type: "payment.succeeded", paymentID: paymentID)
            let other = signedEvent(app, id: "evt_other", type: "payment.succeeded", paymentID: paymentID)
            // MUT: the return, the same webhook three times and a second event, all at once
            let receipts = try await withThrowingTaskGroup(of: (HTTPStatus, Bool?).self) { group in
                for _ in 0..<3 { group.addTask { try await deliver(app, event) } }
                group.addTask { try await deliver(app, other) }
                group.addTask {
                    let synced = try await app.paymentFlow.synchronise(
                        try #require(try await Order.find(order.id, on: app.db)))
                    return (synced?.status == .succeeded ? .ok : .conflict, nil)
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // validate: everything answered, one delivery of evt_same counted, the order paid once
            #expect(receipts.allSatisfy { $0.0 == .ok })
            #expect(receipts.filter { $0.1 == false }.count == 2)  // evt_same once + evt_other once
            #expect(receipts.filter { $0.1 == true }.count == 2)
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .paid)
            let paidTransitions = try await OrderTransition.query(on: app.db).filter(\.$order.$id == order.id)
                .filter(\.$toStatus == .paid).count()
            #expect(paidTransitions == 1)
            #expect(try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).count == 1)
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 0))
            // MUT: a late replay still changes nothing
            #expect(try await deliver(app, event) == (.ok, true))
            #expect(try await CommerceFixtures.stock(app, sku: "SKU-court-sneakers") == (3, 0))
        }
    }

    @Test func forgedStaleAndMalformedWebhooksAreRejected() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let order = try await order(app)
            let paymentID = try #require(order.payment.id)
            // MUT
            let forged = try await deliver(
                app,
                signedEvent(app, id: "evt_1", type: "payment.succeeded", paymentID: paymentID, secret: "whsec_wrong"))
            let stale = try await deliver(
                app,
                signedEvent(
                    app, id: "evt_2", type: "payment.succeeded", paymentID: paymentID,
                    at: Date().addingTimeInterval(-600)))
            var unsigned = signedEvent(app, id: "evt_3", type: "payment.succeeded", paymentID: paymentID)
            unsigned.0.remove(name: TestPaymentProvider.signatureHeader)
            let missing = try await deliver(app, unsigned)
            var tampered = signedEvent(app, id: "evt_4", type: "payment.succeeded", paymentID: paymentID)
            tampered.1 = ByteBuffer(string: String(buffer: tampered.1).replacingOccurrences(of: "evt_4", with: "evt_5"))
            let altered = try await deliver(app, tampered)
            // validate: 400 each, and the order is untouched
            for (status, _) in [forged, stale, missing, altered] { #expect(status == .badRequest) }
            let stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .pendingPayment)
            #expect(try await app.db.sql.raw("SELECT id FROM webhook_events").all().isEmpty)
        }
    }

    @Test func refundsFullAndPartialFollowTheStateMachine() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let order = try await order(app)
            _ = try await CommerceFixtures.pay(app, order)
            let admin: HTTPHeaders = [
                "Authorization": "Bearer mk_test-owner-key", "Content-Type": "application/json",
            ]
            let path = "/api/v1/admin/orders/\(order.id)"
            // MUT + validate: bad amounts change nothing
            #expect(
                try await CommerceFixtures.send(app, .POST, path + "/refunds", headers: admin, json: ["amount": 0]).1
                    == "invalid_refund_amount")
            #expect(
                try await CommerceFixtures.send(
                    app, .POST, path + "/refunds", headers: admin, json: ["amount": 999_999]
                ).1 == "refund_too_large")
            #expect(
                try await CommerceFixtures.send(app, .POST, path + "/refunds", json: ["amount": 100]).0 == .unauthorized
            )
            // partial, then the rest
            #expect(
                try await CommerceFixtures.send(app, .POST, path + "/refunds", headers: admin, json: ["amount": 5_000])
                    .0 == .ok)
            var stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .partiallyRefunded)
            #expect(stored.amountRefunded == 5_000)
            #expect(try await CommerceFixtures.send(app, .POST, path + "/refunds", headers: admin, json: [:]).0 == .ok)
            stored = try #require(try await Order.find(order.id, on: app.db))
            #expect(stored.status == .refunded)
            #expect(stored.amountRefunded == stored.total)
            // illegal moves are rejected with the states named
            let illegal = try await CommerceFixtures.send(
                app, .POST, path + "/transitions", headers: admin, json: ["to": "shipped"])
            #expect(illegal == (.conflict, "illegal_transition"))
            // a refund webhook for what is already recorded changes nothing
            let echo = signedEvent(
                app, id: "evt_refund", type: "payment.refunded", paymentID: try #require(order.payment.id),
                amountRefunded: stored.total)
            #expect(try await deliver(app, echo).0 == .ok)
            #expect(try await OrderTransition.query(on: app.db).filter(\.$order.$id == order.id).count() == 4)
        }
    }

    @Test func adminMovesAPaidOrderThroughFulfilmentAndShippingQueuesTheNotification() async throws {
        try await CommerceFixtures.withShop(Self.catalogue) { app in
            let order = try await order(app)
            let admin: HTTPHeaders = ["Authorization": "Bearer mk_test-owner-key"]
            let path = "/api/v1/admin/orders/\(order.id)/transitions"
            // an unpaid order can't ship
            #expect(
                try await CommerceFixtures.send(app, .POST, path, headers: admin, json: ["to": "fulfilled"]).1
                    == "illegal_transition")
            _ = try await CommerceFixtures.pay(app, order)
            // MUT
            #expect(
                try await CommerceFixtures.send(app, .POST, path, headers: admin, json: ["to": "fulfilled"]).0 == .ok)
            let shipped = try await CommerceFixtures.send(
                app, .POST, path, headers: admin,
                json: ["to": "shipped", "carrier": "DHL", "trackingNumber": "00340434"])
            #expect(shipped.0 == .ok)
            #expect(
                try await CommerceFixtures.send(app, .POST, path, headers: admin, json: ["to": "delivered"]).0 == .ok)
            #expect(
                try await CommerceFixtures.send(app, .POST, path, headers: admin, json: ["to": "teleported"]).0
                    == .badRequest)
            #expect(
                try await CommerceFixtures.send(app, .POST, path, headers: admin, json: ["to": "paid"]).0 == .badRequest
            )
            // validate
            let stored = try #require(try await Order.find(order.id, on: app.db))
            let dto = try await stored.dto(on: app.db)
            #expect(dto.transitions.map(\.to) == ["pending_payment", "paid", "fulfilled", "shipped", "delivered"])
            #expect(dto.transitions.suffix(3).allSatisfy { $0.actor == "api-key:tests" })
            let emails = try await CommerceFixtures.queuedJobs(app, kind: .sendEmail)
            #expect(emails.count == 2)
            #expect(emails.contains { $0.contains("00340434") })
        }
    }
}
