// The Windows collector read statically: no PowerShell runs on this machine, and no PowerShell
// parser installs from npm without native code, so test/fixtures/windows/powershell-source.ts
// lexes the script and these tests hold it to its contract: read-only, Windows PowerShell 5.1
// syntax, every probe isolated, and the fields it emits in step with the machine-config schema.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  HOSTNAME_PATTERN,
  LIFECYCLE_STATUSES,
  NETWORK_SYSCTLS,
  ROLES,
  WINDOWS_TCPIP_SETTINGS,
} from "../../src/machine-config/schema.js";
import { VERSION } from "../../src/support/version.js";
import {
  commandWords,
  documentKeys,
  functionDefinitions,
  literalKeys,
  matchingClose,
  orderedKeys,
  tokenize,
  type Token,
} from "../fixtures/windows/powershell-source.js";

const scriptFile = fileURLToPath(new URL("../../scripts/collect-windows.ps1", import.meta.url));
const schemaFile = fileURLToPath(
  new URL("../../policies/schemas/machine-config.schema.json", import.meta.url),
);
const source = readFileSync(scriptFile, "utf8");
// Lexed in the first test's hook, so a construct the lexer cannot place fails a test, not the load.
let tokens: Token[] = [];
let functions: ReturnType<typeof functionDefinitions> = [];
let defined = new Set<string>();
let probeBlocks: { open: number; close: number }[] = [];

/** Cmdlets the script may call: reads, pipeline plumbing, and the output file's writing. */
const ALLOWED_CMDLETS = [
  "Confirm-SecureBootUEFI",
  "Get-BitLockerVolume",
  "Get-CimAssociatedInstance",
  "Get-CimInstance",
  "Get-Date",
  "Get-HotFix",
  "Get-LocalGroupMember",
  "Get-LocalUser",
  "Get-MpComputerStatus",
  "Get-NetAdapter",
  "Get-NetFirewallProfile",
  "Get-NetIPAddress",
  "Get-Service",
  "Get-SmbServerConfiguration",
  "ConvertFrom-Csv",
  "ConvertTo-Json",
  "ForEach-Object",
  "Join-Path",
  "Measure-Object",
  "Select-Object",
  "Sort-Object",
  "Test-Path",
  "Where-Object",
  "Write-Output",
  // Each of these three is allowed in one exact form only (tested below).
  "Set-StrictMode",
  "New-Object",
  "Move-Item",
];
const ALLOWED_VERBS = ["Get", "ConvertTo", "ConvertFrom", "Test", "Write"];

/** Commands that read the machine: allowed only inside probes and the low-level readers. */
const SYSTEM_READS = [
  "Confirm-SecureBootUEFI",
  "Get-BitLockerVolume",
  "Get-CimAssociatedInstance",
  "Get-CimInstance",
  "Get-HotFix",
  "Get-LocalGroupMember",
  "Get-LocalUser",
  "Get-MpComputerStatus",
  "Get-NetAdapter",
  "Get-NetFirewallProfile",
  "Get-NetIPAddress",
  "Get-Service",
  "Get-SmbServerConfiguration",
];
const READERS = [
  "Get-RegistryKey",
  "Get-RegistryValue",
  "Get-RegistrySubKeyNames",
  "Get-RegistryValueNames",
  "Test-RegistryKey",
  "Get-LoadedUserSids",
  "Get-ToolOutput",
  "Get-UninstallEntries",
];

/** Read-only tools and the argument lists the script may give them (as written in the source). */
const TOOL_CALLS: Readonly<Record<string, RegExp>> = {
  "net.exe": /^@\('accounts'\)$/,
  "w32tm.exe": /^@\('\/query', '\/status'\)$/,
  "auditpol.exe": /^@\('\/get', "\/subcategory:\$guid", '\/r'\)$/,
  "DFC.exe": /^@\('get', '\/ISFROZEN'\)$/,
};

const text = (from: number, to: number) =>
  tokens
    .slice(from, to)
    .map((t) => (t.adjacent ? t.text : ` ${t.text}`))
    .join("")
    .trim();

