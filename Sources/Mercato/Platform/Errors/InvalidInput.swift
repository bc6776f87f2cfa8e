import FluentKit
import Vapor

/// A request body field that isn't acceptable, named by its JSON path or form field.
struct InvalidField: AppError {
    var name: String
    var problem: String

    var code: String { "invalid_field" }
    var status: HTTPResponseStatus { .badRequest }
    var reason: String { "\(name) \(problem)" }
}

/// A query or path parameter that isn't acceptable, named as the URL spells it.
struct InvalidParameter: AppError {
    var name: String
    var problem: String

    var code: String { "invalid_parameter" }
    var status: HTTPResponseStatus { .badRequest }
    var reason: String { "\(name): \(problem)" }
}

/// A record that a unique index already holds (a coupon code, a shipping method code).
struct DuplicateRecord: AppError {
    /// What is duplicated, as the client would name it: "A coupon with code 'WELCOME10'".
    var description: String

    var code: String { "conflict" }
    var status: HTTPResponseStatus { .conflict }
    var reason: String { "\(description) already exists." }
}

extension Model {
    /// Inserts the row, letting the database's unique index decide: a duplicate becomes
    /// `duplicate` (409) instead of a 500, with no check-then-insert race between two writers.
    func create(on db: any Database, refusingDuplicateAs duplicate: @autoclosure () -> any Error)
        async throws
    {
        do {
            try await create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw duplicate()
        }
    }
}

extension Request {
    /// The path parameter `name` as a UUID; anything else is a 400 naming it.
    func uuidParameter(_ name: String) throws -> UUID {
        guard let id = parameters.get(name, as: UUID.self) else {
            throw InvalidParameter(name: name, problem: "must be a UUID")
        }
        return id
    }
}
