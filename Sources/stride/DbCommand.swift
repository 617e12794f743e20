import ArgumentParser
import Foundation
import Logging
import StrideServer

/// `stride db`: the store's schema and file, without starting the server.
struct DbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Check, upgrade and back up the store.",
        discussion: """
            Each subcommand takes the store flags of `stride server` (or its environment) and may run while the \
            server does. For a PostgreSQL store use its own tools: pg_dump for backups.
            """,
        subcommands: [Check.self, Upgrade.self, Backup.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report the schema version, what a start would migrate, and SQLite's integrity check; changes nothing.")

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            guard try StoreMaintenance.check(store.applied(to: ServerConfiguration()), say: Console.say) else { throw ExitCode(1) }
        }
    }

    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations without starting the server.")

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            try StoreMaintenance.upgrade(store.applied(to: ServerConfiguration()), say: Console.say)
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of the store to a new file, while the server keeps running.")

        @Option(help: "The new file to write; it must not exist.")
        var to: String

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            var logger = Logger(label: "stride")
            logger.logLevel = .warning
            try await StoreMaintenance.backup(store.applied(to: ServerConfiguration()), to: to, logger: logger, say: Console.say)
        }
    }
}
