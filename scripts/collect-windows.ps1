#Requires -Version 5.1
<#
.SYNOPSIS
    Collects this Windows machine's configuration as one Stronghold machine-config JSON document.

.DESCRIPTION
    Reads the facts the Stronghold baselines check (OS and patch level, automatic updates,
    BitLocker, firewall state and default inbound action, antivirus, password and lockout policy,
    SMBv1 and SMB signing, Remote Desktop and its Network Level Authentication, local
    administrators, audit policy, time sync, logon banner, screen lock, event forwarding, TCP/IP
    hardening, pending reboots, Secure Boot, file integrity agents, installed programs, hardware
    and network identity) and writes them
    as JSON in the shape of policies/schemas/machine-config.schema.json, ready for
    `stronghold check`.

    The script only reads: CIM/WMI queries, Get-* cmdlets, Confirm-SecureBootUEFI, registry keys
    opened read-only, and the read-only commands `net accounts`, `w32tm /query /status`,
    `auditpol /get` and (on kiosks with Deep Freeze) `DFC get /ISFROZEN`. The only thing it writes is the output file.

    Each probe runs on its own: a probe that fails (missing module, access denied, a service that
    is not running) leaves its facts as "unknown" and prints a warning on stderr; the other probes
    still run. A fact recorded as "unknown" never passes a control. Run it elevated (SYSTEM or an
    administrator) in the 64-bit PowerShell: BitLocker, Defender, Secure Boot, audit policy and
    RSoP need it.

    `net accounts`, `w32tm` and `auditpol` print their labels in the display language of Windows;
    they are parsed in English only, and on other languages those facts stay "unknown" with a
    warning.

.PARAMETER Department
    Owning department, e.g. finance (the machine cannot know it).
.PARAMETER Site
    Building where the machine lives, e.g. town-hall.
.PARAMETER Role
    workstation, laptop, server or kiosk: decides which controls apply.
.PARAMETER Owner
    Responsible person or team.
.PARAMETER AssetTag
    Asset tag as in the asset register; without it the SMBIOS asset tag is used when it is set.
.PARAMETER LifecycleStatus
    active (default), spare, pending-disposal or disposed.
.PARAMETER PurchaseDate
    Date of purchase, YYYY-MM-DD (from the asset register).
.PARAMETER WarrantyEnd
    Last day of the manufacturer's warranty, YYYY-MM-DD.
.PARAMETER Room
    Room or closet the machine is in.
.PARAMETER SecuredRoom
    yes or no: the room is locked with controlled access (servers).
.PARAMETER Ups
    yes or no: the machine is powered through a UPS (servers).
.PARAMETER PersonalAdmins
    Local administrator accounts that belong to one named person (comma-separated).
.PARAMETER VaultManagedAdmins
    Local administrator accounts whose password is rotated from a password vault (comma-separated).
.PARAMETER OutFile
    Write the JSON to this file (atomically: a hidden temporary file beside it, then a rename).
.PARAMETER OutDirectory
    Write the JSON to <hostname>.json in this directory (atomically).

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File collect-windows.ps1 -Department finance -Site town-hall -Role workstation -OutDirectory \\th-fs-01\inventory$\machines

.NOTES
    Exit codes: 0 the document was produced (facts may be "unknown"; see the warnings on stderr),
    1 it could not be produced or written.
