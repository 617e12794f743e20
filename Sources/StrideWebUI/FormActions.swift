import Hummingbird
import StrideDomain
import StrideService

/// Every state-changing action the UI offers, as POSTed forms answered with a redirect.
///
/// All of them pass through ``handle(_:context:needed:action:)``: the same-origin check against
/// cross-site forms, then (with auth on) the signed-in viewer's role in its project. The services
/// check that the ids belong to that project.
struct FormActions: Sendable {
    let ui: WebUI

    func register<Context: RequestContext>(on router: UIRoutes<Context>) {
        let tracking = ui.tracking
        post(router, "/experiments/create", needs: .writer) { form, _ in
            guard let name = form.nonEmpty("name") else { throw StrideError.missingValue("name") }
            let id = try await tracking.createExperiment(name: name, artifactLocation: nil, tags: [], project: ProjectContext.current)
            return "/experiments/\(id)"
        }
        post(router, "/experiments/:experiment_id/rename", needs: .writer) { form, parameters in
            try await tracking.renameExperiment(id: try parameters.require("experiment_id"), newName: form["name"] ?? "")
            return Self.back(form, otherwise: "/")
        }
        post(router, "/experiments/:experiment_id/delete", needs: .maintainer) { form, parameters in
            try await tracking.deleteExperiment(id: try parameters.require("experiment_id"))
            return Self.back(form, otherwise: "/")
        }
        post(router, "/experiments/:experiment_id/restore", needs: .maintainer) { form, parameters in
            try await tracking.restoreExperiment(id: try parameters.require("experiment_id"))
            return Self.back(form, otherwise: "/")
        }
        post(router, "/runs/delete", needs: .maintainer) { form, _ in
            for runID in form.distinct("run") { try await tracking.deleteRun(id: runID) }
            return Self.back(form, otherwise: "/")
        }
        post(router, "/runs/restore", needs: .maintainer) { form, _ in
            for runID in form.distinct("run") { try await tracking.restoreRun(id: runID) }
            return Self.back(form, otherwise: "/")
        }
    }

    /// Registers one action: `perform` changes state and names the page to show next.
    private func post<Context: RequestContext>(
        _ router: UIRoutes<Context>, _ path: String, needs needed: Role,
        _ perform: @escaping @Sendable (FormFields, Parameters) async throws -> String
    ) {
        router.post(path, access: needed) { request, context in
            await handle(request, context: context, needed: needed) { form in try await perform(form, context.parameters) }
        }
    }

    private func handle<Context: RequestContext>(
        _ request: Request, context: Context, needed: Role, action: @escaping (FormFields) async throws -> String
    ) async -> Response {
        guard SameOriginCheck.allows(request) else { return ui.crossSiteRefusal() }
        return await ui.respond(logger: context.logger) {
            try await ui.admitted(request, needed: needed) {
                let form = try await FormFields.read(request)
                return HTMLResponse.redirect(to: try await action(form))
            }
        }
    }

    /// The page the form came from (`back`), if it is a path on this site; never another origin.
    static func back(_ form: FormFields, otherwise fallback: String) -> String {
        LocalRedirect.path(form["back"], otherwise: fallback)
    }
}
