import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import DailyPapersWeb

/// Paths are declared once (`Route`): every declared path is served (none falls to "no page here"), and the
/// links built from the declarations are the paths the site answers.
@Suite struct RouteTests {
    /// A value for each kind of parameter the routes take.
    static let samples = [":date": "2024-12-04", ":week": "2024-W49", ":month": "2024-12", ":id": "2412.01981",
                          ":number": "9901001", ":name": "nobody", ":file": "daily.atom", ":token": "0123abcd", ":category": "cs.LG"]

    func filled(_ route: Route) -> String {
        route.rawValue.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.samples[String($0)] ?? String($0) }.joined(separator: "/")
    }

    @Test func everyDeclaredPathIsServed() async throws {
        try await withApp { client in
            for route in Route.allCases {
                let path = filled(route)
                var answered = false
                for method in [HTTPRequest.Method.get, .post, .delete] {
                    let response = try await client.execute(uri: path, method: method)
                    if !String(buffer: response.body).contains("There is no page at") && response.status != .methodNotAllowed {
                        answered = true
                        break
                    }
                }
                #expect(answered, "\(route) (\(path)) is declared but nothing answers it")
            }
        }
    }

    @Test func linksAreBuiltFromTheDeclarations() {
        #expect(Route.paper.path("hep-th/9901001") == "/papers/hep-th/9901001")
        #expect(Route.user.path("a b<") == "/users/a%20b%3C")
        #expect(Route.editComment.path("12") == "/comments/12/edit")
        #expect(Route.login.path() == "/login")
    }
}
