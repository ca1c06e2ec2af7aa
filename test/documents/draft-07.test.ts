import { expect } from "chai";
import { notSameInDraft07 } from "../../src/documents/draft-07.js";
import { createAjv, createDraft07Ajv } from "../../src/documents/ajv.js";

describe("schemas that mean the same in draft-07", () => {
  const cases: [string, object, string | undefined][] = [
    [
      "conditionals, lists and enums",
      {
        type: "object",
        required: ["os"],
        properties: {
          os: { enum: ["windows", "linux", { not: "a schema" }] },
          tags: { type: "array", items: { type: "string" }, contains: { const: "x" } },
        },
        if: { properties: { os: { const: "windows" } } },
        then: { required: ["tags"] },
        else: { not: { required: ["tags"] } },
      },
      undefined,
    ],
    ["items as a list (a tuple in draft-07)", { items: [{ type: "string" }] }, "/items"],
    [
      "unevaluatedProperties deep down",
      { properties: { a: { anyOf: [{ unevaluatedProperties: false }] } } },
      "/properties/a/anyOf/0/unevaluatedProperties",
    ],
    ["prefixItems", { prefixItems: [{}] }, "/prefixItems"],
    [
      "a property named like a keyword",
      { properties: { prefixItems: { type: "string" } } },
      undefined,
    ],
    ["a custom keyword not declared", { maxAgeDays: 3 }, "/maxAgeDays"],
  ];
  for (const [name, schema, found] of cases)
    it(name, () => expect(notSameInDraft07(schema)).to.equal(found));

  it("a custom keyword declared for both classes", () =>
    expect(notSameInDraft07({ maxAgeDays: 3 }, new Set(["maxAgeDays"]))).to.equal(undefined));

  it("both classes give the same answers for the first case's schema", () => {
    const schema = cases[0]![1];
    const draft07 = createDraft07Ajv({ fast: true }).compile(schema);
    const draft2020 = createAjv({ fast: true }).compile(schema);
    const documents = [
      { os: "windows", tags: ["x"] },
      { os: "windows", tags: ["y"] },
      { os: "windows" },
      { os: "linux" },
      { os: "linux", tags: ["x"] },
      { os: { not: "a schema" } },
      {},
    ];
    for (const d of documents) expect(draft07(d), JSON.stringify(d)).to.equal(draft2020(d));
    expect(documents.map((d) => draft07(d))).to.deep.equal([
      true,
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
  });
});
