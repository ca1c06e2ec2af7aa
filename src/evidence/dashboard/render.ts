/**
 * Renders the dashboard model as one self-contained HTML file: tables rendered here (readable
 * without JavaScript and in print), charts drawn in the page by the inlined Plot library from the
 * embedded model, artifacts linked by their SHA-256 path relative to the page. Nothing is fetched.
 */
import { clockInZone, dayInZone, isCalendarDay } from "../../support/calendar-day.js";
import { VERSION } from "../../support/version.js";
import { chartLibrary } from "./chart-library.js";
import { CLIENT_SCRIPT } from "./client-script.js";
import { DASHBOARD_CSS } from "./style.js";
import type {
  ArtifactRef,
  CoverageRow,
  DashboardModel,
  DrillPoint,
  EntryRef,
  FailingMachineRow,
  GroupRow,
  ObjectivePoint,
} from "./model.js";

export interface RenderOptions {
  /** The ledger's objects/ folder relative to the page, with "/" separators. Default "ledger/objects". */
  readonly objectsHref?: string;
  /** Drills listed in the history table (all are charted). Default 30. */
  readonly drillRows?: number;
}

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON that cannot end its <script> element or break a JavaScript string. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A library's source made safe to inline in a <script> element. */
function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

const e = escapeHtml;

/** 45 s, 12 min, 3 h 05 min, 2 d 4 h. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function badge(ok: boolean | undefined, text: string): string {
  const cls = ok === undefined ? "neutral" : ok ? "ok" : "bad";
  return `<span class="badge ${cls}">${e(text)}</span>`;
}

function verdictBadge(verdict: string): string {
  return badge(verdict === "passed" ? true : verdict === "" ? undefined : false, verdict);
}

/** A slug safe in an id and a URL fragment, unique through `taken`. */
function idFor(prefix: string, name: string, taken: Map<string, number>): string {
  const base = `${prefix}-${name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60)}`;
  const n = taken.get(base) ?? 0;
  taken.set(base, n + 1);
  return n === 0 ? base : `${base}-${n + 1}`;
}

class Renderer {
  private readonly objects: string;
  private readonly drillRows: number;
  private readonly machineIds = new Map<string, string>();
  private readonly controlIds = new Map<string, string>();
  private readonly zone: string;

  constructor(
    private readonly model: DashboardModel,
    options: RenderOptions,
  ) {
    this.objects = (options.objectsHref ?? "ledger/objects").replace(/\/+$/, "");
    this.drillRows = options.drillRows ?? 30;
    this.zone = model.timeZone;
    const taken = new Map<string, number>();
    for (const m of model.compliance.failingMachines)
      this.machineIds.set(m.machine, idFor("machine", m.machine, taken));
    for (const c of model.compliance.worstControls)
      this.controlIds.set(c.control, idFor("control", c.control, taken));
  }

  /** `2026-06-29 22:14 EDT`: the wall clock of the workspace's zone. */
  when(iso: string): string {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return e(iso);
    return `<time datetime="${e(d.toISOString())}">${e(clockInZone(d, this.zone))}</time>`;
  }

  /** A calendar day: a YYYY-MM-DD as given, an instant as the day it fell on in the zone. */
  day(iso: string): string {
    if (isCalendarDay(iso)) return `<time datetime="${e(iso)}">${e(iso)}</time>`;
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return e(iso);
    return `<time datetime="${e(d.toISOString())}">${e(dayInZone(d, this.zone).date)}</time>`;
  }

  entryRef(r: EntryRef): string {
    return `<span class="entry" title="entry ${r.seq}, sha256 ${e(r.hash)}">#${r.seq} ${e(r.kind)} ${e(r.subject)}, ${this.day(r.at)}</span>`;
  }

  artifact(a: ArtifactRef): string {
    const href = `${this.objects}/${a.sha256.slice(0, 2)}/${a.sha256}`;
    return `<a class="artifact" href="${e(encodeURI(href))}" title="sha256 ${e(a.sha256)}">${e(a.name)}</a> <span class="muted">(${bytes(a.bytes)})</span>`;
  }

