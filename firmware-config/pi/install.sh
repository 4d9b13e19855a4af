#!/usr/bin/env bash
# Installs one courtyard agent from its bundle (made by `iot-edge provision bundle`) onto a Raspberry Pi running
# Raspberry Pi OS (64-bit).
#
#   ./install.sh --dry-run   check the Pi and print every step it would take; changes nothing, needs no root
#   sudo ./install.sh        install or update; safe to run again: what is already right is left alone
#
# Every check prints one line: "ok", "todo" (the install will do it), "warn" (worth knowing, not blocking) or
# "FAIL" (missing; the install would not work). Every step prints "would ..." (dry run), "done ..." or "same ..."
# (already right). Exit status: 0 installed, or with --dry-run ready to install; 1 a prerequisite is missing
# (nothing was changed); 2 wrong usage.
set -uo pipefail

bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dry_run=0
if [ $# -gt 1 ]; then echo "usage: $0 [--dry-run]" >&2; exit 2; fi
case "${1:-}" in
  --dry-run | -n) dry_run=1 ;;
  "") ;;
  -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

say() { printf '%-5s %s\n' "$1" "$2"; }
if [ ! -f "$bundle/bundle.env" ]; then
  say FAIL "bundle: no bundle.env beside install.sh; make the bundle with 'iot-edge provision bundle'"
  exit 1
fi
# shellcheck source=/dev/null
. "$bundle/bundle.env"
: "${AGENT_ID:?bundle.env names no AGENT_ID}" "${BROKER:?bundle.env names no BROKER}"
NEEDS_I2C=${NEEDS_I2C:-0} NEEDS_ONEWIRE=${NEEDS_ONEWIRE:-0} NEEDS_HCSR04=${NEEDS_HCSR04:-0} I2C_BUSES=${I2C_BUSES:-}
needs_boot=0
if [ "$NEEDS_I2C" = 1 ] || [ "$NEEDS_ONEWIRE" = 1 ] || [ "$NEEDS_HCSR04" = 1 ]; then needs_boot=1; fi

SERVICE_USER=iot-edge
ETC=/etc/iot-edge
OPT=/opt/iot-edge
UNIT=/etc/systemd/system/iot-edge.service
JOURNALD=/etc/systemd/journald.conf.d/iot-edge.conf
UDEV=/etc/udev/rules.d/99-iot-edge-gpio.rules
BEGIN_MARK="# >>> iot-edge (managed by the agent bundle's install.sh; edit the bundle, not this block)"
END_MARK="# <<< iot-edge"

failures=0
ok() { say ok "$1"; }
todo() { say todo "$1"; }
warn() { say warn "$1"; }
fail() { say FAIL "$1"; failures=$((failures + 1)); }

echo "Agent $AGENT_ID (courtyard ${COURTYARD_ID:-?}, site ${SITE_ID:-?}), broker $BROKER over TLS"
echo "Checks:"

# --- 1. Prerequisites -------------------------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  ok "running as root"
elif [ "$dry_run" -eq 1 ]; then
  warn "not root: fine for a dry run; install with sudo"
else
  fail "not root: run it as 'sudo $0'"
fi

arch=$(uname -m)
case "$arch" in
  aarch64 | arm64) ok "architecture $arch (64-bit ARM)" ;;
  armv6l | armv7l) fail "architecture $arch is a 32-bit system: flash Raspberry Pi OS Lite (64-bit); the agent is built for linux-arm64" ;;
  *) fail "architecture $arch: this is not a 64-bit ARM Raspberry Pi; the agent is built for linux-arm64 (aarch64)" ;;
esac

if [ -r /proc/device-tree/model ]; then
  ok "board: $(tr -d '\0' </proc/device-tree/model)"
else
  warn "board: no /proc/device-tree/model, so probably not a Raspberry Pi"
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  ok "systemd is running"
else
  fail "systemd is not running (no /run/systemd/system): the agent runs as a systemd service; install on Raspberry Pi OS itself, not in a container or chroot"
fi

# The agent program: from the bundle, or the one already installed.
bin_source="" bin_file=""
if [ -f "$bundle/iot-edge/iot-edge" ]; then
  bin_source="$bundle/iot-edge" bin_file="$bundle/iot-edge/iot-edge"
elif [ -f "$OPT/iot-edge" ]; then
  bin_file="$OPT/iot-edge"
