/// MLflow's tracking schema, as the Alembic revision in `alembic_version` names it: which revisions
/// `stride import` reads, and which tables and columns each has.
///
/// The chain is MLflow's own (`mlflow/store/db_migrations/versions`, oldest first) up to the head
/// of MLflow 3.17. MLflow 2.0 created its databases at `97727af70f4d`; older ones are MLflow 1.x.
public struct MLflowSchemaRevision: Sendable, Equatable {
    public let revision: String
    /// The revision's place in ``chain``.
    let position: Int

    static let chain = [
        // MLflow 1.x
        "451aebb31d03", "90e64c465722", "181f10493468", "df50e92ffc5e", "7ac759974ad8", "89d4b8295536", "2b4d017a5e9b",
        "cfd24bdc0731", "0a8213491aaa", "728d730b5ebd", "27a6a02d2cf1", "84291f40a231", "a8c4a736bde6", "39d1c3be5f05",
        "c48cb773bb87", "bd07f7e963c5", "0c779009ac13", "cc1f77228345",
        // MLflow 2.x
        "97727af70f4d", "3500859a5d39", "7f2a7d5fae7d", "2d6e25af4d3e", "acf3f17fdcc7", "867495a8f9d4", "5b0e9adcef9c",
        "4465047574b1", "f5a4f2784254", "0584bdc529eb",
        // MLflow 3.x
        "400f98739977", "6953534de441", "bda7b8c39065", "cbc13b556ace", "770bee3ae1dd", "a1b2c3d4e5f6", "de4033877273",
        "1a0cddfcaa16", "534353b11cbc", "71994744cf8e", "3da73c924c2f", "bf29a5ff90ea", "1bd49d398cd23", "b7c8d9e0f1a2",
        "5d2d30f0abce", "c9d4e5f6a7b8", "2c33131f4dae", "d3e4f5a6b7c8", "d0e1f2a3b4c5", "c8d9e0f1a2b3", "1b5f0d9ad7c1",
        "e1f2a3b4c5d6", "76601a5f987d", "c3d6457b6d8a", "a5b4c3d2e1f0", "ae8bbe7743c9", "7d34483879f0", "da6fb0208061",
        "89d3d66ed43f", "b7e4c1a90f23", "a8b9c0d1e2f3", "c1d2e3f4a5b6", "c3d9e7f1a2b4", "6f8d9c3b2a1e", "1971f2d9a75b",
        "17e22815139b", "b7e2c1a4d9f3", "75868b020152", "dc11669786a5",
    ]

    private static let firstOf2 = chain.firstIndex(of: "97727af70f4d") ?? 0
    private static let firstOf3 = chain.firstIndex(of: "400f98739977") ?? 0

    /// The revision if Stride reads it; otherwise why not, in words for the person importing.
    public static func supported(_ revision: String) -> Result<MLflowSchemaRevision, MLflowSourceFailure> {
        guard let position = chain.firstIndex(of: revision) else {
            return .failure(MLflowSourceFailure(
                "Unknown MLflow schema revision '\(revision)': Stride reads the databases of MLflow 2.0 to 3.17 "
                    + "(revisions \(chain[firstOf2]) to \(chain[chain.count - 1])). A newer MLflow wrote it, or it is not MLflow's."))
        }
        guard position >= firstOf2 else {
            return .failure(MLflowSourceFailure(
                "The MLflow database has schema revision '\(revision)' of MLflow 1.x: upgrade it first with `mlflow db upgrade <uri>` "
                    + "(MLflow 2 or 3), then import it."))
        }
        return .success(MLflowSchemaRevision(revision: revision, position: position))
    }

    /// The MLflow releases that write this revision.
    public var releases: String { position >= Self.firstOf3 ? "MLflow 3.x" : "MLflow 2.x" }

    private func since(_ revision: String) -> Bool {
        guard let first = Self.chain.firstIndex(of: revision) else { return false }
        return position >= first
    }

    /// `registered_model_aliases` (MLflow 2.3).
    public var hasAliases: Bool { since("3500859a5d39") }
    /// `datasets`, `inputs` and `input_tags` (MLflow 2.4).
    public var hasDatasets: Bool { since("7f2a7d5fae7d") }
    /// `model_versions.storage_location`.
    public var hasStorageLocation: Bool { since("acf3f17fdcc7") }
    /// The logged-model tables and run outputs (MLflow 3.0).
    public var hasLoggedModels: Bool { since("400f98739977") }
    /// `inputs.step`.
    public var hasInputStep: Bool { since("6953534de441") }
}

/// A source Stride cannot read, in words that say what to do.
public struct MLflowSourceFailure: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
