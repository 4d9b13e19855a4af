#!/usr/bin/env bash
# Writes edge/Iot.Edge/method-order.txt: the managed methods one simulated agent runs once start-up is over, hottest first,
# from perf's call stacks (every frame counts, so callers are in the list too). Native AOT places them together, so the
# pages of code the running agent keeps mapped are few (edge/README.md, "Footprint"). Needs perf and clang.
#   bench/edge-footprint/method-order.sh [seconds to sample, default 70]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-70}
work=$(mktemp -d -t iot-edge-order-XXXXXX)
port=$((32000 + RANDOM % 2000))
printf "listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n" "$port" > "$work/mosquitto.conf"
(exec mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1) & broker=$!
trap 'kill $broker 2>/dev/null || true; rm -rf "$work"' EXIT

linker=$(command -v clang || command -v clang-14)
dotnet publish edge/Iot.Edge -c Release -r linux-x64 -p:PublishAot=true -p:CppCompilerAndLinker="$linker" -o "$work/aot" -nologo -v:q >/dev/null
(exec "$work/aot/iot-edge" run firmware-config/sites/yongchang --agent yikang-1-a --simulate --broker "127.0.0.1:$port" --data "$work/data" --sample-seconds 1 > "$work/agent.log" 2>&1) & agent=$!
sleep 17 # past start-up and the release of start-up memory (Edge:ReleaseStartupMemorySeconds, 15)
perf record -q -F 20000 -g -p "$agent" -o "$work/perf.data" -- sleep "$seconds" 2>/dev/null
kill -TERM "$agent"; wait "$agent" || true

out=edge/Iot.Edge/method-order.txt
{
  echo "# The agent's steady-state methods, hottest first: Native AOT lays them out together (IlcOrderFile). Made by bench/edge-footprint/method-order.sh; see edge/README.md, Footprint."
  # Managed symbols only (Assembly_Namespace_Type__Method); the runtime's C++ code is linked as it comes.
  perf script -i "$work/perf.data" -F ip,sym,dso 2>/dev/null | awk '$NF ~ /iot-edge\)$/ {print $2}' | sed 's/+0x[0-9a-f]*$//' \
    | grep -v '^_Z' | grep '__' | sort | uniq -c | sort -n -r | awk '{print $2}'
} > "$out"
echo "$(($(wc -l < "$out") - 1)) methods in $out"
