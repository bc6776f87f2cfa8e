import Fluent
import Foundation
import SQLKit
import Vapor

/// Staff accounts: creating and inviting them, signing in and out, emailed links for a first
/// password and for resets, and changing a member's name, role or whether they may sign in.
struct StaffService {
    let db: any Database
    /// Counts failed sign-ins, like customers' (shared by every instance when it is Redis).
    let cache: any Cache
    /// The sign-in throttle's limits and bcrypt's cost, the same as for customers.
    let settings: CheckoutSettings
    /// The shop's public address, for the links in emails.
    let baseURL: String
    let threadPool: NIOThreadPool
    var now: Date = Date()

    private var hasher: PasswordHasher { PasswordHasher(cost: settings.passwordHashCost, threadPool: threadPool) }
    private var roles: StaffRoles { StaffRoles(db: db, now: now) }

    /// Creates an active member with `password`, or, without one, an invited member and the
    /// single-use link that sets it. For `mercato staff create`: no grant check, the operator with
    /// database access is the authority.
    func create(email rawEmail: String, name rawName: String, role: String, password: String?) async throws -> (
        member: StaffMember, link: String?
    ) {
        let member = try await newMember(email: rawEmail, name: rawName, role: role)
        if let password {
            try CustomerService.checkStrength(password)
            member.passwordHash = try await hasher.hash(password)
        }
        let link = try await db.transaction { tx -> String? in
            try await insert(member, on: tx)
            return password == nil ? try await issueLink(.invitation, for: member, on: tx) : nil
        }
        return (member, link)
    }

    /// Invites a colleague by email: the acting principal must hold every permission of the role.
    func invite(email: String, name: String, role: String, by principal: StaffPrincipal) async throws -> StaffMember {
        try principal.checkCanGrant(try await roles.permissions(of: role))
        let member = try await newMember(email: email, name: name, role: role)
        try await db.transaction { tx in
            try await insert(member, on: tx)
            try await emailLink(.invitation, to: member, on: tx)
        }
        return member
    }

    /// Sets the password with an emailed link (an invitation or a reset), which is spent by a
    /// conditional update so two uses can't both succeed. A reset signs out every session.
    func usePasswordLink(token: String, password: String) async throws -> StaffMember {
        try CustomerService.checkStrength(password)
        guard !token.isEmpty, token.count <= 128 else { throw StaffError.invalidLink }
        let hashed = try await hasher.hash(password)
        let tokenHash = SecretToken.hash(token)
        return try await db.transaction { tx in
            let spent = try await tx.sql.raw(
                """
                UPDATE staff_access_tokens SET used_at = \(bind: now)
                WHERE token_hash = \(bind: tokenHash) AND used_at IS NULL AND expires_at > \(bind: now)
                RETURNING staff_id
                """
            ).first()
            guard let id = try spent?.decode(column: "staff_id", as: UUID.self),
                let member = try await StaffMember.find(id, on: tx), member.active
            else { throw StaffError.invalidLink }
            member.passwordHash = hashed
            member.updatedAt = now
            try await member.update(on: tx)
            try await StaffSession.query(on: tx).filter(\.$staffID == id).delete()
            try await StaffAccessToken.query(on: tx).filter(\.$staffID == id).filter(\.$usedAt == nil).delete()
            return member
        }
    }

    /// The member and purpose of a link that still works (unused, unexpired, member active), for
    /// the page it opens; nil otherwise.
    func pendingLink(token: String) async throws -> (member: StaffMember, purpose: StaffAccessToken.Purpose)? {
        guard !token.isEmpty, token.count <= 128,
            let link = try await StaffAccessToken.find(SecretToken.hash(token), on: db), link.usedAt == nil,
            link.expiresAt > now, let member = try await StaffMember.find(link.staffID, on: db), member.active
        else { return nil }
        return (member, link.purpose)
    }

