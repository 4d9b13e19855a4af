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
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)   # no -q: with pipefail, an early exit would fail fc-list on SIGPIPE
fc-list 2>/dev/null | grep -i "Liberation" >/dev/null || missing+=(fonts-liberation)
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

# --- 3. Run the test projects in three lanes ---
# No project keeps a core busy by itself (they wait for brokers, databases, programs and the browser), so three lanes
# fill two cores; four only made the machine busier without finishing sooner (806 s against 796 s, tests/README.md,
# "The suite"). The lanes take their entries from one queue, longest first, so no lane idles while another still has a
# long list: an entry is a project or a part of one (project:part), and the longest projects run in parts.
queue=(
  Iot.EndToEnd.Tests:1 Iot.Cloud.Tests:1 Iot.Browser.Tests Iot.Cloud.Tests:2 Iot.EndToEnd.Tests:2 Iot.Edge.Tests Iot.Protocol.Tests
)
lane_count=3
# The parts: the cloud project's part 1 is these namespaces, part 2 everything else, so a new namespace runs in part 2
# and no test is left out or run twice; the end-to-end project's part 1 is its fault tests, part 2 the rest.
cloud_part1=(Ingest WorkOrders Web Broker Sites Config Readings TimeSeries)
filter_of() {
  local terms=() ns
  case "$1" in
    Iot.Cloud.Tests:1) for ns in "${cloud_part1[@]}"; do terms+=("FullyQualifiedName~Iot.Cloud.Tests.$ns."); done
                       (IFS='|'; echo "${terms[*]}") ;;
    Iot.Cloud.Tests:2) for ns in "${cloud_part1[@]}"; do terms+=("FullyQualifiedName!~Iot.Cloud.Tests.$ns."); done
                       (IFS='&'; echo "${terms[*]}") ;;
    Iot.EndToEnd.Tests:1) echo "FullyQualifiedName~Iot.EndToEnd.Tests.Faults." ;;
    Iot.EndToEnd.Tests:2) echo "FullyQualifiedName!~Iot.EndToEnd.Tests.Faults." ;;
  esac
}
# Test processes live minutes: dynamic PGO's instrumented tier costs them more JIT than it saves (about a tenth of
# the processor time of a cloud or end-to-end test class, measured in tests/README.md). Programs the tests start inherit it.
export DOTNET_TieredPGO=0
# The cloud runs with tiered compilation off (Iot.Cloud.csproj), for ingest; the clouds the tests start live seconds
# and start often, so they keep it on and start about 2 s sooner.
export DOTNET_TieredCompilation=1
# Every process the suite starts carries this mark in its environment (children inherit it), so what a crashed
# test host leaves behind can be found and ended, whatever process group it ended up in.
run_mark="IOT_TEST_RUN=iot-test-$$-$(date +%s)"
export MSBUILDDISABLENODEREUSE=1   # no MSBuild node outlives the run
# The run's own temporary folder: every folder a test makes (brokers, databases, agents' data) is inside it, so what
# names it belongs to this run and no other (a second run, or a developer's tests in another checkout). Services that
# drop to their own user (Mosquitto, PostgreSQL) must be able to pass through it.
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/iot-run-XXXXXX") && chmod 755 "$run_tmp" || { echo "no temporary folder"; echo "0 passed, 1 failed"; exit 1; }
export TMPDIR="$run_tmp"

