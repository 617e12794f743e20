import Foundation
import Logging
import NIOCore
import StrideDomain
import StrideService
import StrideStore
import StrideServer
import StrideTesting
import Testing

/// Two projects over one store and one artifact folder: `audio` owns a run with `secret.txt`.
private struct TwoProjects {
    let tracking: TrackingService
    let registry: RegistryService
    let loggedModels: LoggedModelService
    let browse: BrowseService
    let artifacts: ArtifactService
    let projects: ProjectService
    let access: AccessService
    /// The artifact store's folder on disk.
    let root: String
    let audioRun: Run
    /// `secret.txt`'s store path: `workspaces/audio/<exp>/<run>/artifacts/secret.txt`.
    let secret: String

    static func with(_ body: (TwoProjects) async throws -> Void) async throws {
        try await withTestApplication(auth: true) { app in
            let services = app.services
            let (tracking, artifacts, projects) = (services.tracking, services.artifacts, services.projects)
            for name in ["vision", "audio"] { _ = try await projects.create(named: name) }
            let experiment = try await tracking.createExperiment(name: "speech", artifactLocation: nil, tags: [], project: "audio")
            let run = try await tracking.createRun(
                experimentID: experiment.description, userID: nil, runName: "a", startTime: 1, tags: [], project: "audio")
            let relative = String(run.info.artifactURI.dropFirst("mlflow-artifacts:/".count)) + "/secret.txt"
            try await artifacts.upload(to: try ArtifactPath(validating: relative), body: bytes("audio's secret"), project: "audio")
            try await body(TwoProjects(
                tracking: tracking, registry: services.registry, loggedModels: services.loggedModels, browse: services.browse,
                artifacts: artifacts, projects: projects, access: try #require(services.access), root: app.artifactsDirectory, audioRun: run,
                secret: "workspaces/audio/" + relative))
        }
    }

    func newRun(in project: String, tags: [StrideDomain.Tag] = []) async throws -> Run {
        let experiment = try await tracking.createExperiment(name: "e-\(UUID().uuidString)", artifactLocation: nil, tags: [], project: project)
        return try await tracking.createRun(experimentID: experiment.description, userID: nil, runName: nil, startTime: 1, tags: tags, project: project)
    }
}

private func bytes(_ text: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
    AsyncThrowingStream { continuation in
        continuation.yield(ByteBuffer(string: text))
        continuation.finish()
    }
}

/// The created version, or nil when creation was refused with a 4xx MLflow error.
private func created(_ body: () async throws -> ModelVersion) async -> ModelVersion? {
    do {
        return try await body()
    } catch let error as StrideError where [.resourceDoesNotExist, .invalidParameterValue].contains(error.code) {
        return nil
    } catch {
        Issue.record("creation failed with \(error)")
        return nil
    }
}

/// Whether `body` failed with a 4xx MLflow error (a refusal, not a file).
private func refused(_ body: () async throws -> ArtifactDownload) async -> Bool {
    do {
        _ = try await body()
        return false
    } catch let error as StrideError {
        return [.resourceDoesNotExist, .invalidParameterValue].contains(error.code)
    } catch {
        return false
    }
}

