/** Waivers: an approved, time-limited exception for one control in one scope. */
import type { Waiver } from "../policy/baseline-schema.js";
import type { ControlResult, WaiverRef } from "./result.js";

export interface WaiverSubject {
  readonly hostname: string;
  readonly department: string;
  readonly site: string;
  readonly role: string;
}

function inScope(waiver: Waiver, subject: WaiverSubject): boolean {
  const scope = waiver.scope;
  if ("host" in scope) return scope.host.toLowerCase() === subject.hostname.toLowerCase();
  if ("department" in scope) return scope.department === subject.department;
  if ("site" in scope) return scope.site === subject.site;
  return scope.role === subject.role;
}

const toRef = (w: Waiver): WaiverRef => ({
  id: w.id,
  justification: w.justification,
  approver: w.approver,
  expires: w.expires,
});

/** Applies waivers to failures. An expired waiver leaves the failure standing and is named on it. */
export class WaiverBook {
  private readonly byControl = new Map<string, Waiver[]>();
  /** Waiver ids that matched at least one failure, to report the ones that waive nothing. */
  readonly used = new Set<string>();
  private readonly today: string;

  constructor(
    readonly waivers: readonly Waiver[],
    at: Date,
  ) {
    // A waiver is valid through the whole of its expiry day (UTC).
    this.today = at.toISOString().slice(0, 10);
    for (const w of waivers) {
      const list = this.byControl.get(w.control) ?? [];
      list.push(w);
      this.byControl.set(w.control, list);
    }
  }

  /** Whether some waiver, expired or not, names this control. */
  names(control: string): boolean {
    return this.byControl.has(control);
  }

  isExpired(w: Waiver): boolean {
    return w.expires < this.today;
  }

  apply(result: ControlResult, subject: WaiverSubject): ControlResult {
    if (result.status !== "fail") return result;
    const candidates = this.byControl.get(result.control)?.filter((w) => inScope(w, subject));
    if (!candidates?.length) return result;
    for (const w of candidates) this.used.add(w.id);
    const active = candidates.find((w) => !this.isExpired(w));
    if (active)
      return {
        control: result.control,
        status: "waived",
        evidence: result.evidence,
        waiver: toRef(active),
      };
    return { ...result, expiredWaiver: toRef(candidates[0]!) };
  }
}
