/**
 * The machine configuration: one machine's identity, hardware, OS, security settings, software and
 * lifecycle. This TypeBox definition is the single source of both the JSON Schema (draft 2020-12,
 * exported to policies/schemas/machine-config.schema.json) and the TypeScript type `MachineConfig`.
 *
 * Any fact a collector could not establish is the string "unknown". Controls assert what must be
 * true, so "unknown" never satisfies one.
 */
import { Type, type Static, type TSchema } from "@sinclair/typebox";

export const UNKNOWN = "unknown" as const;

/** A value that may be the literal "unknown". */
const Unknowable = <T extends TSchema>(schema: T) =>
  Type.Union([schema, Type.Literal(UNKNOWN)], { description: schema.description });

const Flag = (description: string) => Unknowable(Type.Boolean({ description }));
const Count = (description: string) => Unknowable(Type.Integer({ minimum: 0, description }));
const Day = (description: string) => Unknowable(Type.String({ format: "date", description }));
const Instant = (description: string) =>
  Unknowable(Type.String({ format: "date-time", description }));
const Text = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });

export const ROLES = ["workstation", "laptop", "server", "kiosk", "network-device"] as const;
export const OS_FAMILIES = ["windows", "linux", "macos", "embedded"] as const;
export const LIFECYCLE_STATUSES = ["active", "spare", "pending-disposal", "disposed"] as const;

const Role = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: "What the machine is for; decides which controls apply." },
);
const OsFamily = Type.Union(
  OS_FAMILIES.map((f) => Type.Literal(f)),
  {
    description:
      "embedded: the vendor firmware of a printer, camera recorder, switch or access point, which is none of the other three.",
  },
);
const LifecycleStatus = Type.Union(LIFECYCLE_STATUSES.map((s) => Type.Literal(s)));

/** RFC 1123 host name: labels of letters, digits and hyphens; never a path. */
export const HOSTNAME_PATTERN =
  "^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$";
const MAC_PATTERN = "^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$";

const Identity = {
  hostname: Type.String({ pattern: HOSTNAME_PATTERN, description: "Host name (RFC 1123)." }),
  assetTag: Unknowable(Text("Asset tag as printed on the machine and in the asset register.")),
  serialNumber: Unknowable(Text("Manufacturer serial number.")),
  macAddresses: Unknowable(
    Type.Array(Type.String({ pattern: MAC_PATTERN }), {
      maxItems: 64,
      description: "MAC addresses of the machine's network interfaces.",
    }),
  ),
  ipAddresses: Unknowable(
    Type.Array(Type.Union([Type.String({ format: "ipv4" }), Type.String({ format: "ipv6" })]), {
      maxItems: 64,
      description: "Assigned IP addresses (loopback excluded).",
    }),
  ),
  ipAssignment: Type.Optional(
    Unknowable(
      Type.Union([Type.Literal("static"), Type.Literal("dhcp")], {
        description:
          "How the machine gets its IPv4 addresses: configured by hand (static, or a DHCP reservation the device does not know about) or leased from a DHCP scope.",
      }),
    ),
  ),
  department: Text("Owning department, e.g. police, library."),
  site: Text("Building where the machine lives, e.g. town-hall."),
  owner: Type.Optional(Text("Responsible person or team.")),
  role: Role,
};

const Hardware = Type.Object(
  {
    manufacturer: Type.Optional(Unknowable(Text("Manufacturer."))),
    model: Type.Optional(Unknowable(Text("Model."))),
    purchaseDate: Type.Optional(Day("Date of purchase.")),
    warrantyEnd: Type.Optional(Day("Last day of the manufacturer's warranty.")),
    cpu: Type.Optional(
      Unknowable(
        Text(
          "Processor model as the OS reports it, e.g. Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz (Win32_Processor Name, /proc/cpuinfo model name).",
        ),
      ),
    ),
    tpmVersion: Type.Optional(
      Unknowable(
        Type.Union([Type.Literal("none"), Type.String({ pattern: "^[0-9]+\\.[0-9]+$" })], {
          description: "Highest TPM specification version the machine has (2.0, 1.2), or none.",
        }),
      ),
    ),
    memoryGiB: Type.Optional(
      Unknowable(
        Type.Number({ minimum: 0, maximum: 65536, description: "Installed memory, GiB." }),
      ),
    ),
    location: Type.Optional(
      Type.Object(
        {
          room: Type.Optional(Text("Room or closet.")),
          securedRoom: Type.Optional(Flag("In a locked room with controlled access.")),
          ups: Type.Optional(Flag("Powered through an uninterruptible power supply.")),
        },
        { additionalProperties: false, description: "Physical location; required for servers." },
      ),
    ),
  },
  { additionalProperties: false },
);

