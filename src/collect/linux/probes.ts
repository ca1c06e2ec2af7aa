/**
 * The Linux probes: read-only shell snippets, each printing one fact family's raw material. They
 * run as one POSIX sh script (see probe-script.ts) in a single round trip per host. The text is
 * constant: nothing from the inventory or a host is ever written into it; the run's nonce and the
 * privilege mode arrive as positional arguments.
 *
 * Conventions: a probe whose tool is missing returns 127 and prints nothing; one that needs root
 * goes through `priv` (root already, `sudo -n` with --sudo, else exit 126 with a hint).
 */

import { NETWORK_SYSCTLS } from "../../machine-config/schema.js";

/** One probe of the script. */
export interface ProbeDefinition {
  readonly name: string;
  /** What the probe reads, for the README and the collection report. */
  readonly reads: string;
  /** Needs root for a full answer (runs through `sudo -n` with --sudo). */
  readonly privileged: boolean;
  /** Body of a sh function; stdin is /dev/null, stdout is the section. */
  readonly body: string;
}

/** Shell helpers the probes share, defined once at the top of the script. */
export const PROBE_HELPERS = `
have() { command -v "$1" >/dev/null 2>&1; }
# Slow tools get a time limit where coreutils' timeout exists.
limit() { if have timeout; then timeout 30 "$@"; else "$@"; fi; }
# Runs a command as root (with the time limit): directly when root, through sudo -n with --sudo.
priv() {
  case "$PRIV" in
    root) limit "$@" ;;
    sudo) limit sudo -n -- "$@" ;;
    *)
      if [ "$MODE" = sudo ]; then echo "needs root, and sudo is not installed" >&2
      else echo "needs root: rerun with --sudo" >&2; fi
      return 126 ;;
  esac
}
nocomment() { grep -vE '^[[:space:]]*(#|$)' "$@" 2>/dev/null; return 0; }
# The sshd serving this connection: the -f config and -o options in its listener's title (what
# it was started with), found through this shell's ancestors. SSHD_CFG is empty (the default
# config) when no ancestor is an sshd started with -f; SSHD_OPTS holds one KEY=VALUE per line.
# Set once, with shell builtins only (no process per ancestor).
find_serving_sshd_config() {
  SSHD_CFG=""
  SSHD_OPTS=""
  pid=$$
  while [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null; do
    comm=""
    read -r comm 2>/dev/null < "/proc/$pid/comm"
    if [ "$comm" = sshd ]; then
      args=$(tr '\\000' ' ' 2>/dev/null < "/proc/$pid/cmdline")
      case "$args" in
        *" -f "*|*" -o"*|*"[listener]"*)
          # The title is the arguments joined by spaces: split it again, without globbing.
          set -f
          # shellcheck disable=SC2086
          sshd_arguments $args
          set +f
          return 0 ;;
      esac
    fi
    ppid=""
    while read -r key value; do
      if [ "$key" = "PPid:" ]; then ppid=$value; break; fi
    done 2>/dev/null < "/proc/$pid/status"
    pid=$ppid
  done
}
# -f FILE, -o KEY=VALUE, -oKEY=VALUE and -o KEY VALUE (a one-word value) of an sshd's title.
sshd_arguments() {
  while [ $# -gt 0 ]; do
    case "$1" in
      -f) [ $# -gt 1 ] && { SSHD_CFG=$2; shift; } ;;
      -o)
        case "\${2-}" in
          *=*) SSHD_OPTS="$SSHD_OPTS$2
"; shift ;;
          ""|-*|"["*) ;;
          *) [ $# -gt 2 ] && { SSHD_OPTS="$SSHD_OPTS$2=$3
"; shift 2; } ;;
        esac ;;
      -o*) SSHD_OPTS="$SSHD_OPTS\${1#-o}
" ;;
      "[listener]") return 0 ;;
    esac
    shift
  done
}
# sshd -T with the serving daemon's own -f and -o arguments: the settings it applies.
sshd_effective() {
  set -f
  saved_ifs=$IFS
  IFS='
'
  # shellcheck disable=SC2086
  set -- $SSHD_OPTS
  IFS=$saved_ifs
  set +f
  n=$#
  while [ "$n" -gt 0 ]; do set -- "$@" -o "$1"; shift; n=$((n - 1)); done
  if [ -n "$SSHD_CFG" ]; then priv sshd -T -f "$SSHD_CFG" "$@"; else priv sshd -T "$@"; fi
}
# One sudoers file framed by @file, then every file it includes (relative paths against its own
# folder; includedir skips names with a dot or ending in ~, as sudo does), eight levels at most.
sudoers_file() {
  [ "$2" -gt 8 ] && return 0
  echo "@file $1"
  text=$(priv cat -- "$1") || return $?
  printf '%s\\n' "$text"
  printf '%s\\n' "$text" | sed -n 's/^[[:space:]]*[#@]include\\(dir\\)\\{0,1\\}[[:space:]]\\{1,\\}/x\\1 /p' |
  while read -r kind path; do
    path=$(printf '%s' "$path" | tr -d '"')
    case "$path" in /*) ;; *) path="\${1%/*}/$path" ;; esac
    if [ "$kind" = xdir ]; then
      for g in $(priv ls -1A -- "$path" 2>/dev/null); do
        case "$g" in *~|*.*) continue ;; esac
        sudoers_file "$path/$g" $(($2 + 1)) || return $?
      done
    else
      sudoers_file "$path" $(($2 + 1)) || return $?
    fi
  done
}
cat_list() {
  if [ -x /usr/lib/apt/apt-helper ]; then /usr/lib/apt/apt-helper cat-file "$1"
  else case "$1" in
    *.gz) gzip -dc "$1" ;; *.xz) xz -dc "$1" ;; *.lz4) lz4cat "$1" ;; *) cat "$1" ;;
  esac; fi
}
security_lists() {
  for f in /var/lib/apt/lists/*_dists_*-security_*_Packages* \\
           /var/lib/apt/lists/*-security_dists_*_updates_*_Packages*; do
    [ -r "$f" ] && echo "$f"
  done
}
`;

