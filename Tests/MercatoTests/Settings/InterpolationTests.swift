import Testing

@testable import Mercato

@Suite struct InterpolationTests {
    @Test func substitutesSetVariables() {
        #expect(
            Interpolation.expand("${HOST}:${PORT}", variables: ["HOST": "db", "PORT": "5433"]) == .success("db:5433"))
    }

    @Test func usesDefaultWhenUnsetOrEmpty() {
        #expect(Interpolation.expand("${PORT:-8080}", variables: [:]) == .success("8080"))
        #expect(Interpolation.expand("${PORT:-8080}", variables: ["PORT": ""]) == .success("8080"))
        #expect(Interpolation.expand("${PORT:-8080}", variables: ["PORT": "9000"]) == .success("9000"))
        #expect(Interpolation.expand("${EMPTY:-}", variables: [:]) == .success(""))
    }

    @Test func reportsTheUnsetVariable() {
        #expect(Interpolation.expand("x${DB_PASSWORD}", variables: [:]) == .failure(.unset(variable: "DB_PASSWORD")))
    }

    @Test func rejectsMalformedReferences() {
        #expect(Interpolation.expand("${OPEN", variables: [:]) == .failure(.unterminated))
        #expect(Interpolation.expand("${1BAD}", variables: [:]) == .failure(.invalidName("1BAD")))
    }

    @Test func leavesPlainTextAlone() {
        #expect(Interpolation.expand("plain $HOME text", variables: ["HOME": "/root"]) == .success("plain $HOME text"))
    }
}
