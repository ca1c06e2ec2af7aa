/** Host hardening controls: logs, kernel network settings, temporary mounts, sudo, umask. */
import { machineCases } from "../../fixtures/control-cases.js";
import {
  compliantKiosk,
  compliantLinuxServer,
  compliantMachine,
  compliantServer,
} from "../../fixtures/machine-factory.js";

const linux = compliantLinuxServer();
const workstation = compliantLinuxServer({ role: "workstation" });
// Windows machines: the facts scripts/collect-windows.ps1 reports for these controls.
const windows = compliantMachine();
const windowsServer = compliantServer();

describe("sec-logs-forwarded", () => {
  machineCases("sec-logs-forwarded", [
    { name: "forwarded to a syslog host", machine: linux, expect: "pass" },
    {
      name: "Windows server with an Event Forwarding subscription manager",
      machine: compliantMachine({
        role: "server",
        security: {
          logging: {
            persistent: true,
            forwardedTo: ["http://wec.millbrook.example:5985/wsman/SubscriptionManager/WEC"],
          },
        },
      }),
      expect: "pass",
    },
    {
      name: "kept on disk only",
      machine: linux,
      set: { "/security/logging/forwardedTo": [] },
      expect: "fail",
      evidence: { pointer: "/security/logging/forwardedTo", actual: [] },
    },
    {
      name: "Windows server without forwarding",
      machine: compliantMachine({
        role: "server",
        security: { logging: { persistent: true, forwardedTo: [] } },
      }),
      expect: "fail",
    },
    {
      name: "unknown targets",
      machine: linux,
      set: { "/security/logging/forwardedTo": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/logging/forwardedTo", actual: "unknown" },
    },
    {
      name: "unknown logging",
      machine: linux,
      set: { "/security/logging": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      machine: linux,
      set: { "/security/logging": undefined },
      expect: "fail",
    },
    {
      name: "a workstation",
      machine: workstation,
      set: { "/security/logging/forwardedTo": [] },
      expect: "not-applicable",
    },
  ]);
});

describe("sec-logs-persistent", () => {
  machineCases("sec-logs-persistent", [
    { name: "journal on disk", machine: workstation, expect: "pass" },
    {
      name: "journal in memory only",
      machine: workstation,
      set: { "/security/logging/persistent": false },
      expect: "fail",
      evidence: { pointer: "/security/logging/persistent", actual: false },
    },
    {
      name: "unknown storage",
      machine: workstation,
      set: { "/security/logging/persistent": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "Windows workstation", machine: compliantMachine(), expect: "not-applicable" },
  ]);
});

describe("sec-kernel-network-hardened", () => {
  machineCases("sec-kernel-network-hardened", [
    { name: "every setting hardened", machine: linux, expect: "pass" },
    {
      name: "redirects accepted and sent (Debian's defaults)",
      machine: linux,
      set: {
        "/security/kernelNetwork/net.ipv4.conf.all.accept_redirects": 1,
        "/security/kernelNetwork/net.ipv4.conf.all.send_redirects": 1,
      },
      expect: "fail",
      evidence: { pointer: "/security/kernelNetwork/net.ipv4.conf.all.send_redirects", actual: 1 },
    },
    {
      name: "forwarding on",
      machine: linux,
      set: { "/security/kernelNetwork/net.ipv4.ip_forward": 1 },
      expect: "fail",
      evidence: { pointer: "/security/kernelNetwork/net.ipv4.ip_forward", actual: 1 },
    },
    {
      name: "loose reverse-path filter",
      machine: linux,
      set: { "/security/kernelNetwork/net.ipv4.conf.all.rp_filter": 2 },
      expect: "fail",
    },
    {
      name: "unknown key",
      machine: linux,
      set: { "/security/kernelNetwork/net.ipv4.tcp_syncookies": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/kernelNetwork/net.ipv4.tcp_syncookies", actual: "unknown" },
    },
    {
      name: "unknown: a key not reported",
      machine: linux,
      set: { "/security/kernelNetwork/net.ipv4.conf.all.log_martians": undefined },
      expect: "fail",
    },
    {
      name: "unknown settings",
      machine: linux,
      set: { "/security/kernelNetwork": "unknown" },
      expect: "fail",
    },
    {
      name: "a firewall appliance",
      machine: linux,
      set: { "/role": "network-device" },
      expect: "not-applicable",
    },
    {
      name: "Windows: source routing dropped, redirects ignored, no routing",
      machine: windows,
      expect: "pass",
    },
    {
      name: "Windows: IPv4 source-routed packets accepted but not forwarded (1)",
      machine: windows,
      set: { "/security/kernelNetwork/Tcpip.Parameters.DisableIPSourceRouting": 1 },
      expect: "fail",
      evidence: {
        pointer: "/security/kernelNetwork/Tcpip.Parameters.DisableIPSourceRouting",
        actual: 1,
      },
    },
    {
      name: "Windows: ICMP redirects honoured",
      machine: windows,
      set: { "/security/kernelNetwork/Tcpip.Parameters.EnableICMPRedirect": 1 },
      expect: "fail",
      evidence: {
        pointer: "/security/kernelNetwork/Tcpip.Parameters.EnableICMPRedirect",
        actual: 1,
      },
    },
    {
      name: "Windows: IPv4 routing on (IPEnableRouter 1)",
      machine: windowsServer,
      set: { "/security/kernelNetwork/Tcpip.Parameters.IPEnableRouter": 1 },
      expect: "fail",
      evidence: { pointer: "/security/kernelNetwork/Tcpip.Parameters.IPEnableRouter", actual: 1 },
    },
    {
      name: "Windows: only the Linux sysctls reported",
      machine: windows,
      set: { "/security/kernelNetwork": { "net.ipv4.ip_forward": 0 } },
      expect: "fail",
      evidence: {
        pointer: "/security/kernelNetwork/Tcpip6.Parameters.DisableIPSourceRouting",
        expected: /present/,
      },
    },
    {
      name: "unknown: Windows, IPv6 source routing not set by any policy",
      machine: windows,
      set: { "/security/kernelNetwork/Tcpip6.Parameters.DisableIPSourceRouting": "unknown" },
      expect: "fail",
      evidence: {
        pointer: "/security/kernelNetwork/Tcpip6.Parameters.DisableIPSourceRouting",
        actual: "unknown",
      },
    },
    {
      name: "unknown: Windows settings not reported",
      machine: windows,
      set: { "/security/kernelNetwork": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-temporary-mounts-restricted", () => {
  machineCases("sec-temporary-mounts-restricted", [
    { name: "both tmpfs with nodev, nosuid, noexec", machine: linux, expect: "pass" },
    {
      name: "/tmp on the root filesystem",
      machine: linux,
      set: { "/security/temporaryMounts/tmp": "not-separate" },
      expect: "fail",
      evidence: { pointer: "/security/temporaryMounts/tmp", actual: "not-separate" },
    },
    {
      name: "/dev/shm without noexec (Debian's default)",
      machine: linux,
      set: { "/security/temporaryMounts/devShm/options": ["rw", "nosuid", "nodev"] },
      expect: "fail",
      evidence: { pointer: "/security/temporaryMounts/devShm/options" },
    },
    {
      name: "unknown /tmp",
      machine: linux,
      set: { "/security/temporaryMounts/tmp": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown mounts",
      machine: linux,
      set: { "/security/temporaryMounts": "unknown" },
      expect: "fail",
    },
  ]);
});

describe("sec-sudo-no-blanket-nopasswd", () => {
  machineCases("sec-sudo-no-blanket-nopasswd", [
    { name: "passwords asked", machine: linux, expect: "pass" },
    {
      name: "no sudo installed",
      machine: linux,
      set: { "/security/sudo": "absent" },
      expect: "pass",
    },
    {
      name: "%sudo NOPASSWD: ALL",
      machine: linux,
      set: { "/security/sudo/nopasswdAll": ["%sudo"] },
      expect: "fail",
      evidence: { pointer: "/security/sudo/nopasswdAll", actual: ["%sudo"] },
    },
    {
      name: "unknown grantees",
      machine: linux,
      set: { "/security/sudo/nopasswdAll": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown policy",
      machine: linux,
      set: { "/security/sudo": "unknown" },
      expect: "fail",
    },
  ]);
});

describe("sec-sudo-logging", () => {
  machineCases("sec-sudo-logging", [
    { name: "logfile and use_pty", machine: linux, expect: "pass" },
    {
      name: "no sudo installed",
      machine: linux,
      set: { "/security/sudo": "absent" },
      expect: "pass",
    },
    {
      name: "no log of its own",
      machine: linux,
      set: { "/security/sudo/logging": false },
      expect: "fail",
      evidence: { pointer: "/security/sudo/logging", actual: false },
    },
    {
      name: "no pseudo-terminal",
      machine: linux,
      set: { "/security/sudo/usePty": false },
      expect: "fail",
      evidence: { pointer: "/security/sudo/usePty", actual: false },
    },
    {
      name: "unknown logging",
      machine: linux,
      set: { "/security/sudo/logging": "unknown" },
      expect: "fail",
    },
  ]);
});

describe("sec-default-umask", () => {
  machineCases("sec-default-umask", [
    { name: "server with 027", machine: linux, expect: "pass" },
    {
      name: "server with 077",
      machine: linux,
      set: { "/security/defaultUmask": "0077" },
      expect: "pass",
    },
    {
      name: "server with 022",
      machine: linux,
      set: { "/security/defaultUmask": "0022" },
      expect: "fail",
      evidence: { pointer: "/security/defaultUmask", actual: "0022" },
    },
    {
      name: "workstation with 022",
      machine: workstation,
      set: { "/security/defaultUmask": "0022" },
      expect: "pass",
    },
    {
      name: "workstation with 002 (group-writable files)",
      machine: workstation,
      set: { "/security/defaultUmask": "0002" },
      expect: "fail",
      evidence: { pointer: "/security/defaultUmask", actual: "0002" },
    },
    {
      name: "unknown umask",
      machine: linux,
      set: { "/security/defaultUmask": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "Windows workstation", machine: compliantMachine(), expect: "not-applicable" },
  ]);
});

describe("sec-mac-enforcing", () => {
  machineCases("sec-mac-enforcing", [
    { name: "AppArmor enforcing", machine: linux, expect: "pass" },
    {
      name: "SELinux enforcing",
      machine: linux,
      set: { "/security/mandatoryAccessControl": { system: "selinux", mode: "enforcing" } },
      expect: "pass",
    },
    {
      name: "SELinux permissive",
      machine: linux,
      set: { "/security/mandatoryAccessControl": { system: "selinux", mode: "permissive" } },
      expect: "fail",
      evidence: { pointer: "/security/mandatoryAccessControl/mode", actual: "permissive" },
    },
    {
      name: "neither",
      machine: linux,
      set: { "/security/mandatoryAccessControl": { system: "none", mode: "disabled" } },
      expect: "fail",
      evidence: { pointer: "/security/mandatoryAccessControl/system", actual: "none" },
    },
    {
      name: "unknown mode",
      machine: linux,
      set: { "/security/mandatoryAccessControl/mode": "unknown" },
      expect: "fail",
    },
    {
      name: "unknown system",
      machine: linux,
      set: { "/security/mandatoryAccessControl": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "Windows workstation", machine: compliantMachine(), expect: "not-applicable" },
  ]);
});

describe("sec-file-integrity-monitoring", () => {
  machineCases("sec-file-integrity-monitoring", [
    { name: "AIDE initialised and scheduled", machine: linux, expect: "pass" },
    {
      name: "no monitor",
      machine: linux,
      set: { "/security/fileIntegrity": "none" },
      expect: "fail",
      evidence: { pointer: "/security/fileIntegrity", actual: "none" },
    },
    {
      name: "AIDE installed, never initialised",
      machine: linux,
      set: { "/security/fileIntegrity/databaseInitialised": false },
      expect: "fail",
      evidence: { pointer: "/security/fileIntegrity/databaseInitialised", actual: false },
    },
    {
      name: "no scheduled check",
      machine: linux,
      set: { "/security/fileIntegrity/scheduled": false },
      expect: "fail",
    },
    {
      name: "unknown database (collected without root)",
      machine: linux,
      set: { "/security/fileIntegrity/databaseInitialised": "unknown" },
      expect: "fail",
    },
    {
      name: "unknown monitor",
      machine: linux,
      set: { "/security/fileIntegrity": "unknown" },
      expect: "fail",
    },
    {
      name: "a workstation",
      machine: workstation,
      set: { "/security/fileIntegrity": "none" },
      expect: "not-applicable",
    },
    { name: "Windows server: Wazuh agent running", machine: windowsServer, expect: "pass" },
    {
      name: "Windows server: osquery running",
      machine: windowsServer,
      set: { "/security/fileIntegrity/product": "osquery" },
      expect: "pass",
    },
    {
      name: "Windows server: Wazuh agent installed, service stopped",
      machine: windowsServer,
      set: {
        "/security/fileIntegrity/databaseInitialised": false,
        "/security/fileIntegrity/scheduled": false,
      },
      expect: "fail",
      evidence: { pointer: "/security/fileIntegrity/scheduled", actual: false },
    },
    {
      name: "Windows server: neither agent installed",
      machine: windowsServer,
      set: { "/security/fileIntegrity": "none" },
      expect: "fail",
      evidence: { pointer: "/security/fileIntegrity", actual: "none" },
    },
    {
      name: "unknown: Windows server, services not readable",
      machine: windowsServer,
      set: { "/security/fileIntegrity": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/fileIntegrity", actual: "unknown" },
    },
    {
      name: "a Windows workstation",
      machine: windows,
      set: { "/security/fileIntegrity": "none" },
      expect: "not-applicable",
    },
  ]);
});

describe("sec-updates-in-effect", () => {
  machineCases("sec-updates-in-effect", [
    { name: "nothing pending", machine: linux, expect: "pass" },
    {
      name: "reboot required",
      machine: linux,
      set: { "/security/restartPending/rebootRequired": true },
      expect: "fail",
      evidence: { pointer: "/security/restartPending/rebootRequired", actual: true },
    },
    {
      name: "services on replaced libraries",
      machine: linux,
      set: { "/security/restartPending/staleProcesses": ["ssh.service", "cron.service"] },
      expect: "fail",
      evidence: {
        pointer: "/security/restartPending/staleProcesses",
        actual: ["ssh.service", "cron.service"],
      },
    },
    {
      name: "unknown processes",
      machine: linux,
      set: { "/security/restartPending/staleProcesses": "unknown" },
      expect: "fail",
    },
    {
      name: "unknown state",
      machine: linux,
      set: { "/security/restartPending": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: Linux without the processes",
      machine: linux,
      set: { "/security/restartPending/staleProcesses": undefined },
      expect: "fail",
      evidence: { pointer: "/security/restartPending/staleProcesses", expected: /present/ },
    },
    { name: "Windows: no reboot flag set", machine: windows, expect: "pass" },
    {
      name: "Windows: component servicing or Windows Update waits for a reboot",
      machine: windowsServer,
      set: { "/security/restartPending/rebootRequired": true },
      expect: "fail",
      evidence: { pointer: "/security/restartPending/rebootRequired", actual: true },
    },
    {
      name: "unknown: Windows, reboot flags not readable",
      machine: windows,
      set: { "/security/restartPending/rebootRequired": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/restartPending/rebootRequired", actual: "unknown" },
    },
    {
      name: "unknown: Windows, not reported",
      machine: windows,
      set: { "/security/restartPending": undefined },
      expect: "fail",
    },
  ]);
});

describe("sec-boot-protected", () => {
  const kiosk = compliantLinuxServer({ role: "kiosk" });
  machineCases("sec-boot-protected", [
    { name: "kiosk with a GRUB password and sulogin", machine: kiosk, expect: "pass" },
    {
      name: "kiosk without a GRUB password",
      machine: kiosk,
      set: { "/security/bootProtection/bootloaderPassword": false },
      expect: "fail",
      evidence: { pointer: "/security/bootProtection/bootloaderPassword", actual: false },
    },
    {
      name: "rescue mode opens a shell without a password",
      machine: workstation,
      set: { "/security/bootProtection/rescueRequiresPassword": false },
      expect: "fail",
    },
    {
      name: "unknown boot loader",
      machine: kiosk,
      set: { "/security/bootProtection/bootloaderPassword": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    {
      name: "unknown: not reported",
      machine: kiosk,
      set: { "/security/bootProtection": undefined },
      expect: "fail",
    },
    {
      name: "a server in a locked room",
      machine: linux,
      set: { "/security/bootProtection": undefined },
      expect: "not-applicable",
    },
    { name: "Windows workstation: Secure Boot and BitLocker", machine: windows, expect: "pass" },
    { name: "Windows kiosk: Secure Boot and BitLocker", machine: compliantKiosk(), expect: "pass" },
    {
      name: "Windows laptop: BitLocker off on the system volume",
      machine: windows,
      set: { "/role": "laptop", "/security/bootProtection/systemVolumeEncrypted": false },
      expect: "fail",
      evidence: { pointer: "/security/bootProtection/systemVolumeEncrypted", actual: false },
    },
    {
      name: "Windows: legacy BIOS boot, no Secure Boot",
      machine: windows,
      set: { "/security/bootProtection/secureBoot": false },
      expect: "fail",
      evidence: { pointer: "/security/bootProtection/secureBoot", actual: false },
    },
    {
      name: "Windows: the Linux facts instead of Windows'",
      machine: windows,
      set: {
        "/security/bootProtection": { bootloaderPassword: true, rescueRequiresPassword: true },
      },
      expect: "fail",
      evidence: { pointer: "/security/bootProtection/secureBoot", expected: /present/ },
    },
    {
      name: "unknown: Windows, Secure Boot not readable (not elevated)",
      machine: windows,
      set: { "/security/bootProtection/secureBoot": "unknown" },
      expect: "fail",
      evidence: { pointer: "/security/bootProtection/secureBoot", actual: "unknown" },
    },
    {
      name: "a Windows server",
      machine: windowsServer,
      set: { "/security/bootProtection/secureBoot": false },
      expect: "not-applicable",
    },
  ]);
});

describe("sec-ssh-brute-force-banning", () => {
  machineCases("sec-ssh-brute-force-banning", [
    { name: "exposed, fail2ban with its sshd jail", machine: linux, expect: "pass" },
    {
      name: "sshd on loopback only, nothing installed",
      machine: linux,
      set: { "/security/bruteForceProtection": { sshExposed: false, banning: "none" } },
      expect: "pass",
    },
    {
      name: "exposed without any banning",
      machine: linux,
      set: { "/security/bruteForceProtection/banning": "none" },
      expect: "fail",
      evidence: { pointer: "/security/bruteForceProtection/banning", actual: "none" },
    },
    {
      name: "fail2ban installed but stopped",
      machine: linux,
      set: { "/security/bruteForceProtection/banning/running": false },
      expect: "fail",
      evidence: { pointer: "/security/bruteForceProtection/banning/running", actual: false },
    },
    {
      name: "fail2ban without the sshd jail",
      machine: linux,
      set: { "/security/bruteForceProtection/banning/sshdJail": false },
      expect: "fail",
    },
    {
      name: "unknown exposure and no banning",
      machine: linux,
      set: { "/security/bruteForceProtection": { sshExposed: "unknown", banning: "none" } },
      expect: "fail",
    },
    {
      name: "unknown protection",
      machine: linux,
      set: { "/security/bruteForceProtection": "unknown" },
      expect: "fail",
      evidence: { actual: "unknown" },
    },
    { name: "Windows workstation", machine: compliantMachine(), expect: "not-applicable" },
  ]);
});
