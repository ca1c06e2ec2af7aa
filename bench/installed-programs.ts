/**
 * The long tail of what a town's Windows machine lists under Programs and Features, beside the
 * titles the baselines judge: runtimes, drivers, vendor and line-of-business tools, each at one of
 * a few versions, several with the version in the name as their installers write it. A machine
 * collected by `collect-windows.ps1` lists 100–200 of them; a Debian server collected by the Linux
 * collector lists its 500–3,000 packages. Without them the bench's machines had about six titles.
 */
import type { MachineConfig } from "../src/machine-config/schema.js";

type Installed = Exclude<NonNullable<MachineConfig["software"]>, "unknown">[number];

/** A family: its name with `{v}` for the version, its publisher, the versions, how often installed. */
interface Family {
  readonly name: string;
  readonly publisher: string;
  readonly versions: readonly string[];
  readonly share: number;
}

const vcRedist = (year: string, versions: string[]): Family[] =>
  ["x86", "x64"].flatMap((arch) => [
    {
      name: `Microsoft Visual C++ ${year} Redistributable (${arch}) - {v}`,
      publisher: "Microsoft Corporation",
      versions,
      share: 0.8,
    },
    {
      name: `Microsoft Visual C++ ${year} ${arch} Minimum Runtime - {v}`,
      publisher: "Microsoft Corporation",
      versions,
      share: 0.75,
    },
    {
      name: `Microsoft Visual C++ ${year} ${arch} Additional Runtime - {v}`,
      publisher: "Microsoft Corporation",
      versions,
      share: 0.75,
    },
  ]);

const ms = (name: string, versions: string[], share: number): Family => ({
  name,
  publisher: "Microsoft Corporation",
  versions,
  share,
});
const of = (publisher: string, share: number, versions: string[], ...names: string[]): Family[] =>
  names.map((name) => ({ name, publisher, versions, share }));

