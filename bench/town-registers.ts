/**
 * The registers and IP plan of a town that `bench/check-fleet.ts` generates beside its fleet
 * (licenses.csv, assets.csv, disposals.csv, ip-plan.yaml), as a run's policy data.
 */
import { loadDisposalRegister } from "../src/check/input/disposals.js";
import { loadIpPlan } from "../src/check/input/ip-plan.js";
import { loadAssetRegister, loadLicenseRegister } from "../src/check/input/registers.js";
import type { PolicyData } from "../src/check/controls/types.js";
import type { loadReferenceData } from "../src/check/policy/data.js";

type ReferenceData = Awaited<ReturnType<typeof loadReferenceData>>;

export async function loadTownRegisters(town: string, reference: ReferenceData) {
  const [licenses, assets, disposals, ipPlan] = await Promise.all([
    loadLicenseRegister(`${town}/licenses.csv`),
    loadAssetRegister(`${town}/assets.csv`),
    loadDisposalRegister(`${town}/disposals.csv`),
    loadIpPlan(`${town}/ip-plan.yaml`),
  ]);
  const data: PolicyData = {
    ...reference,
    licenses: licenses.register,
    assets: assets.register,
    disposals: disposals.register,
    ipPlan: ipPlan.plan,
  };
  return { data, licenses: licenses.register, assets: assets.register };
}