/** The tokens of each call of a command, up to the end of its statement. */
function calls(name: string): { at: Token; args: string }[] {
  return tokens.flatMap((t, k) => {
    if (t.kind !== "word" || t.text.toLowerCase() !== name.toLowerCase()) return [];
    if (tokens[k - 1]?.text.toLowerCase() === "function") return [];
    let end = k + 1;
    let depth = 0;
    for (; end < tokens.length; end++) {
      const u = tokens[end]!;
      if (u.kind === "open" || (u.kind === "type" && !u.text.endsWith("]"))) depth++;
      if (u.kind === "close") {
        if (depth === 0) break;
        depth--;
      }
      if (depth === 0 && (u.text === "\n" || u.text === ";" || u.text === "|")) break;
    }
    return [{ at: t, args: text(k + 1, end) }];
  });
}

/** Innermost function (or none) around token k. */
function enclosingFunction(k: number): string | undefined {
  const around = functions.filter((f) => f.open < k && k < f.close);
  return around.sort((a, b) => b.open - a.open)[0]?.name;
}

/** Token ranges of the script blocks passed as -Probe to Get-ProbeValue. */
const findProbeBlocks = () =>
  tokens.flatMap((t, k) => {
    if (t.kind !== "parameter" || t.text !== "-Probe" || tokens[k + 1]?.text !== "{") return [];
    return [{ open: k + 1, close: matchingClose(tokens, k + 1) }];
  });
const inProbeBlock = (k: number) => probeBlocks.some((b) => b.open < k && k < b.close);

function schemaProperties(): { required: string[]; top: string[]; all: Map<string, string> } {
  const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
  const all = new Map<string, string>();
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    for (const [key, child] of Object.entries((n.properties as object | undefined) ?? {})) {
      all.set(`${path}/${key}`, key);
      walk(child, `${path}/${key}`);
    }
    for (const branch of [...((n.anyOf as unknown[]) ?? []), ...((n.oneOf as unknown[]) ?? [])])
      walk(branch, path);
    if (n.items !== undefined) walk(n.items, `${path}/*`);
    // A record (firewall profiles) has data for keys: nothing below it is a field name.
  };
  walk(schema, "");
  return {
    required: schema.required as string[],
    top: Object.keys(schema.properties as object),
    all,
  };
}

