/** Machine-level checks by the name a control's `check: { function: … }` uses. */
import type { MachineCheck } from "../types.js";
import { browsersBehind, browsersCurrent } from "./browsers.js";
import { disposedNotReporting } from "./disposed-not-reporting.js";
import { hardwareAge } from "./hardware-age.js";
import { secureManagement, vendorSupported } from "./network-device.js";
import { prohibitedSoftware } from "./prohibited-software.js";
import { supportedOs } from "./supported-os.js";
import { appsSupportEnding, appsSupported } from "./supported-apps.js";

export const MACHINE_CHECKS: Readonly<Record<string, MachineCheck>> = {
  appsSupportEnding,
  appsSupported,
  browsersBehind,
  browsersCurrent,
  disposedNotReporting,
  hardwareAge,
  prohibitedSoftware,
  secureManagement,
  supportedOs,
  vendorSupported,
};
