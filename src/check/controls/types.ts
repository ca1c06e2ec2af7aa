/** The contract between controls and the code that checks them when a JSON Schema cannot. */
import type { MachineConfig } from "../../machine-config/schema.js";
import type { Evidence } from "../evaluation/result.js";
import type {
  AppLifecycleTable,
  CisSafeguards,
  OsLifecycleTable,
  SoftwareCatalog,
} from "../policy/baseline-schema.js";
import type { AssetRegister, LicenseRegister } from "../input/registers.js";
import type { DisposalRegister } from "../input/disposals.js";
import type { IpPlan } from "../input/ip-plan.js";

/** What a check concludes for one machine. */
export type Outcome =
  | { readonly status: "pass" }
  | { readonly status: "fail"; readonly evidence: readonly Evidence[] }
  | { readonly status: "not-applicable"; readonly reason: string };

/** Reference tables shipped under policies/data and the town's registers, when given. */
export interface PolicyData {
  readonly osLifecycle: OsLifecycleTable;
  readonly softwareCatalog: SoftwareCatalog;
  readonly appLifecycle: AppLifecycleTable;
  /** The CIS Controls v8 safeguards, for the coverage map. */
  readonly cisSafeguards: CisSafeguards;
  readonly licenses?: LicenseRegister;
  readonly assets?: AssetRegister;
  readonly disposals?: DisposalRegister;
  readonly ipPlan?: IpPlan;
}

export interface CheckContext {
  /** The evaluation time: every "days old" is measured from here. */
  readonly at: Date;
  /** The control's parameters after the overlay, validated against their schemas. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly data: PolicyData;
}

/** A machine-level check: a pure function of one machine. Throwing makes an `error` result. */
export type MachineCheck = (machine: MachineConfig, ctx: CheckContext) => Outcome;

/** A register entry with no machine reporting for it: it gets a row of its own in the results. */
export interface UnreportedAsset {
  readonly assetTag: string;
  readonly hostname: string;
  readonly department: string;
  readonly site: string;
  readonly evidence: readonly Evidence[];
}

export interface FleetOutcome {
  /** Failures by the handle passed to observe(); observed machines not listed pass. */
  readonly failures: ReadonlyMap<number, readonly Evidence[]>;
  readonly unreported?: readonly UnreportedAsset[];
}

/**
 * What a fleet check sees of a machine: identity and software, nothing else. Kept narrow so that
 * what a fleet check keeps per machine stays small and its inputs stay obvious.
 */
export type FleetView = Pick<
  MachineConfig,
  | "hostname"
  | "assetTag"
  | "serialNumber"
  | "macAddresses"
  | "ipAddresses"
  | "ipAssignment"
  | "department"
  | "site"
  | "role"
  | "software"
  | "lifecycle"
>;

/**
 * A fleet-level check sees every machine once, in any order, keeping only the few facts it needs
 * (so memory does not grow with what machines carry), then concludes for all of them at once.
 */
export interface FleetAccumulator {
  observe(machine: FleetView, handle: number): void;
  finish(): FleetOutcome;
}

export interface FleetCheck {
  /** Registers the check cannot work without; missing ones make it not-applicable, with a warning. */
  readonly requires: readonly ("licenses" | "assets" | "disposals" | "ipPlan")[];
  create(ctx: CheckContext): FleetAccumulator;
}
