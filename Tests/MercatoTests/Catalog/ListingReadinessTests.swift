import Testing
import VaporTesting

@testable import Mercato

@Suite struct ListingReadinessTests {
    /// The readiness answer of a fresh instance of `role`.
    private static func readiness(of role: ServerRole) async throws -> (HTTPStatus, HealthRoutes.Readiness?) {
        var answer: (HTTPStatus, HealthRoutes.Readiness?) = (.internalServerError, nil)
        try await TestSupport.withApp(role: role) { app in
            answer = try await TestSupport.readiness(of: app)
        }
        return answer
    }

    @Test(arguments: [ServerRole.all, .api])
    func anInstanceIsReadyOnceItHoldsTheListingIndex(role: ServerRole) async throws {
        // act
        let (status, body) = try await Self.readiness(of: role)
        // verify: the probe loaded the index, so the first listing doesn't wait for it
        #expect(status == .ok)
        #expect(body?.checks["listings"]?.status == .up)
    }

    @Test func aWorkerDoesNotLoadListings() async throws {
        // act
        let (status, body) = try await Self.readiness(of: .worker)
        // verify: a worker answers no listing, so it holds no index and isn't probed for one
        #expect(status == .ok)
        #expect(body?.checks["listings"] == nil)
        #expect(body?.checks["database"]?.status == .up)
    }
}