const FAMILIES: readonly Family[] = [
  ...vcRedist("2005", ["8.0.61001"]),
  ...vcRedist("2008", ["9.0.30729.6161", "9.0.30729.4148"]),
  ...vcRedist("2010", ["10.0.40219"]),
  ...vcRedist("2012", ["11.0.61030"]),
  ...vcRedist("2013", ["12.0.40664", "12.0.30501"]),
  ...vcRedist("2015-2022", ["14.38.33135", "14.40.33810", "14.42.34433", "14.36.32532"]),
  ...["6.0.36", "8.0.11", "8.0.10", "9.0.0"].flatMap((v) => [
    ms(`Microsoft .NET Runtime - ${v} (x64)`, [v], 0.45),
    ms(`Microsoft .NET Host - ${v} (x64)`, [v], 0.45),
    ms(`Microsoft .NET Host FX Resolver - ${v} (x64)`, [v], 0.45),
    ms(`Microsoft Windows Desktop Runtime - ${v} (x64)`, [v], 0.4),
    ms(`Microsoft ASP.NET Core ${v} Shared Framework (x64)`, [v], 0.15),
  ]),
  ms("Microsoft Edge", ["131.0.2903.70", "131.0.2903.63", "130.0.2849.80"], 0.98),
  ms("Microsoft Edge WebView2 Runtime", ["131.0.2903.70", "131.0.2903.63"], 0.97),
  ms("Microsoft Update Health Tools", ["5.72.0.0", "3.74.0.0"], 0.9),
  ms("Microsoft OneDrive", ["24.216.1027.0001", "24.201.1006.0005"], 0.85),
  ms("Microsoft Teams Meeting Add-in for Microsoft Office", ["1.24.25506", "1.24.14501"], 0.7),
  ms("Teams Machine-Wide Installer", ["1.7.0.21751", "1.6.0.27573"], 0.5),
  ms("Microsoft Intune Management Extension", ["1.84.105.0", "1.83.107.0"], 0.6),
  ms("Microsoft Policy Platform", ["68.1.1010.0"], 0.6),
  ms("Microsoft GameInput", ["10.1.26100.2454"], 0.4),
  ms("Windows PC Health Check", ["3.6.2204.08001"], 0.3),
  ms("Update for Windows 10 for x64-based Systems (KB5001716)", ["8.94.0.0"], 0.3),
  ms("Office 16 Click-to-Run Extensibility Component", ["16.0.17928.20156"], 0.8),
  ms("Office 16 Click-to-Run Licensing Component", ["16.0.17928.20156"], 0.8),
  ms("Office 16 Click-to-Run Localization Component", ["16.0.17928.20156"], 0.8),
  ms("Microsoft ODBC Driver 17 for SQL Server", ["17.10.6.1"], 0.25),
  ms("Microsoft SQL Server 2012 Native Client", ["11.4.7462.6"], 0.2),
  ms("Microsoft Access database engine 2016 (English)", ["16.0.5044.1000"], 0.15),
  ms("Microsoft Visual Studio Tools for Applications 2017", ["15.0.27520"], 0.1),
  ms("Windows Software Development Kit - Windows 10.0.{v}", ["19041.685", "22621.2428"], 0.05),
  ...of(
    "Intel Corporation",
    0.55,
    ["2406.5.5.0", "2340.5.27.0", "10.1.19444.8378"],
    "Intel(R) Management Engine Components",
    "Intel(R) Chipset Device Software",
    "Intel(R) Serial IO",
    "Intel(R) Rapid Storage Technology",
    "Intel(R) Wireless Bluetooth(R)",
    "Intel(R) PROSet/Wireless Software",
    "Intel(R) Graphics Driver",
    "Intel(R) Network Connections 29.1.0.2",
  ),
  ...of(
    "Realtek Semiconductor Corp.",
    0.45,
    ["6.0.9225.1", "6.0.9549.1"],
    "Realtek Audio Driver",
    "Realtek High Definition Audio Driver",
    "Realtek Card Reader",
  ),
  ...of(
    "NVIDIA Corporation",
    0.12,
    ["566.14", "552.44", "538.78"],
    "NVIDIA Graphics Driver {v}",
    "NVIDIA PhysX System Software 9.23.1019",
    "NVIDIA HD Audio Driver 1.4.0.1",
    "NVIDIA FrameView SDK 1.3.8513.32290073",
  ),
  ...of(
    "Dell Inc.",
    0.5,
    ["5.5.0", "4.6.0", "5.1.0"],
    "Dell SupportAssist",
    "Dell Command | Update for Windows Universal",
    "Dell Optimizer Service",
    "Dell Digital Delivery Services",
    "Dell Power Manager Service",
    "Dell SupportAssist OS Recovery Plugin for Dell Update",
    "Dell Peripheral Manager",
  ),
  ...of(
    "HP Inc.",
    0.2,
    ["9.28.39.0", "8.8.34.31"],
    "HP Support Assistant",
    "HP Wolf Security",
    "HP Sure Recover",
    "HP Notifications",
    "HP Connection Optimizer",
  ),
  ...of(
    "Oracle Corporation",
    0.3,
    ["8.0.4310.11", "8.0.4210.9"],
    "Java 8 Update 431 (64-bit)",
    "Java 8 Update 421",
    "Java Auto Updater",
  ),
  ...of(
    "Adobe Inc.",
    0.6,
    ["1.8.0", "3.8.0.1"],
    "Adobe Refresh Manager",
    "Adobe Genuine Service",
    "Adobe Creative Cloud",
  ),
  ...of(
    "Cisco Systems, Inc.",
    0.3,
    ["4.10.08025", "5.1.2.42"],
    "Cisco AnyConnect Secure Mobility Client",
    "Cisco Secure Client - AnyConnect VPN",
    "Cisco Webex Meetings",
  ),
  ...of("Fortinet Technologies Inc", 0.25, ["7.2.4.0972", "7.0.11.0572"], "FortiClient VPN"),
  ...of("Citrix Systems, Inc.", 0.2, ["24.5.0.102", "23.11.0.160"], "Citrix Workspace {v}"),
  ...of("VMware, Inc.", 0.08, ["12.4.5.23787635"], "VMware Tools"),
  ...of(
    "Apple Inc.",
    0.1,
    ["17.3.0.1", "12.13.2.3"],
    "Bonjour",
    "Apple Mobile Device Support",
    "iTunes",
  ),
  ...of(
    "Canon Inc.",
    0.2,
    ["2.5.1", "1.6.0"],
    "Canon MF Scan Utility",
    "Canon Generic Plus PCL6 Printer Driver",
  ),
  ...of(
    "Brother Industries, Ltd.",
    0.15,
    ["1.0.1.0", "2.1.0.0"],
    "Brother MFL-Pro Suite MFC-L2750DW series",
    "Brother iPrint&Scan",
  ),
  ...of("Xerox Corp.", 0.15, ["7.214.0.0"], "Xerox Desktop Print Experience", "Xerox Smart Start"),
  ...of("Tyler Technologies, Inc.", 0.1, ["2024.1.0.12", "2023.2.0.4"], "Tyler Content Manager"),
  ...of(
    "SAP",
    0.15,
    ["13.0.36.5002", "13.0.32.4286"],
    "SAP Crystal Reports runtime engine for .NET Framework (64-bit)",
    "Crystal Reports Basic Runtime for Visual Studio 2008",
  ),
  ...of(
    "Python Software Foundation",
    0.05,
    ["3.12.7150.0", "3.11.9150.0"],
    "Python 3.12.7 (64-bit)",
    "Python Launcher",
  ),
  ...of("The Git Development Community", 0.05, ["2.47.0"], "Git"),
  ...of("Simon Tatham", 0.08, ["0.81.0.0", "0.80.0.0"], "PuTTY release {v} (64-bit)"),
  ...of("Martin Prikryl", 0.08, ["6.3.5", "6.1.2"], "WinSCP {v}"),
  ...of("Dominik Reichl", 0.1, ["2.57.1", "2.56"], "KeePass Password Safe {v}"),
  ...of("Greenshot", 0.15, ["1.2.10.6"], "Greenshot 1.2.10.6"),
  ...of("dotPDN LLC", 0.08, ["5.0.13"], "paint.net"),
  ...of("Geek Software GmbH", 0.12, ["11.21.0"], "PDF24 Creator"),
  ...of("Foxit Software Inc.", 0.08, ["2024.3.0.26795"], "Foxit PDF Reader"),
  ...of("VideoLAN", 0.3, ["3.0.21"], "VLC media player"),
  ...of("The Document Foundation", 0.1, ["24.8.3.2", "7.6.7.2"], "LibreOffice {v}"),
  ...of("Sophos Limited", 0.3, ["2024.3.1.1"], "Sophos Endpoint Agent"),
  ...of("CrowdStrike, Inc.", 0.2, ["7.19.18913.0"], "CrowdStrike Windows Sensor"),
  ...of(
    "Zebra Technologies",
    0.05,
    ["10.6.2.0"],
    "ZDesigner Windows Printer Driver Version 10.6.2.0",
  ),
  ...of("Duo Security", 0.2, ["4.3.1.0"], "Duo Authentication for Windows Logon x64"),
  ...of("ConnectWise", 0.3, ["24.1.7.0"], "ConnectWise Automate Remote Agent"),
  ...of("Veeam Software Group GmbH", 0.1, ["12.2.0.334"], "Veeam Backup Transport"),
];

