import StridePostgres
import Testing

@Suite("PostgreSQL settings from --backend-store-uri")
struct PostgresSettingsTests {
    @Test("the three schemes MLflow users write name PostgreSQL; SQLite and paths do not")
    func schemes() {
        for uri in ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg2://u@h/db", "POSTGRESQL://u@h/db"] {
            #expect(PostgresSettings.names(uri), "\(uri)")
        }
        for uri in ["sqlite:///x.db", "mysql://u@h/db", "./mlruns", "postgresql:/h/db"] {
            #expect(!PostgresSettings.names(uri), "\(uri)")
        }
    }

    @Test("user, password, host, port, database, sslmode and pool size come from the URI")
    func fullURI() throws {
        let settings = try PostgresSettings(
            uri: "postgresql+psycopg2://ml%40ops:p%2Fss@db.example.com:6543/tracking?sslmode=verify-full&pool_size=25", environment: [:])
        #expect(settings.username == "ml@ops")
        #expect(settings.password == "p/ss")
        #expect(settings.host == "db.example.com")
        #expect(settings.port == 6543)
        #expect(settings.database == "tracking")
        #expect(settings.sslMode == .verifyFull)
        #expect(settings.poolSize == 25)
    }

    @Test("defaults: port 5432, sslmode prefer, pool of 10, no password")
    func defaults() throws {
        let settings = try PostgresSettings(uri: "postgres://stride@localhost/stride", environment: [:])
        #expect(settings.port == 5432)
        #expect(settings.sslMode == .prefer)
        #expect(settings.poolSize == PostgresSettings.defaultPoolSize)
        #expect(settings.password == nil)
    }

    @Test("without a password in the URI, STRIDE_DATABASE_PASSWORD supplies it, and the pool size its variable")
    func environment() throws {
        let settings = try PostgresSettings(
            uri: "postgresql://stride@db/stride", environment: ["STRIDE_DATABASE_PASSWORD": "secret", "STRIDE_DATABASE_POOL_SIZE": "4"])
        #expect(settings.password == "secret")
        #expect(settings.poolSize == 4)
    }

    @Test("a password file that cannot be read, a bad sslmode, pool size, or a missing host or database is one sentence")
    func refusals() {
        let cases: [(String, [String: String], String)] = [
            ("postgresql://stride@db/stride", ["STRIDE_DATABASE_PASSWORD_FILE": "/nonexistent/pw"], "cannot be read"),
            ("postgresql://stride@db/stride?sslmode=maybe", [:], "sslmode 'maybe'"),
            ("postgresql://stride@db/stride?pool_size=0", [:], "pool size '0'"),
            ("postgresql://stride@/stride", [:], "names no host"),
            ("postgresql://stride@db", [:], "names no database"),
        ]
        for (uri, environment, expected) in cases {
            #expect {
                _ = try PostgresSettings(uri: uri, environment: environment)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test("messages never show the password")
    func redaction() {
        #expect(PostgresSettings.redacted("postgresql://u:hunter2@h/db") == "postgresql://u:***@h/db")
        #expect(!PostgresSettings.redacted("postgresql://u:hunter2@h/db").contains("hunter2"))
    }
}