  artifacts(list: readonly ArtifactRef[]): string {
    return list.length === 0
      ? `<span class="muted">none</span>`
      : `<ul class="plain">${list.map((a) => `<li>${this.artifact(a)}</li>`).join("")}</ul>`;
  }

  page(): string {
    const m = this.model;
    const lib = chartLibrary();
    const title = `Evidence dashboard${m.town === "" ? "" : ` — ${m.town}`}`;
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="stronghold ${e(VERSION)}">
<title>${e(title)}, ${e(dayInZone(new Date(m.at), this.zone).date)}</title>
<style>${DASHBOARD_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the dashboard</a>
<header class="page-header">
<h1>${e(title)}</h1>
<p class="lede">As of ${this.when(m.at)}: ${m.ledger.entries} ledger ${m.ledger.entries === 1 ? "entry" : "entries"}${
      m.ledger.firstAt === undefined
        ? ""
        : ` from ${this.day(m.ledger.firstAt)} to ${this.day(m.ledger.lastAt ?? m.ledger.firstAt)}`
    }.${m.ledger.lastHash === undefined ? "" : ` Last entry hash <code class="hash">${e(m.ledger.lastHash)}</code>.`}</p>
<nav aria-label="Sections"><ul>
<li><a href="#backups">Backups</a></li>
<li><a href="#compliance">Compliance</a></li>
<li><a href="#infrastructure">Infrastructure</a></li>
<li><a href="#lifecycle">Lifecycle</a></li>
<li><a href="#coverage">Framework coverage</a></li>
</ul></nav>
${this.summary()}
</header>
<main id="main">
${this.backups()}
${this.compliance()}
${this.infrastructure()}
${this.lifecycle()}
${this.coverage()}
</main>
<footer>
<p>Written by stronghold ${e(VERSION)} on ${this.when(m.generatedAt)} from the evidence ledger. Check the ledger's chain and artifacts with <code>stronghold evidence verify</code>; artifact links open the stored files by their SHA-256.</p>
</footer>
<script type="application/json" id="dashboard-data">${scriptJson(m)}</script>
<script>${inlineScript(lib.d3)}</script>
<script>${inlineScript(lib.plot)}</script>
<script>${inlineScript(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
  }

  summary(): string {
    const m = this.model;
    const c = m.compliance.latest;
    const systems = m.backups.systems;
    const recent = systems.filter(
      (s) => s.daysSinceVerified !== undefined && s.daysSinceVerified <= 90,
    );
    const mandatory = m.infrastructure.plans.reduce((n, p) => n + p.mandatory, 0);
    const ig1 = m.coverage.cis.filter((r) => r.ig === 1);
    const tile = (label: string, value: string, ok: boolean | undefined, href: string) =>
      `<li class="tile ${ok === undefined ? "" : ok ? "tile-ok" : "tile-bad"}"><a href="${href}"><span class="tile-value">${value}</span><span class="tile-label">${e(label)}</span></a></li>`;
    return `<ul class="tiles" aria-label="Summary">
${tile("systems restored and verified in the last 90 days", `${recent.length} of ${systems.length}`, systems.length === 0 ? undefined : recent.length === systems.length, "#backups")}
${tile(c === undefined ? "no check in the ledger" : `fleet score, gate ${c.gatePassed ? "passed" : "failed"}`, c === undefined ? "—" : c.score.toFixed(1), c?.gatePassed, "#compliance")}
${tile("mandatory policy violations in the last plans", String(mandatory), m.infrastructure.plans.length === 0 ? undefined : mandatory === 0, "#infrastructure")}
${tile(`CIS IG1 safeguards evidenced in ${m.coverage.windowDays} days`, `${ig1.filter((r) => r.evidencedBy).length} of ${ig1.length}`, undefined, "#coverage")}
</ul>`;
  }

  objective(o: ObjectivePoint | undefined): string {
    if (o === undefined) return `<span class="muted">—</span>`;
    const achieved = o.achievedSeconds === undefined ? "not reached" : duration(o.achievedSeconds);
    const verdict = o.met === undefined ? "" : ` ${badge(o.met, o.met ? "met" : "missed")}`;
    return `${achieved} <span class="muted">/ ${duration(o.targetSeconds)}</span>${verdict}`;
  }

  chart(name: string, label: string, caption: string, fallback: string): string {
    return `<figure class="chart">
<div class="plot" data-chart="${e(name)}" role="img" aria-label="${e(label)}"><noscript><p class="muted">The chart needs JavaScript; its figures are in the table below.</p></noscript></div>
<figcaption>${caption}</figcaption>
${fallback}
</figure>`;
  }

  backups(): string {
    const { systems, drills } = this.model.backups;
    const systemRows = systems
      .map((s) => {
        const v = s.lastVerified;
        const last = s.lastDrill;
        return `<tr>
<th scope="row">${e(s.system)}</th>
<td>${v === undefined ? badge(false, "never verified") : `${this.day(v.entry.at)}<br><span class="muted">${e(v.runbook)}</span>`}</td>
<td class="num">${s.daysSinceVerified === undefined ? "—" : s.daysSinceVerified}</td>
<td>${this.objective(v?.rto)}</td>
<td>${this.objective(v?.rpo)}</td>
<td>${verdictBadge(last.verdict)} ${this.day(last.entry.at)}${last.failedAt === undefined ? "" : `<br><span class="muted">at ${e(last.failedAt)}</span>`}</td>
</tr>`;
      })
      .join("\n");
    const recent = drills.slice(-this.drillRows).reverse();
    const drillTable = this.drillTable(recent, drills.length);
    const withRto = drills.some((d) => d.rto?.achievedSeconds !== undefined);
    const withRpo = drills.some((d) => d.rpo?.achievedSeconds !== undefined);
    return `<section id="backups" aria-labelledby="backups-title">
<h2 id="backups-title">Backups</h2>
${
  systems.length === 0
    ? `<p class="empty">No drill in the ledger yet: run <code>stronghold drill</code> or the nightly <code>stronghold run</code>.</p>`
    : `<div class="table-wrap"><table>
<caption>Last verified restore per system</caption>
<thead><tr><th scope="col">System</th><th scope="col">Last verified restore</th><th scope="col">Days since</th><th scope="col">RTO achieved / target</th><th scope="col">RPO achieved / target</th><th scope="col">Last drill</th></tr></thead>
<tbody>
${systemRows}
</tbody></table></div>`
}
${withRto ? this.chart("rto", "Recovery time of each drill over time, with each runbook's RTO target as a dashed rule", "Recovery time (RTO) of each drill; dashed rules are the targets.", "") : ""}
${withRpo ? this.chart("rpo", "Data loss window of each drill over time, with each runbook's RPO target as a dashed rule", "Data loss window (RPO) of each drill; dashed rules are the targets.", "") : ""}
${drills.length === 0 ? "" : drillTable}
</section>`;
  }

  drillTable(rows: readonly DrillPoint[], total: number): string {
    const body = rows
      .map(
        (d) => `<tr>
<td>${this.when(d.entry.at)}</td>
<th scope="row">${e(d.runbook)}</th>
<td>${verdictBadge(d.verdict)}${d.failedAt === undefined ? "" : `<br><span class="muted">at ${e(d.failedAt)}</span>`}${d.reasons.length === 0 ? "" : `<ul class="reasons">${d.reasons.map((r) => `<li>${e(r)}</li>`).join("")}</ul>`}</td>
<td>${d.systems.map(e).join(", ")}</td>
<td>${this.objective(d.rto)}</td>
<td>${this.objective(d.rpo)}</td>
<td class="num">${d.verifiedFiles.toLocaleString("en-US")} files<br>${bytes(d.verifiedBytes)}</td>
<td>${this.artifacts(d.artifacts)}</td>
</tr>`,
      )
      .join("\n");
    return `<div class="table-wrap"><table id="drills-table">
<caption>Drills, newest first${total > rows.length ? ` (the latest ${rows.length} of ${total}; the charts show all)` : ""}</caption>
<thead><tr><th scope="col">When</th><th scope="col">Runbook</th><th scope="col">Verdict</th><th scope="col">Systems</th><th scope="col">RTO</th><th scope="col">RPO</th><th scope="col">Verified</th><th scope="col">Artifacts</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
  }

  groupTable(caption: string, head: string, rows: readonly GroupRow[]): string {
    return `<div class="table-wrap"><table>
<caption>${e(caption)}</caption>
<thead><tr><th scope="col">${e(head)}</th><th scope="col">Score</th><th scope="col">Machines</th><th scope="col">Failing results</th></tr></thead>
<tbody>
${rows.map((r) => `<tr><th scope="row">${e(r.name)}</th><td class="num">${r.score.toFixed(1)}</td><td class="num">${r.machines}</td><td class="num">${r.failures}</td></tr>`).join("\n")}
</tbody></table></div>`;
  }

  compliance(): string {
    const c = this.model.compliance;
    const latest = c.latest;
    if (latest === undefined)
      return `<section id="compliance" aria-labelledby="compliance-title">
<h2 id="compliance-title">Compliance</h2>
<p class="empty">No check in the ledger yet: run <code>stronghold check</code> or the nightly <code>stronghold run</code>.</p>
</section>`;
    const counts = latest.counts;
    const trendRows = monthly(c.trend, this.zone);
    return `<section id="compliance" aria-labelledby="compliance-title">
<h2 id="compliance-title">Compliance</h2>
<p>Latest check ${this.entryRef(latest.entry)}: fleet score <strong>${latest.score.toFixed(1)}</strong>, gate ${badge(latest.gatePassed, latest.gatePassed ? "passed" : "failed")}, ${latest.machines} machines; ${counts.pass} passed, ${counts.fail} failed, ${counts.waived} waived, ${counts["not-applicable"]} not applicable, ${counts.error} errors. Report: ${latest.artifacts.length === 0 ? `<span class="muted">none stored</span>` : latest.artifacts.map((a) => this.artifact(a)).join(", ")}.</p>
${latest.reportProblem === undefined ? "" : `<p class="note">Per-machine evidence and remediation are missing: ${e(latest.reportProblem)}. Failing controls come from the entry's figures.</p>`}
${this.chart(
  "score",
  "Fleet compliance score over time, 0 to 100; red dots are checks whose gate failed",
  "Fleet score of every check; red dots: the gate failed.",
  `<div class="table-wrap"><table class="compact"><caption>Fleet score, last check of each month</caption>
<thead><tr><th scope="col">Month</th><th scope="col">Score</th><th scope="col">Gate</th></tr></thead>
<tbody>${trendRows.map((p) => `<tr><th scope="row">${e(p.at.slice(0, 7))}</th><td class="num">${p.score.toFixed(1)}</td><td>${badge(p.gatePassed, p.gatePassed ? "passed" : "failed")}</td></tr>`).join("")}</tbody></table></div>`,
)}
<h3 id="by-department">By department</h3>
${c.byDepartment.length === 0 ? `<p class="empty">No departments in the latest check.</p>` : this.chart("departments", "Compliance score by department, 0 to 100", "Score by department on the latest check.", this.groupTable("Score by department", "Department", c.byDepartment))}
<h3 id="by-site">By site</h3>
${c.bySite.length === 0 ? `<p class="empty">No sites in the latest check.</p>` : this.chart("sites", "Compliance score by site, 0 to 100", "Score by site on the latest check.", this.groupTable("Score by site", "Site", c.bySite))}
${this.controlsTable()}
${this.machinesTable(c.failingMachines)}
${this.waiversTable()}
</section>`;
  }

  controlsTable(): string {
    const c = this.model.compliance;
    const remediation = new Map<string, string>();
    for (const m of c.failingMachines)
      for (const f of m.controls)
        if (f.remediation !== undefined && !remediation.has(f.control))
          remediation.set(f.control, f.remediation);
    return `<h3 id="failing-controls">Failing controls, worst first</h3>
${
  c.worstControls.length === 0
    ? `<p class="empty">No control fails on the latest check.</p>`
    : `<div class="table-wrap"><table>
<caption>Controls by the number of machines failing them on the latest check</caption>
<thead><tr><th scope="col">Control</th><th scope="col">Severity</th><th scope="col">Machines</th><th scope="col">Remediation</th></tr></thead>
<tbody>
${c.worstControls
  .map(
    (w) => `<tr id="${e(this.controlIds.get(w.control))}">
<th scope="row"><code>${e(w.control)}</code>${w.title === undefined ? "" : `<br><span class="title">${e(w.title)}</span>`}</th>
<td>${w.severity === undefined ? "—" : `<span class="sev sev-${e(w.severity)}">${e(w.severity)}</span>`}</td>
<td class="num"><a href="#failing-machines" data-filter-control="${e(w.control)}">${w.machines} failing</a></td>
<td>${remediation.has(w.control) ? e(remediation.get(w.control)) : `<span class="muted">—</span>`}</td>
</tr>`,
  )
  .join("\n")}
</tbody></table></div>`
}`;
  }

  machinesTable(machines: readonly FailingMachineRow[]): string {
    if (machines.length === 0)
      return `<h3 id="failing-machines">Failing machines</h3><p class="empty">No machine fails a control on the latest check.</p>`;
    const options = (values: Iterable<string>) =>
      [...new Set(values)]
        .sort()
        .map((v) => `<option value="${e(v)}">${e(v === "" ? "(none)" : v)}</option>`)
        .join("");
    const rows = machines
      .map((m) => {
        const controls = m.controls
          .map((f) => {
            const anchor = this.controlIds.get(f.control);
            const name = `<code>${e(f.control)}</code>`;
            const evidence = f.evidence
              .map(
                (ev) =>
                  `<li><code>${e(ev.pointer === "" ? "/" : ev.pointer)}</code>: found ${"actual" in ev ? `<code>${e(JSON.stringify(ev.actual))}</code>` : "nothing (absent)"}, expected <code>${e(JSON.stringify(ev.expected))}</code></li>`,
              )
              .join("");
            return `<li>${anchor === undefined ? name : `<a href="#${e(anchor)}">${name}</a>`}${f.severity === undefined ? "" : ` <span class="sev sev-${e(f.severity)}">${e(f.severity)}</span>`}${f.title === undefined ? "" : ` ${e(f.title)}`}${evidence === "" ? "" : `<ul class="evidence">${evidence}</ul>`}</li>`;
          })
          .join("");
        const search = [m.machine, m.department, m.site, ...m.controls.map((f) => f.control)]
          .join(" ")
          .toLowerCase();
        return `<tr id="${e(this.machineIds.get(m.machine))}" data-department="${e(m.department)}" data-site="${e(m.site)}" data-controls="${e(m.controls.map((f) => f.control).join(" "))}" data-search="${e(search)}">
<th scope="row">${e(m.machine)}</th><td>${e(m.department)}</td><td>${e(m.site)}</td>
<td><ul class="controls">${controls}</ul></td>
</tr>`;
      })
      .join("\n");
    return `<h3 id="failing-machines">Failing machines</h3>
<form id="machine-filters" class="filters no-print" hidden>
<label>Department <select id="filter-department"><option value="">all</option>${options(machines.map((m) => m.department))}</select></label>
<label>Site <select id="filter-site"><option value="">all</option>${options(machines.map((m) => m.site))}</select></label>
<label>Control <select id="filter-control"><option value="">all</option>${options(machines.flatMap((m) => m.controls.map((f) => f.control)))}</select></label>
<label>Text <input id="filter-text" type="search" placeholder="machine, department, control…"></label>
<button type="reset">Clear</button>
<output id="machine-count" aria-live="polite">${machines.length} of ${machines.length} machines shown</output>
</form>
<div class="table-wrap"><table id="machines-table">
<caption>Machines failing at least one control on the latest check, with the value found at each JSON pointer of the machine config</caption>
<thead><tr><th scope="col">Machine</th><th scope="col">Department</th><th scope="col">Site</th><th scope="col">Failing controls and evidence</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
  }

  waiversTable(): string {
    const w = this.model.compliance.waiversExpiring;
    return `<h3 id="waivers">Waivers expiring soon</h3>
${
  w.length === 0
    ? `<p class="empty">No waiver expires within 30 days of the latest check.</p>`
    : `<div class="table-wrap"><table>
<caption>Waivers that expire within 30 days of the latest check</caption>
<thead><tr><th scope="col">Control</th><th scope="col">Scope</th><th scope="col">Expires</th><th scope="col">Days left</th></tr></thead>
<tbody>
${w.map((r) => `<tr><th scope="row"><code>${e(r.control)}</code></th><td>${e(r.scope)}</td><td>${this.day(r.expires)}</td><td class="num">${r.daysLeft < 0 ? badge(false, `expired ${-r.daysLeft} d ago`) : r.daysLeft}</td></tr>`).join("\n")}
</tbody></table></div>`
}`;
  }

  infrastructure(): string {
    const { plans, costTrend } = this.model.infrastructure;
    return `<section id="infrastructure" aria-labelledby="infrastructure-title">
<h2 id="infrastructure-title">Infrastructure</h2>
${
  plans.length === 0
    ? `<p class="empty">No infrastructure plan in the ledger yet: run <code>stronghold infra plan</code>.</p>`
    : `<div class="table-wrap"><table>
<caption>The last plan of each stack</caption>
<thead><tr><th scope="col">Stack</th><th scope="col">Planned</th><th scope="col">Verdict</th><th scope="col">Resources</th><th scope="col">Policy violations</th><th scope="col">Monthly cost</th><th scope="col">Artifacts</th></tr></thead>
<tbody>
${plans
  .map(
    (
      p,
    ) => `<tr><th scope="row">${e(p.stack)}</th><td>${this.when(p.entry.at)}</td><td>${verdictBadge(p.verdict)}</td><td class="num">${p.resources}</td>
<td>${badge(p.mandatory === 0, `${p.mandatory} mandatory`)} ${badge(p.advisory === 0 ? true : undefined, `${p.advisory} advisory`)}${p.violated.length === 0 ? "" : `<ul class="plain">${p.violated.map((v) => `<li><code>${e(v)}</code></li>`).join("")}</ul>`}</td>
<td class="num">${p.monthlyCostUsd === undefined ? "—" : usd(p.monthlyCostUsd)}</td><td>${this.artifacts(p.artifacts)}</td></tr>`,
  )
  .join("\n")}
</tbody></table></div>`
}
${costTrend.length === 0 ? "" : this.chart("cost", "Estimated monthly cost of each stack over time, US dollars", "Estimated monthly cost of each stack at each plan.", "")}
</section>`;
  }

  lifecycle(): string {
    const l = this.model.lifecycle;
    const rows = l.replacements ?? [];
    return `<section id="lifecycle" aria-labelledby="lifecycle-title">
<h2 id="lifecycle-title">Lifecycle</h2>
${l.note === undefined ? "" : `<p class="empty">${e(l.note)}.</p>`}
${
  rows.length === 0
    ? ""
    : `<div class="table-wrap"><table>
<caption>Upcoming hardware replacements, from the budget forecast</caption>
<thead><tr><th scope="col">Due</th><th scope="col">Machine</th><th scope="col">Department</th><th scope="col">Replaces</th><th scope="col">Why</th><th scope="col">Cost</th></tr></thead>
<tbody>
${rows.map((r) => `<tr><td>${this.day(r.due)}${r.late ? ` ${badge(false, "overdue")}` : ""}</td><th scope="row">${e(r.subject)}</th><td>${e(r.department)}</td><td>${e(r.item)}</td><td>${e(r.detail)}</td><td class="num">${r.costUsd === undefined ? "—" : usd(r.costUsd)}</td></tr>`).join("\n")}
</tbody></table></div>`
}
</section>`;
  }

  coverageTable(id: string, caption: string, rows: readonly CoverageRow[], cis: boolean): string {
    const window = this.model.coverage.windowDays;
    return `<div class="table-wrap"><table id="${id}">
<caption>${e(caption)}</caption>
<thead><tr><th scope="col">${cis ? "Safeguard" : "Subcategory"}</th>${cis ? `<th scope="col">IG</th>` : ""}<th scope="col">Evidence in the last ${window} days</th><th scope="col">Entry</th></tr></thead>
<tbody>
${rows
  .map(
    (
      r,
    ) => `<tr><th scope="row"><code>${e(r.id)}</code>${r.title === undefined ? "" : ` <span class="title">${e(r.title)}</span>`}</th>${cis ? `<td>${r.ig === undefined ? "—" : `IG${r.ig}`}</td>` : ""}
<td>${r.evidencedBy !== undefined ? badge(true, "evidenced") : badge(false, "no evidence")}</td>
<td>${r.evidencedBy !== undefined ? `${this.entryRef(r.evidencedBy)} ${verdictBadge(r.evidencedBy.verdict)}` : r.lastEverBy !== undefined ? `<span class="muted">last ${this.entryRef(r.lastEverBy)}</span>` : `<span class="muted">never</span>`}</td></tr>`,
  )
  .join("\n")}
</tbody></table></div>`;
  }

  coverage(): string {
    const c = this.model.coverage;
    const count = (rows: readonly CoverageRow[]) =>
      `${rows.filter((r) => r.evidencedBy !== undefined).length} of ${rows.length}`;
    const ig1 = c.cis.filter((r) => r.ig === 1);
    const ig2 = c.cis.filter((r) => r.ig === 2);
    return `<section id="coverage" aria-labelledby="coverage-title">
<h2 id="coverage-title">Framework coverage</h2>
<p>Evidenced means an entry in the last ${c.windowDays} days names the safeguard; the entry's verdict says whether it held. CIS Controls v8: IG1 ${count(ig1)}, IG2 ${count(ig2)}. NIST CSF 2.0: ${count(c.csf)} subcategories.</p>
<h3 id="coverage-cis">CIS Controls v8, IG1 and IG2</h3>
${c.cis.length === 0 ? `<p class="empty">No safeguard catalogue and no entry naming a safeguard.</p>` : this.coverageTable("cis-table", "CIS Controls v8 safeguards and their latest evidence", c.cis, true)}
<h3 id="coverage-csf">NIST CSF 2.0</h3>
${c.csf.length === 0 ? `<p class="empty">No entry names a CSF subcategory.</p>` : this.coverageTable("csf-table", "NIST CSF 2.0 subcategories and their latest evidence", c.csf, false)}
</section>`;
  }
}

/** The last point of each month (in the zone), for the score trend's table. */
function monthly<T extends { readonly at: string }>(points: readonly T[], zone: string): T[] {
  const byMonth = new Map<string, T>();
  for (const p of points) byMonth.set(dayInZone(new Date(p.at), zone).date.slice(0, 7), p);
  return [...byMonth.values()].reverse();
}

/** The dashboard as one HTML document with everything it needs inlined. */
export function renderDashboard(model: DashboardModel, options: RenderOptions = {}): string {
  return new Renderer(model, options).page();
}
