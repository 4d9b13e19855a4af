#!/usr/bin/env bash
# Seconds from an empty data folder to ./run.sh's banner, without and with the replayed week, alternated:
#   bench/first-start/measure.sh [pairs] [web port] [broker port]
# Needs the Release build (./run.sh builds it; this runs with IOT_SKIP_BUILD=1). Prints one line a run, with the load
# average before it and, with the week, when the cloud's clock joined the wall clock.
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-2}
web=${2:-5180}
broker=${3:-1983}
for _ in $(seq "$pairs"); do
  for days in 0 7; do
    data=$(mktemp -d)
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    setsid env IOT_SKIP_BUILD=1 IOT_WEB_PORT="$web" IOT_BROKER_PORT="$broker" IOT_DATA="$data" IOT_HISTORY_DAYS="$days" IOT_READY_WAIT=300 \
      ./run.sh > "$data/run.out" 2>&1 &
    pid=$!
    until grep -q "courtyard agents online" "$data/run.out" 2>/dev/null; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    end=$(date +%s.%N)
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    printf 'history %s days: banner after %.1f s, load before %s; %s\n' "$days" "$(echo "$end - $start" | bc)" "$load" \
      "$(grep -ho 'joined the wall clock [0-9.]* s' "$data/logs/cloud.log" || echo 'no history')"
    rm -rf "$data"
  done
done
