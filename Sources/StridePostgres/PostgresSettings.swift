public import Foundation
public import PostgresNIO
import NIOSSL

/// Where and how to reach PostgreSQL, read from a `--backend-store-uri` such as
/// `postgresql://user:password@host:5432/db?sslmode=require`.
///
/// `postgres://` and SQLAlchemy's `postgresql+psycopg2://` (as MLflow users write it) are the same.
/// The password may instead come from `STRIDE_DATABASE_PASSWORD` or the file `STRIDE_DATABASE_PASSWORD_FILE`
/// names, so it need not appear in a process listing.
public struct PostgresSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// Connections the pool opens and keeps open (`?pool_size=` or `STRIDE_DATABASE_POOL_SIZE`).
    public var poolSize: Int

    /// libpq's `sslmode` values: `disable` never encrypts; `allow` and `prefer` encrypt when the server
    /// offers it, without checking its certificate; `require` always encrypts, without checking;
    /// `verify-ca` checks the certificate chain (against `?sslrootcert=` or the system's roots) and
    /// `verify-full` the host name too. (`allow` tries encryption first where libpq tries it second.)
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// `?sslrootcert=`: a PEM file of the certificate authorities `verify-ca` and `verify-full` trust.
    public var sslRootCertificate: String?

    /// The schemes that name PostgreSQL.
    public static let schemes = ["postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg", "postgresql+pg8000"]

    /// The pool size when none is given: enough for a few concurrent requests per core.
    public static let defaultPoolSize = 10

    /// Whether `uri` names a PostgreSQL database (its scheme is one of ``schemes``).
    public static func names(_ uri: String) -> Bool {
        guard let schemeEnd = uri.range(of: "://") else { return false }
        return schemes.contains(uri[..<schemeEnd.lowerBound].lowercased())
    }

    /// Reads `uri`; `environment` supplies the password and pool size when the URI does not.
    /// Throws a one-sentence ``PostgresSettingsError`` for anything it cannot use.
    public init(uri: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresSettingsError) {
        guard Self.names(uri), let components = URLComponents(string: uri) else {
            throw PostgresSettingsError("'\(Self.redacted(uri))' is not a PostgreSQL URI: use postgresql://user:password@host:5432/database.")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresSettingsError("'\(Self.redacted(uri))' names no host: use postgresql://user@host:5432/database.")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresSettingsError("'\(Self.redacted(uri))' names no database: use postgresql://user@host:5432/database.")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let sslText = query["sslmode"] ?? "prefer"
        guard let sslMode = SSLMode(rawValue: sslText) else {
            throw PostgresSettingsError("sslmode '\(sslText)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let poolText = query["pool_size"] ?? environment["STRIDE_DATABASE_POOL_SIZE"] ?? String(Self.defaultPoolSize)
        guard let poolSize = Int(poolText), (1...1000).contains(poolSize) else {
            throw PostgresSettingsError("The pool size '\(poolText)' is not a whole number from 1 to 1000.")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? environment["USER"] ?? "postgres"
        if let written = components.password {
            self.password = written.removingPercentEncoding ?? written
        } else {
            self.password = try Self.password(from: environment)
        }
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = sslMode
        self.sslRootCertificate = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        self.poolSize = poolSize
    }

    /// The password from `STRIDE_DATABASE_PASSWORD`, else from the file `STRIDE_DATABASE_PASSWORD_FILE` names.
    private static func password(from environment: [String: String]) throws(PostgresSettingsError) -> String? {
        if let password = environment["STRIDE_DATABASE_PASSWORD"], !password.isEmpty { return password }
        guard let file = environment["STRIDE_DATABASE_PASSWORD_FILE"], !file.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw PostgresSettingsError("The password file \(file) (STRIDE_DATABASE_PASSWORD_FILE) cannot be read.")
        }
        return String(text.trimmingCharacters(in: .newlines))
    }

    /// `uri` with any password replaced, for messages.
    public static func redacted(_ uri: String) -> String {
        guard var components = URLComponents(string: uri), components.password != nil else { return uri }
        components.password = "***"
        return components.string ?? uri
    }

    /// `host:port/database`, for messages.
    public var address: String { "\(host):\(port)/\(database)" }

    /// postgres-nio's pool configuration for these settings.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch (tlsConfiguration, sslMode) {
            case (nil, _): .disable
            case (let context?, .allow), (let context?, .prefer): .prefer(context)
            case (let context?, _): .require(context)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        // Every connection is kept open, and none is pinged: the pool then sets no timer when a
        // connection is handed back. Its idle-timeout and keep-alive timers are sleeping tasks, two
        // for each statement's lease, and a cancelled `Task.sleep` keeps its memory until its
        // deadline (60 and 30 s; swiftlang/swift#60441): under a steady load that held 100+ MB.
        // A connection the server closed is replaced at once; one that went silent fails the
        // request after the store's time limit (503, which the client retries).
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = poolSize
        configuration.options.keepAliveBehavior = nil
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = Self.sessionSettings
        return configuration
    }

    /// Settings for the pool's sessions, for many short statements: no parallel workers (starting
    /// them took ~45 ms, longer than the LIMIT-bounded searches they were planned for) and no JIT
    /// compilation (tens of milliseconds for a statement that runs in a few).
    static let sessionSettings = [("max_parallel_workers_per_gather", "0"), ("jit", "off")]

    /// A single connection's configuration (start-up checks and migrations).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch (tlsConfiguration, sslMode) {
            case (nil, _): .disable
            case (let context?, .allow), (let context?, .prefer): .prefer(try NIOSSLContext(configuration: context))
            case (let context?, _): .require(try NIOSSLContext(configuration: context))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// TLS as `sslMode` asks for it; nil for `disable`.
    private var tlsConfiguration: TLSConfiguration? {
        let verification: CertificateVerification
        switch sslMode {
        case .disable: return nil
        case .allow, .prefer, .require: verification = .none
        case .verifyCA: verification = .noHostnameVerification
        case .verifyFull: verification = .fullVerification
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verification
        if let sslRootCertificate { configuration.trustRoots = .file(sslRootCertificate) }
        return configuration
    }
}

/// A `--backend-store-uri` or database setting Stride cannot use, in one sentence.
public struct PostgresSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