const Os = Type.Object(
  {
    family: OsFamily,
    name: Text("Product name, e.g. Windows 11 Pro, Ubuntu, Red Hat Enterprise Linux."),
    version: Text("Version or release, e.g. 23H2, 22.04, 9.4."),
    build: Type.Optional(Text("Build number, e.g. 22631.4460.")),
    edition: Type.Optional(Text("Edition, e.g. Enterprise, Pro, Home.")),
    lastPatchDate: Type.Optional(Day("Date the last security update was installed.")),
  },
  { additionalProperties: false },
);

const FirewallProfiles = Type.Record(
  Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
  Flag("Firewall enabled in this profile."),
  {
    description:
      "Firewall state per profile: domain/private/public on Windows, default on Linux and macOS.",
  },
);

const FirewallInbound = Type.Record(
  Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
  Unknowable(
    Type.Union([Type.Literal("block"), Type.Literal("allow")], {
      description: "What the firewall does with inbound traffic no rule allows, in this profile.",
    }),
  ),
  { description: "Default inbound action per firewall profile (Windows: domain/private/public)." },
);

const Antivirus = Type.Object(
  {
    product: Unknowable(Text("EDR or antivirus product; absent means none installed.")),
    running: Flag("The agent's service is running."),
    realTimeProtection: Flag("Real-time (on-access) protection is on."),
    signatureDate: Type.Optional(Instant("When the signatures or engine were last updated.")),
  },
  { additionalProperties: false },
);

const PasswordPolicy = Type.Object(
  {
    minLength: Count("Minimum password length."),
    history: Count("Number of remembered passwords."),
    complexity: Flag("Complexity requirements enforced."),
    maxAgeDays: Count("Maximum password age in days; 0 = never expires."),
  },
  { additionalProperties: false },
);

const Lockout = Type.Object(
  {
    threshold: Count("Failed attempts before lockout; 0 = never locks out."),
    durationMinutes: Count("Lockout duration in minutes."),
  },
  { additionalProperties: false },
);

