// Typed linting: the rules that need type information (no-floating-promises) catch real bugs.
// boundaries: pillars use plumbing, never each other's internals; only the CLI wires pillars.
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

const PILLARS = ["check", "collect", "drill", "infra", "budget", "workspace", "evidence"];
const PLUMBING = ["hosts", "restic", "documents", "machine-config", "output", "support"];

function element(type, ...patterns) {
  return { type, pattern: patterns, partialMatch: false };
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "coverage/",
      "reports/",
      "bench/out/",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts", "runbooks/**/*.ts", "policies/**/*.ts", "stacks/**/*.ts"],
    plugins: { boundaries },
    settings: {
      "import/resolver": { typescript: { alwaysTryTypes: true } },
      "boundaries/include": ["src/**/*", "runbooks/**/*", "policies/**/*", "stacks/**/*"],
      "boundaries/elements": [
        // The switchboard: commands, and the schema export that names every pillar's schema.
        element("cli", "src/cli/**"),
        // The nightly job: runs the commands in order and reads the files the pillars publish.
        element("run", "src/run/**"),
        ...PILLARS.map((pillar) => element(pillar, `src/${pillar}/**`)),
        element("runbooks", "runbooks/**"),
        element("policy-pack", "policies/crossguard/**"),
        element("stacks", "stacks/**"),
        ...PLUMBING.map((p) => element(p, `src/${p}/**`)),
      ],
    },
    rules: {
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: [
            { from: { element: { type: "cli" } }, allow: { to: { element: { type: "*" } } } },
            { from: { element: { type: "run" } }, allow: { to: { element: { type: "*" } } } },
            ...PILLARS.map((pillar) => ({
              from: { element: { type: pillar } },
              allow: { to: { element: { types: { anyOf: [pillar, ...PLUMBING] } } } },
            })),
            // The drills read their runbooks' engine; infra plan evaluates the policy pack.
            {
              from: { element: { type: "runbooks" } },
              allow: { to: { element: { types: { anyOf: ["runbooks", "drill", ...PLUMBING] } } } },
            },
            {
              from: { element: { type: "infra" } },
              allow: { to: { element: { type: "policy-pack" } } },
            },
            {
              from: { element: { type: "policy-pack" } },
              allow: { to: { element: { types: { anyOf: ["policy-pack", "infra"] } } } },
            },
            {
              from: { element: { type: "stacks" } },
              allow: { to: { element: { types: { anyOf: ["stacks", "infra"] } } } },
            },
            ...PLUMBING.map((p) => ({
              from: { element: { type: p } },
              allow: { to: { element: { types: { anyOf: PLUMBING } } } },
            })),
          ],
        },
      ],
    },
  },
);
