// renderDashboard: one self-contained page (no request leaves it), hostile names escaped in the
// tables and in the embedded JSON, artifact links by SHA-256 relative to the page.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildDashboardModel } from "../../src/evidence/dashboard/build-model.js";
import type { DashboardModel } from "../../src/evidence/dashboard/model.js";
import {
  duration,
  escapeHtml,
  renderDashboard,
  scriptJson,
} from "../../src/evidence/dashboard/render.js";
import {
  HOSTILE_MACHINE,
  LEDGER_LAST_DAY,
  buildSampleLedger,
} from "../fixtures/dashboard-ledger.js";

/** The text of the embedded model's <script> element, as the browser's JSON.parse would read it. */
function embedded(html: string): DashboardModel {
  const open = '<script type="application/json" id="dashboard-data">';
  const start = html.indexOf(open) + open.length;
  return JSON.parse(html.slice(start, html.indexOf("</script>", start))) as DashboardModel;
}

describe("renderDashboard", function () {
  this.timeout(60_000);
  let root: string;
  let model: DashboardModel;
  let html: string;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "dashboard-render-"));
    buildSampleLedger(path.join(root, "ledger"));
    model = buildDashboardModel(path.join(root, "ledger"), {
      at: new Date(`${LEDGER_LAST_DAY}T23:00:00Z`),
    });
    html = renderDashboard(model, { objectsHref: "../evidence/ledger/objects" });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("shows days and times in the workspace's zone, with the zone's name", () => {
    const at = `${LEDGER_LAST_DAY}T23:00:00Z`;
    expect(html).to.include(`${LEDGER_LAST_DAY} 23:00 UTC</time>`);
    const auckland = renderDashboard(
      buildDashboardModel(path.join(root, "ledger"), {
        at: new Date(at),
        timeZone: "Pacific/Auckland",
      }),
    );
    const nextDay = new Date(Date.parse(at) + 86_400_000).toISOString().slice(0, 10);
    // Late June is winter in Auckland: NZST, UTC+12.
    expect(auckland).to.include(
      `<time datetime="${new Date(at).toISOString()}">${nextDay} 11:00 GMT+12</time>`,
    );
    expect(auckland).to.include(`<title>Evidence dashboard`);
    expect(auckland).to.match(new RegExp(`<title>[^<]*, ${nextDay}</title>`));
    expect(html).to.match(new RegExp(`<title>[^<]*, ${LEDGER_LAST_DAY}</title>`));
  });

  it("has exactly its four script elements: the hostile machine name ends none of them", () => {
    expect(html.match(/<script\b/g)).to.have.length(4);
    expect(html.match(/<\/script>/g)).to.have.length(4);
    expect(html).not.to.include("<img");
    expect(html).to.include(escapeHtml(HOSTILE_MACHINE));
  });

  it("embeds the model as JSON the page reads back unchanged", () => {
    const back = embedded(html);
    expect(back).to.deep.equal(JSON.parse(JSON.stringify(model)));
    expect(back.compliance.failingMachines.map((m) => m.machine)).to.include(HOSTILE_MACHINE);
  });

  const hostile: { name: string; value: string; absent: string[] }[] = [
    {
      name: "a closing script tag",
      value: "</script><img src=x onerror=alert(1)>",
      absent: ["</script>", "<img"],
    },
    { name: "a comment opener", value: "<!--<script>", absent: ["<!--", "<script"] },
    {
      name: "line and paragraph separators",
      value: "a\u2028b\u2029c",
      absent: ["\u2028", "\u2029"],
    },
    { name: "an HTML entity and quotes", value: `&amp;"'`, absent: ["&amp;"] },
  ];
  for (const h of hostile)
    it(`scriptJson escapes ${h.name} and JSON.parse gets it back`, () => {
      const json = scriptJson({ name: h.value });
      for (const a of h.absent) expect(json).not.to.include(a);
      expect(JSON.parse(json)).to.deep.equal({ name: h.value });
    });

  it("escapes text and attribute values", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).to.equal(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("requests nothing outside the file: no external src, href, stylesheet, import or url()", () => {
    expect(html).not.to.match(/\s(src|href)="(https?:)?\/\//i);
    expect(html).not.to.match(/<link\b/i);
    expect(html).not.to.match(/@import|url\(\s*['"]?https?:/i);
    // The libraries are inlined, not referenced.
    expect(html).to.include("@observablehq/plot v0.6.17");
    expect(html).to.include("https://d3js.org v7");
  });

  it("links each artifact by its SHA-256 path under the given objects folder", () => {
    const report = model.compliance.latest!.artifacts[0]!;
    expect(html).to.include(
      `href="../evidence/ledger/objects/${report.sha256.slice(0, 2)}/${report.sha256}"`,
    );
  });

  it("renders the tables without JavaScript: failing machines with their evidence, coverage rows", () => {
    expect(html).to.include("<code>/security/tpm</code>: found nothing (absent), expected");
    expect(html).to.match(/<tr id="machine-pc-01" data-department="police"/);
    expect(html).to.match(/href="#control-disk-encryption-enabled"/);
    expect(html).to.include('data-filter-control="disk-encryption-enabled"');
    for (const id of ["backups", "compliance", "infrastructure", "lifecycle", "coverage"])
      expect(html).to.include(`<section id="${id}"`);
  });

  it("gives every chart an aria-label and a caption", () => {
    const charts = [
      ...html.matchAll(/<div class="plot" data-chart="(\w+)" role="img" aria-label="([^"]+)"/g),
    ];
    expect(charts.map((c) => c[1])).to.deep.equal([
      "rto",
      "rpo",
      "score",
      "departments",
      "sites",
      "cost",
    ]);
  });

  const durations: [number, string][] = [
    [42, "42 s"],
    [1500, "25 min"],
    [5400, "1 h 30 min"],
    [86_400 * 3 + 7200, "3 d 2 h"],
  ];
  for (const [seconds, text] of durations)
    it(`writes ${seconds} s as ${text}`, () => expect(duration(seconds)).to.equal(text));
});
