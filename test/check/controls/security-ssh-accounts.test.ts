import { machineCases } from "../../fixtures/control-cases.js";
import { compliantLinuxServer, compliantMachine } from "../../fixtures/machine-factory.js";

const linux = compliantLinuxServer();

describe("sec-ssh-root-login-disabled", () => {
  machineCases("sec-ssh-root-login-disabled", [
    { name: "PermitRootLogin no", machine: linux, expect: "pass" },
    {
      name: "no SSH server",
      machine: linux,
      set: { "/security/sshServer": "none" },
      expect: "pass",
    },
    {
      name: "PermitRootLogin yes",
      machine: linux,
      set: { "/security/sshServer/permitRootLogin": "yes" },
      expect: "fail",
      evidence: { pointer: "/security/sshServer/permitRootLogin", actual: "yes" },
    },
    {
      name: "key-only root login (prohibit-password)",
      machine: linux,
      set: { "/security/sshServer/permitRootLogin": "prohibit-password" },
      expect: "fail",
      evidence: { pointer: "/security/sshServer/permitRootLogin", actual: "prohibit-password" },
    },
    {
      name: "unknown setting",
      machine: linux,
      set: { "/security/sshServer/permitRootLogin": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown SSH server",
      machine: linux,
      set: { "/security/sshServer": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/sshServer", actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      machine: linux,
      set: { "/security/sshServer": undefined },
      expect: "fail",
    },
    { name: "Windows workstation", expect: "not-applicable" },
  ]);
});

describe("sec-ssh-password-auth-disabled", () => {
  machineCases("sec-ssh-password-auth-disabled", [
    { name: "keys only", machine: linux, expect: "pass" },
    {
      name: "no SSH server",
      machine: linux,
      set: { "/security/sshServer": "none" },
      expect: "pass",
    },
    {
      name: "passwords accepted",
      machine: linux,
      set: { "/security/sshServer/passwordAuthentication": true },
      expect: "fail",
      evidence: { pointer: "/security/sshServer/passwordAuthentication", actual: true },
    },
    {
      name: "unknown setting",
      machine: linux,
      set: { "/security/sshServer/passwordAuthentication": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown SSH server",
      machine: linux,
      set: { "/security/sshServer": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});

describe("sec-ssh-max-auth-tries", () => {
  machineCases("sec-ssh-max-auth-tries", [
    { name: "4 tries", machine: linux, expect: "pass" },
    {
      name: "3 tries",
      machine: linux,
      set: { "/security/sshServer/maxAuthTries": 3 },
      expect: "pass",
    },
    {
      name: "OpenSSH's default of 6",
      machine: linux,
      set: { "/security/sshServer/maxAuthTries": 6 },
      expect: "fail",
      evidence: { pointer: "/security/sshServer/maxAuthTries", actual: 6 },
    },
    {
      name: "6 with the town allowing 6",
      machine: linux,
      set: { "/security/sshServer/maxAuthTries": 6 },
      params: { maxTries: 6 },
      expect: "pass",
    },
    {
      name: "4 with the town requiring 3",
      machine: linux,
      params: { maxTries: 3 },
      expect: "fail",
    },
    {
      name: "0 (no attempt allowed, a broken config)",
      machine: linux,
      set: { "/security/sshServer/maxAuthTries": 0 },
      expect: "fail",
    },
    {
      name: "no SSH server",
      machine: linux,
      set: { "/security/sshServer": "none" },
      expect: "pass",
    },
    {
      name: "unknown count",
      machine: linux,
      set: { "/security/sshServer/maxAuthTries": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/sshServer/maxAuthTries", actual: "unknown" },
    },
  ]);
});

describe("sec-no-empty-passwords", () => {
  machineCases("sec-no-empty-passwords", [
    { name: "none empty", machine: linux, expect: "pass" },
    {
      name: "one empty",
      machine: linux,
      set: { "/security/emptyPasswordAccounts": ["scanner"] },
      expect: "fail",
      evidence: { pointer: "/security/emptyPasswordAccounts", actual: ["scanner"] },
    },
    {
      name: "unknown (shadow unreadable)",
      machine: linux,
      set: { "/security/emptyPasswordAccounts": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      machine: linux,
      set: { "/security/emptyPasswordAccounts": undefined },
      expect: "fail",
    },
    { name: "Windows workstation", machine: compliantMachine(), expect: "not-applicable" },
  ]);
});

describe("sec-root-only-uid0", () => {
  machineCases("sec-root-only-uid0", [
    { name: "root alone", machine: linux, expect: "pass" },
    {
      name: "a second uid-0 account",
      machine: linux,
      set: { "/security/uid0Accounts": ["root", "toor"] },
      expect: "fail",
      evidence: { pointer: "/security/uid0Accounts/1", actual: "toor" },
    },
    {
      name: "uid 0 under another name only",
      machine: linux,
      set: { "/security/uid0Accounts": ["admin"] },
      expect: "fail",
    },
    {
      name: "unknown accounts",
      machine: linux,
      set: { "/security/uid0Accounts": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      machine: linux,
      set: { "/security/uid0Accounts": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-automatic-updates", () => {
  machineCases("sec-automatic-updates", [
    { name: "Windows Update automatic", expect: "pass" },
    { name: "unattended-upgrades on a Linux server", machine: linux, expect: "pass" },
    {
      name: "off",
      set: { "/security/automaticUpdates": false },
      expect: "fail",
      evidence: { pointer: "/security/automaticUpdates", actual: false },
    },
    {
      name: "unknown",
      machine: linux,
      set: { "/security/automaticUpdates": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      set: { "/security/automaticUpdates": undefined },
      expect: "fail",
    },
    { name: "network device", set: { "/role": "network-device" }, expect: "not-applicable" },
  ]);
});

describe("sec-no-legacy-plaintext-services", () => {
  machineCases("sec-no-legacy-plaintext-services", [
    { name: "none offered", machine: linux, expect: "pass" },
    {
      name: "telnet and tftp",
      machine: linux,
      set: { "/security/legacyServices": ["telnet", "tftp"] },
      expect: "fail",
      evidence: { pointer: "/security/legacyServices", actual: ["telnet", "tftp"] },
    },
    {
      name: "unknown services",
      machine: linux,
      set: { "/security/legacyServices": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      machine: linux,
      set: { "/security/legacyServices": undefined },
      expect: "fail",
    },
    { name: "Windows workstation", machine: compliantMachine(), expect: "not-applicable" },
  ]);
});

describe("sec-account-files-protected", () => {
  machineCases("sec-account-files-protected", [
    { name: "Debian's defaults", machine: linux, expect: "pass" },
    {
      name: "RHEL's defaults (shadow 0000 root:root)",
      machine: linux,
      set: { "/security/accountFiles/shadow": { mode: "0000", owner: "root", group: "root" } },
      expect: "pass",
    },
    {
      name: "no sudo installed",
      machine: linux,
      set: { "/security/accountFiles/sudoers": "absent" },
      expect: "pass",
    },
    {
      name: "world-readable shadow",
      machine: linux,
      set: { "/security/accountFiles/shadow/mode": "0644" },
      expect: "fail",
      evidence: { pointer: "/security/accountFiles/shadow/mode", actual: "0644" },
    },
    {
      name: "group-writable passwd",
      machine: linux,
      set: { "/security/accountFiles/passwd/mode": "0664" },
      expect: "fail",
      evidence: { pointer: "/security/accountFiles/passwd/mode", actual: "0664" },
    },
    {
      name: "executable passwd",
      machine: linux,
      set: { "/security/accountFiles/passwd/mode": "0755" },
      expect: "fail",
    },
    {
      name: "sudoers owned by a user",
      machine: linux,
      set: { "/security/accountFiles/sudoers/owner": "kdoyle" },
      expect: "fail",
      evidence: { pointer: "/security/accountFiles/sudoers/owner", actual: "kdoyle" },
    },
    {
      name: "shadow in another group",
      machine: linux,
      set: { "/security/accountFiles/shadow/group": "users" },
      expect: "fail",
    },
    {
      name: "passwd missing",
      machine: linux,
      set: { "/security/accountFiles/passwd": "absent" },
      expect: "fail",
    },
    {
      name: "unknown shadow",
      machine: linux,
      set: { "/security/accountFiles/shadow": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/accountFiles/shadow", actual: "unknown" },
    },
    {
      name: "unknown files",
      machine: linux,
      set: { "/security/accountFiles": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
  ]);
});
