/**
 * A synthetic fleet for benchmarks: realistic machine configs with a seeded random mix of
 * violations, so every run of the benchmark checks the very same fleet.
 */
import type { MachineConfig } from "../src/machine-config/schema.js";
import { HARDENED_WINDOWS } from "../test/fixtures/machine-factory.js";
import { seededRandom } from "../test/fixtures/seeded.js";
import { installedPrograms } from "./installed-programs.js";

const PROGRAMS_SEED = 4_100_000;

const DEPARTMENTS = ["town-hall", "police", "public-works", "library", "senior-center"] as const;
const SOFTWARE = [
  {
    name: "Microsoft 365 Apps for enterprise - en-us",
    publisher: "Microsoft Corporation",
    version: "16.0.17928.20156",
  },
  { name: "Google Chrome", publisher: "Google LLC", version: "131.0.6778.86" },
  { name: "Mozilla Firefox (x64 en-US)", publisher: "Mozilla", version: "132.0.2" },
  { name: "7-Zip 24.08 (x64)", publisher: "Igor Pavlov", version: "24.08" },
  { name: "Adobe Acrobat Reader DC", publisher: "Adobe", version: "24.004.20220" },
  {
    name: "Veeam Agent for Microsoft Windows",
    publisher: "Veeam Software Group GmbH",
    version: "6.2.0.121",
  },
  {
    name: "Zoom Workplace (64-bit)",
    publisher: "Zoom Video Communications, Inc.",
    version: "6.2.11",
  },
  { name: "Notepad++ (64-bit x64)", publisher: "Notepad++ Team", version: "8.7.1" },
];

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
const day = (at: Date, daysAgo: number) =>
  new Date(at.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/**
 * Machine number `i` of a fleet generated with `seed`, as of `at`; with `programs`, its software
 * also lists the long tail a real machine has (installed-programs.ts), drawn from a stream of its
 * own so that the rest of the fleet stays the same.
 */
export function syntheticMachine(
  i: number,
  random: () => number,
  at: Date,
  options: { programs?: boolean } = {},
): MachineConfig {
  const department = pick(random, DEPARTMENTS);
  const server = random() < 0.08;
  const bad = (p: number) => random() < p;
  const octet = (n: number) => (n % 250) + 2;
  return {
    hostname: `${department.slice(0, 3)}-${server ? "srv" : "ws"}-${String(i).padStart(6, "0")}`,
    assetTag: `MB-${String(i).padStart(7, "0")}`,
    serialNumber: `SN${(i * 7919).toString(36).toUpperCase()}`,
    macAddresses: [
      `02:00:${[i >>> 24, (i >>> 16) & 255, (i >>> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, "0")).join(":")}`,
    ],
    ipAddresses: [`10.${octet(i >>> 16)}.${octet(i >>> 8)}.${octet(i)}`],
    department,
    site: department,
    role: server ? "server" : pick(random, ["workstation", "workstation", "laptop"] as const),
    hardware: {
      manufacturer: "Dell Inc.",
      model: server ? "PowerEdge R650" : "OptiPlex 7010",
      purchaseDate: day(at, Math.floor(random() * 1800)),
      warrantyEnd: day(at, -Math.floor(random() * 900) + 100),
      ...(server
        ? { location: { room: "Server room", securedRoom: !bad(0.05), ups: !bad(0.05) } }
        : {}),
    },
    os: server
      ? {
          family: "windows",
          name: "Windows Server 2022 Standard",
          version: "21H2",
          build: "20348.2849",
          lastPatchDate: day(at, Math.floor(random() * 40)),
        }
      : {
          family: "windows",
          name: "Windows 11 Pro",
          version: bad(0.05) ? "22H2" : "24H2",
          build: "26100.2314",
          edition: "Pro",
          lastPatchDate: day(at, Math.floor(random() * 40)),
        },
    security: {
      diskEncryption: { status: bad(0.04) ? "none" : "encrypted", product: "BitLocker" },
      firewall: { domain: true, private: true, public: !bad(0.03) },
      antivirus: {
        product: "Microsoft Defender Antivirus",
        running: true,
        realTimeProtection: !bad(0.02),
        signatureDate: new Date(at.getTime() - random() * 4 * 86_400_000).toISOString(),
      },
      screenLockSeconds: bad(0.05) ? 0 : 600,
      passwordPolicy: {
        minLength: bad(0.05) ? 8 : 14,
        history: 24,
        complexity: true,
        maxAgeDays: 0,
      },
      lockout: { threshold: 5, durationMinutes: 15 },
      smbv1Enabled: bad(0.02),
      autorunEnabled: false,
      removableMedia: bad(0.05) ? "allowed" : "encrypted-only",
      localAdmins: [
        { name: "Administrator", enabled: false },
        { name: "it-admin", enabled: true, passwordManagement: "laps" },
      ],
      guestEnabled: false,
      auditLogging: true,
      timeSync: { enabled: true, source: "th-dc-01.millbrook.local" },
      logonBanner: true,
      // Constants: a random draw here would shift every later machine of a seeded fleet.
      automaticUpdates: true,
      firewallDefaultInbound: { domain: "block", private: "block", public: "block" },
      remoteDesktop: { enabled: server, networkLevelAuthentication: true },
      smbSigning: { server: true, client: true },
      ...HARDENED_WINDOWS.everyMachine,
      fileIntegrity: server ? HARDENED_WINDOWS.server.fileIntegrity : "none",
    },
    software: [
      ...SOFTWARE.filter(() => random() < 0.7),
      ...(options.programs === true ? installedPrograms(seededRandom(PROGRAMS_SEED + i)) : []),
    ],
    lifecycle: { status: "active" },
    collectedAt: new Date(at.getTime() - random() * 3 * 86_400_000).toISOString(),
  };
}
