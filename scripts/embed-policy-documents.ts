/**
 * An esbuild plugin that fills src/documents/embedded-documents.data.ts with the shipped YAML of
 * policies/baselines and policies/data, parsed as a check would parse it, so a check skips the
 * YAML parser for a file whose text is unchanged (src/documents/embedded-documents.ts).
 */
import type { Plugin } from "esbuild";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { decodeText, parseText } from "../src/documents/read-document.js";
import { textDigest, type EmbeddedDocument } from "../src/documents/embedded-documents.js";

/** The folders whose YAML a check reads on every run. */
const EMBEDDED_FOLDERS = [path.join("policies", "baselines"), path.join("policies", "data")];

/**
 * Each file parsed without problems and whose value survives JSON unchanged; a broken file is
 * left out, so the run reports it exactly as from the sources.
 */
export function embeddedDocuments(root: string): EmbeddedDocument[] {
  return EMBEDDED_FOLDERS.flatMap((folder) =>
    readdirSync(path.join(root, folder))
      .filter((name) => /\.ya?ml$/i.test(name))
      .sort()
      .flatMap((name) => {
        const file = path.join(root, folder, name);
        const parsed = parseText(decodeText(readFileSync(file)), file);
        if (!parsed.ok) return [];
        const json = JSON.stringify(parsed.value);
        if (!isDeepStrictEqual(JSON.parse(json), parsed.value)) return [];
        return [{ length: parsed.text.length, sha256: textDigest(parsed.text), json }];
      }),
  );
}

export function embedPolicyDocuments(root: string): Plugin {
  return {
    name: "embed-policy-documents",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]documents[\\/]embedded-documents\.data\.ts$/ }, () => ({
        contents: `export const EMBEDDED_DOCUMENTS = ${JSON.stringify(embeddedDocuments(root))};\n`,
        loader: "js",
      }));
    },
  };
}
