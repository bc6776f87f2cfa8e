import Foundation

/// The secrets one boot fetched, each distinct secret once, and how a reference reads from them.
struct FetchedSecrets: Sendable {
    /// Secret name → its text, or why it could not be read.
    var texts: [String: Result<String, SecretStoreError>]
    /// Why no secret could be fetched at all (no store in this context); `nil` when a store was asked.
    var unavailable: String?

    /// For loads that never talk to a store: every reference fails with `reason`.
    static func none(_ reason: String) -> FetchedSecrets { FetchedSecrets(texts: [:], unavailable: reason) }

    /// Fetches every name in `names` once, concurrently.
    static func fetch(_ names: Set<String>, from store: any SecretStore) async -> FetchedSecrets {
        let texts = await withTaskGroup(of: (String, Result<String, SecretStoreError>).self) { group in
            for name in names {
                group.addTask {
                    do throws(SecretStoreError) {
                        return (name, .success(try await store.secretString(named: name)))
                    } catch {
                        return (name, .failure(error))
                    }
                }
            }
            var texts: [String: Result<String, SecretStoreError>] = [:]
            for await (name, result) in group { texts[name] = result }
            return texts
        }
        return FetchedSecrets(texts: texts, unavailable: nil)
    }

    /// The text `reference` stands for, or the reason it has none, naming the secret and key.
    func value(for reference: SecretReference) -> Result<String, Interpolation.Failure> {
        func failure(_ reason: String) -> Result<String, Interpolation.Failure> {
            .failure(.secret(reference, reason: reason))
        }
        guard let fetched = texts[reference.name] else {
            return failure("secret \(reference.name) was not resolved: \(unavailable ?? "it was never fetched")")
        }
        let text: String
        switch fetched {
        case .success(let value): text = value
        case .failure(let error): return failure("secret \(reference.name) \(error)")
        }
        guard let key = reference.key else { return .success(text) }
        guard let object = try? JSONDecoder().decode([String: SecretField].self, from: Data(text.utf8)) else {
            return failure("secret \(reference.name) is not a JSON object, so key '\(key)' cannot be read from it")
        }
        guard let field = object[key] else {
            let known = object.keys.sorted().joined(separator: ", ")
            return failure("secret \(reference.name) has no key '\(key)' (it has: \(known.isEmpty ? "none" : known))")
        }
        guard let value = field.text else {
            return failure("key '\(key)' of secret \(reference.name) is not a string, number or boolean")
        }
        return .success(value)
    }
}

/// One value in a JSON secret; only scalars can become a setting.
private enum SecretField: Decodable {
    case scalar(String)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            self = .scalar(string)
        } else if let bool = try? container.decode(Bool.self) {
            self = .scalar(bool ? "true" : "false")
        } else if let integer = try? container.decode(Int.self) {
            self = .scalar(String(integer))
        } else if let number = try? container.decode(Double.self) {
            self = .scalar(String(number))
        } else {
            self = .other
        }
    }

    var text: String? {
        if case .scalar(let value) = self { return value }
        return nil
    }
}