/** Schema fields a machine cannot report about itself, and why the script leaves them out. */
const NOT_COLLECTED: Readonly<Record<string, string>> = {
  "/$schema": "an editor hint, not a fact",
  "/networkDevice": "network devices are written by hand; the script runs on Windows machines",
  "/networkDevice/kind": "part of networkDevice",
  "/networkDevice/defaultCredentialsChanged": "part of networkDevice",
  "/networkDevice/managementProtocols": "part of networkDevice",
  "/networkDevice/firmware": "part of networkDevice",
  "/networkDevice/firmware/version": "part of networkDevice",
  "/networkDevice/firmware/releaseDate": "part of networkDevice",
  "/networkDevice/vendorEndOfSupport": "part of networkDevice",
  "/lifecycle/disposal": "a wipe record is written by whoever sanitised the disks",
  "/lifecycle/disposal/method": "part of the wipe record",
  "/lifecycle/disposal/wipedAt": "part of the wipe record",
  "/lifecycle/disposal/certificate": "part of the wipe record",
  "/lifecycle/disposal/performedBy": "part of the wipe record",
  "/lifecycle/disposedAt": "a disposed machine does not run the collector",
  "/security/sshServer":
    "the SSH controls apply to Linux and macOS; Windows' OpenSSH server is not read",
  "/security/sshServer/permitRootLogin": "part of sshServer",
  "/security/sshServer/passwordAuthentication": "part of sshServer",
  "/security/sshServer/maxAuthTries": "part of sshServer",
  "/security/emptyPasswordAccounts":
    "Windows shows no password state without its hash; the control applies to Linux and macOS",
  "/security/uid0Accounts": "Windows has no user id 0",
  "/security/legacyServices": "telnet, rsh, tftp and NIS servers are Linux facts",
  "/security/accountFiles": "/etc/passwd, /etc/shadow and /etc/sudoers are Linux files",
  "/security/accountFiles/passwd": "part of accountFiles",
  "/security/accountFiles/passwd/mode": "part of accountFiles",
  "/security/accountFiles/passwd/owner": "part of accountFiles",
  "/security/accountFiles/passwd/group": "part of accountFiles",
  "/security/accountFiles/shadow": "part of accountFiles",
  "/security/accountFiles/shadow/mode": "part of accountFiles",
  "/security/accountFiles/shadow/owner": "part of accountFiles",
  "/security/accountFiles/shadow/group": "part of accountFiles",
  "/security/accountFiles/sudoers": "part of accountFiles",
  "/security/accountFiles/sudoers/mode": "part of accountFiles",
  "/security/accountFiles/sudoers/owner": "part of accountFiles",
  "/security/accountFiles/sudoers/group": "part of accountFiles",
  ...Object.fromEntries(
    NETWORK_SYSCTLS.map((k) => [`/security/kernelNetwork/${k}`, "Linux sysctl keys"]),
  ),
  "/security/temporaryMounts": "/tmp and /dev/shm mount options are Linux facts",
  "/security/temporaryMounts/tmp": "part of temporaryMounts",
  "/security/temporaryMounts/devShm": "part of temporaryMounts",
  "/security/temporaryMounts/tmp/filesystem": "part of temporaryMounts",
  "/security/temporaryMounts/tmp/options": "part of temporaryMounts",
  "/security/temporaryMounts/devShm/filesystem": "part of temporaryMounts",
  "/security/temporaryMounts/devShm/options": "part of temporaryMounts",
  "/security/sudo": "sudo is a Linux and macOS tool",
  "/security/sudo/nopasswdAll": "part of sudo",
  "/security/sudo/logging": "part of sudo",
  "/security/sudo/usePty": "part of sudo",
  "/security/defaultUmask": "Windows has no umask; new files inherit their folder's ACL",
  "/security/mandatoryAccessControl": "AppArmor and SELinux are Linux facts",
  "/security/mandatoryAccessControl/system": "part of mandatoryAccessControl",
  "/security/mandatoryAccessControl/mode": "part of mandatoryAccessControl",
  "/security/mandatoryAccessControl/enforcedProfiles": "part of mandatoryAccessControl",
  "/security/mandatoryAccessControl/complainProfiles": "part of mandatoryAccessControl",
  "/security/restartPending/staleProcesses":
    "Windows replaces files in use at the reboot rebootRequired reports",
  "/security/bootProtection/bootloaderPassword": "GRUB is a Linux boot loader",
  "/security/bootProtection/rescueRequiresPassword": "rescue and emergency mode are systemd's",
  "/security/bruteForceProtection":
    "fail2ban and sshguard guard Linux's sshd; Windows has account lockout",
  "/security/bruteForceProtection/sshExposed": "part of bruteForceProtection",
  "/security/bruteForceProtection/banning": "part of bruteForceProtection",
  "/security/bruteForceProtection/banning/product": "part of bruteForceProtection",
  "/security/bruteForceProtection/banning/running": "part of bruteForceProtection",
  "/security/bruteForceProtection/banning/sshdJail": "part of bruteForceProtection",
};

