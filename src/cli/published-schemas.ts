/** The published JSON Schemas (policies/schemas/*.json), generated from the TypeBox definitions. */
import type { TSchema } from "@sinclair/typebox";
import { CollectionReportSchema } from "../collect/collection-report.js";
import { EdrCatalogSchema } from "../collect/linux/edr-catalog-schema.js";
import { DrillConfigSchema } from "../drill/planning/config.js";
import { HostsInventorySchema } from "../hosts/inventory-schema.js";
import { IpPlanSchema } from "../check/input/ip-plan.js";
import { MachineConfigSchema } from "../machine-config/schema.js";
import {
  AppLifecycleSchema,
  BaselineSchema,
  OverlaySchema,
  WaiversSchema,
} from "../check/policy/baseline-schema.js";
import { StackConfigSchema } from "../infra/config-schema.js";
import { StackOutputsSchema } from "../infra/stack-outputs.js";
import { BudgetReportSchema } from "../budget/report-model.js";
import { WorkspaceSchema } from "../workspace/workspace-file.js";
import { EvidenceFrameworksSchema } from "../evidence/frameworks.js";

const DRAFT = "https://json-schema.org/draft/2020-12/schema";

const published: Readonly<Record<string, TSchema>> = {
  "machine-config.schema.json": MachineConfigSchema,
  "baseline.schema.json": BaselineSchema,
  "overlay.schema.json": OverlaySchema,
  "waivers.schema.json": WaiversSchema,
  "hosts-inventory.schema.json": HostsInventorySchema,
  "drill-config.schema.json": DrillConfigSchema,
  "stack-config.schema.json": StackConfigSchema,
  "stack-outputs.schema.json": StackOutputsSchema,
  "collection-report.schema.json": CollectionReportSchema,
  "edr-agents.schema.json": EdrCatalogSchema,
  "budget-report.schema.json": BudgetReportSchema,
  "app-lifecycle.schema.json": AppLifecycleSchema,
  "ip-plan.schema.json": IpPlanSchema,
  "workspace.schema.json": WorkspaceSchema,
  "evidence-frameworks.schema.json": EvidenceFrameworksSchema,
};

/** File name → the JSON text that belongs in policies/schemas. */
export function publishedSchemas(): Map<string, string> {
  return new Map(
    Object.entries(published).map(([file, schema]) => [
      file,
      JSON.stringify({ $schema: DRAFT, ...schema }, null, 2) + "\n",
    ]),
  );
}
