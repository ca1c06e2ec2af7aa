/**
 * Alerts of a run: one digest per run (failures, regressions, recoveries — those
 * `notifications.on` selects), sent by email over SMTP and to each webhook (Teams, Slack, JSON).
 * A channel that cannot be reached is reported, never thrown: the run's summary names it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import type { Workspace } from "../workspace/workspace-file.js";
import type { RunSummary } from "./summary.js";

export type AlertKind = "failure" | "regression" | "recovery";

/** What one run has to say, once. */
export interface Digest {
  readonly subject: string;
  readonly text: string;
  readonly failures: readonly string[];
  readonly regressions: readonly string[];
  readonly recoveries: readonly string[];
  /** The dashboard the run writes, when it writes one. */
  readonly dashboard?: string;
}

/** The environment variable that may hold the SMTP password instead of `passwordFile`. */
export const SMTP_PASSWORD_ENV = "STRONGHOLD_SMTP_PASSWORD";

/** The digest of a run, or undefined when nothing it has to say is selected by `on`. */
export function digestOf(
  summary: RunSummary,
  on: readonly AlertKind[],
  summaryFile: string,
  /** The dashboard the run writes once its entry is in the ledger. */
  dashboardFile?: string,
): Digest | undefined {
  const notStarted = summary.stages.filter((s) => s.detail.startsWith("not started:"));
  const failures = on.includes("failure")
    ? [
        ...(summary.interrupted === undefined
          ? []
          : [
              `run stopped by ${summary.interrupted}${notStarted.length === 0 ? "" : `; not started: ${notStarted.map((s) => s.stage).join(", ")}`}`,
            ]),
        ...summary.stages
          .filter((s) => s.status === "failed" || s.status === "error")
          .map((s) => `${s.stage} ${s.status}: ${s.detail}`),
      ]
    : [];
  const regressions = on.includes("regression") ? summary.comparison.regressions : [];
  const recoveries = on.includes("recovery") ? summary.comparison.recoveries : [];
  if (failures.length + regressions.length + recoveries.length === 0) return undefined;
  const counts = [
    failures.length > 0 ? `${failures.length} failure(s)` : "",
    regressions.length > 0 ? `${regressions.length} regression(s)` : "",
    recoveries.length > 0 ? `${recoveries.length} recovery(ies)` : "",
  ].filter(Boolean);
  const subject = `Stronghold ${summary.town} ${summary.day}: ${counts.join(", ")}`;
  const section = (title: string, items: readonly string[]) =>
    items.length === 0 ? [] : [title, ...items.map((i) => `- ${i}`), ""];
  const stages = summary.stages.map((s) => `- ${s.stage}: ${s.status} (${s.detail})`);
  const text = [
    `${summary.town}, nightly run of ${summary.day} (exit ${summary.exitCode})`,
    "",
    ...section("Failures:", failures),
    ...section("Regressions:", regressions),
    ...section("Recoveries:", recoveries),
    "Stages:",
    ...stages,
    ...(summary.check === undefined ? [] : [`Compliance score: ${summary.check.score}`]),
    "",
    `Summary: ${summaryFile}`,
    ...(dashboardFile === undefined ? [] : [`Dashboard: ${dashboardFile}`]),
  ].join("\n");
  return {
    subject,
    text,
    failures,
    regressions,
    recoveries,
    ...(dashboardFile === undefined ? {} : { dashboard: dashboardFile }),
  };
}

function secretFrom(file: string): string {
  return readFileSync(file, "utf8").trim();
}

function webhookBody(kind: "teams" | "slack" | "json", digest: Digest, summary: RunSummary) {
  switch (kind) {
    case "slack":
      return { text: `*${digest.subject}*\n${digest.text}` };
    case "teams":
      // A Teams incoming webhook's MessageCard; the text is Markdown.
      return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        summary: digest.subject,
        title: digest.subject,
        text: digest.text.replace(/\n/g, "  \n"),
      };
    case "json":
      return {
        subject: digest.subject,
        town: summary.town,
        day: summary.day,
        exitCode: summary.exitCode,
        failures: digest.failures,
        regressions: digest.regressions,
        recoveries: digest.recoveries,
        stages: summary.stages.map((s) => ({ stage: s.stage, status: s.status, detail: s.detail })),
        ...(summary.check === undefined ? {} : { score: summary.check.score }),
        ...(digest.dashboard === undefined ? {} : { dashboard: digest.dashboard }),
      };
  }
}

/** Sends the digest to every channel; resolves with the channels reached and those not. */
export async function sendDigest(
  digest: Digest,
  summary: RunSummary,
  settings: Workspace["notifications"],
  env: NodeJS.ProcessEnv,
  /** The workspace folder: secret files are named relative to it. */
  dir: string,
): Promise<{ sent: string[]; failed: string[] }> {
  const sent: string[] = [];
  const failed: string[] = [];
  const email = settings.email;
  if (email !== undefined) {
    const channel = `email to ${email.to.join(", ")} via ${email.smtpHost}`;
    try {
      const password =
        email.passwordFile !== undefined
          ? secretFrom(path.resolve(dir, email.passwordFile))
          : env[SMTP_PASSWORD_ENV];
      const transport = nodemailer.createTransport({
        host: email.smtpHost,
        port: email.smtpPort ?? (email.secure ? 465 : 587),
        secure: email.secure ?? false,
        // No password or digest over a connection STARTTLS did not upgrade, unless the town says so.
        requireTLS: email.secure !== true && email.requireTls !== false,
        ...(email.caFile === undefined
          ? {}
          : { tls: { ca: readFileSync(path.resolve(dir, email.caFile), "utf8") } }),
        connectionTimeout: 20_000,
        ...(email.user === undefined ? {} : { auth: { user: email.user, pass: password ?? "" } }),
      });
      await transport.sendMail({
        from: email.from,
        to: email.to,
        subject: digest.subject,
        text: digest.text,
      });
      transport.close();
      sent.push(channel);
    } catch (error) {
      failed.push(`${channel}: ${(error as Error).message}`);
    }
  }
  for (const hook of settings.webhooks ?? []) {
    const channel = `${hook.kind} webhook (${hook.urlFile})`;
    try {
      const url = secretFrom(path.resolve(dir, hook.urlFile));
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(webhookBody(hook.kind, digest, summary)),
        signal: AbortSignal.timeout(20_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      sent.push(channel);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      failed.push(`${channel}: ${e.code === "ENOENT" ? "the URL file does not exist" : e.message}`);
    }
  }
  return { sent, failed };
}