const LocalAdmin = Type.Object(
  {
    name: Text("Account name."),
    enabled: Flag("The account can log on."),
    personal: Type.Optional(Flag("The account belongs to one named person.")),
    passwordManagement: Type.Optional(
      Unknowable(
        Type.Union([Type.Literal("laps"), Type.Literal("vault"), Type.Literal("none")], {
          description: "How the password is rotated: LAPS, a password vault, or not at all.",
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

/** The values of sshd's PermitRootLogin (the alias without-password is prohibit-password). */
export const PERMIT_ROOT_LOGIN = [
  "yes",
  "prohibit-password",
  "forced-commands-only",
  "no",
] as const;

const SshServer = Type.Object(
  {
    permitRootLogin: Unknowable(
      Type.Union(
        PERMIT_ROOT_LOGIN.map((v) => Type.Literal(v)),
        { description: "sshd PermitRootLogin: whether root may log in over SSH, and how." },
      ),
    ),
    passwordAuthentication: Flag("sshd accepts passwords (PasswordAuthentication yes)."),
    maxAuthTries: Count("sshd MaxAuthTries: authentication attempts allowed per connection."),
  },
  { additionalProperties: false, description: "Effective settings of the SSH server." },
);

/** Legacy plaintext network services the baselines forbid. */
export const LEGACY_SERVICES = ["telnet", "rsh", "tftp", "nis"] as const;

const FileMode = Unknowable(
  Type.Union(
    [
      Type.Object(
        {
          mode: Type.String({
            pattern: "^[0-7]{4}$",
            description: "Permission bits as four octal digits, e.g. 0640.",
          }),
          owner: Text("Owning user."),
          group: Text("Owning group."),
        },
        { additionalProperties: false },
      ),
      Type.Literal("absent"),
    ],
    { description: 'The file\'s mode, owner and group; "absent" when it does not exist.' },
  ),
);

/** The kernel network settings (sysctl keys) the baseline judges, and what a host must have. */
export const NETWORK_SYSCTLS = [
  "net.ipv4.ip_forward",
  "net.ipv4.conf.all.accept_redirects",
  "net.ipv4.conf.all.send_redirects",
  "net.ipv4.conf.all.accept_source_route",
  "net.ipv4.conf.all.rp_filter",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.icmp_echo_ignore_broadcasts",
  "net.ipv4.conf.all.log_martians",
] as const;

/**
 * The Windows TCP/IP registry values the baseline judges, named `<service>.Parameters.<value>`
 * after their keys under HKLM\SYSTEM\CurrentControlSet\Services (Tcpip is IPv4, Tcpip6 IPv6).
 */
export const WINDOWS_TCPIP_SETTINGS = [
  "Tcpip.Parameters.DisableIPSourceRouting",
  "Tcpip6.Parameters.DisableIPSourceRouting",
  "Tcpip.Parameters.EnableICMPRedirect",
  "Tcpip.Parameters.IPEnableRouter",
] as const;

const Logging = Type.Object(
  {
    persistent: Flag(
      "System logs are kept on disk across reboots (journald persistent storage, or a syslog daemon writing files; Windows event logs always are).",
    ),
    forwardedTo: Unknowable(
      Type.Array(
        Text(
          "A remote log target: a syslog host (with its port), a systemd-journal-upload URL, or a Windows Event Forwarding subscription manager.",
        ),
        {
          maxItems: 64,
          description: "Where logs are forwarded off the machine; empty when nowhere.",
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      "Whether the machine's logs outlive it: kept on disk, and forwarded to another host.",
  },
);

const Mount = Unknowable(
  Type.Union(
    [
      Type.Object(
        {
          filesystem: Text("Filesystem type, e.g. tmpfs, ext4."),
          options: Type.Array(Text("A mount option, e.g. nodev."), { maxItems: 128 }),
        },
        { additionalProperties: false },
      ),
      Type.Literal("not-separate"),
    ],
    {
      description:
        'The filesystem mounted there and its options; "not-separate" when the directory is part of the filesystem above it.',
    },
  ),
);

const Sudo = Type.Object(
  {
    nopasswdAll: Unknowable(
      Type.Array(Text("A user, %group or alias, as the sudoers rule names it."), {
        maxItems: 256,
        description:
          "Who may run every command as root without a password (a NOPASSWD rule whose commands are ALL).",
      }),
    ),
    logging: Flag(
      "sudo writes its own log of commands (Defaults logfile=, log_output or log_input).",
    ),
    usePty: Flag("sudo runs commands in a pseudo-terminal (Defaults use_pty)."),
  },
  { additionalProperties: false, description: "The sudo policy (/etc/sudoers and its includes)." },
);

const LinuxBootProtection = Type.Object(
  {
    bootloaderPassword: Flag(
      "GRUB asks for a superuser's password before a boot entry is edited (set superusers and password_pbkdf2 in grub.cfg).",
    ),
    rescueRequiresPassword: Flag(
      "Rescue and emergency mode ask for root's password (their units start sulogin).",
    ),
  },
  { additionalProperties: false, description: "Linux: the boot loader and rescue mode." },
);

const WindowsBootProtection = Type.Object(
  {
    secureBoot: Flag(
      "UEFI Secure Boot is on (Confirm-SecureBootUEFI); false on a machine that boots through legacy BIOS.",
    ),
    systemVolumeEncrypted: Flag(
      "The operating-system volume is fully encrypted by BitLocker with its protection on (not suspended), so booting other media cannot read or change it.",
    ),
  },
  {
    additionalProperties: false,
    description: "Windows: Secure Boot and BitLocker on the system volume.",
  },
);

const AccountNames = (description: string) =>
  Unknowable(Type.Array(Text("Account name."), { maxItems: 1024, description }));

const Security = Type.Object(
  {
    diskEncryption: Type.Optional(
      Type.Object(
        {
          status: Unknowable(
            Type.Union([Type.Literal("encrypted"), Type.Literal("partial"), Type.Literal("none")]),
          ),
          product: Type.Optional(Text("BitLocker, LUKS, FileVault…")),
        },
        { additionalProperties: false, description: "Encryption of the system and data volumes." },
      ),
    ),
    firewall: Type.Optional(Unknowable(FirewallProfiles)),
    antivirus: Type.Optional(Unknowable(Antivirus)),
    screenLockSeconds: Type.Optional(Count("Idle seconds before the screen locks; 0 = never.")),
    passwordPolicy: Type.Optional(Unknowable(PasswordPolicy)),
    lockout: Type.Optional(Unknowable(Lockout)),
    smbv1Enabled: Type.Optional(Flag("SMB version 1 server or client enabled.")),
    sshServer: Type.Optional(
      Unknowable(
        Type.Union([SshServer, Type.Literal("none")], {
          description: 'The SSH server\'s effective settings; "none" when no SSH server runs.',
        }),
      ),
    ),
    emptyPasswordAccounts: Type.Optional(
      AccountNames("Local accounts whose password is empty (they log on without one)."),
    ),
    uid0Accounts: Type.Optional(
      AccountNames("Accounts with user id 0, which hold root's privileges (Linux, macOS)."),
    ),
    automaticUpdates: Type.Optional(
      Flag("Security updates are downloaded and installed automatically."),
    ),
    firewallDefaultInbound: Type.Optional(Unknowable(FirewallInbound)),
    legacyServices: Type.Optional(
      Unknowable(
        Type.Array(Type.Union(LEGACY_SERVICES.map((v) => Type.Literal(v))), {
          maxItems: LEGACY_SERVICES.length,
          uniqueItems: true,
          description:
            "Plaintext legacy network services offered: telnet, rsh/rlogin/rexec, tftp, NIS (Linux).",
        }),
      ),
    ),
    accountFiles: Type.Optional(
      Unknowable(
        Type.Object(
          { passwd: FileMode, shadow: FileMode, sudoers: FileMode },
          {
            additionalProperties: false,
            description: "Permissions of /etc/passwd, /etc/shadow and /etc/sudoers (Linux).",
          },
        ),
      ),
    ),
    logging: Type.Optional(Unknowable(Logging)),
    kernelNetwork: Type.Optional(
      Unknowable(
        Type.Object(
          Object.fromEntries([
            ...NETWORK_SYSCTLS.map((k) => [k, Type.Optional(Count(`Live value of ${k}.`))]),
            ...WINDOWS_TCPIP_SETTINGS.map((k) => [
              k,
              Type.Optional(
                Count(
                  `The registry value ${k.split(".").at(-1)} under ${k.split(".")[0]}\\Parameters ("unknown" when it is not set).`,
                ),
              ),
            ]),
          ]),
          {
            additionalProperties: false,
            description:
              "The network stack's hardening settings: live sysctl values of the kernel's IPv4 settings (Linux), or the TCP/IP registry values Windows reads at boot (Windows).",
          },
        ),
      ),
    ),
    temporaryMounts: Type.Optional(
      Unknowable(
        Type.Object(
          { tmp: Mount, devShm: Mount },
          {
            additionalProperties: false,
            description: "How /tmp and /dev/shm are mounted (Linux).",
          },
        ),
      ),
    ),
    sudo: Type.Optional(
      Unknowable(
        Type.Union([Sudo, Type.Literal("absent")], {
          description: 'The sudo policy; "absent" when sudo is not installed (no /etc/sudoers).',
        }),
      ),
    ),
    defaultUmask: Type.Optional(
      Unknowable(
        Type.String({
          pattern: "^0[0-7]{3}$",
          description:
            "The umask every login shell starts with, four octal digits: the bits that login.defs UMASK and every umask line of the system shell profiles all mask.",
        }),
      ),
    ),
    mandatoryAccessControl: Type.Optional(
      Unknowable(
        Type.Object(
          {
            system: Type.Union(
              [Type.Literal("apparmor"), Type.Literal("selinux"), Type.Literal("none")],
              { description: "The mandatory access control system the kernel runs." },
            ),
            mode: Unknowable(
              Type.Union(
                [Type.Literal("enforcing"), Type.Literal("permissive"), Type.Literal("disabled")],
                {
                  description:
                    "enforcing: SELinux Enforcing, or AppArmor with profiles in enforce mode; permissive: only logging (SELinux Permissive, AppArmor profiles all in complain mode); disabled: nothing loaded.",
                },
              ),
            ),
            enforcedProfiles: Type.Optional(Count("AppArmor profiles loaded in enforce mode.")),
            complainProfiles: Type.Optional(Count("AppArmor profiles loaded in complain mode.")),
          },
          {
            additionalProperties: false,
            description: "Mandatory access control: AppArmor or SELinux (Linux).",
          },
        ),
      ),
    ),
    fileIntegrity: Type.Optional(
      Unknowable(
        Type.Union(
          [
            Type.Object(
              {
                product: Text("File integrity monitor, e.g. AIDE, Tripwire, Wazuh, osquery."),
                databaseInitialised: Flag(
                  "The baseline of file checksums exists (AIDE's aide.db, Tripwire's .twd) or the agent runs.",
                ),
                scheduled: Flag("A check runs by itself (cron job, systemd timer, or the agent)."),
              },
              { additionalProperties: false },
            ),
            Type.Literal("none"),
          ],
          { description: 'File integrity monitoring; "none" when no monitor is installed.' },
        ),
      ),
    ),
    restartPending: Type.Optional(
      Unknowable(
        Type.Object(
          {
            rebootRequired: Flag(
              "An update waits for a reboot: Linux /run/reboot-required or needrestart's kernel status; Windows the component servicing (RebootPending) or Windows Update (RebootRequired) reboot flag.",
            ),
            staleProcesses: Type.Optional(
              Unknowable(
                Type.Array(Text("A service or process name."), {
                  maxItems: 1024,
                  description:
                    "Services (needrestart) or processes (deleted libraries still mapped) running code an update replaced on disk (Linux; Windows replaces files in use at the reboot rebootRequired reports).",
                }),
              ),
            ),
          },
          {
            additionalProperties: false,
            description: "Updates installed but not yet in effect until a restart.",
          },
        ),
      ),
    ),
    bootProtection: Type.Optional(
      Unknowable(
        Type.Union([LinuxBootProtection, WindowsBootProtection], {
          description:
            "Protection against someone at the keyboard booting into an administrator's shell or another system: GRUB and rescue mode (Linux), Secure Boot and BitLocker (Windows).",
        }),
      ),
    ),
    bruteForceProtection: Type.Optional(
      Unknowable(
        Type.Object(
          {
            sshExposed: Flag("sshd listens on an address other than loopback."),
            banning: Unknowable(
              Type.Union(
                [
                  Type.Object(
                    {
                      product: Text("fail2ban or sshguard."),
                      running: Flag("Its daemon runs."),
                      sshdJail: Flag("It watches sshd's failed logins (fail2ban's sshd jail)."),
                    },
                    { additionalProperties: false },
                  ),
                  Type.Literal("none"),
                ],
                {
                  description:
                    'The tool that bans addresses after repeated failed logins; "none" when none is installed.',
                },
              ),
            ),
          },
          {
            additionalProperties: false,
            description: "Banning of addresses that guess SSH passwords (Linux).",
          },
        ),
      ),
    ),
    remoteDesktop: Type.Optional(
      Unknowable(
        Type.Object(
          {
            enabled: Flag("Remote Desktop accepts connections."),
            networkLevelAuthentication: Flag(
              "Remote Desktop requires Network Level Authentication before a session starts.",
            ),
          },
          { additionalProperties: false, description: "Remote Desktop (RDP) on Windows." },
        ),
      ),
    ),
    smbSigning: Type.Optional(
      Unknowable(
        Type.Object(
          {
            server: Flag("The SMB server requires signed traffic (signing always)."),
            client: Flag("The SMB client requires signed traffic (signing always)."),
          },
          { additionalProperties: false, description: "SMB packet signing required (Windows)." },
        ),
      ),
    ),
    autorunEnabled: Type.Optional(Flag("AutoRun/AutoPlay runs content from inserted media.")),
    removableMedia: Type.Optional(
      Unknowable(
        Type.Union(
          [
            Type.Literal("blocked"),
            Type.Literal("encrypted-only"),
            Type.Literal("read-only"),
            Type.Literal("allowed"),
          ],
          { description: "Policy for USB storage and other removable media." },
        ),
      ),
    ),
    localAdmins: Type.Optional(Unknowable(Type.Array(LocalAdmin, { maxItems: 256 }))),
    guestEnabled: Type.Optional(Flag("The guest account is enabled.")),
    auditLogging: Type.Optional(Flag("Security audit logging (logon, account, policy) is on.")),
    timeSync: Type.Optional(
      Type.Object(
        {
          enabled: Flag("The clock is synchronised."),
          source: Type.Optional(Text("NTP server or domain hierarchy.")),
        },
        { additionalProperties: false },
      ),
    ),
    logonBanner: Type.Optional(Flag("A legal notice is shown before logon.")),
    kioskLockdown: Type.Optional(
      Type.Object(
        {
          agent: Unknowable(Text("Lockdown agent, e.g. Deep Freeze, Assigned Access.")),
          enabled: Flag("The lockdown agent is enforcing."),
        },
        { additionalProperties: false, description: "Public kiosk lockdown." },
      ),
    ),
  },
  { additionalProperties: false },
);

export const NETWORK_DEVICE_KINDS = [
  "firewall",
  "router",
  "switch",
  "access-point",
  "printer",
  "camera",
  "camera-recorder",
  "other",
] as const;

/** Ways to manage a device; http, telnet and SNMP v1/v2c send passwords in the clear. */
export const MANAGEMENT_PROTOCOLS = [
  "https",
  "ssh",
  "http",
  "telnet",
  "snmpv1",
  "snmpv2c",
  "snmpv3",
  "cloud",
] as const;

const NetworkDevice = Type.Object(
  {
    kind: Type.Union(
      NETWORK_DEVICE_KINDS.map((k) => Type.Literal(k)),
      { description: "What the device is." },
    ),
    defaultCredentialsChanged: Flag(
      "Every account the device shipped with has a new password (or is disabled).",
    ),
    managementProtocols: Unknowable(
      Type.Array(Type.Union(MANAGEMENT_PROTOCOLS.map((p) => Type.Literal(p))), {
        maxItems: MANAGEMENT_PROTOCOLS.length,
        uniqueItems: true,
        description:
          "Management interfaces enabled on the device (web, shell, SNMP, vendor cloud).",
      }),
    ),
    firmware: Type.Object(
      {
        version: Unknowable(Text("Firmware version as the device shows it.")),
        releaseDate: Day("Release date of that firmware version (vendor release notes)."),
      },
      { additionalProperties: false },
    ),
    vendorEndOfSupport: Unknowable(
      Type.Union([Type.String({ format: "date" }), Type.Literal("not-announced")], {
        description:
          'Last day the vendor ships firmware fixes for the model; "not-announced" while it has not said.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "Facts of a network device (firewall, switch, printer, camera recorder), written by hand.",
  },
);

const Software = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512 }),
    version: Type.Optional(Type.String({ maxLength: 128 })),
    publisher: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const WIPE_METHODS = ["clear", "purge", "destroy"] as const;

const Lifecycle = Type.Object(
  {
    status: LifecycleStatus,
    disposal: Type.Optional(
      Type.Object(
        {
          method: Type.Union(
            WIPE_METHODS.map((m) => Type.Literal(m)),
            { description: "NIST SP 800-88 sanitisation method." },
          ),
          wipedAt: Type.String({ format: "date" }),
          certificate: Type.Optional(Text("Certificate of sanitisation or destruction.")),
          performedBy: Type.Optional(Text("Who wiped it.")),
        },
        { additionalProperties: false, description: "Sanitisation record." },
      ),
    ),
    disposedAt: Type.Optional(Type.String({ format: "date" })),
  },
  { additionalProperties: false },
);

export const MachineConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    ...Identity,
    hardware: Type.Optional(Hardware),
    os: Os,
    security: Type.Optional(Security),
    networkDevice: Type.Optional(NetworkDevice),
    software: Type.Optional(Unknowable(Type.Array(Software, { maxItems: 20000 }))),
    lifecycle: Lifecycle,
    collectedAt: Type.String({
      format: "date-time",
      description: "When these facts were collected.",
    }),
    collector: Type.Optional(
      Type.Object(
        { name: Text("Collector."), version: Type.Optional(Text("Collector version.")) },
        { additionalProperties: false },
      ),
    ),
  },
  {
    $id: "urn:stronghold:schema:machine-config:v1",
    title: "Stronghold machine configuration",
    description: "One machine's configuration as collected or written by hand.",
    additionalProperties: false,
  },
);

export type MachineConfig = Static<typeof MachineConfigSchema>;
export type Role = (typeof ROLES)[number];
export type OsFamily = (typeof OS_FAMILIES)[number];
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];
