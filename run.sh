#!/usr/bin/env bash
# Starts the whole system on embedded defaults, on this machine only:
#   the cloud (MQTT broker on 127.0.0.1:1883, SQLite under ./data, web and API on http://127.0.0.1:5080)
#   and the simulated fleet of the Yongchang sample site (the real edge agent code over simulated chips).
# Ctrl-C stops everything (the terminal sends it to run.sh and everything it started: one process group). Overrides:
# IOT_WEB_PORT, IOT_BROKER_PORT, IOT_DATA, IOT_SITE, IOT_CONFIGURATION, IOT_READY_WAIT (seconds, default 90),
# IOT_DEMO_PASSWORD (the password of the demo accounts, one per role, seeded and printed at start),
# IOT_DEMO (default 1: the fleet plays a fault a minute after it starts, or after its replayed week is in, and then every
# 4 minutes, and demo staff work the orders; 0 for a quiet fleet with only its realistic, rare faults),
# IOT_HISTORY_DAYS (default 7 with the demo, 0 without: on an empty data folder the fleet replays that many days before now through the cloud,
# whose clock follows the replay, before the banner; 0 to start empty; see README.md).
set -euo pipefail
cd "$(dirname "$0")"

web_port=${IOT_WEB_PORT:-5080}
broker_port=${IOT_BROKER_PORT:-1883}
data=${IOT_DATA:-data}
site=${IOT_SITE:-firmware-config/sites/yongchang}
configuration=${IOT_CONFIGURATION:-Release}
demo_password=${IOT_DEMO_PASSWORD:-yongchang-demo}
demo=${IOT_DEMO:-1}
[ "$demo" = 1 ] && demo_on=true || demo_on=false
history_days=${IOT_HISTORY_DAYS:-$([ "$demo" = 1 ] && echo 7 || echo 0)}
# Only an empty data folder gets a history: a second start reuses the data, on the wall clock.
[ -e "$data/cloud.db" ] && history_days=0
ready_wait=${IOT_READY_WAIT:-90}   # seconds to wait for the cloud, then for every agent, before saying what is missing
mkdir -p "$data/logs"

if [ "${IOT_SKIP_BUILD:-0}" != 1 ]; then
  echo "Building ($configuration)..."
  dotnet build -c "$configuration" -nologo -v:q -clp:ErrorsOnly cloud/Iot.Cloud/Iot.Cloud.csproj
  dotnet build -c "$configuration" -nologo -v:q -clp:ErrorsOnly edge/Iot.Edge/Iot.Edge.csproj
fi

cloud_pid=""
fleet_pid=""
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  # The fleet first, so each agent publishes its clean 'offline' status while the broker is still up.
  for pid in $fleet_pid $cloud_pid; do
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  echo "Stopped."
}
# Ctrl-C and kill end here (with the usual exit codes); any other exit stops the services too.
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# Each service runs under `exec` in a subshell, so $! is the program's own pid.
# Development: a demo on this machine's loopback over plain HTTP. Production asks for more (HTTPS-only cookies,
# Web:PublicBaseUrl, Operations:MetricsToken; docker/README.md, "Production settings").
( exec env \
    ASPNETCORE_ENVIRONMENT=Development \
    Urls="http://127.0.0.1:$web_port" \
    Broker__Mode=Embedded Broker__Host=127.0.0.1 Broker__Port="$broker_port" \
    Database__ConnectionString="Data Source=$data/cloud.db" \
    TimeSeries__SqlitePath="$data/timeseries.db" \
    Signing__KeyFile="$data/keys/cloud-signing.pem" \
    Sites__Folder="$site" \
    Demo__SeedAccounts=true Demo__SeedPatrolPlans=true Demo__Password="$demo_password" Demo__Staff="$demo_on" Demo__HistoryDays="$history_days" \
    dotnet "cloud/Iot.Cloud/bin/$configuration/net10.0/iot-cloud.dll" ) > "$data/logs/cloud.log" 2>&1 &
cloud_pid=$!

echo "Starting the cloud (log: $data/logs/cloud.log)..."
deadline=$((SECONDS + ready_wait))
until curl -sf "http://127.0.0.1:$web_port/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$cloud_pid" 2>/dev/null; then
    echo "The cloud stopped while starting:"; tail -n 30 "$data/logs/cloud.log"; exit 1
  fi
  [ "$SECONDS" -lt "$deadline" ] || { echo "The cloud did not become ready in $ready_wait s:"; tail -n 30 "$data/logs/cloud.log"; exit 1; }
  sleep 0.1
done

