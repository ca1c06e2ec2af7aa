/**
 * Empty in the sources. `npm run build` replaces this module in the bundle by the parsed YAML
 * files of policies/baselines and policies/data (scripts/embed-policy-documents.ts).
 */
import type { EmbeddedDocument } from "./embedded-documents.js";

export const EMBEDDED_DOCUMENTS: readonly EmbeddedDocument[] = [];
