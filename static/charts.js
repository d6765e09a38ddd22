/* Signwatch charts: uPlot over the JSON block the server rendered (downsampled there). */
(function () {
  "use strict";
  var HOUR = 3600, DAY = 86400;

  function readData() {
    var el = document.getElementById("chart-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function width(el) { return Math.max(320, el.clientWidth || 800); }

  function stepped() { return uPlot.paths.stepped({ align: 1 }); }

  function markDrawn(el, points) {
    el.dataset.points = String(points);
    el.dataset.drawn = "1";
  }

  function growthChart(el, data) {
    var opts = {
      width: width(el), height: 320,
      scales: { x: { time: true } },
      series: [
        { label: "Time" },
        { label: "Headline count", stroke: "#0b5cad", width: 2, paths: stepped(),
          value: function (u, v) { return v == null ? "\u2014" : v.toLocaleString("en-US"); } },
        { label: "Names listed", stroke: "#b5452a", width: 1.5, paths: stepped(),
          value: function (u, v) { return v == null ? "\u2014" : v.toLocaleString("en-US"); } }
      ],
      axes: [{}, { size: 70 }]
    };
    var plot = new uPlot(opts, [data.x, data.reported, data.listed], el);
    markDrawn(el, data.x.length);
    return plot;
  }

  function rateChart(el, data) {
    var opts = {
      width: width(el), height: 200, scales: { x: { time: true } },
      series: [{ label: "Time" },
        { label: "Signatures per hour", stroke: "#2e7d32", width: 1.5, paths: stepped() }],
      axes: [{}, { size: 70 }]
    };
    var plot = new uPlot(opts, [data.rate_x, data.rate], el);
    markDrawn(el, data.rate_x.length);
    return plot;
  }

  function compareChart(el, data) {
    var tables = data.curves.map(function (c) {
      return [c.points.map(function (p) { return p[0]; }), c.points.map(function (p) { return p[1]; })];
    });
    var colours = ["#0b5cad", "#b5452a", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"];
    var series = [{ label: "Hours since first seen" }].concat(data.curves.map(function (c, i) {
      return { label: c.title, stroke: colours[i % colours.length], width: 2, paths: stepped(),
               spanGaps: true };
    }));
    var joined = uPlot.join(tables);
    var plot = new uPlot({ width: width(el), height: 360, scales: { x: { time: false } },
                           series: series, axes: [{}, { size: 70 }] }, joined, el);
    markDrawn(el, joined[0].length);
    return plot;
  }

  function setRange(plot, xs, range, buttons, pressed) {
    if (!xs.length) { return; }
    var max = xs[xs.length - 1];
    var span = range === "day" ? DAY : (range === "week" ? 7 * DAY : null);
    var min = span === null ? xs[0] : Math.max(xs[0], max - span);
    plot.setScale("x", { min: min, max: max === min ? max + HOUR : max });
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === pressed)); });
  }

  function wireRanges(plot, xs) {
    var buttons = Array.prototype.slice.call(document.querySelectorAll("[data-range]"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        setRange(plot, xs, button.dataset.range, buttons, button);
      });
    });
  }

  function wirePng(plots) {
    document.querySelectorAll(".download-png").forEach(function (button) {
      button.addEventListener("click", function () {
        var plot = plots[button.dataset.target];
        if (!plot) { return; }
        plot.ctx.canvas.toBlob(function (blob) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = button.dataset.target + ".png";
          document.body.appendChild(a);
          a.click();
          a.remove();
          URL.revokeObjectURL(a.href);
        }, "image/png");
      });
    });
  }

  function draw() {
    var data = readData();
    if (!data || typeof uPlot === "undefined") { return; }
    var plots = {};
    var growth = document.getElementById("growth-chart");
    if (growth) {
      plots["growth-chart"] = growthChart(growth, data);
      wireRanges(plots["growth-chart"], data.x);
    }
    var rate = document.getElementById("rate-chart");
    if (rate) { plots["rate-chart"] = rateChart(rate, data); }
    var compare = document.getElementById("compare-chart");
    if (compare) { plots["compare-chart"] = compareChart(compare, data); }
    wirePng(plots);
    window.addEventListener("resize", function () {
      Object.keys(plots).forEach(function (id) {
        var el = document.getElementById(id);
        plots[id].setSize({ width: width(el), height: plots[id].height });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
