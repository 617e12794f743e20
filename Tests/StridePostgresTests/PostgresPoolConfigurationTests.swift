import PostgresNIO
@testable import StridePostgres
import Testing

@Suite("The connection pool's configuration")
struct PostgresPoolConfigurationTests {
    // postgres-nio's pool runs its idle-timeout and keep-alive timers as sleeping tasks, set each
    // time a connection is handed back, and a cancelled sleep keeps its memory until its deadline
    // (swiftlang/swift#60441): two per statement grew the server by 100+ MB under a steady load.
    @Test("every connection is kept open and none is pinged, so handing one back sets no timer")
    func noTimerPerLease() throws {
        let settings = try PostgresSettings(uri: "postgresql://stride@localhost/stride?pool_size=7", environment: [:])
        let options = settings.clientConfiguration().options
        #expect(options.maximumConnections == 7)
        #expect(options.minimumConnections == 7)
        #expect(options.keepAliveBehavior == nil)
    }
}
