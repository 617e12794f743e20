/// The script served as `/static/chart-hover.js`: while the pointer is over a line chart's plot area it
/// draws a guide line, a dot on each series and a box with each series' nearest value.
///
/// It reads only the `data-` attributes `LineChart` writes (see there), builds its elements with DOM
/// calls and `textContent` (so labels stay text), and adds listeners with `addEventListener`: no
/// `eval`, no inline handlers, no styles, so it runs under a strict Content-Security-Policy. Charts
/// read fully without it.
enum ChartHoverScript {
    static let source: String = #"""
    // Stride chart hover: nearest values under the pointer for server-rendered line charts.
    (function () {
      "use strict";
      var SVG_NS = "http://www.w3.org/2000/svg";
      var MAX_ROWS = 12;

      function numbers(text) {
        return (text || "").trim().split(/\s+/).map(Number);
      }

      function parsePoints(text) {
        var xs = [], ys = [];
        (text || "").trim().split(/\s+/).forEach(function (pair) {
          var comma = pair.indexOf(",");
          if (comma > 0) {
            xs.push(Number(pair.slice(0, comma)));
            ys.push(Number(pair.slice(comma + 1)));
          }
        });
        return { xs: xs, ys: ys };
      }

      function nearestIndex(xs, x) {
        var low = 0, high = xs.length - 1;
        if (high < 0) return -1;
        while (low < high) {
          var middle = (low + high) >> 1;
          if (xs[middle] < x) low = middle + 1; else high = middle;
        }
        if (low > 0 && Math.abs(xs[low - 1] - x) <= Math.abs(xs[low] - x)) low -= 1;
        return low;
      }

      function formatX(axis, x) {
        if (axis === "wall-time") return new Date(x).toISOString().replace("T", " ").slice(0, 19) + " UTC";
        if (axis === "relative-time") {
          if (x < 120000) return +(x / 1000).toFixed(1) + "s";
          if (x < 7200000) return +(x / 60000).toFixed(1) + "min";
          return +(x / 3600000).toFixed(2) + "h";
        }
        return "step " + x;
      }

      function formatY(y) {
        var size = Math.abs(y);
        if (y === 0 || (size >= 1e-4 && size < 1e15)) return String(Number(y.toPrecision(6)));
        return y.toExponential(3);
      }

      function element(name, attributes) {
        var node = document.createElementNS(SVG_NS, name);
        Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
        return node;
      }

      function clear(node) {
        while (node.firstChild) node.removeChild(node.firstChild);
      }

      function attach(svg) {
        var plot = numbers(svg.getAttribute("data-plot"));
        var xDomain = numbers(svg.getAttribute("data-x-domain"));
        var yDomain = numbers(svg.getAttribute("data-y-domain"));
        if (plot.length !== 4 || xDomain.length !== 2 || yDomain.length !== 2) return;
        var logY = svg.getAttribute("data-y-scale") === "log";
        var axis = svg.getAttribute("data-x-axis");
        var series = Array.prototype.map.call(svg.querySelectorAll("g.series[data-points]"), function (group) {
          var points = parsePoints(group.getAttribute("data-points"));
          return { label: group.getAttribute("data-label") || "", color: group.getAttribute("data-color") || "#333333",
                   xs: points.xs, ys: points.ys };
        }).filter(function (s) { return s.xs.length > 0; });
        if (series.length === 0) return;

        var yLow = logY ? Math.log10(yDomain[0]) : yDomain[0];
        var yHigh = logY ? Math.log10(yDomain[1]) : yDomain[1];
        function pixelX(x) { return plot[0] + (x - xDomain[0]) / (xDomain[1] - xDomain[0]) * (plot[2] - plot[0]); }
        function pixelY(y) {
          var v = logY ? Math.log10(y) : y;
          return plot[3] - (v - yLow) / (yHigh - yLow) * (plot[3] - plot[1]);
        }

        var layer = element("g", { "class": "hover", "pointer-events": "none" });
        var guide = element("line", { "class": "hover-guide", y1: plot[1], y2: plot[3], stroke: "#888888", "stroke-dasharray": "3 3" });
        var dots = element("g", {});
        var box = element("rect", { "class": "hover-box", fill: "#ffffff", stroke: "#cccccc", rx: 3, opacity: 0.95 });
        var text = element("text", { "class": "hover-text", "font-size": 11 });
        [guide, dots, box, text].forEach(function (node) { layer.appendChild(node); });

        function hide() {
          if (layer.parentNode) layer.parentNode.removeChild(layer);
        }

        function addLine(content, color) {
          var line = element("tspan", { x: 0, dy: 14 });
          if (color) line.setAttribute("fill", color);
          line.textContent = content;
          text.appendChild(line);
        }

        svg.addEventListener("mousemove", function (event) {
          var matrix = svg.getScreenCTM();
          if (!matrix) return;
          var point = svg.createSVGPoint();
          point.x = event.clientX;
          point.y = event.clientY;
          var local = point.matrixTransform(matrix.inverse());
          if (local.x < plot[0] || local.x > plot[2] || local.y < plot[1] || local.y > plot[3]) { hide(); return; }
          var x = xDomain[0] + (local.x - plot[0]) / (plot[2] - plot[0]) * (xDomain[1] - xDomain[0]);

          var rows = series.map(function (s) {
            var index = nearestIndex(s.xs, x);
            return { label: s.label, color: s.color, x: s.xs[index], y: s.ys[index] };
          });
          clear(dots);
          clear(text);
          rows.forEach(function (row) {
            dots.appendChild(element("circle", { cx: pixelX(row.x), cy: pixelY(row.y), r: 3, fill: row.color }));
          });
          addLine(formatX(axis, rows[0].x));
          rows.slice(0, MAX_ROWS).forEach(function (row) { addLine(row.label + ": " + formatY(row.y), row.color); });
          if (rows.length > MAX_ROWS) addLine("+" + (rows.length - MAX_ROWS) + " more");

          guide.setAttribute("x1", local.x);
          guide.setAttribute("x2", local.x);
          if (!layer.parentNode) svg.appendChild(layer);
          var size = text.getBBox();
          var left = local.x + 12 + size.width + 12 > plot[2] ? local.x - 12 - size.width - 8 : local.x + 12;
          var top = Math.max(plot[1], Math.min(local.y - size.height / 2, plot[3] - size.height - 8));
          text.setAttribute("transform", "translate(" + (left + 4) + " " + (top - 6) + ")");
          Array.prototype.forEach.call(text.childNodes, function (line) { line.setAttribute("x", 0); });
          box.setAttribute("x", left);
          box.setAttribute("y", top);
          box.setAttribute("width", size.width + 8);
          box.setAttribute("height", size.height + 8);
        });
        svg.addEventListener("mouseleave", hide);
      }

      function start() {
        Array.prototype.forEach.call(document.querySelectorAll("svg.chart-line[data-plot]"), attach);
      }

      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
      else start();
    })();
    """#
}
