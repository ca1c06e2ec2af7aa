/**
 * The macOS probes: read-only shell snippets run as one POSIX sh script over the same SSH
 * transport as the Linux probes (macOS Remote Login is OpenSSH, /bin/sh is POSIX). The text is
 * constant; the nonce and the privilege mode arrive as positional arguments.
 *
 * Conventions (as on Linux): a probe whose tool is missing returns 127 and prints nothing; one
 * that needs root goes through `priv` (root already, `sudo -n` with --sudo, else exit 126); a
 * command that can hang runs under `limit` (and `priv` always does), which ends it after
 * MAC_COMMAND_LIMIT_SECONDS with exit 124 and "timed out after N s" on stderr.
 * `softwareupdate -l` is deliberately not run: it asks Apple's servers and can take minutes; the
 * last background check's cached RecommendedUpdates is read instead.
 */

/** How long one slow command may run on a Mac before it is stopped and its fact is unknown. */
export const MAC_COMMAND_LIMIT_SECONDS = 30;

/** One probe of the macOS script. */
export interface MacProbeDefinition {
  readonly name: string;
  /** What the probe reads, for the docs and the collection report. */
  readonly reads: string;
  /** Needs root for a full answer (runs through `sudo -n` with --sudo). */
  readonly privileged: boolean;
  /** Body of a sh function; stdin is /dev/null, stdout is the section. */
  readonly body: string;
}

/** Shell helpers the macOS probes share. */
export const MAC_PROBE_HELPERS = `
have() { command -v "$1" >/dev/null 2>&1; }
# limit SECONDS COMMAND...: macOS has no timeout(1). perl (shipped with macOS) arms an alarm that
# survives exec, so the command dies of SIGALRM (exit 142) when time is up; that becomes exit 124
# with "timed out after N s" on stderr. Without perl the command runs unbounded.
limit() {
  lim_s=$1; shift
  have perl || { "$@"; return; }
  perl -e 'alarm shift; exec @ARGV or exit 127' "$lim_s" "$@"
  lim_rc=$?
  [ "$lim_rc" -eq 142 ] || return "$lim_rc"
  echo "timed out after $lim_s s" >&2
  return 124
}
# Runs a command as root, with the time limit: directly when root, through sudo -n with --sudo
# (sudo passes the alarm's signal on to the command).
priv() {
  case "$PRIV" in
    root) limit ${MAC_COMMAND_LIMIT_SECONDS} "$@" ;;
    sudo) limit ${MAC_COMMAND_LIMIT_SECONDS} sudo -n -- "$@" ;;
    *)
      if [ "$MODE" = sudo ]; then echo "needs root, and sudo is not installed" >&2
      else echo "needs root: rerun with --sudo" >&2; fi
      return 126 ;;
  esac
}
# One key of a system preferences domain as KEY=value, or KEY=absent when it is not set.
pref() {
  if v=$(defaults read "$1" "$2" 2>/dev/null); then echo "$2=$v"; else echo "$2=absent"; fi
}
# A managed preferences domain (what configuration profiles set for the whole machine) as an XML
# plist, or the word absent when no profile sets it.
managed() {
  have plutil || return 127
  m_f="/Library/Managed Preferences/$1.plist"
  [ -f "$m_f" ] || { echo absent; return 0; }
  plutil -convert xml1 -o - "$m_f"
}
`;

