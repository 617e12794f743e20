import Hummingbird
import NIOCore

/// The one stylesheet and the small optional scripts, served from `/static/` because the page
/// policy allows no inline styles or scripts.
enum StaticAssets {
    static var stylesheet: Response { asset(StaticAssets.css + "\n" + StaticAssets.cssDetailPages, type: "text/css; charset=utf-8") }
    static var script: Response { asset(StaticAssets.js, type: "text/javascript; charset=utf-8") }
    static var chartHoverScript: Response { asset(ChartHoverScript.source, type: "text/javascript; charset=utf-8") }
    static var mlflowLinksScript: Response { asset(MLflowUILink.script, type: "text/javascript; charset=utf-8") }

    private static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Progressive enhancements only: "select all" for the runs table and "copy" buttons.
    static let js = #"""
        document.addEventListener('DOMContentLoaded', function () {
          document.querySelectorAll('input.select-all').forEach(function (box) {
            box.addEventListener('change', function () {
              box.closest('form').querySelectorAll('input[name="run"]').forEach(function (run) { run.checked = box.checked; });
            });
          });
          if (navigator.clipboard) {
            document.querySelectorAll('button.copy').forEach(function (button) {
              button.hidden = false;
              button.addEventListener('click', function () { navigator.clipboard.writeText(button.dataset.copy); });
            });
          }
        });
        """#
}
