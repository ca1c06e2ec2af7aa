/**
 * The town inputs that turn on every fleet control for the check benchmark: a license register,
 * an asset register, a disposal register, an IP plan and an overlay, written beside a synthetic
 * fleet and sized with it. Registers grow with the fleet the way real ones do: one license row
 * per purchase of 50 seats (plus last year's expired rows), one asset row per machine.
 *
 * The machines themselves get what a town's would carry for these controls (department software
 * that needs a license, how the address is assigned, an address in its site's subnets), drawn from
 * a random source of their own, so the base fleet of `syntheticMachine` stays the same.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { MachineConfig } from "../src/machine-config/schema.js";

/** Commercial titles of the software catalog, by the departments that install them. */
const DEPARTMENT_SOFTWARE: readonly {
  readonly product: string;
  readonly installed: { name: string; publisher: string; version: string };
  readonly departments: readonly string[];
  readonly share: number;
}[] = [
  {
    product: "Adobe Acrobat Pro",
    installed: { name: "Adobe Acrobat Pro DC", publisher: "Adobe Inc.", version: "24.004.20220" },
    departments: ["town-hall", "police", "public-works", "library", "senior-center"],
    share: 0.15,
  },
  {
    product: "Microsoft Visio",
    installed: {
      name: "Microsoft Visio Professional 2021",
      publisher: "Microsoft Corporation",
      version: "16.0.14332.20763",
    },
    departments: ["town-hall", "public-works"],
    share: 0.05,
  },
  {
    product: "AutoCAD LT",
    installed: { name: "AutoCAD LT 2025", publisher: "Autodesk, Inc.", version: "25.0.58.0" },
    departments: ["public-works"],
    share: 0.3,
  },
  {
    product: "ArcGIS Pro",
    installed: { name: "ArcGIS Pro", publisher: "Esri", version: "3.3.2" },
    departments: ["public-works", "town-hall"],
    share: 0.2,
  },
  {
    product: "QuickBooks Desktop",
    installed: {
      name: "QuickBooks Desktop Pro 2024",
      publisher: "Intuit Inc.",
      version: "34.0.4004.3404",
    },
    departments: ["town-hall"],
    share: 0.1,
  },
];
/** Titles of the base fleet's software that need a license, by installed-name prefix. */
const BASE_PRODUCTS = [
  ["Microsoft 365", "Microsoft 365 Apps"],
  ["Veeam Agent for Microsoft Windows", "Veeam Agent for Microsoft Windows"],
] as const;
const SEATS_PER_PURCHASE = 50;
const DEPARTMENTS = ["town-hall", "police", "public-works", "library", "senior-center"];

/** Site k holds 10.(16k).0.0/12: servers static in its first /16, clients leased from the rest. */
const CLIENT_SUBNETS = [
  [1, 16],
  [2, 15],
  [4, 14],
  [8, 13],
] as const;
const siteBase = (site: string) => 16 * Math.max(0, DEPARTMENTS.indexOf(site));

/** CSV field, quoted when it needs to be. */
const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const row = (cells: readonly (string | number)[]) => cells.map(String).map(field).join(",") + "\n";

/** Where the town inputs of a benchmark fleet are written. */
export interface TownFiles {
  readonly licenses: string;
  readonly assets: string;
  readonly disposals: string;
  readonly ipPlan: string;
  readonly overlay: string;
}

export function townFiles(dir: string): TownFiles {
  return {
    licenses: path.join(dir, "licenses.csv"),
    assets: path.join(dir, "assets.csv"),
    disposals: path.join(dir, "disposals.csv"),
    ipPlan: path.join(dir, "ip-plan.yaml"),
    overlay: path.join(dir, "overlay.yaml"),
  };
}

/** The `stronghold check` options that hand it a generated town's registers, IP plan and overlay. */
export function townArgs(files: TownFiles): string[] {
  return [
    "--licenses",
    files.licenses,
    "--assets",
    files.assets,
    "--disposals",
    files.disposals,
    "--ip-plan",
    files.ipPlan,
    "--overlay",
    files.overlay,
  ];
}

async function put(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((r) => stream.once("drain", () => r()));
}

/**
 * Gives each machine of a fleet its town-specific fields and collects the registers as the
 * machines go by; `finish` writes the registers that need the whole fleet.
 */
export class TownRegisters {
  private readonly installs = new Map<string, number>();
  private readonly assets: WriteStream;
  private assetLine = 1;
  private readonly files: TownFiles;

  constructor(
    dir: string,
    private readonly random: () => number,
  ) {
    this.files = townFiles(dir);
    this.assets = createWriteStream(this.files.assets);
    this.assets.write(
      row([
        "Asset Tag",
        "Serial Number",
        "Hostname",
        "Department",
        "Site",
        "Model",
        "Purchase Date",
        "Status",
      ]),
    );
  }