// Titles few machines share (a department's plug-in, a vendor's viewer, a user's tool): a vendor
// and a product from these lists, 2,400 names in all.
const RARE_VENDORS = [
  "Acme",
  "Bentley",
  "Trimble",
  "Esri",
  "Autodesk",
  "Hexagon",
  "Axon",
  "Motorola",
  "Kofax",
  "Nuance",
  "Corel",
  "Wacom",
  "Logitech",
  "Jabra",
  "Poly",
  "Yealink",
  "Epson",
  "Fujitsu",
  "Kyocera",
  "Sharp",
  "Konica Minolta",
  "Panasonic",
  "Garmin",
  "Zoom",
  "Genetec",
  "Milestone",
  "Verkada",
  "Honeywell",
  "Johnson Controls",
  "Schneider Electric",
  "APC",
  "Eaton",
  "Ubiquiti",
  "Meraki",
  "Aruba",
  "SonicWall",
  "Barracuda",
  "Mimecast",
  "Datto",
  "Kaseya",
  "N-able",
  "Splashtop",
  "Bomgar",
  "Quest",
  "SolarWinds",
  "ManageEngine",
  "Paessler",
  "Ivanti",
  "Symantec",
  "Trend Micro",
  "ESET",
  "Malwarebytes",
  "Webroot",
  "Bitdefender",
  "Keeper",
  "LastPass",
  "Bitwarden",
  "Dashlane",
  "Box",
  "Dropbox",
];
const RARE_PRODUCTS = [
  "Viewer",
  "Client",
  "Agent",
  "Connector",
  "Toolkit",
  "Utility",
  "Plug-in for Outlook",
  "Desktop",
  "Launcher",
  "Updater",
  "Driver Package",
  "Runtime",
  "Service",
  "Companion",
  "Scan Manager",
  "Sync",
  "Print Manager",
  "Helper",
  "Add-in for Excel",
  "Reports",
  "Console",
  "Field Tools",
  "Capture",
  "Mobile Connect",
  "Device Manager",
  "Firmware Updater",
  "SDK",
  "Integration",
  "Analyzer",
  "Monitor",
  "Recorder",
  "Player",
  "Editor",
  "Converter",
  "Assistant",
  "Backup",
  "Reader",
  "Workspace",
  "Dashboard",
  "Link",
];

/**
 * The long tail of one machine: each family installed at its share, at one of its versions,
 * drawn from `random` (its own stream, so the rest of a seeded machine stays as it was).
 */
export function installedPrograms(random: () => number): Installed[] {
  const installed: Installed[] = [];
  for (const family of FAMILIES) {
    if (random() >= family.share) continue;
    const version = family.versions[Math.floor(random() * family.versions.length)]!;
    installed.push({
      name: family.name.replace("{v}", version),
      publisher: family.publisher,
      version,
    });
  }
  const rare = 20 + Math.floor(random() * 40);
  for (let k = 0; k < rare; k++) {
    const vendor = RARE_VENDORS[Math.floor(random() * RARE_VENDORS.length)]!;
    const product = RARE_PRODUCTS[Math.floor(random() * RARE_PRODUCTS.length)]!;
    const version = `${1 + Math.floor(random() * 12)}.${Math.floor(random() * 10)}`;
    installed.push({ name: `${vendor} ${product}`, publisher: vendor, version });
  }
  return installed;
}
