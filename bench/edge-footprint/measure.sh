#!/usr/bin/env bash
# Measures the edge agent's footprint in simulation: RSS and CPU of one agent and of a fleet process, at one
# sample per second per sensor, against a local Mosquitto, both as a JIT build (framework-dependent, what
# `dotnet publish` gives) and as a Native AOT build (what the Pi runs; needs clang). edge/README.md quotes it.
#   bench/edge-footprint/measure.sh [seconds to measure, default 60] [fleet size, default 50]
set -euo pipefail
cd "$(dirname "$0")/../.."
measure=${1:-60}
fleet=${2:-50}
warmup=20
work=$(mktemp -d -t iot-edge-footprint-XXXXXX)
# The broker's port: from IOT_TEST_PORTS (first-last) when set, so that a run beside the tests stays in its own block.
if [[ ${IOT_TEST_PORTS:-} =~ ^([0-9]+)-([0-9]+)$ ]]; then
  port=$((BASH_REMATCH[1] + RANDOM % (BASH_REMATCH[2] - BASH_REMATCH[1] + 1)))
else
  port=$((20000 + RANDOM % 20000))
fi

printf "listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n" "$port" > "$work/mosquitto.conf"
(exec mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1) & broker=$!
trap 'kill $broker 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish edge/Iot.Edge -c Release -o "$work/jit" -nologo -v:q >/dev/null
builds=(jit)
linker=$(command -v clang || command -v clang-14 || true)
if [ -n "$linker" ]; then
  dotnet publish edge/Iot.Edge -c Release -r linux-x64 -p:PublishAot=true -p:CppCompilerAndLinker="$linker" -o "$work/aot" -nologo -v:q >/dev/null
  builds+=(aot)
fi

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

run_case() {
  local name=$1 build=$2; shift 2
  # The same GC setting as firmware-config/systemd/iot-edge.service: a small gen0 budget (512 KiB).
  (export DOTNET_GCgen0size=80000; exec "$work/$build/iot-edge" "$@" --broker "127.0.0.1:$port" --data "$work/data-$build-$name" --sample-seconds 1 > "$work/$build-$name.log" 2>&1) & local pid=$!
  sleep "$warmup"
  local t0 c0 peak=0 r
  t0=$(date +%s.%N); c0=$(cpu_ticks "$pid")
  for _ in $(seq "$measure"); do
    r=$(rss_kb "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 1
  done
  local t1 c1
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid")
  kill -TERM "$pid"; wait "$pid" || true
  awk -v n="$name ($build)" -v c="$((c1 - c0))" -v hz="$ticks" -v t0="$t0" -v t1="$t1" -v peak="$peak" \
    'BEGIN { printf "%-30s CPU %5.2f %% of one core   RSS peak %5.1f MiB\n", n, 100 * c / hz / (t1 - t0), peak / 1024 }'
}

site=firmware-config/sites/yongchang
for build in "${builds[@]}"; do
  run_case "one agent, yikang-1-a" "$build" run "$site" --agent yikang-1-a --simulate
  run_case "fleet of $fleet agents" "$build" fleet "$site" --simulate --agents "$fleet"
done
