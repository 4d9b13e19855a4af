#!/usr/bin/env bash
# Runs every test in the solution against real services (Mosquitto, InfluxDB, PostgreSQL, Chromium),
# installing what is missing first. Ends with one line: "N passed, N failed" (", N skipped" when any).
set -uo pipefail
cd "$(dirname "$0")"

# --- 1. What the tests need on the machine (Debian package for each binary) ---
declare -A needs=(
  [mosquitto]=mosquitto [mosquitto_pub]=mosquitto-clients [influxd]=influxdb
  [initdb]=postgresql [chromium]=chromium [docker-compose]=docker-compose
)
missing=()
for bin in "${!needs[@]}"; do
  found=$(PATH="$PATH:/usr/sbin:/sbin:$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tr '\n' ':')" command -v "$bin" || true)
  [ -n "$found" ] || missing+=("${needs[$bin]}")
done
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "Liberation" || missing+=(fonts-liberation)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "Missing packages and no root: apt-get install ${missing[*]}" >&2; echo "0 passed, 1 failed"; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

# --- 2. Build once, warnings are errors ---
results=test-results
rm -rf "$results"; mkdir -p "$results"
if ! dotnet build Iot.sln -nologo -clp:ErrorsOnly -v:q; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# --- 3. Run every test project; services started by fixtures record their pids here ---
export IOT_TEST_PID_DIR
IOT_TEST_PID_DIR=$(mktemp -d -t iot-test-pids-XXXXXX)
# Each test project writes test-results/<project>.trx (see tests/Directory.Build.props).
dotnet test Iot.sln --no-build -nologo \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  -- RunConfiguration.TreatNoTestsAsError=false
status=$?

# Stop any service a crashed test host left behind: only pids this run recorded.
for f in "$IOT_TEST_PID_DIR"/*.pid; do
  [ -e "$f" ] || continue
  read -r pid name < "$f"
  if [ -d "/proc/$pid" ] && grep -q "$name" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "stopping leftover $name (pid $pid)"; kill -9 "$pid" 2>/dev/null || true
  fi
done
rm -rf "$IOT_TEST_PID_DIR"

# --- 4. One line of totals from the TRX files ---
passed=0; failed=0; skipped=0; total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  t=$(get total); p=$(get passed); fl=$(get failed); e=$(get executed)
  total=$((total + t)); passed=$((passed + p)); failed=$((failed + fl)); skipped=$((skipped + t - e))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "the test run failed outside any test (crash, hang or no results); see $results/"
  failed=$((failed + 1))
fi
if [ "$total" -eq 0 ]; then
  echo "no tests ran"; failed=$((failed + 1))
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