describe("scripts/collect-windows.ps1 (read statically)", () => {
  before(() => {
    tokens = tokenize(source);
    functions = functionDefinitions(tokens);
    defined = new Set(functions.map((f) => f.name.toLowerCase()));
    probeBlocks = findProbeBlocks();
  });

  it("lexes completely into statements, functions and probes", () => {
    expect(tokens.length).to.be.greaterThan(1000);
    expect(functions.length).to.be.greaterThan(20);
    expect(probeBlocks.length).to.be.greaterThan(20);
  });

  it("calls only allow-listed cmdlets and its own functions", () => {
    const allowed = new Set(ALLOWED_CMDLETS.map((c) => c.toLowerCase()));
    const strays = commandWords(tokens)
      .filter((w) => !allowed.has(w.text.toLowerCase()) && !defined.has(w.text.toLowerCase()))
      .map((w) => `line ${w.line}: ${w.text}`);
    expect(strays, "commands outside the allow-list (aliases count too)").to.deep.equal([]);
  });

  it("names its own functions with read-only verbs", () => {
    const bad = functions.filter((f) => !ALLOWED_VERBS.includes(f.name.split("-")[0]!));
    expect(bad.map((f) => `line ${f.line}: ${f.name}`)).to.deep.equal([]);
  });

  it("uses Set-, New-Object and Move-Item in one exact form each", () => {
    expect(calls("Set-StrictMode").map((c) => c.args)).to.deep.equal(["-Version Latest"]);
    expect(calls("New-Object").map((c) => c.args)).to.have.members([
      "-ComObject 'Microsoft.Update.Session'",
      "-TypeName 'System.Text.UTF8Encoding' -ArgumentList $false",
    ]);
    expect(calls("Move-Item").map((c) => c.args)).to.deep.equal([
      "-LiteralPath $temp -Destination $target -Force",
    ]);
  });

  it("runs external programs only through Get-ToolOutput, with read-only arguments", () => {
    const toolCalls = calls("Get-ToolOutput");
    expect(toolCalls.length).to.be.greaterThanOrEqual(Object.keys(TOOL_CALLS).length);
    for (const call of toolCalls) {
      const m = /^-Tool '([^']+)' -Arguments (.+)$/.exec(call.args);
      expect(m, `line ${call.at.line}: ${call.args}`).to.not.equal(null);
      const pattern = TOOL_CALLS[m![1]!];
      expect(pattern, `line ${call.at.line}: tool ${m![1]}`).to.not.equal(undefined);
      expect(m![2], `line ${call.at.line}`).to.match(pattern!);
    }
    // The call operator runs only a probe's script block and the tool's resolved path.
    const invoked = tokens.flatMap((t, k) =>
      t.kind === "operator" && t.text === "&" && tokens[k - 1]?.text !== ">"
        ? [tokens[k + 1]!.text]
        : [],
    );
    expect([...new Set(invoked)].sort()).to.deep.equal(["$Probe", "$path"]);
    // No dot-sourcing, no code built from strings.
    const words = new Set(tokens.map((t) => t.text.toLowerCase()));
    for (const forbidden of [
      "invoke-expression",
      "iex",
      "invoke-command",
      "start-process",
      "add-type",
      "::create",
      ".invokescript",
      ".invoke",
    ]) {
      expect(words.has(forbidden), forbidden).to.equal(false);
    }
  });

  it("opens registry keys read-only and never writes the registry", () => {
    const opens = tokens.flatMap((t, k) =>
      t.kind === "member" && t.text === ".OpenSubKey"
        ? [text(k + 1, matchingClose(tokens, k + 1) + 1)]
        : [],
    );
    expect(opens).to.deep.equal(["($Path, $false)"]);
    const members = new Set(tokens.filter((t) => t.kind === "member").map((t) => t.text));
    for (const write of [
      ".SetValue",
      ".CreateSubKey",
      ".DeleteSubKey",
      ".DeleteSubKeyTree",
      ".DeleteValue",
      ".SetAccessControl",
      ".Put",
    ]) {
      expect(members.has(write), write).to.equal(false);
    }
  });

  it("writes nothing but the output file: a hidden temporary file, renamed over the target", () => {
    const fileCalls = tokens.flatMap((t, k) =>
      t.kind === "member" && tokens[k - 1]?.text.toLowerCase() === "[io.file]"
        ? [`${t.text}${text(k + 1, matchingClose(tokens, k + 1) + 1)}`]
        : [],
    );
    expect(fileCalls).to.have.members([
      "::WriteAllText($temp, $json + \"`n\", (New-Object -TypeName 'System.Text.UTF8Encoding' -ArgumentList $false))",
      "::Delete($temp)",
    ]);
    expect(source).to.match(
      /\$temp = Join-Path .*\(?"\.\$\(\[IO\.Path\]::GetFileName\(\$target\)\)/,
    );
    // 5.1 serialises a PSObject-wrapped array as {"value": [...], "Count": n}: arrays are made
    // plain first, and the document goes in as -InputObject (piping would unroll it).
    expect(source).to.include(
      "ConvertTo-PlainArrays -Dictionary $document\n$json = ConvertTo-Json -InputObject $document -Depth 8\n",
    );
  });

  it("uses no syntax Windows PowerShell 5.1 lacks", () => {
    expect(source.startsWith("#Requires -Version 5.1\n")).to.equal(true);
    const operators = tokens.filter(
      (t) => t.kind === "operator" && ["??", "??=", "?.", "&&", "||", "?"].includes(t.text),
    );
    expect(
      operators.map((t) => `line ${t.line}: ${t.text}`),
      "PowerShell 7 operators",
    ).to.deep.equal([]);
    const parameters = tokens.filter(
      (t) =>
        t.kind === "parameter" &&
        /^-(Parallel|AsHashtable|EnumsAsStrings|AsArray|AsUTC|AdditionalChildPath|SkipNull|ThrottleLimit)$/i.test(
          t.text,
        ),
    );
    expect(
      parameters.map((t) => `line ${t.line}: ${t.text}`),
      "PowerShell 6+ parameters",
    ).to.deep.equal([]);
    const variables = tokens.filter((t) =>
      /^\$(IsWindows|IsLinux|IsMacOS|IsCoreCLR|PSStyle)$/i.test(t.text),
    );
    expect(variables.map((t) => t.text)).to.deep.equal([]);
    // Comments may name them (to say why not); code may not.
    const code = tokens.filter((t) => /utf8NoBOM|Out-File|Set-Content|Add-Content/i.test(t.text));
    expect(code.map((t) => `line ${t.line}: ${t.text}`)).to.deep.equal([]);
  });

  it("turns every error inside a probe into unknown, under strict mode", () => {
    expect(source).to.include("\nSet-StrictMode -Version Latest\n");
    expect(source).to.include("\n$ErrorActionPreference = 'Stop'\n");
    const runner = functions.find((f) => f.name === "Get-ProbeValue")!;
    const body = text(runner.open, runner.close + 1);
    expect(body).to.match(/try \{.*& \$Probe.*\} catch \{.*Write-CollectorWarning.*\$Fallback/s);
    expect(source).to.match(/\$Unknown = 'unknown'/);
  });

  it("reads the machine only inside probes, and runs every probe through Get-ProbeValue", () => {
    const isProbe = (name: string | undefined) => name !== undefined && /Probe$/.test(name);
    const readers = new Set(READERS.map((r) => r.toLowerCase()));
    const misplaced: string[] = [];
    tokens.forEach((t, k) => {
      if (t.kind !== "word") return;
      const name = t.text;
      const around = enclosingFunction(k);
      if (tokens[k - 1]?.text.toLowerCase() === "function") return;
      if (SYSTEM_READS.includes(name) || readers.has(name.toLowerCase())) {
        if (!isProbe(around) && !readers.has((around ?? "").toLowerCase()) && !inProbeBlock(k))
          misplaced.push(`line ${t.line}: ${name} in ${around ?? "the script body"}`);
      }
      if (isProbe(name) && !isProbe(around) && !inProbeBlock(k))
        misplaced.push(`line ${t.line}: ${name} outside a probe`);
    });
    expect(misplaced).to.deep.equal([]);
    expect(calls("New-Object").filter((c) => c.args.includes("-ComObject"))).to.satisfy(
      (found: { at: Token }[]) =>
        found.every((c) => isProbe(enclosingFunction(tokens.indexOf(c.at)))),
    );
  });

  it("emits every top-level field the schema requires, and only fields it knows", () => {
    const { required, top } = schemaProperties();
    const emitted = documentKeys(tokens);
    expect(
      required.filter((f) => !emitted.includes(f)),
      "required, not emitted",
    ).to.deep.equal([]);
    expect(
      emitted.filter((f) => !top.includes(f)),
      "emitted, unknown to the schema",
    ).to.deep.equal([]);
  });

  it("emits every field of the schema a machine can report, and no name the schema lacks", () => {
    const { all } = schemaProperties();
    const emitted = orderedKeys(tokens);
    const missing = [...all].filter(
      ([path, name]) => !(path in NOT_COLLECTED) && !emitted.has(name),
    );
    expect(
      missing.map(([path]) => path),
      "schema fields with no probe: collect them or list them in NOT_COLLECTED with the reason",
    ).to.deep.equal([]);
    const names = new Set(all.values());
    expect(
      [...emitted].filter((k) => !names.has(k)),
      "emitted names the schema lacks",
    ).to.deep.equal([]);
    for (const path of Object.keys(NOT_COLLECTED)) expect(all.has(path), path).to.equal(true);
  });

  it("reads the host-hardening facts where docs/collect.md says, and nothing wider", () => {
    /** The string literals (quotes stripped) a function's body holds, comments excluded. */
    const strings = (name: string) => {
      const f = functions.find((d) => d.name === name);
      if (f === undefined) throw new Error(`no function ${name}`);
      return tokens
        .slice(f.open, f.close)
        .filter((t) => t.kind === "string")
        .map((t) => t.value!);
    };
    // TCP/IP: exactly the registry values the schema names, under the Services keys.
    const network = functions.find((f) => f.name === "Get-KernelNetworkProbe")!;
    const settings = tokens.findIndex(
      (t, k) => k > network.open && t.text.toLowerCase() === "[ordered]",
    );
    expect(literalKeys(tokens, settings + 1)).to.deep.equal([...WINDOWS_TCPIP_SETTINGS]);
    expect(strings("Get-KernelNetworkProbe")).to.include(
      "SYSTEM\\CurrentControlSet\\Services\\$service\\$key",
    );
    // Pending reboot: the two servicing flags; PendingFileRenameOperations only in a comment.
    expect(strings("Get-RestartPendingProbe")).to.deep.equal([
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
      "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired",
    ]);
    expect(tokens.some((t) => t.kind !== "string" && /PendingFileRename/i.test(t.text))).to.equal(
      false,
    );
    expect(source).to.match(/# .*PendingFileRenameOperations is not\n# read/);
    // Secure Boot: the cmdlet without arguments, after the legacy-BIOS firmware type.
    expect(calls("Confirm-SecureBootUEFI").map((c) => c.args)).to.deep.equal([""]);
    expect(strings("Get-SecureBootProbe")).to.include("PEFirmwareType");
    // File integrity: the agents' Windows service names.
    const agents = functions.find((f) => f.name === "Get-FileIntegrityProbe")!;
    const table = tokens.findIndex((t, k) => k > agents.open && t.text === "@{");
    expect(literalKeys(tokens, table)).to.deep.equal(["WazuhSvc", "OssecSvc", "osqueryd"]);
  });

  it("keeps its patterns, choices and version in step with the schema and the package", () => {
    const hostname = /^\$HostnamePattern = '([^']+)'$/m.exec(source)?.[1];
    expect(hostname).to.equal(HOSTNAME_PATTERN);
    const schema = readFileSync(schemaFile, "utf8");
    const mac = /^\$MacPattern = '([^']+)'$/m.exec(source)?.[1];
    expect(schema).to.include(JSON.stringify(mac));
    const choices = (parameter: string) =>
      [
        ...(
          new RegExp(`\\[ValidateSet\\(([^)]*)\\)\\]\\[string\\] \\$${parameter}\\b`).exec(
            source,
          )?.[1] ?? ""
        ).matchAll(/'([^']+)'/g),
      ].map((m) => m[1]);
    expect(choices("Role")).to.deep.equal(ROLES.filter((r) => r !== "network-device"));
    expect(choices("LifecycleStatus")).to.deep.equal([...LIFECYCLE_STATUSES]);
    expect(/^\$CollectorVersion = '([^']+)'$/m.exec(source)?.[1]).to.equal(VERSION);
  });
});
