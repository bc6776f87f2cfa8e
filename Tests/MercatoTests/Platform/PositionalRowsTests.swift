import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Testing

@testable import Mercato

/// Serialized: the suite's tests share one PostgreSQL database.
@Suite(.serialized) struct PositionalRowsTests {
    @Test(arguments: DatabaseBackend.available)
    func streamsEveryRowWithItsCellsInColumnOrder(on backend: DatabaseBackend) async throws {
        try await TestSupport.withApp(try await backend.settings(suite: #fileID), migrate: false) { app in
            // setup: a statement of three rows, one with a NULL, and a bound value
            let sql = try app.db.sql
            let seen = NIOLockedValueBox<[(Int64, String?, String, Bool)]>([])
            // act
            try await sql.streamRows(
                """
                SELECT 1 AS n, 'one' AS word, \(bind: "bound") AS b UNION ALL
                SELECT 2, NULL, \(bind: "bound") UNION ALL
                SELECT 3, 'three', \(bind: "bound") ORDER BY n
                """, columns: ["n", "word", "b"]
            ) { row in
                let cells = (try row.decode(0, as: Int64.self), try row.decode(1, as: String?.self))
                seen.withLockedValue { $0.append((cells.0, cells.1, try! row.decode(2), row.readsByPosition)) }
            }
            // verify: every row, in order, each cell where its column is; PostgreSQL reads by position
            let rows = seen.withLockedValue { $0 }
            #expect(rows.map(\.0) == [1, 2, 3])
            #expect(rows.map(\.1) == ["one", nil, "three"])
            #expect(rows.allSatisfy { $0.2 == "bound" && $0.3 == (backend == .postgres) })
        }
    }

    @Test(arguments: DatabaseBackend.available)
    func aRowTheCallerRefusesEndsTheStreamWithItsError(on backend: DatabaseBackend) async throws {
        try await TestSupport.withApp(try await backend.settings(suite: #fileID), migrate: false) { app in
            // setup
            struct Refused: Error {}
            let sql = try app.db.sql
            let count = NIOLockedValueBox(0)
            // act / verify: the error reaches the caller, and rows after it aren't handed on
            await #expect(throws: Refused.self) {
                try await sql.streamRows("SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3", columns: ["n"]) { _ in
                    let seen = count.withLockedValue { count in
                        count += 1
                        return count
                    }
                    if seen == 1 { throw Refused() }
                }
            }
            #expect(count.withLockedValue { $0 } == 1)
        }
    }
}
