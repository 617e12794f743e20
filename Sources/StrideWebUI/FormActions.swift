import Hummingbird
import StrideDomain
import StrideService

/// Every state-changing action the UI offers, as POSTed forms answered with a redirect.
///
/// All of them pass through ``handle(_:context:action:)``, the one place where a CSRF check will
/// go once logins exist.
struct FormActions: Sendable {
    let ui: WebUI

    /// A form is a few fields; anything larger is not one of ours.
    static let maxFormBytes = 256 * 1024

    func register<Context: RequestContext>(on router: Router<Context>) {
        let tracking = ui.tracking
        post(router, "/experiments/create") { form, _ in
            guard let name = form.nonEmpty("name") else { throw StrideError.missingValue("name") }
            let id = try await tracking.createExperiment(name: name, artifactLocation: nil, tags: [], project: TrackingService.defaultProject)
            return "/experiments/\(id)"
        }
        post(router, "/experiments/:experiment_id/rename") { form, parameters in
            try await tracking.renameExperiment(id: try parameters.require("experiment_id"), newName: form["name"] ?? "")
            return Self.back(form, otherwise: "/")
        }
        post(router, "/experiments/:experiment_id/delete") { form, parameters in
            try await tracking.deleteExperiment(id: try parameters.require("experiment_id"))
            return Self.back(form, otherwise: "/")
        }
        post(router, "/experiments/:experiment_id/restore") { form, parameters in
            try await tracking.restoreExperiment(id: try parameters.require("experiment_id"))
            return Self.back(form, otherwise: "/")
        }
        post(router, "/runs/delete") { form, _ in
            for runID in form.distinct("run") { try await tracking.deleteRun(id: runID) }
            return Self.back(form, otherwise: "/")
        }
        post(router, "/runs/restore") { form, _ in
            for runID in form.distinct("run") { try await tracking.restoreRun(id: runID) }
            return Self.back(form, otherwise: "/")
        }
    }

    /// Registers one action: `perform` changes state and names the page to show next.
    private func post<Context: RequestContext>(
        _ router: Router<Context>, _ path: RouterPath,
        _ perform: @escaping @Sendable (FormFields, Parameters) async throws -> String
    ) {
        router.post(path) { request, context in
            await handle(request, context: context) { form in try await perform(form, context.parameters) }
        }
    }

    private func handle<Context: RequestContext>(
        _ request: Request, context: Context, action: (FormFields) async throws -> String
    ) async -> Response {
        await ui.respond(logger: context.logger) {
            let body = try await request.body.collect(upTo: Self.maxFormBytes)
            let form = FormFields(urlEncoded: String(buffer: body))
            return HTMLResponse.redirect(to: try await action(form))
        }
    }

    /// The page the form came from (`back`), if it is a path on this site; never another origin.
    static func back(_ form: FormFields, otherwise fallback: String) -> String {
        guard let back = form["back"], back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\") else { return fallback }
        return back
    }
}
