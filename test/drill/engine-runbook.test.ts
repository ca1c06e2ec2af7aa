/**
 * Defining runbooks: the compiler refuses a step that reads data no earlier step produced, a name
 * used twice, a step in an earlier phase, an unknown target, and a cleanup step that assumes an
 * output exists (`tsc` checks the @ts-expect-error lines below; they never run). At run time the
 * builder refuses the same mistakes made without types.
 */
import { expect } from "chai";
import { defineRunbook, type RunbookMeta } from "../../src/drill/runbook/runbook.js";

const meta: RunbookMeta<"share"> = {
  id: "typed",
  title: "typed",
  scenario: "types",
  proves: [],
  rtoMinutes: 1,
  rpoMinutes: 1,
  usesRepository: false,
  targets: { share: { role: "file-server", destructive: true, purpose: "share" } },
};
const settings = () => ({ ok: true as const, value: { data: "/srv/drill/share" } });
const S = { summary: "s", timeoutMs: 1000 } as const;

/** Type-level checks only: compiled by tsc, never called. */
export function compileOnly(): void {
  const base = defineRunbook(meta, settings)
    .preflight("count", { ...S, kind: "check", run: () => ({ files: 3 }) })
    .inject("break", {
      ...S,
      kind: "inject",
      run: (ctx) => {
        const files: number = ctx.data.count.files;
        const data: string = ctx.settings.data;
        return { files, data };
      },
    });

  base.recover("read-nothing", {
    ...S,
    kind: "restore",
    run: (ctx) => {
      // @ts-expect-error no earlier step is called "missing"
      const missing: unknown = ctx.data.missing;
      return missing;
    },
  });

  // @ts-expect-error "count" is taken
  base.recover("count", { ...S, kind: "restore", run: () => 1 });

  base.recover("wrong-type", {
    ...S,
    kind: "restore",
    run: (ctx) => {
      // @ts-expect-error files is a number
      const files: string = ctx.data.break.files;
      return files;
    },
  });

  const verified = base.verify("prove", { ...S, kind: "verify", run: () => true });
  // @ts-expect-error a verify step was added: inject is an earlier phase
  verified.inject("late", { ...S, kind: "inject", run: () => 1 });

  verified.cleanup("tidy", {
    ...S,
    run: (ctx) => {
      // @ts-expect-error the step may not have run: its output may be absent
      const n: number = ctx.data.count.files;
      const maybe: number | undefined = ctx.data.count?.files;
      void [n, maybe];
    },
  });

  verified.cleanup("unknown-target", {
    ...S,
    run: (ctx) => {
      // @ts-expect-error the runbook has no target "dr"
      ctx.host("dr");
    },
  });

  // @ts-expect-error a cleanup step has no kind of its own: it is always "cleanup"
  verified.cleanup("kinded", { ...S, kind: "verify", run: () => undefined });
}

describe("drill engine: defining runbooks", () => {
  it("keeps the steps in the order and phases they were added", () => {
    const runbook = defineRunbook(meta, settings)
      .preflight("a", { ...S, kind: "check", run: () => 1 })
      .inject("b", { ...S, kind: "inject", run: () => 2 })
      .verify("c", { ...S, kind: "verify", run: () => 3 })
      .cleanup("d", { ...S, run: () => undefined })
      .build();
    expect(runbook.steps.map((s) => [s.phase, s.name, s.kind])).to.deep.equal([
      ["preflight", "a", "check"],
      ["inject", "b", "inject"],
      ["verify", "c", "verify"],
      ["cleanup", "d", "cleanup"],
    ]);
    expect(runbook.steps[0]?.retry).to.deep.equal({ attempts: 1, backoffMs: 0, factor: 1 });
  });

  const mistakes: [string, () => unknown, string][] = [
    [
      "a name used twice",
      () =>
        defineRunbook(meta, settings)
          .preflight("a", { ...S, kind: "check", run: () => 1 })
          .preflight("a" as never, { ...S, kind: "check", run: () => 1 }),
      'step name "a" is used twice',
    ],
    [
      "a name that is not kebab-case",
      () =>
        defineRunbook(meta, settings).preflight("Bad Name", {
          ...S,
          kind: "check",
          run: () => 1,
        }),
      'step name "Bad Name" must be kebab-case',
    ],
    [
      "a step without a positive timeout",
      () =>
        defineRunbook(meta, settings).preflight("a", {
          ...S,
          timeoutMs: 0,
          kind: "check",
          run: () => 1,
        }),
      'step "a" needs a positive timeout',
    ],
    [
      "a retry policy of zero attempts",
      () =>
        defineRunbook(meta, settings).preflight("a", {
          ...S,
          retry: { attempts: 0 },
          kind: "check",
          run: () => 1,
        }),
      "retry attempts must be a positive integer, got 0",
    ],
    [
      "a disaster without a destructive target",
      () =>
        defineRunbook(
          { ...meta, targets: { share: { ...meta.targets.share, destructive: false } } },
          settings,
        )
          .inject("a", { ...S, kind: "inject", run: () => 1 })
          .build(),
      "runbook typed injects a disaster but has no destructive target",
    ],
  ];
  for (const [what, build, message] of mistakes)
    it(`refuses ${what}`, () => expect(build).to.throw(message));
});
