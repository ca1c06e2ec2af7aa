/**
 * The dashboard's own script, inlined after d3 and Plot: draws each chart from the embedded
 * model, wires the failing-machines filters, and marks the page ready for the PDF printer.
 * Plain ES2017 in a string, so it reaches the page unchanged from the sources and the bundle.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  "use strict";
  var model = JSON.parse(document.getElementById("dashboard-data").textContent);
  // Time axes read in the town's zone: Plot's "utc" scale drawn over each instant's wall clock
  // there, so a 02:15 run is at 02:15 whatever zone the browser (or the PDF printer) is in.
  var zoneClock = new Intl.DateTimeFormat("en-US", {
    timeZone: model.timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  function wallClock(iso) {
    var p = {};
    zoneClock.formatToParts(new Date(iso)).forEach(function (part) { p[part.type] = part.value; });
    return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second));
  }
  var timeAxis = { type: "utc", label: model.timeZone };
  var timeTip = { format: { x: "%Y-%m-%d %H:%M" }, lineWidth: 40 };
  function chartWidth(el) {
    var w = el.clientWidth || 680;
    return Math.max(320, Math.min(w, 960));
  }

  function objectiveChart(key, label) {
    return function (el) {
      var points = [];
      var targets = {};
      model.backups.drills.forEach(function (d) {
        var o = d[key];
        if (!o) return;
        targets[d.runbook + "\u0000" + o.targetSeconds] = { runbook: d.runbook, target: o.targetSeconds / 60 };
        if (o.achievedSeconds === undefined) return;
        points.push({
          at: wallClock(d.entry.at),
          runbook: d.runbook,
          minutes: o.achievedSeconds / 60,
          outcome: o.met === false ? "missed target" : d.passed ? "met" : "drill failed",
        });
      });
      var rules = Object.keys(targets).map(function (k) { return targets[k]; });
      return Plot.plot({
        width: chartWidth(el),
        height: 260,
        marginLeft: 56,
        ariaLabel: el.getAttribute("aria-label"),
        x: timeAxis,
        y: { label: label, grid: true, zero: true },
        color: { legend: true },
        symbol: { legend: true, domain: ["met", "missed target", "drill failed"], range: ["circle", "cross", "triangle"] },
        marks: [
          Plot.ruleY(rules, { y: "target", stroke: "runbook", strokeDasharray: "6,4", strokeWidth: 1.5 }),
          Plot.lineY(points, { x: "at", y: "minutes", stroke: "runbook", strokeOpacity: 0.6 }),
          Plot.dot(points, { x: "at", y: "minutes", stroke: "runbook", symbol: "outcome", r: 4, tip: timeTip }),
        ],
      });
    };
  }

  function groupChart(rows) {
    return function (el) {
      return Plot.plot({
        width: chartWidth(el),
        height: 40 + rows.length * 26,
        marginLeft: 150,
        marginRight: 48,
        ariaLabel: el.getAttribute("aria-label"),
        x: { domain: [0, 100], label: "score", grid: true },
        y: { label: null },
        marks: [
          Plot.barX(rows, { x: "score", y: "name", fill: "#3b6ea8", sort: { y: "x" } }),
          Plot.text(rows, { x: "score", y: "name", text: function (d) { return d.score.toFixed(1); }, dx: 4, textAnchor: "start", fill: "#1a1a1a" }),
          Plot.ruleX([0]),
        ],
      });
    };
  }

  var charts = {
    rto: objectiveChart("rto", "recovery time, minutes"),
    rpo: objectiveChart("rpo", "data loss window, minutes"),
    score: function (el) {
      var points = model.compliance.trend.map(function (p) {
        return { at: wallClock(p.at), score: p.score, gate: p.gatePassed ? "passed" : "failed" };
      });
      return Plot.plot({
        width: chartWidth(el),
        height: 240,
        marginLeft: 48,
        ariaLabel: el.getAttribute("aria-label"),
        x: timeAxis,
        y: { domain: [0, 100], label: "fleet score", grid: true },
        marks: [
          Plot.lineY(points, { x: "at", y: "score", stroke: "#3b6ea8" }),
          Plot.dot(points.filter(function (p) { return p.gate === "failed"; }), { x: "at", y: "score", fill: "#b3261e", r: 2.5 }),
        ],
      });
    },
    departments: groupChart(model.compliance.byDepartment),
    sites: groupChart(model.compliance.bySite),
    cost: function (el) {
      var points = model.infrastructure.costTrend.map(function (p) {
        return { at: wallClock(p.at), stack: p.stack, usd: p.monthlyCostUsd };
      });
      return Plot.plot({
        width: chartWidth(el),
        height: 220,
        marginLeft: 56,
        ariaLabel: el.getAttribute("aria-label"),
        x: timeAxis,
        y: { label: "USD per month", grid: true, zero: true },
        color: { legend: true },
        marks: [
          Plot.lineY(points, { x: "at", y: "usd", stroke: "stack", curve: "step-after" }),
          Plot.dot(points, { x: "at", y: "usd", stroke: "stack", r: 3 }),
        ],
      });
    },
  };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var draw = charts[el.getAttribute("data-chart")];
    if (!draw) throw new Error("no chart named " + el.getAttribute("data-chart"));
    var chart = draw(el);
    chart.setAttribute("aria-hidden", "true");
    el.appendChild(chart);
    el.setAttribute("data-rendered", "true");
  });

  // The failing-machines filters: department, site, control and free text.
  var form = document.getElementById("machine-filters");
  var table = document.getElementById("machines-table");
  if (form && table) {
    form.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var department = document.getElementById("filter-department");
    var site = document.getElementById("filter-site");
    var control = document.getElementById("filter-control");
    var text = document.getElementById("filter-text");
    var count = document.getElementById("machine-count");
    var apply = function () {
      var d = department.value, s = site.value, c = control.value;
      var q = text.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (tr) {
        var ok =
          (d === "" || tr.getAttribute("data-department") === d) &&
          (s === "" || tr.getAttribute("data-site") === s) &&
          (c === "" || (" " + tr.getAttribute("data-controls") + " ").indexOf(" " + c + " ") >= 0) &&
          (q === "" || tr.getAttribute("data-search").indexOf(q) >= 0);
        tr.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " machines shown";
    };
    [department, site, control].forEach(function (el) { el.addEventListener("change", apply); });
    text.addEventListener("input", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    document.querySelectorAll("a[data-filter-control]").forEach(function (a) {
      a.addEventListener("click", function () {
        department.value = "";
        site.value = "";
        text.value = "";
        control.value = a.getAttribute("data-filter-control");
        apply();
      });
    });
    apply();
  }
  document.documentElement.setAttribute("data-charts", "ready");
})();
`;
