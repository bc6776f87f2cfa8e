import Fluent
import Foundation
import SQLKit
import Vapor

/// Accounts, sign-in sessions and password resets.
struct CustomerService {
    let db: any Database
    /// Counts failed sign-ins (shared by every instance when it is Redis).
    let cache: any Cache
    let settings: CheckoutSettings
    /// The shop's public address, for the password-reset link.
    let baseURL: String
    /// bcrypt runs here, off the event loops.
    let threadPool: NIOThreadPool

    /// Creates an account; the email must be new.
    func register(email rawEmail: String, password: String, name rawName: String) async throws -> Customer {
        let email = try CustomerEmail.validated(rawEmail)
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw InvalidField(name: "name", problem: "is required (at most 200 characters)")
        }
        try Self.checkStrength(password)
        guard try await Customer.query(on: db).filter(\.$email == email).first() == nil else {
            throw CustomerError.emailTaken
        }
        let customer = Customer()
        customer.id = UUID()
        customer.email = email
        customer.name = name
        customer.passwordHash = try await hash(password)
        customer.createdAt = Date()
        customer.updatedAt = customer.createdAt
        do {
            try await customer.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw CustomerError.emailTaken
        }
        return customer
    }

    /// Changes the name the customer goes by.
    func rename(_ customer: Customer, to rawName: String) async throws -> Customer {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw InvalidField(name: "name", problem: "is required (at most 200 characters)")
        }
        customer.name = name
        customer.updatedAt = Date()
        try await customer.update(on: db)
        return customer
    }

    /// Checks the password under the login throttle; every failure counts against the account
    /// and the client address, whether or not the account exists.
    func authenticate(email rawEmail: String, password: String, clientAddress: String) async throws -> Customer {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let throttle = LoginThrottle(cache: cache, settings: settings)
        try await throttle.check(email: email, address: clientAddress)
        let customer = try await Customer.query(on: db).filter(\.$email == email).first()
        let valid = try await hasher.verify(password, hashOrNone: customer?.passwordHash)
        guard let customer, valid else {
            try await throttle.recordFailure(email: email, address: clientAddress)
            throw CustomerError.invalidCredentials
        }
        try await throttle.recordSuccess(email: email)
        guard customer.disabledAt == nil else { throw CustomerError.accountDisabled }
        return customer
    }

    /// A new session for the customer (or an anonymous storefront visitor); returns its token.
    func openSession(kind: CustomerSession.Kind, customerID: UUID?, cartID: UUID? = nil) async throws -> (
        session: CustomerSession, token: String
    ) {
        let token = SecretToken.generate()
        let session = CustomerSession()
        session.id = SecretToken.hash(token)
        session.kind = kind
        session.customerID = customerID
        session.cartID = cartID
        session.csrfToken = SecretToken.generate()
        session.createdAt = Date()
        session.expiresAt = Date().addingTimeInterval(TimeInterval(settings.sessionDays * 86_400))
        if let customerID {
            try await db.transaction { tx in
                // Takes the customer's row lock first: a disable running at the same moment either
                // waits and then deletes this session, or commits first and this finds it disabled.
                let open = try await tx.sql.raw(
                    """
                    UPDATE customers SET updated_at = updated_at
                    WHERE id = \(bind: customerID) AND disabled_at IS NULL RETURNING id
                    """
                ).all()
                guard !open.isEmpty else { throw CustomerError.accountDisabled }
                try await session.create(on: tx)
            }
        } else {
            try await session.create(on: db)
        }
        // Expired sessions and reset tokens are swept as new sessions open (both tables are indexed
        // or small), so nothing stale piles up without a scheduler.
        try await CustomerSession.query(on: db).filter(\.$expiresAt < Date()).delete()
        try await PasswordResetToken.query(on: db).filter(\.$expiresAt < Date()).delete()
        return (session, token)
    }

    /// The live session a token opens, if any.
    func session(forToken token: String, kind: CustomerSession.Kind) async throws -> CustomerSession? {
        guard !token.isEmpty, token.count <= 128,
            let session = try await CustomerSession.find(SecretToken.hash(token), on: db),
            session.kind == kind, session.expiresAt > Date()
        else { return nil }
        return session
    }

    func closeSession(_ session: CustomerSession) async throws {
        try await session.delete(on: db)
    }

    /// Starts a password reset: a single-use token valid for an hour, and the email carrying it,
    /// queued in one transaction. Unknown addresses get no email and no different answer.
    func requestPasswordReset(email rawEmail: String) async throws {
        let email = try CustomerEmail.validated(rawEmail)
        guard let customer = try await Customer.query(on: db).filter(\.$email == email).first(),
            customer.disabledAt == nil
        else { return }
        // At most a few emails an hour per account, whoever asks: the answer stays the same, so
        // nobody can flood a customer's mailbox or learn anything from it.
        let recent = try await PasswordResetToken.query(on: db).filter(\.$customerID == customer.requireID())
            .filter(\.$createdAt > Date().addingTimeInterval(-3_600)).count()
        guard recent < Self.resetEmailsPerHour else { return }
        let token = SecretToken.generate()
        let minutes = 60
        try await db.transaction { tx in
            let reset = PasswordResetToken()
            reset.id = SecretToken.hash(token)
            reset.customerID = try customer.requireID()
            reset.expiresAt = Date().addingTimeInterval(TimeInterval(minutes * 60))
            reset.createdAt = Date()
            try await reset.create(on: tx)
            let link = "\(baseURL)/account/password-reset/\(token)"
            try await JobQueue.enqueue(
                .sendEmail,
                payload: EmailJob(
                    to: customer.email,
                    template: .passwordReset(
                        PasswordResetEmail(customerName: customer.name, resetURL: link, expiresInMinutes: minutes))),
                on: tx)
        }
    }

    /// Sets a new password with a reset token. The token is spent by a conditional update, so two
    /// concurrent uses can't both succeed; every session of the account is signed out.
    func resetPassword(token: String, newPassword: String) async throws {
        try Self.checkStrength(newPassword)
        let hashed = try await hash(newPassword)
        guard token.count <= 128 else { throw CustomerError.invalidResetToken }
        let tokenHash = SecretToken.hash(token)
        try await db.transaction { tx in
            let spent = try await tx.sql.raw(
                """
                UPDATE password_reset_tokens SET used_at = \(bind: Date())
                WHERE token_hash = \(bind: tokenHash) AND used_at IS NULL AND expires_at > \(bind: Date())
                RETURNING customer_id
                """
            ).first()
            guard let customerID = try spent?.decode(column: "customer_id", as: UUID.self),
                let customer = try await Customer.find(customerID, on: tx)
            else { throw CustomerError.invalidResetToken }
            customer.passwordHash = hashed
            customer.updatedAt = Date()
            try await customer.update(on: tx)
            try await CustomerSession.query(on: tx).filter(\.$customerID == customerID).delete()
            // Every other link still in a mailbox dies with this one: an older email can't reset again.
            try await PasswordResetToken.query(on: tx).filter(\.$customerID == customerID)
                .filter(\.$usedAt == nil).delete()
        }
    }

    static func checkStrength(_ password: String) throws {
        guard (CustomerError.minimumPasswordLength...CustomerError.maximumPasswordLength) ~= password.count else {
            throw CustomerError.weakPassword
        }
    }

    private var hasher: PasswordHasher { PasswordHasher(cost: settings.passwordHashCost, threadPool: threadPool) }

    private func hash(_ password: String) async throws -> String { try await hasher.hash(password) }

    /// Password-reset emails one account may be sent in an hour.
    static let resetEmailsPerHour = 3

}

extension Application {
    /// Customer accounts on the application's database.
    var customers: CustomerService {
        CustomerService(
            db: db, cache: dataCache, settings: settings.checkout, baseURL: settings.server.baseURL,
            threadPool: threadPool)
    }
}

extension Request {
    /// Customer accounts on the request's database.
    var customers: CustomerService {
        CustomerService(
            db: db, cache: application.dataCache, settings: application.settings.checkout,
            baseURL: application.settings.server.baseURL, threadPool: application.threadPool)
    }
}
