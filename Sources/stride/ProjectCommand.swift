import ArgumentParser
import Foundation
import StrideDomain
import StrideService

/// `stride project`: projects (MLflow 3's workspaces), written straight to the server's database.
struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Create, list and delete projects.",
        discussion: """
            A client selects a project with the URL prefix /projects/<name> \
            (MLFLOW_TRACKING_URI=http://host:5000/projects/<name>); bare URLs mean the default project.
            """,
        subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a project.")

        @Argument(help: "2 to 63 lowercase letters, digits and inner hyphens, as MLflow's workspace names.")
        var name: String

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            let project = try await store.withServices { _, projects in try await projects.create(named: name) }
            print("Created project '\(project.name)'.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List projects.")

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            let projects = try await store.withServices { _, projects in try await projects.list() }
            let rows = projects.map { [$0.name, TextTable.time($0.creationTime)] }
            print(TextTable.render(header: ["NAME", "CREATED"], rows: rows), terminator: "")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a project that owns no experiments or models, and its tokens.")

        @Argument(help: "The project's name.")
        var name: String

        @OptionGroup var store: BackendStoreOptions

        func run() async throws {
            try await store.withServices { _, projects in try await projects.delete(named: name) }
            print("Deleted project '\(name)'.")
        }
    }
}