marked() {
  for env in /proc/[0-9]*/environ; do
    grep -qzx "$run_mark" "$env" 2>/dev/null && { pid=${env#/proc/}; echo "${pid%/environ}"; }
  done
}

# Each lane gives the entry it runs the ports of its own block below the ephemeral range
# (tests/Iot.Testing/Services/TestPorts.cs): a broker restarted on its port never finds another entry's there.
ports_of_lane() {
  echo "$((10000 + $1 * 3500))-$((13499 + $1 * 3500))"
}

# One entry, in its own session and process group: when it ends, so does everything it started and left.
run_project() {
  local entry=$1 lane=$2 project=${1%%:*} name=${1/:/-} started=$SECONDS pgid status filter
  filter=$(filter_of "$entry")
  env "$run_mark" IOT_TEST_PORTS="$(ports_of_lane "$lane")" setsid dotnet test "tests/$project" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" ${filter:+--filter "$filter"} \
    --blame-hang-timeout 10m --blame-hang-dump-type none \
    -- RunConfiguration.TreatNoTestsAsError=false > "$results/$name.log" 2>&1 &
  pgid=$!
  # The processor time of the entry and what it started and reaped (for choosing the lanes, tests/README.md).
  { TIMEFORMAT='%U %S'; time wait "$pgid"; } 2> "$results/$name.cpu"; status=$?
  kill -KILL -- "-$pgid" 2>/dev/null || true
  printf '%-20s %s (%d s, processor %s s)\n' "$entry" "$(grep -E '^(Passed|Failed)!' "$results/$name.log" | sed 's/ - .*//' | tail -1 || echo "no result (exit $status)")" \
    $((SECONDS - started)) "$(awk '{ printf "%d", $1 + $2 }' "$results/$name.cpu")"
  return "$status"
}

# The queue's next entry: its index, taken under a lock so that two lanes never take the same one.
next_entry() {
  ( flock 9; local n; n=$(cat "$run_tmp/queue"); echo $((n + 1)) > "$run_tmp/queue"; echo "$n" ) 9> "$run_tmp/queue.lock"
}

run_lane() {
  local status=0 i
  while i=$(next_entry) && [ "$i" -lt "${#queue[@]}" ]; do run_project "${queue[$i]}" "$1" || status=1; done
  return "$status"
}

stop_all() {
  for pid in $(marked); do kill -KILL "$pid" 2>/dev/null || true; done
}
# Interrupted: end the lanes first (or they would start their next project), then everything the run started.
interrupted() {
  echo "interrupted"
  kill -TERM "${lane_pids[@]}" 2>/dev/null || true
  stop_all
  rm -rf --one-file-system "$run_tmp" 2>/dev/null
  exit 130
}
lane_pids=()
trap interrupted INT TERM

echo 0 > "$run_tmp/queue"
for ((lane = 0; lane < lane_count; lane++)); do run_lane "$lane" & lane_pids+=($!); done
status=0
for pid in "${lane_pids[@]}"; do wait "$pid" || status=1; done
trap - INT TERM

# Anything still carrying the mark was left behind by a test or a crashed test host: name it, end it, fail the run.
left=0
for pid in $(marked); do
  echo "left behind: pid $pid: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
  kill -KILL "$pid" 2>/dev/null || true
  left=$((left + 1))
done
# And any process that names the run's folder, marked or not (services that drop privileges may lose the mark).
while read -r pid args; do
  echo "left behind (names the run's folder): pid $pid: ${args:0:200}"
  kill -KILL "$pid" 2>/dev/null || true
  left=$((left + 1))
done < <(ps -eo pid=,args= | grep -F "$run_tmp/" | grep -v -F -e grep -e 'ps -eo')
rm -rf --one-file-system "$run_tmp"
if [ "$left" -eq 0 ]; then echo "no process of the suite is left running"; fi

# --- 4. One line of totals from the TRX files ---
passed=0; failed=0; skipped=0; total=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  t=$(get total); p=$(get passed); fl=$(get failed); e=$(get executed)
  total=$((total + t)); passed=$((passed + p)); failed=$((failed + fl)); skipped=$((skipped + t - e))
done
if [ "$left" -gt 0 ]; then
  echo "$left process(es) of the suite were left running (ended now)"; failed=$((failed + left))
fi
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  # Each failed test with the first lines of its message and where in the tests it failed, so a CI log alone says why.
  perl -0777 -ne '
    while (/<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="Failed".*?<\/UnitTestResult>/gs) {
      my ($name, $body) = ($1, $&);
      my ($message) = $body =~ /<Message>(.*?)<\/Message>/s; my ($stack) = $body =~ /<StackTrace>(.*?)<\/StackTrace>/s;
      for ($message, $stack) { $_ //= ""; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&amp;/&/g; }
      my @lines = grep { /\S/ } split /\n/, $message;
      my @where = grep { /in \/.*\/tests\// } split /\n/, $stack;
      print "failed: \"$name\"\n";
      print "    $_\n" for (@lines[0 .. ($#lines < 7 ? $#lines : 7)]), (@where[0 .. ($#where < 2 ? $#where : 2)]);
    }' "$trx"
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