/** Every probe, in the order the script runs them. */
export const PROBES = [
  {
    name: "meta",
    reads: "user, privilege mode, host name, kernel release, host clock",
    privileged: false,
    body: `
echo "system=$(uname -s)"
echo "uid=$(id -u)"
echo "user=$(id -un)"
echo "priv=$PRIV"
echo "hostname=$(uname -n)"
echo "kernel=$(uname -r)"
echo "now=$(date +%s)"`,
  },
  {
    name: "os-release",
    reads: "/etc/os-release",
    privileged: false,
    body: `cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release`,
  },
  {
    name: "apt-history",
    reads: "last apt transaction with upgrades (/var/log/apt/history.log and its last rotation)",
    privileged: false,
    body: `
[ -d /var/log/apt ] || return 127
for f in /var/log/apt/history.log.1.gz /var/log/apt/history.log; do
  [ -r "$f" ] && gzip -dcf "$f"
done | awk '/^Start-Date:/ { d = $2 " " $3 } /^Upgrade:/ { print d }' | tail -n 1`,
  },
  {
    name: "dpkg-log",
    reads: "last package upgrade in /var/log/dpkg.log",
    privileged: false,
    body: `
[ -r /var/log/dpkg.log ] || return 127
for f in /var/log/dpkg.log.1 /var/log/dpkg.log; do
  [ -r "$f" ] && gzip -dcf "$f"
done | grep ' upgrade ' | tail -n 1`,
  },
  {
    name: "dnf-history",
    reads: "dnf history list (yum on older releases)",
    privileged: false,
    body: `
if have dnf; then limit dnf -q history list
elif have yum; then limit yum -q history list
else return 127; fi`,
  },
  {
    name: "apt-auto",
    reads: "unattended-upgrades package, APT::Periodic settings, apt-daily-upgrade.timer",
    privileged: false,
    body: `
have apt-config || return 127
echo "package=$(dpkg-query -W -f='\${db:Status-Abbrev}' unattended-upgrades 2>/dev/null)"
apt-config dump | grep -E '^APT::Periodic::'
if have systemctl; then echo "timer=$(systemctl is-enabled apt-daily-upgrade.timer 2>/dev/null)"; fi
return 0`,
  },
  {
    name: "dnf-auto",
    reads: "dnf-automatic timers and apply_updates",
    privileged: false,
    body: `
have dnf || return 127
for u in dnf-automatic-install.timer dnf-automatic.timer dnf5-automatic.timer; do
  echo "unit $u $(systemctl is-enabled "$u" 2>/dev/null)"
done
for f in /etc/dnf/automatic.conf /etc/dnf/dnf5-plugins/automatic.conf; do
  [ -r "$f" ] && grep -E '^[[:space:]]*apply_updates[[:space:]]*=' "$f"
done
return 0`,
  },
  {
    name: "apt-security",
    reads:
      "installed packages whose version differs from the -security package lists (no apt solver run)",
    privileged: false,
    body: `
have dpkg-query || return 127
lists=$(security_lists)
if [ -z "$lists" ]; then
  echo "no -security package lists (no security source, or apt-get update never ran)" >&2
  return 3
fi
for f in $lists; do echo "list $(stat -c %Y "$f") $f"; done
{ dpkg-query -W -f='\${db:Status-Abbrev} \${Package} \${Version}\\n' | awk '$1 ~ /^[uihrp][iWt]/ { print $2, $3 }'
  echo "--"
  for f in $lists; do cat_list "$f"; done | awk '/^Package: / { p = $2 } /^Version: / { print p, $2 }'
} | awk '$0 == "--" { s = 1; next } !s { v[$1] = $2; next } ($1 in v) && v[$1] != $2 { print "candidate", $1, v[$1], $2 }'`,
  },
  {
    name: "dnf-security",
    reads: "dnf updateinfo list --security from the metadata cache (-C: no download)",
    privileged: false,
    body: `
have dnf || return 127
for f in /var/cache/dnf/*/repodata/repomd.xml /var/cache/libdnf5/*/repodata/repomd.xml; do
  [ -r "$f" ] && echo "cache $(stat -c %Y "$f")"
done
limit dnf -q -C updateinfo list --security`,
  },
  {
    name: "lsblk",
    reads: "block devices (lsblk -J): crypt devices under the mounted filesystems",
    privileged: false,
    body: `have lsblk || return 127; lsblk -J -o NAME,TYPE,FSTYPE,MOUNTPOINT`,
  },
  {
    name: "nft",
    reads: "nft -j list ruleset",
    privileged: true,
    body: `have nft || return 127; priv nft -j list ruleset`,
  },
  {
    name: "iptables",
    reads: "iptables -S (the filter table's chains, to follow INPUT's jumps)",
    privileged: true,
    body: `have iptables || return 127; priv iptables -S`,
  },
  {
    name: "ip6tables",
    reads: "ip6tables -S (the IPv6 filter table's chains)",
    privileged: true,
    body: `have ip6tables || return 127; priv ip6tables -S`,
  },
  {
    name: "ipv6",
    reads: "whether IPv6 is on: /proc/sys/net/ipv6/conf/*/disable_ipv6 (absent: off at boot)",
    privileged: false,
    body: `
[ -d /proc/sys/net/ipv6 ] || { echo absent; return 0; }
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
  i=\${f%/disable_ipv6}; echo "\${i##*/}=$(cat "$f")"
done`,
  },
  {
    name: "ufw",
    reads: "ufw.conf ENABLED, DEFAULT_INPUT_POLICY, ufw status verbose",
    privileged: true,
    body: `
have ufw || return 127
grep -hE '^[[:space:]]*(ENABLED|DEFAULT_INPUT_POLICY)=' /etc/ufw/ufw.conf /etc/default/ufw 2>/dev/null
priv ufw status verbose`,
  },
  {
    name: "firewalld",
    reads: "firewall-cmd --state and default zone",
    privileged: false,
    body: `
have firewall-cmd || return 127
echo "state=$(limit firewall-cmd --state 2>&1)"
echo "zone=$(limit firewall-cmd --get-default-zone 2>/dev/null)"`,
  },
  {
    name: "sshd",
    reads:
      "sshd -T of the sshd serving this connection (its -f config, else the default, and its -o options)",
    privileged: true,
    body: `
have sshd || return 127
echo "config=\${SSHD_CFG:-default}"
printf '%s' "$SSHD_OPTS" | while IFS= read -r o; do echo "option=$o"; done
sshd_effective`,
  },
  {
    name: "sshd-banner",
    reads: "the file sshd's Banner names (first 4 KiB)",
    privileged: true,
    body: `
have sshd || return 127
b=$(sshd_effective 2>/dev/null | awk '$1 == "banner" { print $2 }')
if [ -z "$b" ]; then sshd_effective >/dev/null; rc=$?; [ "$rc" = 0 ] && rc=3; return "$rc"; fi
echo "banner=$b"
[ "$b" = none ] && return 0
head -c 4096 "$b" 2>/dev/null || priv head -c 4096 "$b"`,
  },
  {
    name: "login-defs",
    reads: "PASS_* settings in /etc/login.defs",
    privileged: false,
    body: `
[ -r /etc/login.defs ] || return 127
grep -E '^[[:space:]]*PASS_(MAX_DAYS|MIN_DAYS|MIN_LEN|WARN_AGE)[[:space:]]' /etc/login.defs
return 0`,
  },
  {
    name: "pwquality",
    reads: "/etc/security/pwquality.conf.d/*.conf then pwquality.conf",
    privileged: false,
    body: `
for f in /etc/security/pwquality.conf.d/*.conf /etc/security/pwquality.conf; do
  [ -r "$f" ] && { echo "@file $f"; nocomment "$f"; }
done
return 0`,
  },
  {
    name: "pwhistory",
    reads: "/etc/security/pwhistory.conf",
    privileged: false,
    body: `[ -r /etc/security/pwhistory.conf ] && nocomment /etc/security/pwhistory.conf; return 0`,
  },
  {
    name: "faillock",
    reads: "/etc/security/faillock.conf",
    privileged: false,
    body: `[ -r /etc/security/faillock.conf ] && nocomment /etc/security/faillock.conf; return 0`,
  },
  {
    name: "pam",
    reads: "the shared PAM stacks (common-auth/-password; system-auth, password-auth)",
    privileged: false,
    body: `
found=0
for f in /etc/pam.d/common-auth /etc/pam.d/common-password /etc/pam.d/system-auth /etc/pam.d/password-auth; do
  [ -r "$f" ] || continue
  found=1
  echo "@file $f"
  nocomment "$f"
done
[ "$found" = 1 ] || return 127`,
  },
  {
    name: "passwd",
    reads: "local accounts: name, uid, gid, shell (/etc/passwd)",
    privileged: false,
    body: `awk -F: '{ print $1 ":" $3 ":" $4 ":" $7 }' /etc/passwd`,
  },
  {
    name: "account-files",
    reads:
      "mode, owner and group of /etc/passwd, /etc/shadow and /etc/sudoers (stat, not their contents)",
    privileged: false,
    body: `
have stat || return 127
for f in /etc/passwd /etc/shadow /etc/sudoers; do
  if [ -e "$f" ]; then stat -c '%n %a %U %G' "$f" || return $?; else echo "$f absent"; fi
done`,
  },
  {
    name: "listening",
    reads: "listening TCP and bound UDP ports and their addresses (/proc/net/tcp, tcp6, udp, udp6)",
    privileged: false,
    // Listening rows only (TCP state 0A, UDP 07): a busy server's tables hold a row for every
    // connection, thousands of them, none of which a check reads.
    body: `
[ -r /proc/net/tcp ] || return 127
for p in tcp tcp6 udp udp6; do
  case $p in tcp*) s=0A ;; *) s=07 ;; esac
  [ -r "/proc/net/$p" ] && awk -v p="$p" -v s="$s" 'NR > 1 && $4 == s { n = split($2, a, ":"); print p, a[n], $4, a[1] }' "/proc/net/$p"
done
return 0`,
  },
  {
    name: "admin-groups",
    reads: "members of sudo, wheel and admin (/etc/group)",
    privileged: false,
    body: `awk -F: '$1 == "sudo" || $1 == "wheel" || $1 == "admin" { print $1 ":" $3 ":" $4 }' /etc/group`,
  },
  {
    name: "shadow",
    reads:
      "per account only: password set, empty or locked, and expiry (never the hash); without root when the account may read /etc/shadow",
    privileged: true,
    body: `
states='{ s = "set"; c = substr($2, 1, 1)
  if ($2 == "") s = "empty"; else if (c == "!" || c == "*") s = "locked"
  print $1 ":" s ":" $8 }'
# An account in group shadow reads the file itself; root is asked for only when it cannot.
if [ -r /etc/shadow ]; then awk -F: "$states" /etc/shadow; else priv awk -F: "$states" /etc/shadow; fi`,
  },
  {
    name: "lightdm",
    reads: "LightDM guest sessions (allow-guest)",
    privileged: false,
    body: `
[ -d /etc/lightdm ] || return 127
grep -rhsE '^[[:space:]]*(allow-guest|greeter-allow-guest)[[:space:]]*=' /usr/share/lightdm /etc/lightdm
return 0`,
  },
  {
    name: "tmout",
    reads: "shell idle timeout (TMOUT) in /etc/profile, /etc/profile.d, /etc/bash.bashrc",
    privileged: false,
    body: `
grep -hsE '^[[:space:]]*(readonly[[:space:]]+|export[[:space:]]+|declare[[:space:]]+-[a-zA-Z]+[[:space:]]+)*TMOUT=' \\
  /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc /etc/bashrc
return 0`,
  },
  {
    name: "usb-storage",
    reads:
      "whether the usb-storage driver is loaded or built in, present, or disabled in modprobe.d, and whether the kernel loads modules at all",
    privileged: false,
    body: `
echo "loaded=$([ -d /sys/module/usb_storage ] && echo yes || echo no)"
echo "modules=$([ -d "/lib/modules/$(uname -r)" ] && echo yes || echo no)"
echo "modinfo=$(modinfo -n usb-storage 2>/dev/null)"
echo "module_support=$([ -e /proc/modules ] && echo yes || echo no)"
echo "sysfs=$([ -d /sys/module ] && echo yes || echo no)"
grep -rhsE '^[[:space:]]*(install|blacklist)[[:space:]]+usb[-_]storage' \\
  /etc/modprobe.d /usr/lib/modprobe.d /lib/modprobe.d /run/modprobe.d
return 0`,
  },
  {
    name: "processes",
    reads: "running process names (ps -e, else /proc/*/comm)",
    privileged: false,
    body: `if have ps; then ps -e -o comm=; else cat /proc/[0-9]*/comm 2>/dev/null; fi`,
  },
  {
    name: "services",
    reads: "systemd service units and their states",
    privileged: false,
    body: `have systemctl || return 127; limit systemctl list-units --type=service --all --no-legend --plain --no-pager`,
  },
  {
    name: "chrony",
    reads: "chronyc tracking and the selected source",
    privileged: false,
    body: `
have chronyc || return 127
limit chronyc -n tracking || return $?
limit chronyc -n sources | grep '^\\^\\*'
return 0`,
  },
  {
    name: "timedatectl",
    reads: "timedatectl NTP and NTPSynchronized, timesyncd server",
    privileged: false,
    body: `
have timedatectl || return 127
limit timedatectl show -p NTP -p NTPSynchronized || return $?
limit timedatectl show-timesync -p ServerName 2>/dev/null
return 0`,
  },
  {
    name: "auditctl",
    reads: "auditctl -s (kernel audit status)",
    privileged: true,
    body: `have auditctl || return 127; priv auditctl -s`,
  },
  {
    name: "issue",
    reads: "/etc/issue (first 4 KiB)",
    privileged: false,
    body: `[ -r /etc/issue ] || return 127; head -c 4096 /etc/issue`,
  },
  {
    name: "clamav",
    reads: "ClamAV signature databases and their modification times",
    privileged: false,
    body: `
[ -d /var/lib/clamav ] || return 127
for f in /var/lib/clamav/*.cvd /var/lib/clamav/*.cld; do
  [ -r "$f" ] && echo "$(stat -c %Y "$f") $f"
done
return 0`,
  },
  {
    name: "mdatp",
    reads: "mdatp health (Microsoft Defender for Endpoint)",
    privileged: false,
    body: `have mdatp || return 127; limit mdatp health`,
  },
  {
    name: "dpkg",
    reads: "installed packages (dpkg-query)",
    privileged: false,
    body: `have dpkg-query || return 127; dpkg-query -W -f='\${db:Status-Abbrev}\\t\${Package}\\t\${Version}\\n'`,
  },
  {
    name: "rpm",
    reads: "installed packages (rpm -qa)",
    privileged: false,
    body: `have rpm || return 127; rpm -qa --qf '%{NAME}\\t%{EPOCH}:%{VERSION}-%{RELEASE}\\t%{VENDOR}\\n'`,
  },
  {
    name: "dmi",
    reads: "/sys/class/dmi/id: vendor, product, serial (root only), chassis asset tag",
    privileged: true,
    body: `
d=/sys/class/dmi/id
[ -d "$d" ] || return 127
for k in sys_vendor product_name product_serial chassis_asset_tag; do
  [ -e "$d/$k" ] || continue
  if v=$(cat "$d/$k" 2>/dev/null) || v=$(priv cat "$d/$k" 2>/dev/null); then
    printf '%s=%s\\n' "$k" "$v"
  else
    printf '%s!unreadable\\n' "$k"
  fi
done`,
  },
  {
    name: "platform",
    reads:
      "/proc/cpuinfo model name, /proc/meminfo MemTotal, /sys/class/tpm/tpm0/tpm_version_major",
    privileged: false,
    body: `
printf 'cpu=%s\\n' "$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)"
sed -n 's/^MemTotal:[[:space:]]*\\([0-9]*\\) kB.*/memkb=\\1/p' /proc/meminfo 2>/dev/null
if [ -r /sys/class/tpm/tpm0/tpm_version_major ]; then
  printf 'tpm=%s\\n' "$(cat /sys/class/tpm/tpm0/tpm_version_major)"
elif [ -e /sys/class/tpm/tpm0 ]; then
  echo tpm=unreported
else
  echo tpm=absent
fi`,
  },
  {
    name: "network",
    reads: "ip -j addr; without it, /sys/class/net/*/{type,address} and hostname -I",
    privileged: false,
    body: `
if have ip && ip -j addr show 2>/dev/null; then return 0; fi
echo "@sysfs"
for i in /sys/class/net/*; do
  [ -e "$i/address" ] || continue
  read -r type 2>/dev/null < "$i/type"
  read -r address 2>/dev/null < "$i/address"
  echo "if \${i##*/} $type $address"
done
echo "ips $(hostname -I 2>/dev/null)"`,
  },
  {
    name: "logging",
    reads:
      "journald.conf and its drop-ins, journal-upload.conf, rsyslog.conf and rsyslog.d, syslog-ng.conf and conf.d (comments left out), whether /var/log/journal exists",
    privileged: false,
    body: `
for f in /etc/systemd/journald.conf /usr/lib/systemd/journald.conf.d/*.conf \\
         /run/systemd/journald.conf.d/*.conf /etc/systemd/journald.conf.d/*.conf \\
         /etc/systemd/journal-upload.conf /etc/systemd/journal-upload.conf.d/*.conf \\
         /etc/rsyslog.conf /etc/rsyslog.d/*.conf /etc/syslog-ng/syslog-ng.conf /etc/syslog-ng/conf.d/*.conf; do
  [ -r "$f" ] && { echo "@file $f"; nocomment "$f"; }
done
echo "@journal-dir $([ -d /var/log/journal ] && echo yes || echo no)"`,
  },
  {
    name: "sysctl-network",
    reads: `live kernel network settings under /proc/sys (${NETWORK_SYSCTLS.join(", ")})`,
    privileged: false,
    body: `
[ -d /proc/sys/net/ipv4 ] || return 127
for k in ${NETWORK_SYSCTLS.join(" ")}; do
  f="/proc/sys/$(printf '%s' "$k" | tr . /)"
  if [ -r "$f" ]; then echo "$k=$(cat "$f")"; else echo "$k!absent"; fi
done`,
  },
  {
    name: "temporary-mounts",
    reads: "the mounts of /tmp and /dev/shm (/proc/self/mounts: filesystem type and options)",
    privileged: false,
    body: `
[ -r /proc/self/mounts ] || return 127
awk '$2 == "/tmp" || $2 == "/dev/shm" { print $2, $3, $4 }' /proc/self/mounts`,
  },
  {
    name: "sudoers",
    reads: "/etc/sudoers and the files it includes (@include, @includedir, #include, #includedir)",
    privileged: true,
    body: `
[ -e /etc/sudoers ] || { echo absent; return 0; }
sudoers_file /etc/sudoers 0`,
  },
  {
    name: "umask",
    reads:
      "UMASK in /etc/login.defs, pam_umask umask= in the PAM session stacks, umask lines of /etc/profile, /etc/profile.d/*.sh, /etc/bash.bashrc, /etc/bashrc",
    privileged: false,
    body: `
awk '$1 == "UMASK" { print "login.defs", $2 }' /etc/login.defs 2>/dev/null
for f in /etc/pam.d/common-session /etc/pam.d/common-session-noninteractive /etc/pam.d/system-auth /etc/pam.d/password-auth; do
  [ -r "$f" ] && awk -v f="$f" '/^[[:space:]]*#/ { next } /pam_umask[.]so/ { for (i = 1; i <= NF; i++) if ($i ~ /^umask=/) print f, substr($i, 7) }' "$f"
done
for f in /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc /etc/bashrc; do
  [ -r "$f" ] && awk -v f="$f" '{ sub(/#.*/, ""); for (i = 1; i < NF; i++) if ($i == "umask") { v = $(i + 1); sub(/;.*$/, "", v); print f, v } }' "$f"
done
return 0`,
  },
  {
    name: "mac",
    reads:
      "AppArmor: /sys/module/apparmor/parameters/enabled and the loaded profiles' modes (/sys/kernel/security/apparmor/profiles); SELinux: getenforce, /etc/selinux/config",
    privileged: true,
    body: `
if [ -r /sys/module/apparmor/parameters/enabled ]; then
  echo "apparmor=$(cat /sys/module/apparmor/parameters/enabled)"
  p=/sys/kernel/security/apparmor/profiles
  if [ -e "$p" ]; then
    if text=$(cat "$p" 2>/dev/null) || text=$(priv cat "$p"); then
      printf '%s\\n' "$text" | sed 's/^/profile /'
    else
      echo "profiles!unreadable"
    fi
  fi
fi
if have getenforce; then echo "selinux=$(getenforce 2>/dev/null)"
elif [ -r /sys/fs/selinux/enforce ]; then echo "selinux-enforce=$(cat /sys/fs/selinux/enforce)"; fi
[ -r /etc/selinux/config ] && grep -E '^[[:space:]]*SELINUX=' /etc/selinux/config
return 0`,
  },
  {
    name: "file-integrity",
    reads:
      "AIDE and Tripwire databases (/var/lib/aide, /var/lib/tripwire), their cron jobs and systemd timers (dailyaidecheck, aidecheck)",
    privileged: true,
    body: `
# Nothing to read (and no root needed) without AIDE or Tripwire; their folders are root's.
if ! have aide && ! have tripwire && [ ! -d /var/lib/aide ] && [ ! -d /var/lib/tripwire ]; then
  echo none
  return 0
fi
priv sh -c '
for f in /var/lib/aide/aide.db /var/lib/aide/aide.db.gz /var/lib/tripwire/*.twd; do
  [ -s "$f" ] && echo "database $f"
done
for f in /etc/cron.daily/aide /etc/cron.daily/dailyaidecheck /etc/cron.daily/tripwire /etc/cron.d/* \\
         /etc/crontab /var/spool/cron/crontabs/root /var/spool/cron/root; do
  [ -e "$f" ] || continue
  case "$f" in */aide|*/dailyaidecheck|*/tripwire) echo "cron $f"; continue ;; esac
  grep -qsE "^[^#]*(/|[[:space:]])(aide|aideinit|tripwire)([[:space:]]|$)" "$f" && echo "cron $f"
done
exit 0' || return $?
if have systemctl; then
  for u in dailyaidecheck.timer aidecheck.timer; do echo "timer $u $(systemctl is-enabled "$u" 2>/dev/null)"; done
fi
return 0`,
  },
  {
    name: "restart-pending",
    reads:
      "/run/reboot-required(.pkgs); needrestart -b when installed, else the processes that still map a deleted library or program (/proc/*/maps, as root)",
    privileged: true,
    body: `
[ -e /run/reboot-required ] && echo "reboot-required"
[ -r /run/reboot-required.pkgs ] && sed 's/^/pkg /' /run/reboot-required.pkgs
if have needrestart; then
  priv needrestart -b || return $?
  return 0
fi
echo "@maps"
priv sh -c '
for m in /proc/[0-9]*/maps; do
  grep -qsE " /(usr/)?(lib|lib64|lib32|libexec|bin|sbin)/[^ ]* \\(deleted\\)$" "$m" || continue
  read -r name 2>/dev/null < "\${m%/maps}/comm" && echo "stale $name"
done
exit 0'`,
  },
  {
    name: "boot-protection",
    reads:
      "superusers and password lines of grub.cfg (as root); ExecStart of rescue.service and emergency.service (unit files and drop-ins)",
    privileged: true,
    body: `
for f in /boot/grub/grub.cfg /boot/grub2/grub.cfg /boot/efi/EFI/*/grub.cfg; do
  [ -e "$f" ] || continue
  echo "@grub $f"
  priv grep -E '^[[:space:]]*(set[[:space:]]+superusers=|password_pbkdf2[[:space:]]|password[[:space:]])' "$f"
  rc=$?
  [ "$rc" -le 1 ] || return "$rc"
done
for u in rescue emergency; do
  for f in /usr/lib/systemd/system/$u.service /lib/systemd/system/$u.service \\
           /etc/systemd/system/$u.service /etc/systemd/system/$u.service.d/*.conf; do
    [ -r "$f" ] && grep -E '^[[:space:]]*ExecStart=' "$f" | sed "s|^|unit $u |"
  done
done
return 0`,
  },
  {
    name: "brute-force",
    reads:
      "fail2ban's jail.conf, jail.d and jail.local (comments left out) and fail2ban-client status; whether sshguard is installed",
    privileged: true,
    body: `
found=0
if have fail2ban-client || [ -d /etc/fail2ban ]; then
  found=1
  echo "@fail2ban"
  for f in /etc/fail2ban/jail.conf /etc/fail2ban/jail.d/*.conf /etc/fail2ban/jail.local /etc/fail2ban/jail.d/*.local; do
    [ -r "$f" ] && { echo "@file $f"; nocomment "$f"; }
  done
  if have fail2ban-client; then priv fail2ban-client status 2>/dev/null | sed 's/^/@status /'; fi
fi
if have sshguard || [ -e /etc/sshguard/sshguard.conf ]; then found=1; echo "@sshguard"; fi
[ "$found" = 1 ] || echo none
return 0`,
  },
] as const satisfies readonly ProbeDefinition[];

/** The name of a probe, which is also its section name. */
export type ProbeName = (typeof PROBES)[number]["name"];