    /// Emails a reset link to an active member; unknown or disabled addresses get no email and no
    /// different answer, and at most a few links go out per hour.
    func requestPasswordReset(email rawEmail: String) async throws {
        let email = try CustomerEmail.validated(rawEmail)
        guard let member = try await StaffMember.query(on: db).filter(\.$email == email).first(), member.active,
            member.passwordHash != nil
        else { return }
        let recent = try await StaffAccessToken.query(on: db).filter(\.$staffID == member.requireID())
            .filter(\.$createdAt > now.addingTimeInterval(-3_600)).count()
        guard recent < CustomerService.resetEmailsPerHour else { return }
        try await db.transaction { tx in
            try await emailLink(.passwordReset, to: member, on: tx)
        }
    }

    /// Checks the password (and the second factor, when enrolled) under the sign-in throttle and
    /// opens a session; returns its bearer token, shown only now.
    func signIn(email rawEmail: String, password: String, code: String?, address: String) async throws -> (
        token: String, session: StaffSession, member: StaffMember
    ) {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let throttle = LoginThrottle(cache: cache, settings: settings, scope: "staff-login")
        do {
            try await throttle.check(email: email, address: address)
        } catch CustomerError.tooManyAttempts(let seconds) {
            throw StaffError.tooManyAttempts(retryAfterSeconds: seconds)
        }
        let found = try await StaffMember.query(on: db).filter(\.$email == email).first()
        let valid = try await hasher.verify(password, hashOrNone: found?.passwordHash)
        guard let member = found, valid, member.active else {
            try await throttle.recordFailure(email: email, address: address)
            throw StaffError.invalidCredentials
        }
        if member.totpConfirmedAt != nil {
            guard let code, !code.isEmpty else { throw StaffError.codeRequired }
            guard try await StaffTwoFactor(db: db, now: now).accepts(code, for: member) else {
                try await throttle.recordFailure(email: email, address: address)
                throw StaffError.invalidCode
            }
        }
        try await throttle.recordSuccess(email: email)
        return try await openSession(for: member, address: address)
    }

    func signOut(sessionID: String) async throws {
        try await StaffSession.query(on: db).filter(\.$id == sessionID).delete()
    }

    /// Everyone, by name.
    func list() async throws -> [StaffMember] {
        try await StaffMember.query(on: db).sort(\.$name).sort(\.$email).all()
    }

    /// Changes a member's name, role or whether they may sign in. Roles follow the grant rule;
    /// the last active owner stays an active owner; disabling signs the member out everywhere.
    func update(_ id: UUID, with change: StaffChange, by principal: StaffPrincipal) async throws -> StaffMember {
        try await db.transaction { tx in
            // The write comes first: it locks the row (PostgreSQL) or the database (SQLite), so a
            // concurrent change waits instead of failing or being lost.
            try await tx.sql.raw("UPDATE staff_members SET updated_at = \(bind: now) WHERE id = \(bind: id)").run()
            guard let member = try await StaffMember.find(id, on: tx) else { throw StaffError.staffNotFound }
            // Nobody changes someone whose role holds permissions they lack.
            try principal.checkCanGrant(try await StaffRoles(db: tx, now: now).permissions(of: member.role))
            let wasActiveOwner = member.role == BuiltInRole.owner.rawValue && member.active
            if let name = change.name { member.name = try Self.validatedName(name) }
            if let role = change.role, role != member.role {
                let permissions = try await StaffRoles(db: tx, now: now).permissions(of: role)
                try principal.checkCanGrant(permissions)
                member.role = role
            }
            if let active = change.active { member.active = active }
            if wasActiveOwner, member.role != BuiltInRole.owner.rawValue || !member.active {
                try await Self.keepAnOwner(besides: id, on: tx)
            }
            member.updatedAt = now
            try await member.update(on: tx)
            if !member.active { try await StaffSession.query(on: tx).filter(\.$staffID == id).delete() }
            return member
        }
    }

