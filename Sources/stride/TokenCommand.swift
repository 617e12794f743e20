import ArgumentParser
import Foundation
import StrideDomain
import StrideService

/// `stride token`: access tokens for `stride server --auth`, written straight to its database.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke access tokens.",
        discussion: """
            A token reaches one project with one role: reader, writer, maintainer or admin. Clients send it as \
            MLFLOW_TRACKING_TOKEN, or as MLFLOW_TRACKING_PASSWORD with any username. The admin of the default \
            project administers the whole server.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it; it is shown only this once.")

        @Option(help: "The project the token reaches.")
        var project: String = Project.defaultName

        @Option(help: "reader, writer, maintainer or admin.")
        var role: String

        @Option(help: "A label to recognise the token by in `stride token list`.")
        var name: String = ""

        @Option(help: "Days until the token expires (default: never).")
        var expiresInDays: Int?

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            let role = try Role(parsing: role)
            let now = SystemTimeSource().nowMilliseconds()
            let expiresAt: Int64?
            do {
                expiresAt = try expiresInDays.map { (days) throws(StrideError) in try TokenLifetime.expiry(days: days, from: now) }
            } catch {
                throw ValidationError("--expires-in-days: \(error.message)")
            }
            let (token, plaintext) = try await store.withServices { tokens, _ in
                try await tokens.create(project: project, role: role, name: name, expiresAt: expiresAt)
            }
            // The token alone goes to stdout, so `$(stride token create ...)` captures it.
            print(plaintext)
            let expiry = token.expiresTime.map { "expires \(TextTable.time($0))" } ?? "never expires"
            FileHandle.standardError.write(Data(
                "Created token \(token.id): \(token.role) in project '\(token.project)', \(expiry). It is not shown again.\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @Option(help: "Only this project's tokens (default: every project's).")
        var project: String?

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            let listed = try await store.withServices { tokens, _ in try await tokens.list(project: project) }
            print(TokenTable.render(listed, now: SystemTimeSource().nowMilliseconds()), terminator: "")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token; a running server refuses it within a second.")

        @Argument(help: "The token's id (the 12 hex digits after stride_, as `stride token list` shows).")
        var id: String

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            let token = try await store.withServices { tokens, _ in try await tokens.revoke(id: id) }
            print("Revoked token \(token.id) (\(token.role) in project '\(token.project)').")
        }
    }
}

/// `stride token list`'s aligned text table.
enum TokenTable {
    static func render(_ tokens: [AccessToken], now: Int64) -> String {
        let header = ["ID", "PROJECT", "ROLE", "NAME", "STATUS", "CREATED", "EXPIRES", "LAST USED"]
        let rows = tokens.map { token in
            [
                token.id, token.project, token.role.name, token.name, status(token, now: now), TextTable.time(token.creationTime),
                token.expiresTime.map(TextTable.time) ?? "never", token.lastUsedTime.map(TextTable.time) ?? "never",
            ]
        }
        return TextTable.render(header: header, rows: rows)
    }

    static func status(_ token: AccessToken, now: Int64) -> String {
        if token.revokedTime != nil { return "revoked" }
        return token.isExpired(at: now) ? "expired" : "active"
    }
}