@Suite("Project boundaries: every id and location a request names is checked against its project")
struct ProjectBoundaryTests {
    @Test("a model version's source reaches files of its own project only, however it spells another's")
    func modelVersionSources() async throws {
        try await TwoProjects.with { world in
            let folder = String(world.secret.dropLast("/secret.txt".count))
            let sources: [(source: String, path: String)] = [
                ("file://\(world.root)/\(folder)", "secret.txt"),
                ("\(world.root)/\(folder)", "secret.txt"),
                ("file://\(world.root)", "\(folder)/secret.txt"),
                (world.root, "\(folder)/secret.txt"),
                ("mlflow-artifacts:/\(folder)", "secret.txt"),
                ("mlflow-artifacts://elsewhere:5000/\(folder)", "secret.txt"),
                ("mlflow-artifacts:/", "\(folder)/secret.txt"),
            ]
            _ = try await world.registry.createRegisteredModel(name: "borrowed", description: nil, tags: [], project: "vision")
            for (source, path) in sources {
                // MLflow's create-time rules refuse a local source outside a run of the request; what
                // they let through must still be refused when read.
                guard let version = await created({
                    try await world.registry.createModelVersion(
                        name: "borrowed", source: source, runID: nil, runLink: nil, description: nil, tags: [], project: "vision")
                }) else { continue }
                #expect(await refused {
                    try await world.artifacts.modelVersionArtifact(name: "borrowed", version: String(version.version), path: path, project: "vision")
                }, "\(source) + \(path)")
            }
            // The default project's root holds the other projects' folders, yet its sources cannot reach them either.
            _ = try await world.registry.createRegisteredModel(name: "rooted", description: nil, tags: [], project: Project.defaultName)
            if await created({
                try await world.registry.createModelVersion(
                    name: "rooted", source: "file://\(world.root)", runID: nil, runLink: nil, description: nil, tags: [], project: Project.defaultName)
            }) != nil {
                #expect(await refused {
                    try await world.artifacts.modelVersionArtifact(name: "rooted", version: "1", path: world.secret, project: Project.defaultName)
                })
            }
            // The owner reads it through every spelling.
            _ = try await world.registry.createRegisteredModel(name: "own", description: nil, tags: [], project: "audio")
            // The owner reads it through the proxied spelling; a local spelling of a proxied run's folder
            // is refused at creation, as MLflow refuses a local source outside a local run directory.
            for source in ["mlflow-artifacts:/\(folder.dropFirst("workspaces/audio/".count))"] {
                let version = try await world.registry.createModelVersion(
                    name: "own", source: source, runID: nil, runLink: nil, description: nil, tags: [], project: "audio")
                let download = try await world.artifacts.modelVersionArtifact(name: "own", version: String(version.version), path: "secret.txt", project: "audio")
                #expect(download.path.description == world.secret, "\(source)")
            }
        }
    }

    @Test("a run whose location lies in another project's folder lists nothing and reads nothing")
    func runLocations() async throws {
        try await TwoProjects.with { world in
            let audioExperimentFolder = world.secret.split(separator: "/").prefix(3).joined(separator: "/")
            let experiment = try await world.tracking.createExperiment(
                name: "squatter", artifactLocation: "file://\(world.root)/\(audioExperimentFolder)", tags: [], project: "vision")
            let run = try await world.tracking.createRun(
                experimentID: experiment.description, userID: nil, runName: nil, startTime: 1, tags: [], project: "vision")
            #expect(try await world.artifacts.listRunArtifacts(runID: run.info.runID, path: nil, project: "vision").entries.isEmpty)
            let audioRunFolder = world.audioRun.info.runID
            #expect(await refused {
                try await world.artifacts.runArtifact(runID: run.info.runID, path: "../../\(audioRunFolder)/artifacts/secret.txt", project: "vision")
            })
        }
    }

    @Test("a metric logged against another project's model is refused exactly as for an unknown model, and nothing is written")
    func modelIDs() async throws {
        try await TwoProjects.with { world in
            let audioModel = try await world.loggedModels.create(
                experimentID: world.audioRun.info.experimentID.description, name: "m", modelType: nil, sourceRunID: nil, tags: [], params: [],
                project: "audio")
            let visionRun = try await world.newRun(in: "vision")
            var messages: [String] = []
            for modelID in [audioModel.id, "m-" + String(repeating: "0", count: 32)] {
                let link = ModelMetricLink(modelID: modelID, datasetName: nil, datasetDigest: nil)
                let metric = Metric(key: "stolen", value: 1, timestamp: 1, step: 0)
                for log in [
                    { try await world.tracking.logMetric(runID: visionRun.info.runID, metric: metric, model: link, project: "vision") },
                    { try await world.tracking.logBatch(runID: visionRun.info.runID, metrics: [metric], params: [], tags: [], modelLinks: [(0, link)], project: "vision") },
                ] {
                    do {
                        try await log()
                        Issue.record("logging against \(modelID) was accepted")
                    } catch let error as StrideError {
                        #expect(error.code == .resourceDoesNotExist)
                        messages.append(error.message.replacingOccurrences(of: modelID, with: "ID"))
                    }
                }
            }
            #expect(Set(messages).count == 1)
            #expect(try await world.loggedModels.model(id: audioModel.id, project: "audio").metrics.isEmpty)
            #expect(try await world.tracking.run(id: visionRun.info.runID, project: "vision").latestMetrics.isEmpty)
        }
    }

    @Test("a run of another project that names a run as its parent is not listed among its children")
    func childRuns() async throws {
        try await TwoProjects.with { world in
            let parentTag = StrideDomain.Tag(key: ReservedTag.parentRunID, value: world.audioRun.info.runID)
            _ = try await world.newRun(in: "vision", tags: [parentTag])
            let ownChild = try await world.tracking.createRun(
                experimentID: world.audioRun.info.experimentID.description, userID: nil, runName: "child", startTime: 2, tags: [parentTag],
                project: "audio")
            let children = try await world.browse.childRuns(of: world.audioRun.info.runID, limit: 10, project: "audio")
            #expect(children.map(\.runID) == [ownChild.info.runID])
        }
    }

    @Test("deleting a project removes its files and cached tokens at once; a new project of the name starts empty")
    func deletion() async throws {
        try await TwoProjects.with { world in
            _ = try await world.projects.create(named: "transient")
            let (_, token) = try await world.access.create(project: "transient", role: .writer)
            _ = try await world.access.authenticate(headerValue: "Bearer \(token)")  // now cached
            try await world.artifacts.upload(to: try ArtifactPath(validating: "notes/a.txt"), body: bytes("a"), project: "transient")
            let folder = world.root + "/workspaces/transient"
            #expect(FileManager.default.fileExists(atPath: folder + "/notes/a.txt"))

            try await world.projects.delete(named: "transient")
            #expect(!FileManager.default.fileExists(atPath: folder))
            await #expect(performing: { _ = try await world.access.authenticate(headerValue: "Bearer \(token)") },
                throws: isStrideError(.unauthenticated))

            // What a racing upload on another instance might leave behind is gone when the name is reused.
            try FileManager.default.createDirectory(atPath: folder + "/notes", withIntermediateDirectories: true)
            try Data("left".utf8).write(to: URL(fileURLWithPath: folder + "/notes/a.txt"))
            _ = try await world.projects.create(named: "transient")
            #expect(try await world.artifacts.list(.root, project: "transient").isEmpty)
        }
    }

    @Test("only the server admin manages projects; another token sees its own project alone")
    func projectManagement() async throws {
        try await TwoProjects.with { world in
            let visionAdmin = Principal(tokenID: "a", project: "vision", role: .admin)
            let defaultWriter = Principal(tokenID: "w", project: Project.defaultName, role: .writer)
            let serverAdmin = Principal(tokenID: "s", project: Project.defaultName, role: .admin)
            #expect(try await world.projects.list(caller: visionAdmin).map(\.name) == ["vision"])
            #expect(try await world.projects.list(caller: defaultWriter).map(\.name) == [Project.defaultName])
            #expect(try await world.projects.list(caller: serverAdmin).map(\.name) == ["audio", "default", "vision"])
            #expect(try await world.projects.list(caller: nil).map(\.name) == ["audio", "default", "vision"])
            #expect(try await world.projects.project(named: "vision", caller: visionAdmin).name == "vision")
            let foreign = await strideError { _ = try await world.projects.project(named: "audio", caller: visionAdmin) }
            let missing = await strideError { _ = try await world.projects.project(named: "nosuch", caller: visionAdmin) }
            #expect(foreign?.code == .resourceDoesNotExist && missing?.code == .resourceDoesNotExist)
            #expect(foreign?.message.replacingOccurrences(of: "audio", with: "X") == missing?.message.replacingOccurrences(of: "nosuch", with: "X"))
            for caller in [visionAdmin, defaultWriter] {
                await #expect(performing: { _ = try await world.projects.create(named: "annexed", caller: caller) }, throws: isStrideError(.permissionDenied))
                await #expect(performing: { try await world.projects.delete(named: "audio", caller: caller) }, throws: isStrideError(.permissionDenied))
            }
            #expect(try await world.projects.create(named: "granted", caller: serverAdmin).name == "granted")
            try await world.projects.delete(named: "granted", caller: serverAdmin)
        }
    }
}
