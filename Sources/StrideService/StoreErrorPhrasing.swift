public import StrideDomain
public import StrideStore

/// MLflow's wording for the stores' typed outcomes: the one place that turns a ``StoreError``
/// into the error code and message MLflow's handlers answer (clients and MLflow's test suite
/// compare them verbatim).
extension StoreError {
    /// MLflow's error for this outcome where no call words it otherwise.
    public var mlflowError: StrideError {
        switch self {
        case .notFound(let entity):
            return .missing(entity)
        case .alreadyExists(let entity):
            return StrideError(.resourceAlreadyExists, entity.takenMessage)
        case .notActive(let entity, let stage):
            return .invalidParameter("The \(entity.noun) must be in the 'active' state. Current state is \(stage.rawValue).")
        case .stillOwns(let entity, let dependents):
            let (count, label) = switch dependents {
            case .experiments(let count): (count, "experiments")
            case .registeredModels(let count): (count, "registered models")
            }
            return StrideError(.invalidState, "Cannot delete \(entity.noun): it still owns \(count) \(label). Delete them first.")
        case .reserved(.project(let name)):
            return StrideError(.invalidState, "Cannot delete the reserved '\(name)' project.")
        case .reserved(let entity):
            return StrideError(.invalidState, "Cannot delete the reserved \(entity.noun).")
        case .cursorMismatch:
            return .invalidParameter("Invalid page token: it does not belong to this search.")
        case .unreadable(let entity):
            return StrideError(.internalError, "The stored \(entity.noun) cannot be read.")
        }
    }
}

extension StrideError {
    /// MLflow's "not found" for an entity: the message its handler answers for an unknown key.
    public static func missing(_ entity: StoreEntity) -> StrideError {
        .notFound(entity.missingMessage)
    }
}

extension StoreEntity {
    /// MLflow's message for an unknown entity.
    var missingMessage: String {
        switch self {
        case .project(let name): "Project '\(name)' does not exist."
        case .experiment(let id): "No Experiment with id=\(id) exists"
        case .experimentNamed(let name): "Could not find experiment with name '\(name)'"
        case .experimentTag(let id, let key): "No tag with name: \(key) in experiment with id \(id)"
        case .run(let id): "Run with id=\(id) not found"
        case .runTag(let runID, let key): "No tag with name: \(key) in run with id \(runID)"
        case .loggedModel(let id): "Logged model with ID '\(id)' not found."
        case .loggedModelTag(let id, let key): "No tag with key '\(key)' found for model with ID '\(id)'."
        case .registeredModel(let name): "Registered Model with name=\(name) not found"
        case .modelVersion(let name, let version): "Model Version (name=\(name), version=\(version)) not found"
        case .accessToken(let id): "Access token '\(id)' does not exist."
        case .evaluationDataset(let id): "Evaluation dataset with id '\(id)' not found"
        }
    }

    /// MLflow's message for a unique key already in use.
    var takenMessage: String {
        switch self {
        case .experimentNamed(let name): "Experiment(name=\(name)) already exists."
        case .registeredModel(let name): "Registered Model (name=\(name)) already exists."
        case .project(let name): "Project '\(name)' already exists."
        case .accessToken(let id): "Access token id '\(id)' is already taken."
        default: "The \(noun) already exists."
        }
    }

    /// The entity named in a sentence, as in "the run <id>".
    var noun: String {
        switch self {
        case .project(let name): "project '\(name)'"
        case .experiment(let id): "experiment \(id)"
        case .experimentNamed(let name): "experiment '\(name)'"
        case .experimentTag(let id, let key): "tag '\(key)' of experiment \(id)"
        case .run(let id): "run \(id)"
        case .runTag(let runID, let key): "tag '\(key)' of run \(runID)"
        case .loggedModel(let id): "logged model '\(id)'"
        case .loggedModelTag(let id, let key): "tag '\(key)' of logged model '\(id)'"
        case .registeredModel(let name): "registered model '\(name)'"
        case .modelVersion(let name, let version): "version \(version) of registered model '\(name)'"
        case .accessToken(let id): "access token '\(id)'"
        case .evaluationDataset(let id): "evaluation dataset '\(id)'"
        }
    }
}

/// Runs one store call and phrases a ``StoreError`` it throws as MLflow's error. `rewording`
/// answers the outcomes MLflow words differently for this call (nil keeps the usual wording).
func phrased<Result>(
    _ call: () async throws -> Result, rewording: (StoreError) -> StrideError? = { _ in nil }
) async throws -> Result {
    do {
        return try await call()
    } catch let error as StoreError {
        throw rewording(error) ?? error.mlflowError
    }
}