fi
if [ -z "$bin_file" ]; then
  fail "agent program: none in the bundle (iot-edge/) nor in $OPT; publish it for linux-arm64 and make the bundle with --binary <folder> (see firmware-config/README.md)"
else
  magic=$(od -An -tx1 -N4 "$bin_file" 2>/dev/null | tr -d ' \n')
  machine=$(od -An -tx1 -j18 -N2 "$bin_file" 2>/dev/null | tr -d ' \n')
  if [ "$magic" != 7f454c46 ]; then
    fail "agent program $bin_file is not a Linux executable"
  elif [ "$machine" = b700 ]; then
    ok "agent program $bin_file (linux-arm64)"
  elif [ "$machine" = 3e00 ]; then
    fail "agent program $bin_file is built for x64: publish it with -r linux-arm64"
  else
    fail "agent program $bin_file is built for another processor (ELF machine $machine): publish it with -r linux-arm64"
  fi
  runtimeconfig="$(dirname "$bin_file")/iot-edge.runtimeconfig.json"
  if [ -f "$runtimeconfig" ] && ! grep -q includedFrameworks "$runtimeconfig"; then
    runtimes=""
    for dotnet in "${DOTNET_ROOT:-/nonexistent}/dotnet" /usr/share/dotnet/dotnet /usr/lib/dotnet/dotnet "$(command -v dotnet 2>/dev/null)"; do
      [ -x "$dotnet" ] && runtimes="$runtimes$("$dotnet" --list-runtimes 2>/dev/null)"
    done
    if printf '%s' "$runtimes" | grep -q 'Microsoft.NETCore.App 10\.'; then
      ok ".NET 10 runtime present (the agent program is framework-dependent)"
    else
      fail ".NET 10 runtime missing: this agent build is framework-dependent; install the runtime in /usr/share/dotnet, or ship the Native AOT or self-contained build"
    fi
  else
    ok "agent program needs no .NET runtime (Native AOT or self-contained build)"
  fi
fi

config_txt=""
for f in /boot/firmware/config.txt /boot/config.txt; do
  if [ -f "$f" ]; then config_txt=$f; break; fi
done
if [ "$needs_boot" = 1 ]; then
  if [ -n "$config_txt" ]; then
    ok "boot configuration $config_txt"
  else
    fail "boot configuration: neither /boot/firmware/config.txt nor /boot/config.txt exists, so I2C, 1-Wire and HC-SR04 overlays cannot be enabled; is this Raspberry Pi OS?"
  fi
fi
if [ "$NEEDS_I2C" = 1 ]; then
  for bus in $I2C_BUSES; do
    if [ -e "/dev/i2c-$bus" ]; then ok "I2C bus $bus enabled (/dev/i2c-$bus)"
    else todo "I2C bus $bus not enabled yet (no /dev/i2c-$bus): the install enables it in config.txt; reboot afterwards"; fi
  done
fi
if [ "$NEEDS_ONEWIRE" = 1 ]; then
  if [ -d /sys/bus/w1/devices ]; then ok "1-Wire enabled (/sys/bus/w1/devices)"
  else todo "1-Wire not enabled yet (no /sys/bus/w1/devices): the install enables it in config.txt; reboot afterwards"; fi
fi

# HC-SR04: the kernel's srf04 driver times the echo where it exists; Raspberry Pi's firmware has no overlay for it, so
# the bundle's iot-hcsr04-overlay.dts is compiled here, and its kernels are built without the driver (CONFIG_SRF04) so
# far. Without it the agent times the echo itself (a median of five echoes a reading), so neither is a failure.
if [ "$NEEDS_HCSR04" = 1 ]; then
  if command -v dtc >/dev/null 2>&1; then ok "device tree compiler (dtc) for the HC-SR04 overlay"
  else warn "device tree compiler missing ('apt install device-tree-compiler'): the HC-SR04 overlay is not compiled"; fi
  if modinfo srf04 >/dev/null 2>&1; then ok "kernel driver srf04 for the HC-SR04"
  else warn "kernel driver srf04 missing (Raspberry Pi OS kernels do not build CONFIG_SRF04): the agent times the HC-SR04 echo itself, less exactly on a busy Pi"; fi
fi

for group in gpio i2c; do
  if getent group "$group" >/dev/null; then ok "group $group exists"
  else todo "group $group missing (Raspberry Pi OS has it): the install creates it, with a udev rule giving it the devices"; fi
