import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The whole state of a `moto_server` (`GET /moto-api/data.json`): how tests read what SES
/// "delivered". `data.json` walks live objects, so it can fail (500) while another suite changes
/// the same server; a few spaced tries get a consistent snapshot.
public func motoState(at endpoint: String) async throws -> [String: Any] {
    var lastProblem = ""
    for attempt in 0..<8 {
        if attempt > 0 { try await Task.sleep(for: .milliseconds(200 * attempt)) }
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: endpoint + "/moto-api/data.json"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        guard response.status == .ok,
            let state = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else {
            lastProblem = "HTTP \(response.status.code): \(String(buffer: body).prefix(200))"
            continue
        }
        return state
    }
    throw MotoStateUnavailable(problem: lastProblem)
}

/// Every message moto's SES has accepted: its simple (`Message`) and raw (`RawMessage`) entries.
public func sesDeliveries(at endpoint: String) async throws -> (simple: [[String: Any]], raw: [[String: Any]]) {
    let ses = try await motoState(at: endpoint)["ses"] as? [String: Any] ?? [:]
    return (ses["Message"] as? [[String: Any]] ?? [], ses["RawMessage"] as? [[String: Any]] ?? [])
}

/// moto answered `data.json` with something other than its state, every time.
public struct MotoStateUnavailable: Error, CustomStringConvertible {
    public var problem: String
    public var description: String { "moto /moto-api/data.json did not answer with JSON: \(problem)" }
}
