import Hummingbird
import HTTPTypes
import NIOCore

/// Responses the UI sends: pages, redirects after a form, and errors as pages.
enum HTMLResponse {
    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303, so the browser follows a POSTed form with a GET and a reload does not repeat it.
    /// The location is always a path on this site (``LocalRedirect``), whoever computed it.
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: LocalRedirect.path(location, otherwise: "/")], body: ResponseBody())
    }
}