# The agents believe configs and commands signed with the cloud's key only: its public half, written at the cloud's start.
# The demo's faults go to the courtyards of the parties the cloud has demo staff for (its demo accounts).
( exec env Simulation__Demo="$demo_on" Simulation__DemoParties__0=xinyu-property Simulation__DemoParties__1=cable-works Simulation__HistoryDays="$history_days" dotnet "edge/Iot.Edge/bin/$configuration/net10.0/iot-edge.dll" fleet "$site" --simulate \
    --broker "127.0.0.1:$broker_port" --data "$data/edge" --trusted-keys "$data/keys" ) > "$data/logs/fleet.log" 2>&1 &
fleet_pid=$!
echo "Starting the simulated courtyards (log: $data/logs/fleet.log)..."

# The API needs an account: sign in as the street office's demo account (the cookie stays in the data folder, readable
# by this user only: it is the street office's session. A jar left by an older run is replaced, not reused with its mode).
jar="$data/demo-session.cookies"
rm -f "$jar"
( umask 077
  curl -sf -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"userName\":\"street-chen\",\"password\":\"$demo_password\"}" "http://127.0.0.1:$web_port/api/session" >/dev/null ) \
  || { echo "Could not sign in with the demo account:"; tail -n 30 "$data/logs/cloud.log"; exit 1; }
total=$(curl -sf -b "$jar" "http://127.0.0.1:$web_port/api/agents" | grep -o '"id"' | wc -l)
online=0
deadline=$((SECONDS + ready_wait))
while [ "$SECONDS" -lt "$deadline" ]; do
  online=$(curl -sf -b "$jar" "http://127.0.0.1:$web_port/api/agents?state=online" | grep -o '"id"' | wc -l || true)
  [ "$online" -ge "$total" ] && break
  kill -0 "$fleet_pid" 2>/dev/null || { echo "The fleet stopped:"; tail -n 30 "$data/logs/fleet.log"; exit 1; }
  sleep 0.2
done

# On a first start the agents replay their week before the cloud's clock comes back to now (README.md, "The two commands").
if [ "$history_days" != 0 ]; then
  echo "Replaying the $history_days days before now through the cloud..."
  deadline=$((SECONDS + ready_wait))
  until grep -q "business time joined the wall clock" "$data/logs/cloud.log"; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "The history did not finish in $ready_wait s; the demo goes on with what is in."; break; }
    kill -0 "$cloud_pid" 2>/dev/null || { echo "The cloud stopped:"; tail -n 30 "$data/logs/cloud.log"; exit 1; }
    sleep 0.2
  done
fi

cat <<EOT

  $online of $total courtyard agents online.

  Open http://127.0.0.1:$web_port/ in a browser (Chinese; English at the top right).
$( [ "$demo_on" = true ] && printf '%s\n' "
  Demo (演示数据): a gate is forced about a minute after the fleet started (after its week, on a first start), then every 4 minutes a charger outlet
  overheats and is cut off, a storm raises a drain, a lamp goes dark at night, in turn. Each becomes an alert and a
  routed work order on the console, which the demo staff (李师傅, 赵科长) take within a minute and sometimes fix." )

  Staff console        http://127.0.0.1:$web_port/console
  Safety dashboard     http://127.0.0.1:$web_port/dashboard      public view: /safety
  Resident report      http://127.0.0.1:$web_port/r/yikang-1      (QR codes: /console/qr)
  Patrol round (phone) http://127.0.0.1:$web_port/patrol         (as yikang-hu or yikang-ma)

  Demo accounts (password: $demo_password)
    xinyu-li       property staff, 昆明馨宇物业 (Yikang Road blocks)    李师傅
    xinyu-liu      property staff, same company                         刘师傅
    xinyu-wang     company supervisor, same company                     王经理
    cable-zhao     owning-unit staff, 昆明电缆厂宿舍管理科               赵科长
    yikang-zhang   community supervisor, 益康路社区                      张主任
    street-chen    street office administrator (everything, accounts)   陈科员
    yikang-hu      volunteer, 益康路志愿服务队 (patrols, confirms repairs) 胡阿姨
    yikang-ma      building head, 益康路北街区                           马大爷

  API and live data    http://127.0.0.1:$web_port/api/site   (sign in first: POST /api/session)
                       http://127.0.0.1:$web_port/api/courtyards/yikang-1/latest
                       http://127.0.0.1:$web_port/api/agents?state=online
  Ingest and health    http://127.0.0.1:$web_port/api/ingest/stats   /readyz   /metrics
  API description      http://127.0.0.1:$web_port/openapi/v1.json
  MQTT broker          127.0.0.1:$broker_port   (mosquitto_sub -i watcher -h 127.0.0.1 -p $broker_port -t 'estate/#' -v)

  Press Ctrl-C to stop.
EOT

# Run until Ctrl-C, or until either service stops on its own.
while kill -0 "$cloud_pid" 2>/dev/null && kill -0 "$fleet_pid" 2>/dev/null; do sleep 1; done
echo "A service stopped on its own; see $data/logs/."
exit 1