  /** The machine as this town's collector reports it; registers the asset (most of the time). */
  async add(i: number, base: MachineConfig): Promise<MachineConfig> {
    const random = this.random;
    const server = base.role === "server";
    const software = Array.isArray(base.software) ? [...base.software] : [];
    for (const title of DEPARTMENT_SOFTWARE)
      if (title.departments.includes(base.department) && random() < title.share)
        software.push(title.installed);
    for (const item of software) {
      const product =
        BASE_PRODUCTS.find(([prefix]) => item.name.startsWith(prefix))?.[1] ??
        DEPARTMENT_SOFTWARE.find((t) => t.installed.name === item.name)?.product;
      if (product !== undefined) this.installs.set(product, (this.installs.get(product) ?? 0) + 1);
    }
    // Servers in the site's first /16, clients over the next fifteen: unique to about 10^6 machines.
    const b = siteBase(base.site);
    const ip = server
      ? `10.${b}.${(i >>> 8) & 255}.${i & 255}`
      : `10.${b + 1 + ((i >>> 16) % 15)}.${(i >>> 8) & 255}.${i & 255}`;
    const machine: MachineConfig = {
      ...base,
      ipAddresses: [ip],
      ipAssignment: server ? "static" : random() < 0.01 ? "static" : "dhcp",
      software,
    };
    // 2% of machines are missing from the register: lcm-asset-registered fails them.
    if (random() >= 0.02) {
      await put(
        this.assets,
        row([
          base.assetTag,
          base.serialNumber,
          base.hostname,
          base.department,
          base.site,
          base.hardware?.model ?? "",
          base.hardware?.purchaseDate ?? "",
          "In Service",
        ]),
      );
      this.assetLine++;
    }
    return machine;
  }

  /** Writes the rest: spares, never-reporting and disposed assets, licenses, disposals, plan. */
  async finish(n: number): Promise<void> {
    const random = this.random;
    const disposals: string[] = [
      row([
        "Asset Tag",
        "Method",
        "Wiped At",
        "Performed By",
        "Witness",
        "Certificate",
        "Certificate SHA-256",
      ]),
    ];
    // Per 100 machines: one disposed asset, half a spare, a fifth of one in service that never reports.
    for (let k = 0; k < Math.ceil(n / 100); k++) {
      const department = DEPARTMENTS[k % DEPARTMENTS.length]!;
      const tag = `MB-D${String(k).padStart(7, "0")}`;
      await put(
        this.assets,
        row([
          tag,
          `SND${k}`,
          "",
          department,
          department,
          "OptiPlex 7010",
          "2019-03-01",
          "Disposed",
        ]),
      );
      // 95% have a wipe record; one in twenty of those by an unaccepted method (clear).
      if (random() < 0.95)
        disposals.push(
          row([
            tag,
            random() < 0.05 ? "clear" : "destroy",
            "2026-08-12",
            "Granite State E-Cycling",
            "IT Coordinator",
            `certificate ${k}`,
            "",
          ]),
        );
      if (k % 2 === 0)
        await put(
          this.assets,
          row([`MB-S${k}`, `SNS${k}`, "", department, department, "OptiPlex 7010", "", "Spare"]),
        );
      if (k % 5 === 0)
        await put(
          this.assets,
          row([
            `MB-U${k}`,
            `SNU${k}`,
            `gone-${k}`,
            department,
            department,
            "OptiPlex 7010",
            "",
            "In Service",
          ]),
        );
    }
    await new Promise<void>((r) => this.assets.end(() => r()));
    await writeFile(this.files.disposals, disposals.join(""));

    // Seats bought in lots of 50: current lots cover 98% of installs (so the most installed
    // titles run over their seats), and last year's lots, now expired, are still listed.
    const licenses = [
      row([
        "Product",
        "Publisher",
        "Seats",
        "License Type",
        "Expires",
        "Reference",
        "Unit Cost",
        "Annual Cost",
        "Department",
      ]),
    ];
    const products = [
      ...BASE_PRODUCTS.map(([, p]) => p),
      ...DEPARTMENT_SOFTWARE.map((t) => t.product),
    ];
    for (const product of products) {
      const installed = this.installs.get(product) ?? 0;
      const lots = Math.max(1, Math.floor((installed * 0.98) / SEATS_PER_PURCHASE));
      for (let lot = 0; lot < lots; lot++) {
        // Visio is only on last year's (expired) lots: aup-commercial-software-licensed fails it.
        if (product !== "Microsoft Visio")
          licenses.push(
            row([
              product,
              "Vendor",
              SEATS_PER_PURCHASE,
              "Subscription",
              "2027-06-30",
              `PO 2026-${lot}`,
              "120.00",
              "",
              "",
            ]),
          );
        licenses.push(
          row([
            product,
            "Vendor",
            SEATS_PER_PURCHASE,
            "Subscription",
            "2025-06-30",
            `PO 2025-${lot}`,
            "120.00",
            "",
            "",
          ]),
        );
      }
    }
    await writeFile(this.files.licenses, licenses.join(""));

    const plan = ["sites:"];
    for (const site of DEPARTMENTS) {
      const b = siteBase(site);
      plan.push(
        `  - site: ${site}`,
        "    subnets:",
        "      - name: servers",
        `        cidr: 10.${b}.0.0/16`,
        "        reserved:",
        `          - { range: 10.${b}.0.1-10.${b}.255.254, purpose: servers }`,
      );
      for (const [offset, bits] of CLIENT_SUBNETS) {
        const last = b + offset + 2 ** (16 - bits) - 1;
        plan.push(
          `      - name: clients ${offset}`,
          `        cidr: 10.${b + offset}.0.0/${bits}`,
          `        dhcp: [10.${b + offset}.0.0-10.${last}.255.255]`,
        );
      }
    }
    await writeFile(this.files.ipPlan, plan.join("\n") + "\n");
    await writeFile(
      this.files.overlay,
      [
        "name: Benchmark town",
        "extends: [security, acceptable-use, lifecycle]",
        "controls:",
        "  sec-removable-media-restricted:",
        "    severity: high",
        "",
      ].join("\n"),
    );
  }
}