    /// Refuses the change unless another active owner remains. On PostgreSQL the owners' rows are
    /// locked, so two owners demoting each other at once can't both succeed; SQLite runs one
    /// writing transaction at a time.
    static func keepAnOwner(besides id: UUID, on db: any Database) async throws {
        let lock: SQLQueryString = db.isPostgres ? " FOR UPDATE" : ""
        let owners = try await db.sql.raw(
            """
            SELECT id FROM staff_members WHERE role = \(bind: BuiltInRole.owner.rawValue)
            AND active = \(bind: true)\(lock)
            """
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
        guard owners.contains(where: { $0 != id }) else { throw StaffError.lastOwner }
    }

    static func validatedName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw InvalidField(name: "name", problem: "is required (at most 200 characters)")
        }
        return name
    }

    private func newMember(email rawEmail: String, name: String, role: String) async throws -> StaffMember {
        let member = StaffMember()
        member.id = UUID()
        member.email = try CustomerEmail.validated(rawEmail)
        member.name = try Self.validatedName(name)
        _ = try await roles.permissions(of: role)
        member.role = role
        member.active = true
        member.createdAt = now
        member.updatedAt = now
        return member
    }

    /// The unique index decides (no read first: on SQLite a transaction must begin with its write,
    /// or concurrent ones fail with "database is locked" instead of waiting).
    private func insert(_ member: StaffMember, on tx: any Database) async throws {
        try await member.create(on: tx, refusingDuplicateAs: StaffError.emailTaken)
    }

    /// Issues a link and queues the email carrying it, in the caller's transaction: the email goes
    /// out exactly when the link exists.
    private func emailLink(_ purpose: StaffAccessToken.Purpose, to member: StaffMember, on tx: any Database)
        async throws
    {
        let link = try await issueLink(purpose, for: member, on: tx)
        let email = StaffAccessEmail(
            purpose: purpose == .invitation ? .invitation : .passwordReset, staffName: member.name, linkURL: link,
            expiresInMinutes: purpose == .invitation ? StaffSessions.invitationMinutes : StaffSessions.resetMinutes)
        try await JobQueue.enqueue(
            .sendEmail, payload: EmailJob(to: member.email, template: .staffAccess(email)), on: tx)
    }

    /// Stores a single-use link's hash and returns the link.
    private func issueLink(_ purpose: StaffAccessToken.Purpose, for member: StaffMember, on tx: any Database)
        async throws -> String
    {
        let token = SecretToken.generate()
        let link = StaffAccessToken()
        link.id = SecretToken.hash(token)
        link.staffID = try member.requireID()
        link.purpose = purpose
        let minutes = purpose == .invitation ? StaffSessions.invitationMinutes : StaffSessions.resetMinutes
        link.expiresAt = now.addingTimeInterval(TimeInterval(minutes * 60))
        link.createdAt = now
        try await link.create(on: tx)
        try await StaffAccessToken.query(on: tx).filter(\.$expiresAt < now).delete()
        return "\(baseURL)/admin/access/\(token)"
    }

    private func openSession(for member: StaffMember, address: String) async throws -> (
        token: String, session: StaffSession, member: StaffMember
    ) {
        let token = SecretToken.generate()
        let session = StaffSession()
        session.id = SecretToken.hash(token)
        session.staffID = try member.requireID()
        session.address = String(address.prefix(64))
        session.createdAt = now
        session.expiresAt = now.addingTimeInterval(StaffSessions.absoluteLifetime)
        session.idleExpiresAt = now.addingTimeInterval(StaffSessions.idleTimeout)
        member.lastSignInAt = now
        try await db.transaction { tx in
            try await session.create(on: tx)
            try await member.update(on: tx)
            try await StaffSession.query(on: tx).filter(\.$expiresAt < now).delete()
        }
        return (token, session, member)
    }
}

/// A change to a member of staff; nil fields stay as they are.
struct StaffChange: Content {
    var name: String?
    var role: String?
    var active: Bool?
}

/// How long staff sessions and emailed links last.
enum StaffSessions {
    /// A session ends this long after signing in, however busy.
    static let absoluteLifetime: TimeInterval = 12 * 3_600
    /// … and sooner when unused this long.
    static let idleTimeout: TimeInterval = 2 * 3_600
    static let invitationMinutes = 72 * 60
    static let resetMinutes = 60
}

extension Application {
    /// Staff accounts on the application's database.
    var staff: StaffService {
        StaffService(
            db: db, cache: dataCache, settings: settings.checkout, baseURL: settings.server.baseURL,
            threadPool: threadPool)
    }
}

extension Request {
    /// Staff accounts on the request's database.
    var staff: StaffService {
        StaffService(
            db: db, cache: application.dataCache, settings: application.settings.checkout,
            baseURL: application.settings.server.baseURL, threadPool: application.threadPool)
    }
}
