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
            server does. `backup` copies SQLite stores; back up a PostgreSQL store with pg_dump.
            """,
        subcommands: [Check.self, Upgrade.self, Backup.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report the schema version, what a start would migrate, and (SQLite) the integrity check; changes nothing.")

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            guard try await StoreMaintenance.check(store.applied(to: ServerConfiguration()), logger: quietLogger(), say: Console.say) else {
                throw ExitCode(1)
            }
        }
    }

    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations without starting the server.")

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            try await StoreMaintenance.upgrade(store.applied(to: ServerConfiguration()), logger: quietLogger(), say: Console.say)
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent copy of an SQLite store to a new file, while the server keeps running (PostgreSQL: pg_dump).")

        @Option(help: "The new file to write; it must not exist.")
        var to: String

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            try await StoreMaintenance.backup(store.applied(to: ServerConfiguration()), to: to, logger: quietLogger(), say: Console.say)
        }
    }
}

/// The commands' logger: warnings and errors only, so their output is what they say.
private func quietLogger() -> Logger {
    var logger = Logger(label: "stride")
    logger.logLevel = .warning
    return logger
}
