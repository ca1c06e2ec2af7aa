/**
 * Turns baselines plus an optional town overlay into the list of controls to evaluate, with
 * severities and parameters tailored and every check compiled. Any problem in these files is
 * fatal for the run (an InputError listing all of them): evaluating against a half-understood
 * policy would report compliance that is not there.
 */
import path from "node:path";
import type { Ajv, ValidateFunction } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import {
  createAjv,
  createDraft07Ajv,
  loadChecked,
  twoSpeed,
  type Loaded,
  type TwoSpeedValidator,
} from "../../documents/ajv.js";
import { notSameInDraft07 } from "../../documents/draft-07.js";
import { addDateKeywords, DATE_KEYWORDS } from "../controls/keywords.js";
import { MACHINE_CHECKS } from "../controls/machine/index.js";
import { FLEET_CHECKS } from "../controls/fleet/index.js";
import type { FleetCheck, MachineCheck } from "../controls/types.js";
import type { InputProblem, Severity } from "../evaluation/result.js";
import type { ResolvedControl } from "../evaluation/report-model.js";
import { InputError } from "../../support/errors.js";
import { lineOf, toPointer } from "../../documents/locate.js";
import { validationProblems } from "../../documents/validation-problems.js";
import type { RawBaseline, RawControl, RawOverlay } from "./baseline-schema.js";
import { validateBaseline, validateOverlay } from "./policy-validators.js";
import { didYouMean } from "../../support/suggest.js";
import { baselineFile, bundledBaselineIds, DEFAULT_BASELINES, isBaselineId } from "./paths.js";

export type Evaluator =
  | { readonly kind: "schema"; readonly validate: TwoSpeedValidator<unknown> }
  | { readonly kind: "function"; readonly check: MachineCheck }
  | { readonly kind: "fleet"; readonly check: FleetCheck };

export interface CompiledControl {
  readonly meta: ResolvedControl;
  readonly evaluator: Evaluator;
}

export interface Policy {
  readonly baselines: readonly { id: string; title: string; version: string; file: string }[];
  readonly overlay?: { readonly name: string; readonly file: string };
  readonly controls: readonly CompiledControl[];
}

export interface PolicySelection {
  /** Baseline ids or YAML paths; ignored when an overlay names its own. */
  readonly baselines?: readonly string[];
  readonly overlayFile?: string;
  /** Parameter overrides applied after the overlay (used by tests and tooling). */
  readonly parameterOverrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly at: Date;
}

interface Located {
  readonly control: RawControl;
  readonly baseline: RawBaseline;
  readonly file: string;
  readonly index: number;
}

/** Replaces every {"$param": name} in a check schema by the parameter's value. */
function substitute(
  node: unknown,
  params: Readonly<Record<string, unknown>>,
  at: (string | number)[],
  missing: (pointer: string, name: string) => void,
): unknown {
  if (Array.isArray(node)) return node.map((n, i) => substitute(n, params, [...at, i], missing));
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === "$param") {
    const name = String(record.$param);
    if (!(name in params)) missing(toPointer([...at, "$param"]), name);
    return params[name];
  }
  return Object.fromEntries(
    keys.map((k) => [k, substitute(record[k], params, [...at, k], missing)]),
  );
}

class PolicyBuilder {
  readonly problems: InputProblem[] = [];
  private readonly paramAjv = createAjv({ untrusted: true });
  private readonly fastAjv: Ajv2020;
  private readonly fastDraft07Ajv: Ajv;
  private readonly detailedAjv: Ajv2020;
  // Compiled once per schema text: controls and parameters repeat the same small schemas.
  private readonly params = new Map<string, ValidateFunction>();
  private readonly checks = new Map<string, TwoSpeedValidator<unknown>>();

  constructor(at: Date) {
    this.fastAjv = createAjv({ fast: true, untrusted: true });
    // Checked against the 2020-12 meta-schema by paramAjv instead, whose meta-schema validator
    // is compiled anyway: each ajv instance compiles its own on first use.
    this.fastDraft07Ajv = createDraft07Ajv(
      { fast: true, untrusted: true },
      { validateSchema: false },
    );
    this.detailedAjv = createAjv({ untrusted: true });
    addDateKeywords(this.fastAjv, at);
    addDateKeywords(this.fastDraft07Ajv, at);
    addDateKeywords(this.detailedAjv, at);
  }

  problem(file: string, pointer: string, message: string): void {
    this.problems.push({ file, pointer, message });
  }

