import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import Mercato

/// Customer accounts through the Admin API, as support uses it: find a customer, see their
/// addresses and orders, and disable an account so it is signed out and can't come back.
@Suite(.serialized) struct AdminCustomerTests {
    static let catalogue = [CatalogFixtures.product("Basic Tee", category: "t-shirts", price: 1_500, stock: 30)]
    static let key = TestSupport.ownerKey
    static let password = "long-enough-1"

    /// Registers customers in this order, a millisecond apart so "newest first" is defined.
    private func register(_ app: Application, _ people: [(email: String, name: String)]) async throws -> [UUID] {
        var ids: [UUID] = []
        for person in people {
            let customer = try await app.customers.register(
                email: person.email, password: Self.password, name: person.name)
            ids.append(try customer.requireID())
            try await Task.sleep(for: .milliseconds(2))
        }
        return ids
    }

    private func signIn(_ app: Application, _ email: String) async throws -> (HTTPStatus, [String: Any]) {
        try await StaffFixtures.call(
            app, .POST, "/api/v1/auth/login", json: ["email": email, "password": Self.password])
    }

    @Test(arguments: DatabaseBackend.available)
    func staffFindCustomersNewestFirstByEmailOrNamePageByPage(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup
            _ = try await register(
                app,
                [("ana@example.com", "Ana Lima"), ("ben@example.com", "Ben Okafor"), ("cleo@shop.test", "Cleo 100%")])
            let support = try await StaffFixtures.member(app, email: "sue@example.com", role: "support")
            // act
            let (first, page1) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/customers?limit=2", token: support)
            let next = try #require(page1["next"] as? String)
            let (_, page2) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/customers?limit=2&after=\(next)", token: support)
            let (_, byName) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/customers?q=OKAF", token: support)
            let (_, literal) = try await StaffFixtures.call(app, .GET, "/api/v1/admin/customers?q=%25", token: support)
            // verify: newest first, no row twice or missed, search by either field, % is literal
            #expect(first == .ok)
            let emails = { (json: [String: Any]) in
                (json["items"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
            }
            #expect(emails(page1) == ["cleo@shop.test", "ben@example.com"])
            #expect(emails(page2) == ["ana@example.com"])
            #expect(page2["next"] == nil)
            #expect(emails(byName) == ["ben@example.com"])
            #expect(emails(literal) == ["cleo@shop.test"])
            let row = try #require((page1["items"] as? [[String: Any]])?.first)
            #expect(Set(row.keys) == ["id", "email", "name", "createdAt", "disabled"])
        }
    }

    @Test func aCustomersDetailShowsTheirAddressesAndOrders() async throws {
        try await CommerceFixtures.withShop(on: .sqlite, Self.catalogue) { app in
            // setup: a customer with a saved address who checked out once
            let id = try await register(app, [("ana@example.com", "Ana Lima")])[0]
            let address = PostalAddress(
                name: "Ana Lima", line1: "Rua Augusta 1", line2: nil, city: "Lisboa", postalCode: "1100-048",
                country: "PT", region: nil)
            _ = try await CustomerAddressBook(db: app.db, customerID: id).add(address)
            let (_, signedIn) = try await signIn(app, "ana@example.com")
            let token = try #require(signedIn["token"] as? String)
            let cart = try await CommerceFixtures.createCart(app, bearer: token)
            _ = try await CommerceFixtures.add(app, cart, sku: "SKU-basic-tee", quantity: 2)
            var headers = cart.headers.merging(["Content-Type": "application/json"])
            headers.bearerAuthorization = .init(token: token)
            var order: OrderDTO?
            try await app.testing().test(
                .POST, "/api/v1/checkout", headers: headers,
                body: CommerceFixtures.json(CommerceFixtures.checkoutBody(cart, email: "ana@example.com"))
            ) { order = try $0.content.decode(OrderDTO.self) }
            let number = try #require(order?.number)
            // act
            let (status, detail) = try await StaffFixtures.call(
                app, .GET, "/api/v1/admin/customers/\(id)", token: Self.key)
            // verify
            #expect(status == .ok)
            #expect((detail["customer"] as? [String: Any])?["email"] as? String == "ana@example.com")
            let addresses = try #require(detail["addresses"] as? [[String: Any]])
            #expect(((addresses.first?["address"] as? [String: Any])?["city"] as? String) == "Lisboa")
            let orders = try #require(detail["orders"] as? [[String: Any]])
            #expect(orders.map { $0["number"] as? String } == [number])
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aDisabledCustomerIsSignedOutAndCantSignInUntilEnabled(on backend: DatabaseBackend) async throws {
        try await CatalogFixtures.withCatalog(on: backend, Self.catalogue) { app in
            // setup: Ana is signed in
            let id = try await register(app, [("ana@example.com", "Ana Lima")])[0]
            let (_, signedIn) = try await signIn(app, "ana@example.com")
            let token = try #require(signedIn["token"] as? String)
            // act
            let (disabled, answer) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/customers/\(id)/disable", token: Self.key)
            let (again, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/customers/\(id)/disable", token: Self.key)
            // verify: her token is dead, and the right password is refused as disabled
            #expect(disabled == .ok)
            #expect(answer["disabled"] as? Bool == true)
            #expect(again == .ok)
            let (profile, _) = try await StaffFixtures.call(app, .GET, "/api/v1/me", token: token)
            #expect(profile == .unauthorized)
            let (refused, refusal) = try await signIn(app, "ana@example.com")
            #expect(refused == .forbidden)
            #expect(StaffFixtures.errorCode(refusal) == "account_disabled")
            let jobs = try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).count
            try await app.customers.requestPasswordReset(email: "ana@example.com")
            #expect(try await CommerceFixtures.queuedJobs(app, kind: .sendEmail).count == jobs)
            // act: enabled again, her password works
            let (enabled, back) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/customers/\(id)/enable", token: Self.key)
            #expect(enabled == .ok)
            #expect(back["disabled"] as? Bool == false)
            #expect(try await signIn(app, "ana@example.com").0 == .ok)
        }
    }

    @Test func badRequestsNameTheParameterAndSupportCantDisable() async throws {
        try await CatalogFixtures.withCatalog(on: .sqlite, Self.catalogue) { app in
            // setup
            let id = try await register(app, [("ana@example.com", "Ana Lima")])[0]
            let support = try await StaffFixtures.member(app, email: "sue@example.com", role: "read-only")
            // act / verify
            for (query, parameter) in [("limit=0", "limit"), ("limit=201", "limit"), ("after=nope", "after")] {
                let (status, json) = try await StaffFixtures.call(
                    app, .GET, "/api/v1/admin/customers?\(query)", token: Self.key)
                #expect(status == .badRequest, "\(query)")
                #expect(((json["error"] as? [String: Any])?["message"] as? String ?? "").hasPrefix(parameter))
            }
            let long = String(repeating: "a", count: 201)
            #expect(
                try await StaffFixtures.call(app, .GET, "/api/v1/admin/customers?q=\(long)", token: Self.key).0
                    == .badRequest)
            #expect(
                try await StaffFixtures.call(app, .GET, "/api/v1/admin/customers/\(UUID())", token: Self.key).0
                    == .notFound)
            #expect(
                try await StaffFixtures.call(app, .GET, "/api/v1/admin/customers/42", token: Self.key).0 == .badRequest)
            let (forbidden, _) = try await StaffFixtures.call(
                app, .POST, "/api/v1/admin/customers/\(id)/disable", token: support)
            #expect(forbidden == .forbidden)
            #expect(try await Customer.find(id, on: app.db)?.disabledAt == nil)
        }
    }
}
