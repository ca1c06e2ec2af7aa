/**
 * IAM-style policy documents (identity policies, bucket policies) as policies need them: parsed
 * from the JSON string or object a resource carries, statements normalised to lists, and action
 * patterns matched the way IAM matches them (case-insensitive, `*` and `?` wildcards).
 */
import { asList, isRecord } from "./values.js";

/** One statement with every list-or-string field turned into a list. */
export interface Statement {
  readonly sid: string | undefined;
  readonly effect: "Allow" | "Deny" | undefined;
  readonly principal: unknown;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly condition: Readonly<Record<string, unknown>>;
}

/** A parsed document, or why it could not be read. */
export type ParsedDocument =
  | { readonly ok: true; readonly statements: readonly Statement[] }
  | { readonly ok: false; readonly reason: string };

function strings(value: unknown): string[] {
  return asList(value).filter((v): v is string => typeof v === "string");
}

/** Parses a policy given as a JSON string or as an object (v7 accepts both). */
export function parsePolicyDocument(policy: unknown): ParsedDocument {
  let document: unknown = policy;
  if (typeof policy === "string") {
    try {
      document = JSON.parse(policy);
    } catch (error) {
      return { ok: false, reason: `the policy is not valid JSON (${(error as Error).message})` };
    }
  }
  if (!isRecord(document)) return { ok: false, reason: "the policy is not a JSON object" };
  const raw = asList(document.Statement);
  const statements: Statement[] = [];
  for (const [i, statement] of raw.entries()) {
    if (!isRecord(statement)) return { ok: false, reason: `Statement[${i}] is not an object` };
    const effect = statement.Effect;
    statements.push({
      sid: typeof statement.Sid === "string" ? statement.Sid : undefined,
      effect: effect === "Allow" || effect === "Deny" ? effect : undefined,
      principal: statement.Principal,
      actions: strings(statement.Action),
      notActions: strings(statement.NotAction),
      resources: strings(statement.Resource),
      notResources: strings(statement.NotResource),
      condition: isRecord(statement.Condition) ? statement.Condition : {},
    });
  }
  return { ok: true, statements };
}

/** Whether an IAM action pattern (`s3:Delete*`, `*`) covers an action name. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, "i").test(action);
}

/** Whether a statement's Action/NotAction lets it cover `action`. */
export function statementCovers(statement: Statement, action: string): boolean {
  if (statement.notActions.length > 0) {
    return !statement.notActions.some((p) => actionMatches(p, action));
  }
  return statement.actions.some((p) => actionMatches(p, action));
}

/** Whether a principal element means "anyone": `"*"` or `{ "AWS": "*" }`. */
export function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  return isRecord(principal) && asList(principal.AWS).includes("*");
}