  /** Validates a parameter value against its schema; false (with a problem) when it does not fit. */
  paramFits(schema: object, value: unknown, file: string, pointer: string): boolean {
    const text = JSON.stringify(schema);
    let validate = this.params.get(text);
    try {
      validate ??= this.paramAjv.compile(schema);
      this.params.set(text, validate);
    } catch (error) {
      this.problem(file, pointer, `parameter schema is invalid: ${(error as Error).message}`);
      return false;
    }
    if (validate(value)) return true;
    for (const p of validationProblems(validate.errors ?? [], file, { pointerPrefix: pointer })) {
      this.problems.push(p);
    }
    return false;
  }

  /**
   * The yes/no validator comes from the draft-07 class when every keyword of the check means the
   * same there (the verdict is the same, without 2020-12's evaluated-property tracking); the
   * explaining one stays 2020-12, so a failure's evidence reads as it always has. A schema the
   * 2020-12 meta-schema or either class refuses is compiled by 2020-12, whose message the problem
   * then carries.
   */
  private checkValidator(schema: object): TwoSpeedValidator<unknown> {
    const text = JSON.stringify(schema);
    const known = this.checks.get(text);
    if (known) return known;
    let fast: Ajv2020 | ValidateFunction = this.fastAjv;
    if (
      notSameInDraft07(schema, DATE_KEYWORDS) === undefined &&
      this.paramAjv.validateSchema(schema) === true
    ) {
      try {
        fast = this.fastDraft07Ajv.compile(schema);
      } catch {
        // Left to the 2020-12 class below, which reports it.
      }
    }
    const validate = twoSpeed(schema, fast, this.detailedAjv);
    this.checks.set(text, validate);
    return validate;
  }

  compile(located: Located, meta: ResolvedControl): CompiledControl | undefined {
    const { control, file, index } = located;
    const checkPointer = `/controls/${index}/check`;
    const check = control.check;
    if ("schema" in check) {
      const schema = substitute(
        check.schema,
        meta.parameters,
        ["controls", index, "check", "schema"],
        (pointer, name) =>
          this.problem(
            file,
            pointer,
            `refers to parameter "${name}", which the control does not declare`,
          ),
      );
      try {
        return {
          meta,
          evaluator: { kind: "schema", validate: this.checkValidator(schema as object) },
        };
      } catch (error) {
        this.problem(
          file,
          `${checkPointer}/schema`,
          `is not a valid JSON Schema: ${(error as Error).message}`,
        );
        return undefined;
      }
    }
    if ("function" in check) {
      const fn = MACHINE_CHECKS[check.function];
      if (fn) return { meta, evaluator: { kind: "function", check: fn } };
      this.problem(
        file,
        `${checkPointer}/function`,
        `names no known machine check "${check.function}" (known: ${Object.keys(MACHINE_CHECKS).join(", ")})`,
      );
      return undefined;
    }
    const fleet = FLEET_CHECKS[check.fleet];
    if (fleet) return { meta, evaluator: { kind: "fleet", check: fleet } };
    this.problem(
      file,
      `${checkPointer}/fleet`,
      `names no known fleet check "${check.fleet}" (known: ${Object.keys(FLEET_CHECKS).join(", ")})`,
    );
    return undefined;
  }
}