done
if id -u "$SERVICE_USER" >/dev/null 2>&1; then ok "service user $SERVICE_USER exists"
else todo "service user $SERVICE_USER missing: the install creates it (system user, no login, groups gpio and i2c)"; fi

if [ "$(timedatectl show -p NTPSynchronized --value 2>/dev/null)" = yes ]; then
  ok "clock synchronised"
else
  warn "clock not synchronised (yet): until it is, readings carry boot-relative times; check the network and systemd-timesyncd"
fi

broker_host=${BROKER%:*} broker_port=${BROKER##*:}
if getent hosts "$broker_host" >/dev/null; then
  if timeout 5 bash -c "exec 3<>/dev/tcp/$broker_host/$broker_port" 2>/dev/null; then ok "broker $BROKER answers"
  else warn "broker $BROKER does not answer (yet): the agent keeps its readings in its outbox and retries"; fi
else
  warn "broker host $broker_host does not resolve here: check DNS or /etc/hosts (the agent retries)"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures prerequisite(s) missing: nothing was changed."
  [ "$dry_run" -eq 1 ] || exit 1
fi

# --- 2. Steps ---------------------------------------------------------------------------------------------------
if [ "$dry_run" -eq 1 ]; then echo "Steps (dry run: nothing is changed):"; else echo "Steps:"; fi
steps=0 service_changed=0 unit_changed=0 boot_changed=0

# step DESCRIPTION COMMAND...: runs the command (or, in a dry run, says it would).
step() {
  local what=$1; shift
  steps=$((steps + 1))
  if [ "$dry_run" -eq 1 ]; then say would "$what"; return 0; fi
  if "$@"; then say done "$what"; else say FAIL "$what"; echo "Stopped; fix the cause and run $0 again." >&2; exit 1; fi
}

# place SOURCE TARGET MODE OWNER:GROUP: installs a file unless the target already holds it; 0 when it changed.
place() {
  local source=$1 target=$2 mode=$3 owner=$4
  if [ -f "$target" ] && cmp -s "$source" "$target" && [ "$(stat -c '%a %U:%G' "$target")" = "$mode $owner" ]; then
    say same "$target"
    return 1
  fi
  step "install $(basename "$source") as $target (mode $mode, $owner)" \
    install -D -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$source" "$target"
}

# place_folder SOURCE TARGET: replaces a folder of read-only files unless it already holds the same; 0 when it changed.
place_folder() {
  local source=$1 target=$2
  if [ -d "$target" ] && diff -r -q "$source" "$target" >/dev/null 2>&1; then
    say same "$target/"
    return 1
  fi
  step "install $(basename "$source")/ as $target/ (owned by root)" replace_folder "$source" "$target"
}
replace_folder() {
  rm -rf "$2.new" "$2.old" && cp -r "$1" "$2.new" && chown -R root:root "$2.new" && chmod -R u=rwX,go=rX "$2.new" \
    && { [ ! -e "$2" ] || mv "$2" "$2.old"; } && mv "$2.new" "$2" && rm -rf "$2.old"
}

for group in gpio i2c; do
  getent group "$group" >/dev/null || step "create group $group" groupadd --system "$group"
done
if place "$bundle/99-iot-edge-gpio.rules" "$UDEV" 644 root:root; then
  step "reload the udev rules" bash -c 'udevadm control --reload-rules && udevadm trigger'
fi

if ! id -u "$SERVICE_USER" >/dev/null 2>&1; then
  step "create system user $SERVICE_USER (no login, groups gpio and i2c)" \
    useradd --system --user-group --no-create-home --home-dir /var/lib/iot-edge --shell /usr/sbin/nologin --groups gpio,i2c "$SERVICE_USER"
elif ! id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx gpio || ! id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx i2c; then
  step "add $SERVICE_USER to the groups gpio and i2c" usermod -a -G gpio,i2c "$SERVICE_USER"
fi

if [ -n "$bin_source" ]; then
  place_folder "$bin_source" "$OPT" && service_changed=1
fi
[ -d "$ETC" ] || step "create $ETC" install -d -m 755 -o root -g root "$ETC"
place_folder "$bundle/site" "$ETC/site" && service_changed=1
place "$bundle/agent.env" "$ETC/agent.env" 600 "$SERVICE_USER:$SERVICE_USER" && service_changed=1
place "$bundle/broker-ca.pem" "$ETC/broker-ca.pem" 644 root:root && service_changed=1
place_folder "$bundle/trusted-keys" "$ETC/trusted-keys" && service_changed=1   # the cloud's public key(s): whose configs and commands count
place "$bundle/iot-edge.service" "$UNIT" 644 root:root && { unit_changed=1; service_changed=1; }
if place "$bundle/journald-iot-edge.conf" "$JOURNALD" 644 root:root; then
  step "restart systemd-journald (journal size limits)" systemctl restart systemd-journald
fi

# The HC-SR04 overlay, compiled beside the firmware's own overlays (config.txt's folder/overlays), when dtc is there.
if [ "$NEEDS_HCSR04" = 1 ] && command -v dtc >/dev/null 2>&1; then
  overlay="$(dirname "${config_txt:-/boot/firmware/config.txt}")/overlays/iot-hcsr04.dtbo"
  compiled=$(mktemp)
  if dtc -q -@ -I dts -O dtb -o "$compiled" "$bundle/iot-hcsr04-overlay.dts" && cmp -s "$compiled" "$overlay"; then
    say same "$overlay"
  else
    step "compile iot-hcsr04-overlay.dts into $overlay (HC-SR04s for the kernel's srf04 driver)" \
      bash -c "dtc -q -@ -I dts -O dtb -o '$overlay' '$bundle/iot-hcsr04-overlay.dts'"
    boot_changed=1
  fi
  rm -f "$compiled"
fi

# The boot configuration: one marked block in config.txt, replaced as a whole, so running again never duplicates it.
if [ "$needs_boot" = 1 ] || { [ -n "$config_txt" ] && grep -qF "$BEGIN_MARK" "$config_txt"; }; then
  if [ -z "$config_txt" ]; then
    step "add the I2C/1-Wire/HC-SR04 block (config.txt.fragment) to config.txt, which this machine does not have" true
    boot_changed=1
  else
    wanted=$(mktemp)
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' "$config_txt" >"$wanted"
    if [ "$needs_boot" = 1 ]; then
      { echo "$BEGIN_MARK"; cat "$bundle/config.txt.fragment"; echo "$END_MARK"; } >>"$wanted"
    fi
    if cmp -s "$wanted" "$config_txt"; then
      say same "$config_txt (iot-edge block)"
    else
      step "write the iot-edge block (I2C/1-Wire/HC-SR04) into $config_txt (previous copy: $config_txt.iot-edge.bak)" \
        bash -c "cp -p '$config_txt' '$config_txt.iot-edge.bak' && cat '$wanted' > '$config_txt'"
      boot_changed=1
    fi
    rm -f "$wanted"
  fi
fi

if [ "$unit_changed" = 1 ]; then step "reload systemd (new unit file)" systemctl daemon-reload; fi
if [ "$(systemctl is-enabled iot-edge.service 2>/dev/null)" != enabled ]; then
  step "enable iot-edge.service at boot" systemctl enable iot-edge.service
fi
if [ "$boot_changed" = 1 ]; then
  say note "not starting the agent now: its buses appear after the reboot, and it starts by itself then"
elif [ "$service_changed" = 1 ] || [ "$(systemctl is-active iot-edge.service 2>/dev/null)" != active ]; then
  step "(re)start iot-edge.service" systemctl restart iot-edge.service
fi

# --- 3. What next ---------------------------------------------------------------------------------------------------
if [ "$dry_run" -eq 1 ]; then
  if [ "$failures" -gt 0 ]; then
    echo "Dry run: $steps step(s) planned, but $failures prerequisite(s) missing (FAIL above); nothing was changed."
    exit 1
  fi
  echo "Dry run: $steps step(s) planned; nothing was changed. Install with: sudo $0"
  exit 0
fi
echo "Installed agent $AGENT_ID ($steps step(s) taken)."
if [ "$boot_changed" = 1 ]; then
  echo "REBOOT NEEDED: 'sudo reboot' enables I2C/1-Wire/HC-SR04; the agent starts by itself after it."
fi
echo "Watch it:  journalctl -u iot-edge -f     systemctl status iot-edge"
echo "The cloud: GET /api/agents/$AGENT_ID shows it online with \"config\":\"inSync\" within a minute."
echo "Then delete this bundle from the Pi (agent.env holds the agent's password)."