/** Every macOS probe, in the order the script runs them. */
export const MAC_PROBES = [
  {
    name: "meta",
    reads: "kernel name, user, privilege mode, host name, architecture, host clock",
    privileged: false,
    body: `
echo "system=$(uname -s)"
echo "uid=$(id -u)"
echo "user=$(id -un)"
echo "priv=$PRIV"
echo "hostname=$(uname -n)"
echo "arch=$(uname -m)"
echo "now=$(date +%s)"`,
  },
  {
    name: "sw-vers",
    reads: "sw_vers (product name, version, build)",
    privileged: false,
    body: `
have sw_vers || return 127
sw_vers`,
  },
  {
    name: "hardware",
    reads: "system_profiler SPHardwareDataType (model, serial number; time-limited)",
    privileged: false,
    body: `
have system_profiler || return 127
limit ${MAC_COMMAND_LIMIT_SECONDS} system_profiler SPHardwareDataType`,
  },
  {
    name: "sysctl",
    reads: "sysctl machdep.cpu.brand_string and hw.memsize",
    privileged: false,
    body: `
have sysctl || return 127
echo "cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null)"
echo "memsize=$(sysctl -n hw.memsize 2>/dev/null)"`,
  },
  {
    name: "ifconfig",
    reads: "ifconfig (interfaces, MAC and IP addresses)",
    privileged: false,
    body: `
have ifconfig || return 127
ifconfig`,
  },
  {
    name: "filevault",
    reads: "fdesetup status (time-limited)",
    privileged: false,
    body: `
have fdesetup || return 127
limit ${MAC_COMMAND_LIMIT_SECONDS} fdesetup status`,
  },
  {
    name: "firewall",
    reads: "socketfilterfw --getglobalstate and --getstealthmode (application firewall)",
    privileged: false,
    body: `
f=/usr/libexec/ApplicationFirewall/socketfilterfw
[ -x "$f" ] || return 127
"$f" --getglobalstate
"$f" --getstealthmode`,
  },
  {
    name: "gatekeeper",
    reads: "spctl --status",
    privileged: false,
    body: `
have spctl || return 127
spctl --status`,
  },
  {
    name: "sip",
    reads: "csrutil status",
    privileged: false,
    body: `
have csrutil || return 127
csrutil status`,
  },
  {
    name: "software-update",
    reads:
      "AutomaticCheckEnabled, AutomaticDownload, AutomaticallyInstallMacOSUpdates, CriticalUpdateInstall in /Library/Preferences/com.apple.SoftwareUpdate",
    privileged: false,
    body: `
have defaults || return 127
for k in AutomaticCheckEnabled AutomaticDownload AutomaticallyInstallMacOSUpdates CriticalUpdateInstall; do
  pref /Library/Preferences/com.apple.SoftwareUpdate "$k"
done`,
  },
  {
    name: "guest",
    reads: "GuestEnabled in /Library/Preferences/com.apple.loginwindow",
    privileged: false,
    body: `
have defaults || return 127
pref /Library/Preferences/com.apple.loginwindow GuestEnabled`,
  },
  {
    name: "time-sync",
    reads: "systemsetup -getusingnetworktime and -getnetworktimeserver (root)",
    privileged: true,
    body: `
have systemsetup || return 127
priv systemsetup -getusingnetworktime || return $?
priv systemsetup -getnetworktimeserver`,
  },
  {
    name: "sshd",
    reads: "sshd -T (the default /etc/ssh/sshd_config; root)",
    privileged: true,
    body: `
have sshd || return 127
echo "config=default"
priv sshd -T`,
  },
  {
    name: "users",
    reads: "dscl . -list /Users UniqueID",
    privileged: false,
    body: `
have dscl || return 127
dscl . -list /Users UniqueID`,
  },
  {
    name: "admins",
    reads: "dscl . -read /Groups/admin GroupMembership",
    privileged: false,
    body: `
have dscl || return 127
dscl . -read /Groups/admin GroupMembership`,
  },
  {
    name: "admin-accounts",
    reads:
      "dscl . -read /Users/NAME AuthenticationAuthority of each admin group member but root (root; DisabledUser marks a disabled account)",
    privileged: true,
    body: `
have dscl || return 127
m=$(dscl . -read /Groups/admin GroupMembership 2>/dev/null) || return 0
set -f
# shellcheck disable=SC2086
set -- \${m#GroupMembership:}
set +f
for u in "$@"; do
  # root has a probe of its own (root-account).
  case "$u" in ""|root|*[!A-Za-z0-9._-]*) continue ;; esac
  echo "user=$u"
  priv dscl . -read "/Users/$u" AuthenticationAuthority 2>&1 || echo "rc=$?"
done
return 0`,
  },
  {
    name: "root-account",
    reads:
      "dscl . -read /Users/root Password, UserShell, and AuthenticationAuthority (root): whether root can log on",
    privileged: true,
    body: `
have dscl || return 127
# Each key alone, errors included: a missing key prints "No such key: KEY".
dscl . -read /Users/root Password 2>&1
dscl . -read /Users/root UserShell 2>&1
priv dscl . -read /Users/root AuthenticationAuthority 2>&1 || echo "rc=$?"
return 0`,
  },
  {
    name: "policy-banner",
    reads: "/Library/Security/PolicyBanner.txt, .rtf or .rtfd (login window notice)",
    privileged: false,
    body: `
if [ -d /Library/Security ]; then echo "folder=present"; else echo "folder=absent"; fi
for f in /Library/Security/PolicyBanner.txt /Library/Security/PolicyBanner.rtf /Library/Security/PolicyBanner.rtfd; do
  [ -e "$f" ] && echo "banner=$f"
done
return 0`,
  },
  {
    name: "processes",
    reads: "ps -ax -o comm= (process names, for endpoint-protection agents)",
    privileged: false,
    body: `
ps -ax -o comm=`,
  },
  {
    name: "applications",
    reads:
      "CFBundleName and CFBundleShortVersionString of every /Applications/*.app (and one folder deeper) through plutil",
    privileged: false,
    body: `
have plutil || return 127
[ -d /Applications ] || { echo "no /Applications folder" >&2; return 3; }
for app in /Applications/*.app /Applications/*/*.app; do
  p="$app/Contents/Info.plist"
  [ -f "$p" ] || continue
  n=$(plutil -extract CFBundleName raw -o - "$p" 2>/dev/null)
  v=$(plutil -extract CFBundleShortVersionString raw -o - "$p" 2>/dev/null)
  printf '%s\\t%s\\t%s\\n' "$app" "$n" "$v"
done`,
  },
  {
    name: "password-policy",
    reads:
      "pwpolicy -getaccountpolicies (the global account policies, profiles' included; time-limited)",
    privileged: false,
    body: `
have pwpolicy || return 127
limit ${MAC_COMMAND_LIMIT_SECONDS} pwpolicy -getaccountpolicies`,
  },
  {
    name: "password-profile",
    reads:
      "/Library/Managed Preferences/com.apple.mobiledevice.passwordpolicy.plist (a Passcode profile's payload)",
    privileged: false,
    body: `
managed com.apple.mobiledevice.passwordpolicy`,
  },
  {
    name: "screen-lock",
    reads:
      "/Library/Managed Preferences/com.apple.screensaver.plist (idleTime, askForPassword, askForPasswordDelay set by a profile)",
    privileged: false,
    body: `
managed com.apple.screensaver`,
  },
  {
    name: "audit",
    reads:
      "/etc/security/audit_control; launchctl print system/com.apple.auditd, its flags: line and audit -c (root)",
    privileged: true,
    body: `
have launchctl || return 127
if [ -e /etc/security/audit_control ]; then echo "control=present"; else echo "control=absent"; return 0; fi
# The system domain is root's to read; launchctl fails (113) for a service that is not loaded.
lp=$(priv launchctl print system/com.apple.auditd 2>&1 >/dev/null)
case $? in
  0) echo "loaded=yes" ;;
  124|126) echo "$lp"; return 0 ;;
  *) echo "loaded=no"; return 0 ;;
esac
priv grep '^flags:' /etc/security/audit_control 2>&1 || echo "rc=$?"
priv audit -c 2>&1 || echo "rc=$?"
return 0`,
  },
  {
    name: "install-history",
    reads: "/Library/Receipts/InstallHistory.plist (what was installed when, kept locally)",
    privileged: false,
    body: `
have plutil || return 127
f=/Library/Receipts/InstallHistory.plist
[ -f "$f" ] || { echo "no $f" >&2; return 3; }
plutil -convert xml1 -o - "$f"`,
  },
  {
    name: "recommended-updates",
    reads:
      "RecommendedUpdates in /Library/Preferences/com.apple.SoftwareUpdate.plist (what the last background check found; no network)",
    privileged: false,
    body: `
have plutil || return 127
f=/Library/Preferences/com.apple.SoftwareUpdate.plist
[ -f "$f" ] || { echo absent; return 0; }
plutil -extract RecommendedUpdates xml1 -o - "$f" 2>/dev/null || echo absent`,
  },
  {
    name: "removable-media",
    reads:
      "/Library/Managed Preferences/com.apple.systemuiserver.plist (a Media Management profile's mount-controls)",
    privileged: false,
    body: `
managed com.apple.systemuiserver`,
  },
] as const satisfies readonly MacProbeDefinition[];

/** The name of one macOS probe. */
export type MacProbeName = (typeof MAC_PROBES)[number]["name"];