/** Loads, tailors and compiles the policy. Throws InputError listing every problem found. */
export async function resolvePolicy(selection: PolicySelection): Promise<Policy> {
  const builder = new PolicyBuilder(selection.at);
  let overlay: Loaded<RawOverlay> | undefined;
  let refs: readonly string[] = selection.baselines ?? DEFAULT_BASELINES;
  let relativeTo = process.cwd();
  if (selection.overlayFile !== undefined) {
    overlay = await loadChecked(selection.overlayFile, validateOverlay);
    if (!overlay.ok) throw new InputError(overlay.problems);
    refs = overlay.value.extends;
    relativeTo = path.dirname(selection.overlayFile);
  }

  // Texts of the files read, to give each problem its line.
  const texts = new Map<string, string>();
  if (overlay?.ok && selection.overlayFile !== undefined)
    texts.set(selection.overlayFile, overlay.text);
  const located = new Map<string, Located>();
  const baselines: Policy["baselines"][number][] = [];
  const bundled = bundledBaselineIds();
  for (const [index, ref] of refs.entries()) {
    if (isBaselineId(ref) && !bundled.includes(ref)) {
      builder.problem(
        selection.overlayFile ?? "--baseline",
        selection.overlayFile === undefined ? "" : `/extends/${index}`,
        `"${ref}" is not a bundled baseline; the bundled ones are ${bundled.join(", ")} (or give a path to a baseline YAML file)${didYouMean(ref, bundled)}`,
      );
      continue;
    }
    const file = baselineFile(ref, relativeTo);
    const loaded = await loadChecked(file, validateBaseline);
    if (!loaded.ok) {
      builder.problems.push(...loaded.problems);
      continue;
    }
    const baseline = loaded.value;
    texts.set(file, loaded.text);
    baselines.push({ id: baseline.id, title: baseline.title, version: baseline.version, file });
    baseline.controls.forEach((control, index) => {
      const earlier = located.get(control.id);
      if (earlier) {
        builder.problem(
          file,
          `/controls/${index}/id`,
          `duplicates control "${control.id}" already defined in ${earlier.file}`,
        );
        return;
      }
      located.set(control.id, { control, baseline, file, index });
    });
  }

  // Overlay tailoring: every id and parameter it names must exist.
  const tailoring = overlay?.ok ? overlay.value : undefined;
  const overlayFile = selection.overlayFile ?? "";
  const known = (id: string, pointer: string): boolean => {
    if (located.has(id)) return true;
    builder.problem(overlayFile, pointer, `names unknown control "${id}"`);
    return false;
  };
  const selected = tailoring?.select ? new Set<string>() : undefined;
  tailoring?.select?.forEach((id, i) => known(id, `/select/${i}`) && selected?.add(id));
  const deselected = new Set<string>();
  tailoring?.deselect?.forEach((id, i) => known(id, `/deselect/${i}`) && deselected.add(id));
  for (const id of Object.keys(tailoring?.controls ?? {})) known(id, toPointer(["controls", id]));

  const controls: CompiledControl[] = [];
  for (const [id, entry] of located) {
    const { control, baseline, file, index } = entry;
    const parameters: Record<string, unknown> = {};
    for (const [name, param] of Object.entries(control.parameters ?? {})) {
      if (
        builder.paramFits(
          param.schema,
          param.default,
          file,
          `/controls/${index}/parameters/${name}/default`,
        )
      ) {
        parameters[name] = param.default;
      }
    }
    const tailored = tailoring?.controls?.[id];
    const overrides: [Record<string, unknown>, string, string][] = [];
    if (tailored?.parameters)
      overrides.push([tailored.parameters, overlayFile, toPointer(["controls", id, "parameters"])]);
    const extra = selection.parameterOverrides?.[id];
    if (extra) overrides.push([{ ...extra }, "(parameter overrides)", toPointer([id])]);
    for (const [values, source, pointer] of overrides) {
      for (const [name, value] of Object.entries(values)) {
        const declared = control.parameters?.[name];
        if (!declared) {
          const names = Object.keys(control.parameters ?? {});
          builder.problem(
            source,
            `${pointer}/${name}`,
            `control "${id}" has no parameter "${name}" (it has: ${names.length ? names.join(", ") : "none"})`,
          );
        } else if (builder.paramFits(declared.schema, value, source, `${pointer}/${name}`)) {
          parameters[name] = value;
        }
      }
    }
    if (deselected.has(id) || (selected && !selected.has(id))) continue;
    const severity: Severity = tailored?.severity ?? control.severity;
    const check = control.check;
    const title = fillParameters(control.title, parameters, (name) =>
      builder.problem(
        file,
        `/controls/${index}/title`,
        `names parameter {${name}}, which control "${id}" does not have`,
      ),
    );
    const meta: ResolvedControl = {
      id,
      baseline: baseline.id,
      title,
      severity,
      rationale: control.rationale,
      remediation: control.remediation,
      references: control.references,
      // Field by field: a control that names its roles still inherits the baseline's lifecycle states.
      appliesTo: { ...baseline.appliesTo, ...control.appliesTo },
      parameters,
      checkKind: "schema" in check ? "schema" : "function" in check ? "function" : "fleet",
    };
    const compiled = builder.compile(entry, meta);
    if (compiled) controls.push(compiled);
  }

  if (builder.problems.length > 0) {
    throw new InputError(
      builder.problems.map((p) => {
        const text = texts.get(p.file);
        const line = p.line ?? (text === undefined ? undefined : lineOf(text, p.pointer));
        return line === undefined ? p : { ...p, line };
      }),
    );
  }
  return {
    baselines,
    ...(tailoring && selection.overlayFile !== undefined
      ? { overlay: { name: tailoring.name, file: selection.overlayFile } }
      : {}),
    controls,
  };
}

/**
 * A title with its `{parameter}` placeholders filled in with the values in force, so a town that
 * tightens a parameter reads its own number ("within the last 14 days"), not the default's.
 */
function fillParameters(
  text: string,
  parameters: Readonly<Record<string, unknown>>,
  unknownName: (name: string) => void,
): string {
  return text.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (whole, name: string) => {
    if (!(name in parameters)) {
      unknownName(name);
      return whole;
    }
    const value = parameters[name];
    return Array.isArray(value) ? value.join(", ") : String(value);
  });
}