#>
[CmdletBinding(DefaultParameterSetName = 'Stdout')]
param(
    [Parameter(Mandatory = $true)][ValidateLength(1, 256)][string] $Department,
    [Parameter(Mandatory = $true)][ValidateLength(1, 256)][string] $Site,
    [Parameter(Mandatory = $true)][ValidateSet('workstation', 'laptop', 'server', 'kiosk')][string] $Role,
    [ValidateLength(1, 256)][string] $Owner,
    [ValidateLength(1, 256)][string] $AssetTag,
    [ValidateSet('active', 'spare', 'pending-disposal', 'disposed')][string] $LifecycleStatus = 'active',
    [ValidateScript({ $_ -match '^\d{4}-\d{2}-\d{2}$' -and [datetime]::ParseExact($_, 'yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture) })][string] $PurchaseDate,
    [ValidateScript({ $_ -match '^\d{4}-\d{2}-\d{2}$' -and [datetime]::ParseExact($_, 'yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture) })][string] $WarrantyEnd,
    [ValidateLength(1, 256)][string] $Room,
    [ValidateSet('yes', 'no')][string] $SecuredRoom,
    [ValidateSet('yes', 'no')][string] $Ups,
    [string[]] $PersonalAdmins = @(),
    [string[]] $VaultManagedAdmins = @(),
    [Parameter(ParameterSetName = 'File', Mandatory = $true)][string] $OutFile,
    [Parameter(ParameterSetName = 'Directory', Mandatory = $true)][string] $OutDirectory
)

Set-StrictMode -Version Latest
# Inside a probe every error is terminating, so the probe's catch turns it into "unknown".
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$CollectorName = 'stronghold-collect-windows'
$CollectorVersion = '0.1.0'
$Unknown = 'unknown'
$HostnamePattern = '^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$'
$MacPattern = '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$'
$script:WarningCount = 0

# Objects that become part of the JSON document are [ordered] hashtables; internal records are
# [pscustomobject]. The output-contract test reads the [ordered] keys as the fields emitted.

# ── Helpers ─────────────────────────────────────────────────────────────────────────────────────

function Write-CollectorWarning {
    param([string] $Probe, [string] $Message)
    $script:WarningCount++
    # stderr, never the warning stream: Windows PowerShell writes warnings to stdout, which would
    # corrupt the JSON when it goes to stdout.
    [Console]::Error.WriteLine("${CollectorName}: warning: ${Probe}: $Message")
}

# Runs one probe; whatever it throws becomes a warning and the fallback ("unknown").
function Get-ProbeValue {
    param([string] $Name, [scriptblock] $Probe, $Fallback = $Unknown)
    try {
        $value = & $Probe
        if ($null -eq $value) { throw 'the probe returned nothing' }
        # The comma keeps an array (even of one element) an array for the caller.
        return , $value
    } catch {
        Write-CollectorWarning -Probe $Name -Message $_.Exception.Message
        if ($null -eq $Fallback) { return $null }
        return , $Fallback
    }
}

function Get-PropertyValue {
    param($Object, [string] $Name)
    if ($null -eq $Object) { return $null }
    $property = $Object.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

function ConvertTo-Text {
    param($Value, [int] $MaxLength = 256)
    if ($null -eq $Value) { return $Unknown }
    $text = ("$Value" -replace '\s+', ' ').Trim()
    if ($text.Length -eq 0) { return $Unknown }
    if ($text.Length -gt $MaxLength) { $text = $text.Substring(0, $MaxLength).TrimEnd() }
    return $text
}

function ConvertTo-IsoDate {
    param([datetime] $Value)
    return $Value.ToString('yyyy-MM-dd', [Globalization.CultureInfo]::InvariantCulture)
}

function ConvertTo-IsoInstant {
    param([datetime] $Value)
    return $Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture)
}

# Every parameter given as one comma-separated string (powershell.exe -File passes arrays so).
function ConvertTo-NameList {
    param([string[]] $Values)
    return , @($Values | ForEach-Object { "$_" -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ -ne '' })
}

function Test-NameListed {
    param([string] $Name, [string[]] $List)
    $short = ($Name -split '\\')[-1]
    foreach ($entry in $List) {
        if ($entry -ieq $Name -or $entry -ieq $short -or ($entry -split '\\')[-1] -ieq $short) { return $true }
    }
    return $false
}

# Registry reads go through the 64-bit view, so a 32-bit host (Intune's default) does not read
# the WOW6432Node copies instead. Keys are always opened read-only.
function Get-RegistryKey {
    param([ValidateSet('LocalMachine', 'Users')][string] $Hive, [string] $Path)
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::$Hive, [Microsoft.Win32.RegistryView]::Registry64)
    if ($Path -eq '') { return $base }
    try { return $base.OpenSubKey($Path, $false) } finally { $base.Close() }
}

function Test-RegistryKey {
    param([string] $Hive = 'LocalMachine', [string] $Path)
    $key = Get-RegistryKey -Hive $Hive -Path $Path
    if ($null -eq $key) { return $false }
    $key.Close()
    return $true
}

function Get-RegistryValue {
    param([string] $Hive = 'LocalMachine', [string] $Path, [string] $Name)
    $key = Get-RegistryKey -Hive $Hive -Path $Path
    if ($null -eq $key) { return $null }
    try { return $key.GetValue($Name, $null) } finally { $key.Close() }
}

function Get-RegistrySubKeyNames {
    param([string] $Hive = 'LocalMachine', [string] $Path)
    $key = Get-RegistryKey -Hive $Hive -Path $Path
    if ($null -eq $key) { return , @() }
    try { return , @($key.GetSubKeyNames()) } finally { $key.Close() }
}

function Get-RegistryValueNames {
    param([string] $Hive = 'LocalMachine', [string] $Path)
    $key = Get-RegistryKey -Hive $Hive -Path $Path
    if ($null -eq $key) { return , @() }
    try { return , @($key.GetValueNames()) } finally { $key.Close() }
}

# Loaded user hives (signed-in users) under HKEY_USERS; unloaded profiles are not read.
function Get-LoadedUserSids {
    return , @(Get-RegistrySubKeyNames -Hive 'Users' -Path '' | Where-Object { $_ -match '^S-1-5-21-[\d-]+$' })
}

# Windows PowerShell 5.1 writes an array that reached the document wrapped in a PSObject (as
# pipeline output can be) as {"value": [...], "Count": n}. Every array is replaced, in place, by a
# plain object[] filled from variables, so nothing passes through the pipeline on the way.
function ConvertTo-PlainArrays {
    param([System.Collections.IDictionary] $Dictionary)
    foreach ($key in @($Dictionary.Keys)) {
        $value = $Dictionary[$key]
        if ($value -is [System.Collections.IDictionary]) { ConvertTo-PlainArrays -Dictionary $value; continue }
        if ($value -isnot [array]) { continue }
        $items = $value.PSObject.BaseObject
        $plain = [object[]]::new($items.Length)
        for ($i = 0; $i -lt $items.Length; $i++) {
            $item = $items[$i]
            if ($item -is [System.Collections.IDictionary]) { ConvertTo-PlainArrays -Dictionary $item }
            if ($null -ne $item) { $item = $item.PSObject.BaseObject }
            $plain[$i] = $item
        }
        $Dictionary[$key] = $plain
    }
}

# Runs one of the read-only system tools and returns its exit code and output lines.
function Get-ToolOutput {
    param([ValidateSet('net.exe', 'w32tm.exe', 'auditpol.exe', 'DFC.exe')][string] $Tool, [string[]] $Arguments)
    $system = [Environment]::SystemDirectory
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
        $system = Join-Path $env:SystemRoot 'Sysnative'
    }
    $path = Join-Path $system $Tool
    # Native stderr lines become error records; under 'Stop' the first one would abort the tool.
    $ErrorActionPreference = 'Continue'
    $lines = @(& $path @Arguments 2>&1 | ForEach-Object { "$_" })
    return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Lines = $lines }
}

# "Label: value" lines of a tool's output, keyed by label (English labels only).
function Get-LabelledValues {
    param([string[]] $Lines)
    $values = @{}
    foreach ($line in $Lines) {
        if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $values[$Matches[1]] = $Matches[2] }
    }
    return $values
}

# ── Probes: each returns facts in the machine-config shape, or throws ───────────────────────────

function Get-ComputerSystemProbe { return Get-CimInstance -ClassName 'Win32_ComputerSystem' }

function Get-HostnameProbe {
    param($ComputerSystem)
    $name = Get-PropertyValue $ComputerSystem 'DNSHostName'
    if ([string]::IsNullOrWhiteSpace($name)) { $name = $env:COMPUTERNAME }
    return "$name".Trim().ToLowerInvariant()
}

function Get-OsProbe {
    $os = Get-CimInstance -ClassName 'Win32_OperatingSystem'
    $currentVersion = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    # Win32_OperatingSystem.Caption names Windows 11 correctly; the registry ProductName does not.
    $caption = ConvertTo-Text ("$($os.Caption)" -replace '^\s*Microsoft\s+', '')
    $version = ConvertTo-Text (Get-RegistryValue -Path $currentVersion -Name 'DisplayVersion')
    if ($version -eq $Unknown) { $version = ConvertTo-Text (Get-RegistryValue -Path $currentVersion -Name 'ReleaseId') }
    if ($version -eq $Unknown) { $version = ConvertTo-Text $os.Version }
    $build = ConvertTo-Text $os.BuildNumber
    $ubr = Get-RegistryValue -Path $currentVersion -Name 'UBR'
    if ($build -ne $Unknown -and $null -ne $ubr) { $build = "$build.$ubr" }
    # EditionID is the same in every display language; the caption's edition word is not.
    $editions = @{
        Core = 'Home'; CoreN = 'Home N'; CoreSingleLanguage = 'Home Single Language'; CoreCountrySpecific = 'Home China'
        Professional = 'Pro'; ProfessionalN = 'Pro N'; ProfessionalEducation = 'Pro Education'
        ProfessionalWorkstation = 'Pro for Workstations'; CloudEdition = 'SE'
        Enterprise = 'Enterprise'; EnterpriseN = 'Enterprise N'; EnterpriseS = 'Enterprise LTSC'; EnterpriseSN = 'Enterprise N LTSC'
        IoTEnterprise = 'IoT Enterprise'; IoTEnterpriseS = 'IoT Enterprise LTSC'; Education = 'Education'; EducationN = 'Education N'
        ServerStandard = 'Standard'; ServerDatacenter = 'Datacenter'; ServerStandardEval = 'Standard Evaluation'
        ServerDatacenterEval = 'Datacenter Evaluation'; ServerSolution = 'Essentials'
    }
    $editionId = "$(Get-RegistryValue -Path $currentVersion -Name 'EditionID')"
    $edition = $Unknown
    if ($editions.ContainsKey($editionId)) { $edition = $editions[$editionId] }
    elseif ($caption -match '^Windows (?:Server )?\d+(?: R2)?\s+(.+)$') { $edition = ConvertTo-Text $Matches[1] }
    $result = [ordered]@{
        family  = 'windows'
        name    = $caption
        version = $version
        build   = $build
    }
    if ($edition -ne $Unknown) { $result['edition'] = $edition }
    return $result
}

function Get-HardwareProbe {
    param($ComputerSystem)
    $product = Get-CimInstance -ClassName 'Win32_ComputerSystemProduct'
    $manufacturer = ConvertTo-Text (Get-PropertyValue $ComputerSystem 'Manufacturer')
    $model = ConvertTo-Text (Get-PropertyValue $ComputerSystem 'Model')
    # Lenovo reports the machine type as the model and the marketing name as the product version.
    if ($manufacturer -match '^LENOVO$' -and -not [string]::IsNullOrWhiteSpace($product.Version)) {
        $model = ConvertTo-Text $product.Version
    }
    return [pscustomobject]@{ Manufacturer = $manufacturer; Model = $model; Serial = ConvertTo-Text $product.IdentifyingNumber }
}

function Get-CpuProbe {
    $processors = @(Get-CimInstance -ClassName 'Win32_Processor')
    if ($processors.Count -eq 0) { throw 'Win32_Processor lists no processor' }
    $name = ConvertTo-Text $processors[0].Name
    if ($name -eq $Unknown) { throw 'Win32_Processor names no processor model' }
    return $name
}

function Get-MemoryGiBProbe {
    # Installed modules, not what Windows can use (Win32_ComputerSystem), which is a little less.
    $modules = @(Get-CimInstance -ClassName 'Win32_PhysicalMemory')
    $bytes = 0
    foreach ($module in $modules) { $bytes += [double] $module.Capacity }
    if ($bytes -le 0) { throw 'Win32_PhysicalMemory lists no memory modules' }
    return [int] [math]::Ceiling($bytes / 1073741824)
}

function Get-TpmVersionProbe {
    # Needs an administrator (or SYSTEM); otherwise the probe fails and the version is unknown.
    $tpms = @(Get-CimInstance -Namespace 'root/cimv2/Security/MicrosoftTpm' -ClassName 'Win32_Tpm')
    if ($tpms.Count -eq 0) { throw 'no TPM is visible to Windows (absent, disabled in firmware, or not given to the VM)' }
    # SpecVersion is "2.0, 0, 1.59": the highest specification version comes first.
    $version = ("$($tpms[0].SpecVersion)" -split ',')[0].Trim()
    if ($version -notmatch '^[0-9]+\.[0-9]+$') { throw "Win32_Tpm reports SpecVersion '$($tpms[0].SpecVersion)'" }
    return $version
}

function Get-SerialNumberProbe {
    param([string] $ProductSerial)
    $bios = Get-CimInstance -ClassName 'Win32_BIOS'
    $serial = ConvertTo-Text $bios.SerialNumber
    if ($serial -eq $Unknown) { $serial = $ProductSerial }
    if ($serial -eq $Unknown) { throw 'neither Win32_BIOS nor Win32_ComputerSystemProduct reports a serial number' }
    return $serial
}

function Get-AssetTagProbe {
    $enclosure = @(Get-CimInstance -ClassName 'Win32_SystemEnclosure')
    $placeholders = '^(|\s+|No Asset (Tag|Information)|Default string|To Be Filled By O\.E\.M\.|Asset-?1234567890|None|N/A|0+)$'
    $tags = @($enclosure | ForEach-Object { "$($_.SMBIOSAssetTag)".Trim() } | Where-Object { $_ -notmatch $placeholders })
    if ($tags.Count -eq 0) { throw 'no -AssetTag given and the firmware has no asset tag' }
    return ConvertTo-Text $tags[0]
}

function Get-MacAddressesProbe {
    $macs = @(Get-NetAdapter -Physical | ForEach-Object { "$($_.MacAddress)" } |
            Where-Object { $_ -match $MacPattern -and $_ -notmatch '^(00[:-]){5}00$' } | Sort-Object -Unique)
    return , @($macs | Select-Object -First 64)
}

function Get-IpAddressesProbe {
    $addresses = @(Get-NetIPAddress -AddressState 'Preferred' | ForEach-Object { ("$($_.IPAddress)" -split '%')[0] } |
            Where-Object { $_ -notmatch '^(127\.|169\.254\.|::1$|fe80:)' } | Sort-Object -Unique)
    return , @($addresses | Select-Object -First 64)
}

# dhcp when every IPv4 address is a DHCP lease (PrefixOrigin Dhcp), static when none is.
function Get-IpAssignmentProbe {
    $v4 = @(Get-NetIPAddress -AddressFamily 'IPv4' -AddressState 'Preferred' | Where-Object { "$($_.IPAddress)" -notmatch '^(127\.|169\.254\.)' })
    if ($v4.Count -eq 0) { throw 'Get-NetIPAddress lists no IPv4 address' }
    $leased = @($v4 | Where-Object { "$($_.PrefixOrigin)" -eq 'Dhcp' }).Count
    if ($leased -eq $v4.Count) { return 'dhcp' }
    if ($leased -eq 0) { return 'static' }
    throw "$leased IPv4 address(es) leased by DHCP and $($v4.Count - $leased) configured"
}

# Encrypted means fully encrypted with protection on (suspended protection leaves the key in the
# clear), or locked.
function Test-BitLockerProtected {
    param($Volume)
    return ("$($Volume.VolumeStatus)" -eq 'FullyEncrypted' -and "$($Volume.ProtectionStatus)" -eq 'On') -or "$($Volume.LockStatus)" -eq 'Locked'
}

function Get-DiskEncryptionProbe {
    $fixedLetters = @(Get-CimInstance -ClassName 'Win32_LogicalDisk' -Filter 'DriveType=3' | ForEach-Object { "$($_.DeviceID)".ToUpperInvariant() })
    $volumes = @(Get-BitLockerVolume | Where-Object {
            "$($_.VolumeType)" -eq 'OperatingSystem' -or ("$($_.VolumeType)" -eq 'Data' -and $fixedLetters -contains "$($_.MountPoint)".ToUpperInvariant())
        })
    if (@($volumes | Where-Object { "$($_.VolumeType)" -eq 'OperatingSystem' }).Count -eq 0) {
        throw 'Get-BitLockerVolume lists no operating-system volume'
    }
    $protected = @($volumes | Where-Object { Test-BitLockerProtected -Volume $_ })
    $untouched = @($volumes | Where-Object { "$($_.VolumeStatus)" -eq 'FullyDecrypted' })
    if ($protected.Count -eq $volumes.Count) { return [ordered]@{ status = 'encrypted'; product = 'BitLocker' } }
    if ($untouched.Count -eq $volumes.Count) { return [ordered]@{ status = 'none' } }
    return [ordered]@{ status = 'partial'; product = 'BitLocker' }
}

function Get-FirewallProbe {
    # ActiveStore is what is enforced: local settings merged with Group Policy and MDM.
    $profiles = @(Get-NetFirewallProfile -PolicyStore 'ActiveStore')
    if ($profiles.Count -eq 0) { throw 'Get-NetFirewallProfile returned no profile' }
    $result = [ordered]@{}
    foreach ($firewallProfile in $profiles) {
        $state = "$($firewallProfile.Enabled)"
        $flag = $Unknown
        if ($state -eq 'True') { $flag = $true } elseif ($state -eq 'False') { $flag = $false }
        $result["$($firewallProfile.Name)".ToLowerInvariant()] = $flag
    }
    return $result
}

function Get-FirewallInboundProbe {
    $profiles = @(Get-NetFirewallProfile -PolicyStore 'ActiveStore')
    if ($profiles.Count -eq 0) { throw 'Get-NetFirewallProfile returned no profile' }
    $result = [ordered]@{}
    foreach ($firewallProfile in $profiles) {
        $action = "$($firewallProfile.DefaultInboundAction)"
        # NotConfigured in the active store: no policy or local setting, so Windows' default, Block.
        $value = $Unknown
        if ($action -eq 'Block' -or $action -eq 'NotConfigured') { $value = 'block' } elseif ($action -eq 'Allow') { $value = 'allow' }
        $result["$($firewallProfile.Name)".ToLowerInvariant()] = $value
    }
    return $result
}

function Get-AntivirusProbe {
    $defender = $null
    $defenderError = $null
    try { $defender = Get-MpComputerStatus } catch { $defenderError = $_.Exception.Message }
    $products = $null
    $centerError = $null
    # Security Center exists on client Windows only; servers answer "invalid namespace".
    try { $products = @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName 'AntiVirusProduct') } catch { $centerError = $_.Exception.Message }

    $defenderMode = "$(Get-PropertyValue $defender 'AMRunningMode')"
    $defenderActive = $null -ne $defender -and ($defenderMode -eq 'Normal' -or ($defenderMode -eq '' -and $defender.AntivirusEnabled))
    if ($defenderActive) { return ConvertTo-DefenderFacts $defender }

    # productState is undocumented; its middle byte has bit 0x10 set while real-time scanning is on.
    $others = @($products | Where-Object { $null -ne $_ -and "$($_.displayName)" -notmatch '^(Windows|Microsoft) Defender' })
    $active = @($others | Where-Object { ((([int]$_.productState) -shr 8) -band 0x10) -ne 0 })
    if ($active.Count -gt 0) {
        return [ordered]@{ product = ConvertTo-Text $active[0].displayName; running = $true; realTimeProtection = $true; signatureDate = $Unknown }
    }
    if ($others.Count -gt 0) {
        return [ordered]@{ product = ConvertTo-Text $others[0].displayName; running = $Unknown; realTimeProtection = $false; signatureDate = $Unknown }
    }
    if ($null -ne $defender) { return ConvertTo-DefenderFacts $defender }
    if ($null -ne $centerError) { throw "Get-MpComputerStatus failed ($defenderError) and Security Center is not available ($centerError)" }
    throw "Get-MpComputerStatus failed ($defenderError) and Security Center lists no antivirus product"
}

function ConvertTo-DefenderFacts {
    param($Status)
    $signatureDate = $Unknown
    $updated = Get-PropertyValue $Status 'AntivirusSignatureLastUpdated'
    if ($updated -is [datetime] -and $updated.Year -gt 1601) { $signatureDate = ConvertTo-IsoInstant $updated }
    return [ordered]@{
        product            = 'Microsoft Defender Antivirus'
        running            = [bool]($Status.AMServiceEnabled -and $Status.AntivirusEnabled)
        realTimeProtection = [bool]$Status.RealTimeProtectionEnabled
        signatureDate      = $signatureDate
    }
}

function Get-NetAccountsProbe {
    $output = Get-ToolOutput -Tool 'net.exe' -Arguments @('accounts')
    if ($output.ExitCode -ne 0) { throw "net accounts exited with $($output.ExitCode): $($output.Lines -join ' ')" }
    $values = Get-LabelledValues -Lines $output.Lines
    if (-not $values.ContainsKey('Minimum password length')) {
        throw 'net accounts printed no English labels (Windows display language); password and lockout policy not parsed'
    }
    return $values
}

# A number, or 0 for the words net accounts prints instead of 0 ("None", "Never", "Unlimited").
function ConvertTo-PolicyCount {
    param([hashtable] $Values, [string] $Label, [string] $ZeroWord)
    if (-not $Values.ContainsKey($Label)) { return $Unknown }
    $text = $Values[$Label]
    if ($text -match '^\d+$') { return [int]$text }
    if ($ZeroWord -ne '' -and $text -ieq $ZeroWord) { return 0 }
    return $Unknown
}

function Get-PasswordComplexityProbe {
    # Resultant Set of Policy holds the value Group Policy applied; local-only settings are absent.
    $setting = @(Get-CimInstance -Namespace 'root/rsop/computer' -ClassName 'RSOP_SecuritySettingBoolean' -Filter "KeyName='PasswordComplexity' AND precedence=1")
    if ($setting.Count -eq 0) { throw 'no Group Policy sets "Password must meet complexity requirements" (RSoP has no PasswordComplexity)' }
    return [bool]$setting[0].Setting
}

function Get-SmbV1Probe {
    $server = [bool](Get-SmbServerConfiguration).EnableSMB1Protocol
    # The SMBv1 client driver is off when its service is disabled (Start = 4) or not installed.
    $clientKey = 'SYSTEM\CurrentControlSet\Services\mrxsmb10'
    $start = Get-RegistryValue -Path $clientKey -Name 'Start'
    $clientInstalled = Test-RegistryKey -Path $clientKey
    $client = $clientInstalled -and $null -ne $start -and [int]$start -ne 4
    return ($server -or $client)
}

function Get-SmbSigningProbe {
    $server = [bool](Get-SmbServerConfiguration).RequireSecuritySignature
    # Get-SmbClientConfiguration reads this same value; the registry keeps the cmdlet list short.
    $client = Get-RegistryValue -Path 'SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters' -Name 'RequireSecuritySignature'
    return [ordered]@{ server = $server; client = ($null -ne $client -and [int]$client -eq 1) }
}

# Remote Desktop: a Group Policy value wins over the local one, for both settings.
function Get-RemoteDesktopProbe {
    $policy = 'SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
    $deny = Get-RegistryValue -Path $policy -Name 'fDenyTSConnections'
    if ($null -eq $deny) { $deny = Get-RegistryValue -Path 'SYSTEM\CurrentControlSet\Control\Terminal Server' -Name 'fDenyTSConnections' }
    $nla = Get-RegistryValue -Path $policy -Name 'UserAuthentication'
    if ($null -eq $nla) { $nla = Get-RegistryValue -Path 'SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp' -Name 'UserAuthentication' }
    $enabled = $Unknown
    if ($null -ne $deny) { $enabled = [int]$deny -eq 0 }
    $required = $Unknown
    if ($null -ne $nla) { $required = [int]$nla -eq 1 }
    return [ordered]@{ enabled = $enabled; networkLevelAuthentication = $required }
}

# Windows Event Forwarding: the subscription managers Group Policy sets (values 1, 2, … of
# EventForwarding\SubscriptionManager, each "Server=URL[,Refresh=SECONDS][,IssuerCA=THUMBPRINT]").
# The event logs themselves are always files on disk (winevt\Logs).
function Get-LoggingProbe {
    $key = 'SOFTWARE\Policies\Microsoft\Windows\EventLog\EventForwarding\SubscriptionManager'
    $targets = @()
    foreach ($name in Get-RegistryValueNames -Path $key) {
        $value = "$(Get-RegistryValue -Path $key -Name $name)"
        if ($value -match '(?i)(?:^|,)\s*Server\s*=\s*([^,]+)') { $targets += $Matches[1].Trim() }
    }
    return [ordered]@{ persistent = $true; forwardedTo = $targets }
}

# Automatic installation of updates by policy: Group Policy (AUOptions 4 = download and schedule
# the install) or MDM (Update/AllowAutoUpdate 1-4 install automatically, 0 notifies, 5 is off).
function Get-AutomaticUpdatesProbe {
    $service = @(Get-Service -Name 'wuauserv')
    if ($service.Count -gt 0 -and "$($service[0].StartType)" -eq 'Disabled') { return $false }
    $au = 'SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU'
    if ((Get-RegistryValue -Path $au -Name 'NoAutoUpdate') -eq 1) { return $false }
    $options = Get-RegistryValue -Path $au -Name 'AUOptions'
    if ($null -ne $options) { return [int]$options -eq 4 }
    $mdm = Get-RegistryValue -Path 'SOFTWARE\Microsoft\PolicyManager\current\device\Update' -Name 'AllowAutoUpdate'
    if ($null -ne $mdm) { return ([int]$mdm -ge 1 -and [int]$mdm -le 4) }
    throw 'no Automatic Updates policy is set (Group Policy AUOptions or MDM Update/AllowAutoUpdate); the unmanaged default is not read'
}

# Reboot flags of Windows' own servicing: Component Based Servicing\RebootPending (the component
# store staged changes for the next boot) and WindowsUpdate\Auto Update\RebootRequired (an update
# the agent installed asked for a restart). Session Manager's PendingFileRenameOperations is not
# read: any installer, antivirus or temporary-file cleanup queues renames there, entries often
# outlive reboots, and Windows' own updates set one of the two flags anyway.
function Get-RestartPendingProbe {
    $servicing = Test-RegistryKey -Path 'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
    $windowsUpdate = Test-RegistryKey -Path 'SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
    return [ordered]@{ rebootRequired = ($servicing -or $windowsUpdate) }
}

# UEFI Secure Boot. A machine that booted through legacy BIOS (PEFirmwareType 1) has none; there
# Confirm-SecureBootUEFI would only answer "not supported".
function Get-SecureBootProbe {
    $firmware = Get-RegistryValue -Path 'SYSTEM\CurrentControlSet\Control' -Name 'PEFirmwareType'
    if ($null -ne $firmware -and [int]$firmware -eq 1) { return $false }
    # Needs an administrator; otherwise "Access was denied" and the fact stays unknown.
    return [bool](Confirm-SecureBootUEFI)
}

# The operating-system volume alone: booted from other media, nobody can read or change it.
function Get-SystemVolumeEncryptedProbe {
    $system = @(Get-BitLockerVolume | Where-Object { "$($_.VolumeType)" -eq 'OperatingSystem' })
    if ($system.Count -eq 0) { throw 'Get-BitLockerVolume lists no operating-system volume' }
    return [bool](Test-BitLockerProtected -Volume $system[0])
}

# The TCP/IP registry values the MSS (Legacy) settings write. A value no policy set is unknown:
# the built-in defaults differ between Windows versions and are not documented alike.
function Get-KernelNetworkProbe {
    $settings = [ordered]@{
        'Tcpip.Parameters.DisableIPSourceRouting'  = $Unknown
        'Tcpip6.Parameters.DisableIPSourceRouting' = $Unknown
        'Tcpip.Parameters.EnableICMPRedirect'      = $Unknown
        'Tcpip.Parameters.IPEnableRouter'          = $Unknown
    }
    foreach ($name in @($settings.Keys)) {
        $service, $key, $value = $name -split '\.'
        $data = Get-RegistryValue -Path "SYSTEM\CurrentControlSet\Services\$service\$key" -Name $value
        if ($null -eq $data) {
            Write-CollectorWarning -Probe 'kernelNetwork' -Message "$service\$key\$value is not set; Windows' default applies and is not reported"
        } elseif ("$data" -match '^\d+$') {
            $settings[$name] = [int]"$data"
        } else {
            Write-CollectorWarning -Probe 'kernelNetwork' -Message "$service\$key\$value is '$data', not a number"
        }
    }
    return $settings
}

# Wazuh's agent (service WazuhSvc, OssecSvc before 4.2) and osquery (osqueryd) keep their file
# baseline and schedule while they run: stopped, they check nothing.
function Get-FileIntegrityProbe {
    $agents = @{ WazuhSvc = 'Wazuh'; OssecSvc = 'Wazuh'; osqueryd = 'osquery' }
    $installed = @(Get-Service | Where-Object { $agents.ContainsKey("$($_.Name)") })
    if ($installed.Count -eq 0) { return 'none' }
    $running = @($installed | Where-Object { "$($_.Status)" -eq 'Running' })
    $chosen = $installed[0]
    if ($running.Count -gt 0) { $chosen = $running[0] }
    $active = "$($chosen.Status)" -eq 'Running'
    return [ordered]@{ product = $agents["$($chosen.Name)"]; databaseInitialised = $active; scheduled = $active }
}

function Get-AutorunProbe {
    # NoDriveTypeAutoRun 0xFF ("Turn off Autoplay: All drives") stops AutoRun and AutoPlay everywhere.
    $value = Get-RegistryValue -Path 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer' -Name 'NoDriveTypeAutoRun'
    return -not ($null -ne $value -and (([int]$value) -band 0xFF) -eq 0xFF)
}

function Get-RemovableMediaProbe {
    $storage = 'SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices'
    $removableDisks = "$storage\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}"
    if ((Get-RegistryValue -Path $storage -Name 'Deny_All') -eq 1) { return 'blocked' }
    if ((Get-RegistryValue -Path $removableDisks -Name 'Deny_Read') -eq 1 -and (Get-RegistryValue -Path $removableDisks -Name 'Deny_Write') -eq 1) { return 'blocked' }
    if ((Get-RegistryValue -Path $removableDisks -Name 'Deny_Write') -eq 1) { return 'read-only' }
    if ((Get-RegistryValue -Path 'SYSTEM\CurrentControlSet\Policies\Microsoft\FVE' -Name 'RDVDenyWriteAccess') -eq 1) { return 'encrypted-only' }
    throw 'no Windows removable-storage policy is set; device control by other agents is not read'
}

# Which local account Windows LAPS (or legacy Microsoft LAPS) manages, from the first policy root
# that has settings, in the order Windows LAPS itself reads them.
function Get-LapsPolicyProbe {
    $roots = @(
        'SOFTWARE\Microsoft\Policies\LAPS',
        'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\LAPS',
        'SOFTWARE\Microsoft\Windows\CurrentVersion\LAPS\Config',
        'SOFTWARE\Policies\Microsoft Services\AdmPwd'
    )
    foreach ($root in $roots) {
        if (@(Get-RegistryValueNames -Path $root).Count -eq 0) { continue }
        if ($root -like '*AdmPwd') {
            $enabled = (Get-RegistryValue -Path $root -Name 'AdmPwdEnabled') -eq 1
            $account = Get-RegistryValue -Path $root -Name 'AdminAccountName'
            return [pscustomobject]@{ Enabled = $enabled; Account = $account; Prefix = $false }
        }
        $directory = Get-RegistryValue -Path $root -Name 'BackupDirectory'
        $enabled = $null -ne $directory -and ([int]$directory -eq 1 -or [int]$directory -eq 2)
        $account = Get-RegistryValue -Path $root -Name 'AdministratorAccountName'
        $prefix = $false
        if ((Get-RegistryValue -Path $root -Name 'AutomaticAccountManagementEnabled') -eq 1) {
            $account = $null
            if ((Get-RegistryValue -Path $root -Name 'AutomaticAccountManagementTarget') -eq 1) {
                $account = Get-RegistryValue -Path $root -Name 'AutomaticAccountManagementNameOrPrefix'
                if ([string]::IsNullOrWhiteSpace($account)) { $account = 'WLapsAdmin' }
                $prefix = (Get-RegistryValue -Path $root -Name 'AutomaticAccountManagementRandomizeName') -eq 1
            }
        }
        return [pscustomobject]@{ Enabled = $enabled; Account = $account; Prefix = $prefix }
    }
    return [pscustomobject]@{ Enabled = $false; Account = $null; Prefix = $false }
}

# Local user accounts in the Administrators group (S-1-5-32-544, the same name-independent SID
# in every language). Domain and Entra members are not local accounts and are not listed.
function Get-LocalAdminAccountsProbe {
    try {
        $members = @(Get-LocalGroupMember -SID 'S-1-5-32-544' | Where-Object { "$($_.ObjectClass)" -eq 'User' })
        $accounts = @(foreach ($member in $members) {
            $user = $null
            try { $user = Get-LocalUser -SID $member.SID } catch { continue }
            [pscustomobject]@{ Name = "$($user.Name)"; Enabled = [bool]$user.Enabled; Sid = "$($user.SID)" }
        })
        return , $accounts
    } catch {
        # Get-LocalGroupMember fails on groups holding orphaned or Entra ID SIDs; ask CIM instead.
        $group = Get-CimInstance -ClassName 'Win32_Group' -Filter "LocalAccount=True AND SID='S-1-5-32-544'"
        $users = @(Get-CimAssociatedInstance -InputObject $group -Association 'Win32_GroupUser' -ResultClassName 'Win32_UserAccount' |
                Where-Object { $_.LocalAccount })
        return , @($users | ForEach-Object { [pscustomobject]@{ Name = "$($_.Name)"; Enabled = -not $_.Disabled; Sid = "$($_.SID)" } })
    }
}

function Get-LocalAdminsProbe {
    param($Laps, [string[]] $Personal, [string[]] $Vault)
    $accounts = Get-LocalAdminAccountsProbe
    $admins = @(foreach ($account in $accounts) {
        $builtIn = $account.Sid -match '-500$'
        $personalFlag = $Unknown
        if (Test-NameListed -Name $account.Name -List $Personal) { $personalFlag = $true }
        elseif ($builtIn) { $personalFlag = $false }
        $management = $Unknown
        if ($Laps -isnot [string] -and $Laps.Enabled) {
            $managed = $false
            if ([string]::IsNullOrWhiteSpace($Laps.Account)) { $managed = $builtIn }
            elseif ($Laps.Prefix) { $managed = $account.Name -like "$($Laps.Account)*" }
            else { $managed = $account.Name -ieq $Laps.Account }
            if ($managed) { $management = 'laps' }
        }
        if ($management -eq $Unknown -and (Test-NameListed -Name $account.Name -List $Vault)) { $management = 'vault' }
        [ordered]@{
            name               = ConvertTo-Text $account.Name
            enabled            = $account.Enabled
            personal           = $personalFlag
            passwordManagement = $management
        }
    })
    return , @($admins | Select-Object -First 256)
}

function Get-GuestEnabledProbe {
    $guest = @(Get-LocalUser | Where-Object { "$($_.SID)" -match '-501$' })
    if ($guest.Count -eq 0) { throw 'no local account with the guest RID (501)' }
    return [bool]$guest[0].Enabled
}

function Get-AuditLoggingProbe {
    # Subcategory GUIDs are the same in every language; what must be audited follows the CIS
    # Benchmark: failures too for credential validation, logon and account management.
    $required = @{
        '{0CCE923F-69AE-11D9-BED3-505054503030}' = 'Success and Failure' # Credential Validation
        '{0CCE9215-69AE-11D9-BED3-505054503030}' = 'Success and Failure' # Logon
        '{0CCE9235-69AE-11D9-BED3-505054503030}' = 'Success and Failure' # User Account Management
        '{0CCE922F-69AE-11D9-BED3-505054503030}' = 'Success'             # Audit Policy Change
    }
    $insufficient = $false
    $unreadable = @()
    foreach ($guid in $required.Keys) {
        $output = Get-ToolOutput -Tool 'auditpol.exe' -Arguments @('/get', "/subcategory:$guid", '/r')
        if ($output.ExitCode -ne 0) { throw "auditpol exited with $($output.ExitCode): $($output.Lines -join ' ')" }
        $row = @($output.Lines | Where-Object { $_ -like "*$guid*" } |
                ConvertFrom-Csv -Header 'Machine', 'Target', 'Subcategory', 'Guid', 'Inclusion', 'Exclusion')
        $setting = ''
        if ($row.Count -gt 0) { $setting = "$($row[0].Inclusion)".Trim() }
        $success = $setting -eq 'Success' -or $setting -eq 'Success and Failure'
        $failure = $setting -eq 'Failure' -or $setting -eq 'Success and Failure'
        if (@('Success', 'Failure', 'Success and Failure', 'No Auditing') -notcontains $setting) { $unreadable += $guid; continue }
        if (-not $success -or ($required[$guid] -eq 'Success and Failure' -and -not $failure)) { $insufficient = $true }
    }
    if ($insufficient) { return $false }
    if ($unreadable.Count -gt 0) { throw "auditpol settings not recognised (English only) for $($unreadable -join ', ')" }
    return $true
}

function Get-TimeSyncProbe {
    $parameters = 'SYSTEM\CurrentControlSet\Services\W32Time\Parameters'
    $type = "$(Get-RegistryValue -Path $parameters -Name 'Type')"
    if ($type -eq 'NoSync') { return [ordered]@{ enabled = $false } }
    $service = Get-Service -Name 'W32Time'
    if ("$($service.Status)" -ne 'Running') {
        throw "the Windows Time service is $($service.Status) (it starts on demand on workgroup machines); configured type $type"
    }
    $output = Get-ToolOutput -Tool 'w32tm.exe' -Arguments @('/query', '/status')
    if ($output.ExitCode -ne 0) { throw "w32tm /query /status exited with $($output.ExitCode): $($output.Lines -join ' ')" }
    $values = Get-LabelledValues -Lines $output.Lines
    if (-not $values.ContainsKey('Source') -or -not $values.ContainsKey('Leap Indicator')) {
        throw 'w32tm printed no English labels (Windows display language); time sync not parsed'
    }
    $source = ($values['Source'] -replace ',0x[0-9A-Fa-f]+$', '').Trim()
    # Leap indicator 3 means "not synchronised"; the local clock as source means the same.
    if ($values['Leap Indicator'] -match '^3' -or $source -match '^(Local CMOS Clock|Free-running System Clock)$') {
        return [ordered]@{ enabled = $false; source = ConvertTo-Text $source }
    }
    return [ordered]@{ enabled = $true; source = ConvertTo-Text $source }
}

function Get-LogonBannerProbe {
    $text = Get-RegistryValue -Path 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' -Name 'legalnoticetext'
    return -not [string]::IsNullOrWhiteSpace((@($text) -join ''))
}

function Get-ScreenLockProbe {
    # The machine inactivity limit locks every session; a Group Policy screen saver with password
    # locks per user, so it only counts when every signed-in user has one.
    $candidates = @()
    $limit = Get-RegistryValue -Path 'SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' -Name 'InactivityTimeoutSecs'
    if ($null -ne $limit -and [int]$limit -gt 0) { $candidates += [int]$limit }
    $users = Get-LoadedUserSids
    $userTimeouts = @(foreach ($sid in $users) {
            $desktop = "$sid\SOFTWARE\Policies\Microsoft\Windows\Control Panel\Desktop"
            $active = "$(Get-RegistryValue -Hive 'Users' -Path $desktop -Name 'ScreenSaveActive')"
            $secure = "$(Get-RegistryValue -Hive 'Users' -Path $desktop -Name 'ScreenSaverIsSecure')"
            $timeout = "$(Get-RegistryValue -Hive 'Users' -Path $desktop -Name 'ScreenSaveTimeOut')"
            if ($active -eq '1' -and $secure -eq '1' -and $timeout -match '^\d+$' -and [int]$timeout -gt 0) { [int]$timeout }
        })
    if ($users.Count -gt 0 -and $userTimeouts.Count -eq $users.Count) {
        $candidates += ($userTimeouts | Measure-Object -Maximum).Maximum
    }
    if ($candidates.Count -eq 0) {
        throw 'no machine inactivity limit (InactivityTimeoutSecs) and no enforced, password-protected screen saver for every signed-in user'
    }
    return [int](($candidates | Measure-Object -Minimum).Minimum)
}

function Get-LastPatchDateProbe {
    $security = '0fa1201d-4330-4fa8-8ae9-b877473b6441'
    $definitions = 'e0789628-ce08-4437-be74-2495b842f43b'
    $dates = @()
    $problems = @()
    try {
        $searcher = (New-Object -ComObject 'Microsoft.Update.Session').CreateUpdateSearcher()
        $count = $searcher.GetTotalHistoryCount()
        if ($count -gt 0) {
            # Newest first; installations that succeeded, of updates classified as security
            # updates (Defender's daily signature updates are definition updates, not patches).
            foreach ($entry in $searcher.QueryHistory(0, [Math]::Min($count, 2000))) {
                if ($entry.Operation -ne 1 -or ($entry.ResultCode -ne 2 -and $entry.ResultCode -ne 3)) { continue }
                $categories = @()
                try { $categories = @($entry.Categories | ForEach-Object { "$($_.CategoryID)".ToLowerInvariant() }) } catch { $categories = @() }
                $isSecurity = $categories -contains $security
                if ($categories.Count -eq 0) {
                    $isSecurity = "$($entry.Title)" -match 'Security Update|Cumulative Update(?! Preview)|Security Monthly Quality Rollup|Security Only'
                }
                if ($isSecurity -and $categories -notcontains $definitions) {
                    $dates += [DateTime]::SpecifyKind($entry.Date, [DateTimeKind]::Utc)
                    break
                }
            }
        }
    } catch { $problems += "Windows Update history: $($_.Exception.Message)" }
    try {
        $hotfixes = @(Get-HotFix | Where-Object { "$($_.Description)" -eq 'Security Update' -and $null -ne $_.InstalledOn })
        if ($hotfixes.Count -gt 0) { $dates += ($hotfixes | Sort-Object -Property 'InstalledOn' -Descending | Select-Object -First 1).InstalledOn }
    } catch { $problems += "Get-HotFix: $($_.Exception.Message)" }
    if ($dates.Count -eq 0) {
        if ($problems.Count -gt 0) { throw ($problems -join '; ') }
        throw 'no installed security update found in the Windows Update history or Get-HotFix'
    }
    return ConvertTo-IsoDate (($dates | Sort-Object -Descending | Select-Object -First 1))
}

function Get-UninstallEntries {
    param([string] $Hive, [string] $Path)
    $entries = @(foreach ($name in (Get-RegistrySubKeyNames -Hive $Hive -Path $Path)) {
        $key = Get-RegistryKey -Hive $Hive -Path "$Path\$name"
        if ($null -eq $key) { continue }
        try {
            $displayName = "$($key.GetValue('DisplayName', ''))".Trim()
            $systemComponent = $key.GetValue('SystemComponent', 0)
            $parent = "$($key.GetValue('ParentKeyName', ''))"
            $releaseType = "$($key.GetValue('ReleaseType', ''))"
            # Components, updates and hotfixes are not programs a user installed.
            if ($displayName -eq '' -or "$systemComponent" -eq '1' -or $parent -ne '' -or $releaseType -match '^(Update|Hotfix|Security Update)$') { continue }
            [pscustomobject]@{
                Name      = $displayName
                Version   = "$($key.GetValue('DisplayVersion', ''))".Trim()
                Publisher = "$($key.GetValue('Publisher', ''))".Trim()
            }
        } finally { $key.Close() }
    })
    return , $entries
}

function Get-SoftwareProbe {
    $uninstall = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'
    $found = @()
    $found += Get-UninstallEntries -Hive 'LocalMachine' -Path $uninstall
    $found += Get-UninstallEntries -Hive 'LocalMachine' -Path 'SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall'
    # Per-user installs (often the prohibited ones) live in each user's hive: the loaded ones are read.
    foreach ($sid in (Get-LoadedUserSids)) {
        try { $found += Get-UninstallEntries -Hive 'Users' -Path "$sid\$uninstall" }
        catch { Write-CollectorWarning -Probe 'software' -Message "programs of user $sid not read: $($_.Exception.Message)" }
    }
    $seen = @{}
    $software = @(foreach ($entry in ($found | Sort-Object -Property 'Name', 'Version')) {
        $key = "$($entry.Name)|$($entry.Version)|$($entry.Publisher)".ToLowerInvariant()
        if ($seen.ContainsKey($key)) { continue }
        $seen[$key] = $true
        $item = [ordered]@{ name = ConvertTo-Text $entry.Name 512 }
        if ($entry.Version -ne '') { $item['version'] = ConvertTo-Text $entry.Version 128 }
        if ($entry.Publisher -ne '') { $item['publisher'] = ConvertTo-Text $entry.Publisher 256 }
        $item
    })
    return , @($software | Select-Object -First 20000)
}

function Get-KioskLockdownProbe {
    param($Software)
    $deepFreeze = @()
    if ($Software -isnot [string]) { $deepFreeze = @($Software | Where-Object { "$($_['name'])" -match '^Faronics Deep Freeze' }) }
    if ($deepFreeze.Count -gt 0) {
        # DFC returns 1 for true and 0 for false; 2 and up are errors.
        $output = Get-ToolOutput -Tool 'DFC.exe' -Arguments @('get', '/ISFROZEN')
        $frozen = $Unknown
        if ($output.ExitCode -eq 1) { $frozen = $true } elseif ($output.ExitCode -eq 0) { $frozen = $false }
        else { Write-CollectorWarning -Probe 'kioskLockdown' -Message "DFC get /ISFROZEN exited with $($output.ExitCode)" }
        return [ordered]@{ agent = $deepFreeze[0]['name']; enabled = $frozen }
    }
    $assigned = @(Get-CimInstance -Namespace 'root/cimv2/mdm/dmmap' -ClassName 'MDM_AssignedAccess')
    $configured = @($assigned | Where-Object {
            -not [string]::IsNullOrWhiteSpace((Get-PropertyValue $_ 'Configuration')) -or -not [string]::IsNullOrWhiteSpace((Get-PropertyValue $_ 'KioskModeApp'))
        })
    if ($configured.Count -gt 0) { return [ordered]@{ agent = 'Assigned Access'; enabled = $true } }
    throw 'neither Deep Freeze nor an Assigned Access configuration found'
}

# ── Collect ─────────────────────────────────────────────────────────────────────────────────────

if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    Write-CollectorWarning -Probe 'host' -Message 'running in 32-bit PowerShell on 64-bit Windows: some modules (BitLocker, Defender) may fail; run the 64-bit host'
}

$computerSystem = Get-ProbeValue -Name 'computerSystem' -Probe { Get-ComputerSystemProbe } -Fallback $null
$hostname = Get-ProbeValue -Name 'hostname' -Probe { Get-HostnameProbe -ComputerSystem $computerSystem }
if ($hostname -eq $Unknown -or $hostname -notmatch $HostnamePattern) {
    [Console]::Error.WriteLine("${CollectorName}: error: host name `"$hostname`" is not an RFC 1123 host name; no document written")
    exit 1
}
$hardware = Get-ProbeValue -Name 'hardware' -Probe { Get-HardwareProbe -ComputerSystem $computerSystem } -Fallback ([pscustomobject]@{ Manufacturer = $Unknown; Model = $Unknown; Serial = $Unknown })
$serialNumber = Get-ProbeValue -Name 'serialNumber' -Probe { Get-SerialNumberProbe -ProductSerial $hardware.Serial }
$cpu = Get-ProbeValue -Name 'cpu' -Probe { Get-CpuProbe }
$memoryGiB = Get-ProbeValue -Name 'memoryGiB' -Probe { Get-MemoryGiBProbe }
$tpmVersion = Get-ProbeValue -Name 'tpmVersion' -Probe { Get-TpmVersionProbe }
if ($AssetTag) { $assetTagValue = $AssetTag } else { $assetTagValue = Get-ProbeValue -Name 'assetTag' -Probe { Get-AssetTagProbe } }
$macAddresses = Get-ProbeValue -Name 'macAddresses' -Probe { Get-MacAddressesProbe }
$ipAddresses = Get-ProbeValue -Name 'ipAddresses' -Probe { Get-IpAddressesProbe }
$ipAssignment = Get-ProbeValue -Name 'ipAssignment' -Probe { Get-IpAssignmentProbe }
$os = Get-ProbeValue -Name 'os' -Probe { Get-OsProbe } -Fallback ([ordered]@{ family = 'windows'; name = $Unknown; version = $Unknown })
$lastPatchDate = Get-ProbeValue -Name 'lastPatchDate' -Probe { Get-LastPatchDateProbe }

$netAccounts = Get-ProbeValue -Name 'passwordPolicy' -Probe { Get-NetAccountsProbe }
$complexity = Get-ProbeValue -Name 'passwordComplexity' -Probe { Get-PasswordComplexityProbe }
$laps = Get-ProbeValue -Name 'laps' -Probe { Get-LapsPolicyProbe }
$personal = ConvertTo-NameList -Values $PersonalAdmins
$vault = ConvertTo-NameList -Values $VaultManagedAdmins
$software = Get-ProbeValue -Name 'software' -Probe { Get-SoftwareProbe }

if ($netAccounts -is [string]) {
    $passwordPolicy = $Unknown
    $lockout = $Unknown
} else {
    $passwordPolicy = [ordered]@{
        minLength  = ConvertTo-PolicyCount -Values $netAccounts -Label 'Minimum password length' -ZeroWord ''
        history    = ConvertTo-PolicyCount -Values $netAccounts -Label 'Length of password history maintained' -ZeroWord 'None'
        complexity = $complexity
        maxAgeDays = ConvertTo-PolicyCount -Values $netAccounts -Label 'Maximum password age (days)' -ZeroWord 'Unlimited'
    }
    $lockout = [ordered]@{
        threshold       = ConvertTo-PolicyCount -Values $netAccounts -Label 'Lockout threshold' -ZeroWord 'Never'
        durationMinutes = ConvertTo-PolicyCount -Values $netAccounts -Label 'Lockout duration (minutes)' -ZeroWord ''
    }
}

$security = [ordered]@{
    diskEncryption    = Get-ProbeValue -Name 'diskEncryption' -Probe { Get-DiskEncryptionProbe } -Fallback ([ordered]@{ status = $Unknown })
    firewall          = Get-ProbeValue -Name 'firewall' -Probe { Get-FirewallProbe }
    antivirus         = Get-ProbeValue -Name 'antivirus' -Probe { Get-AntivirusProbe }
    screenLockSeconds = Get-ProbeValue -Name 'screenLockSeconds' -Probe { Get-ScreenLockProbe }
    passwordPolicy    = $passwordPolicy
    lockout           = $lockout
    smbv1Enabled      = Get-ProbeValue -Name 'smbv1Enabled' -Probe { Get-SmbV1Probe }
    autorunEnabled    = Get-ProbeValue -Name 'autorunEnabled' -Probe { Get-AutorunProbe }
    removableMedia    = Get-ProbeValue -Name 'removableMedia' -Probe { Get-RemovableMediaProbe }
    localAdmins       = Get-ProbeValue -Name 'localAdmins' -Probe { Get-LocalAdminsProbe -Laps $laps -Personal $personal -Vault $vault }
    guestEnabled      = Get-ProbeValue -Name 'guestEnabled' -Probe { Get-GuestEnabledProbe }
    auditLogging      = Get-ProbeValue -Name 'auditLogging' -Probe { Get-AuditLoggingProbe }
    timeSync          = Get-ProbeValue -Name 'timeSync' -Probe { Get-TimeSyncProbe } -Fallback ([ordered]@{ enabled = $Unknown })
    logonBanner       = Get-ProbeValue -Name 'logonBanner' -Probe { Get-LogonBannerProbe }
    automaticUpdates  = Get-ProbeValue -Name 'automaticUpdates' -Probe { Get-AutomaticUpdatesProbe }
    firewallDefaultInbound = Get-ProbeValue -Name 'firewallDefaultInbound' -Probe { Get-FirewallInboundProbe }
    remoteDesktop     = Get-ProbeValue -Name 'remoteDesktop' -Probe { Get-RemoteDesktopProbe }
    smbSigning        = Get-ProbeValue -Name 'smbSigning' -Probe { Get-SmbSigningProbe }
    logging           = Get-ProbeValue -Name 'logging' -Probe { Get-LoggingProbe }
    kernelNetwork     = Get-ProbeValue -Name 'kernelNetwork' -Probe { Get-KernelNetworkProbe }
    restartPending    = Get-ProbeValue -Name 'restartPending' -Probe { Get-RestartPendingProbe }
    bootProtection    = [ordered]@{
        secureBoot            = Get-ProbeValue -Name 'secureBoot' -Probe { Get-SecureBootProbe }
        systemVolumeEncrypted = Get-ProbeValue -Name 'systemVolumeEncrypted' -Probe { Get-SystemVolumeEncryptedProbe }
    }
    fileIntegrity     = Get-ProbeValue -Name 'fileIntegrity' -Probe { Get-FileIntegrityProbe }
}
if ($Role -eq 'kiosk') {
    $security['kioskLockdown'] = Get-ProbeValue -Name 'kioskLockdown' -Probe { Get-KioskLockdownProbe -Software $software } -Fallback ([ordered]@{ agent = $Unknown; enabled = $Unknown })
}

$hardwareFacts = [ordered]@{
    manufacturer = $hardware.Manufacturer
    model        = $hardware.Model
    cpu          = $cpu
    tpmVersion   = $tpmVersion
    memoryGiB    = $memoryGiB
}
if ($PurchaseDate) { $hardwareFacts['purchaseDate'] = $PurchaseDate }
if ($WarrantyEnd) { $hardwareFacts['warrantyEnd'] = $WarrantyEnd }
if ($Room -or $SecuredRoom -or $Ups) {
    $location = [ordered]@{}
    if ($Room) { $location['room'] = $Room }
    if ($SecuredRoom) { $location['securedRoom'] = $SecuredRoom -eq 'yes' }
    if ($Ups) { $location['ups'] = $Ups -eq 'yes' }
    $hardwareFacts['location'] = $location
}

$osFacts = $os
$osFacts['lastPatchDate'] = $lastPatchDate

$document = [ordered]@{
    hostname     = $hostname
    assetTag     = $assetTagValue
    serialNumber = $serialNumber
    macAddresses = $macAddresses
    ipAddresses  = $ipAddresses
    ipAssignment = $ipAssignment
    department   = $Department
    site         = $Site
}
if ($Owner) { $document['owner'] = $Owner }
$document['role'] = $Role
$document['hardware'] = $hardwareFacts
$document['os'] = $osFacts
$document['security'] = $security
$document['software'] = $software
$document['lifecycle'] = [ordered]@{ status = $LifecycleStatus }
$document['collectedAt'] = ConvertTo-IsoInstant (Get-Date)
$document['collector'] = [ordered]@{ name = $CollectorName; version = $CollectorVersion }

# ── Write ───────────────────────────────────────────────────────────────────────────────────────

ConvertTo-PlainArrays -Dictionary $document
$json = ConvertTo-Json -InputObject $document -Depth 8

if ($PSCmdlet.ParameterSetName -eq 'Stdout') {
    # Console output goes through the OEM code page; escaping non-ASCII keeps the JSON intact.
    $ascii = [regex]::Replace($json, '[^\x00-\x7F]', { param($match) '\u{0:x4}' -f [int][char]$match.Value })
    Write-Output $ascii
    exit 0
}

if ($PSCmdlet.ParameterSetName -eq 'Directory') { $target = Join-Path $OutDirectory "$hostname.json" } else { $target = $OutFile }
# Resolved against PowerShell's location, not the process's working directory.
$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($target)
# The temporary file is hidden (a leading dot), so `stronghold check` never reads a half-written one.
$temp = Join-Path ([IO.Path]::GetDirectoryName($target)) (".$([IO.Path]::GetFileName($target)).$PID.tmp")
try {
    # UTF-8 without a byte-order mark: Out-File -Encoding utf8 on Windows PowerShell writes one.
    [IO.File]::WriteAllText($temp, $json + "`n", (New-Object -TypeName 'System.Text.UTF8Encoding' -ArgumentList $false))
    Move-Item -LiteralPath $temp -Destination $target -Force
} catch {
    if (Test-Path -LiteralPath $temp) { [IO.File]::Delete($temp) }
    [Console]::Error.WriteLine("${CollectorName}: error: cannot write ${target}: $($_.Exception.Message)")
    exit 1
}
Write-Output "${CollectorName}: wrote $target ($($script:WarningCount) warning(s))"
exit 0
