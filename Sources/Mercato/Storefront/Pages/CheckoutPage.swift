import Fluent
import Foundation
import Vapor

/// `GET /checkout` and `POST /checkout`, in two steps: the email and delivery address, then a
/// shipping method for that address's country. Placing the order redirects to its payment page.
/// The first step changes nothing, so it answers the POST with the second step's form directly.
enum CheckoutPage {
    struct Context: Encodable {
        var title = "Checkout"
        var csrf: String
        var error: String?
        var isShippingStep: Bool
        var form: Form
        var options: [ShippingChoice]
        var itemCount: Int
        var total: String
    }

    /// The fields as the customer typed them, to fill the form again.
    struct Form: Encodable {
        var email = ""
        var name = ""
        var line1 = ""
        var line2 = ""
        var city = ""
        var postalCode = ""
        var country = "DE"
        var region = ""
        var shippingMethod = ""

        init() {}

        init(_ req: Request) {
            email = req.formField("email") ?? ""
            name = req.formField("name") ?? ""
            line1 = req.formField("line1") ?? ""
            line2 = req.formField("line2") ?? ""
            city = req.formField("city") ?? ""
            postalCode = req.formField("postalCode") ?? ""
            country = req.formField("country") ?? ""
            region = req.formField("region") ?? ""
            shippingMethod = req.formField("shippingMethod") ?? ""
        }

        var address: PostalAddress {
            PostalAddress(
                name: name, line1: line1, line2: line2, city: city, postalCode: postalCode, country: country,
                region: region)
        }
    }

    struct ShippingChoice: Encodable {
        var code: String
        var name: String
        var price: String
        var freeOver: String?
        var isChecked: Bool
    }

    static func show(req: Request) async throws -> Response {
        guard let cart = try await StorefrontCart.find(for: req, create: false),
            !(try await req.carts.lines(of: cart)).isEmpty
        else { return req.seeOther(.cart) }
        var form = Form()
        if let customer = try await req.signedInCustomer() {
            form.email = customer.email
            form.name = customer.name
            if let saved = try await req.addressBook(of: customer.requireID()).all().first {
                form.line1 = saved.line1
                form.line2 = saved.line2 ?? ""
                form.city = saved.city
                form.postalCode = saved.postalCode
                form.country = saved.country
                form.region = saved.region ?? ""
            }
        }
        return try await render(req, cart: cart, form: form, shipping: nil, problem: nil)
    }

    static func submit(req: Request) async throws -> Response {
        guard let cart = try await StorefrontCart.find(for: req, create: false) else { return req.seeOther(.cart) }
        let form = Form(req)
        let placing = req.formField("step") == "place"
        do {
            let email = try CustomerEmail.validated(form.email, field: "Email")
            let address = try form.address.validated(field: "Address")
            let options = try await req.shipping.options(country: address.country, region: address.region)
            guard !options.isEmpty else {
                throw FormProblem(status: .unprocessableEntity, message: "Sorry, we don't ship to \(address.country).")
            }
            guard placing else { return try await render(req, cart: cart, form: form, shipping: options, problem: nil) }
            guard !form.shippingMethod.isEmpty else {
                throw FormProblem(status: .badRequest, message: "Choose a shipping method.")
            }
            let session = try await req.webSession()
            let request = CheckoutRequest(
                cartId: try cart.requireID(), email: email, shippingAddress: address,
                shippingMethod: form.shippingMethod)
            let (order, token, _) = try await req.checkout.placeOrder(
                cart: cart, request: request, customerID: session.customerID)
            let response = req.seeOther(.checkoutPay(orderID: try order.requireID()))
            // A customer reaches the order through their account; only guests need the cookie.
            if session.customerID == nil {
                PlacedOrderCookie.remember(
                    orderID: try order.requireID(), token: token, request: req, response: response)
            }
            return response
        } catch let problem as FormProblem {
            return try await render(req, cart: cart, form: form, shipping: nil, problem: problem)
        } catch {
            guard let problem = FormProblem(error) else { throw error }
            return try await render(req, cart: cart, form: form, shipping: nil, problem: problem)
        }
    }

    private static func render(
        _ req: Request, cart: Cart, form: Form, shipping: [ShippingOption]?, problem: FormProblem?
    ) async throws -> Response {
        let session = try await req.webSession()
        let view = try await req.carts.view(cart, customerKey: session.customerID?.uuidString)
        let choices = (shipping ?? []).enumerated().map { index, option in
            ShippingChoice(
                code: option.code, name: option.name, price: option.price.formatted,
                freeOver: option.freeOver?.formatted,
                isChecked: form.shippingMethod.isEmpty ? index == 0 : option.code == form.shippingMethod)
        }
        let context = Context(
            csrf: session.csrfToken, error: problem?.message, isShippingStep: shipping != nil, form: form,
            options: choices, itemCount: view.itemCount, total: view.totals.total.formatted)
        return try await req.renderPrivatePage("checkout", context, status: problem?.status ?? .ok)
    }
}
