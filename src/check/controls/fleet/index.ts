/** Fleet-level checks by the name a control's `check: { fleet: … }` uses. */
import type { FleetCheck } from "../types.js";
import { assetRegistered } from "./asset-registered.js";
import { assetReported } from "./asset-reported.js";
import { disposedWipeRecorded } from "./disposed-wipe-recorded.js";
import { addressesInSiteSubnets, staticInOwnReservation, staticOutsideDhcp } from "./ip-plan.js";
import { licenseCoverage } from "./license-coverage.js";
import { licenseSeats } from "./license-seats.js";
import { uniqueHostnames } from "./unique-hostnames.js";
import { uniqueIps } from "./unique-ips.js";
import { uniqueMacs } from "./unique-macs.js";
import { uniqueSerials } from "./unique-serials.js";

export const FLEET_CHECKS: Readonly<Record<string, FleetCheck>> = {
  addressesInSiteSubnets,
  assetRegistered,
  assetReported,
  disposedWipeRecorded,
  licenseCoverage,
  licenseSeats,
  staticInOwnReservation,
  staticOutsideDhcp,
  uniqueHostnames,
  uniqueIps,
  uniqueMacs,
  uniqueSerials,
};
