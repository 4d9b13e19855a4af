#!/usr/bin/env bash
# Prints the size in bytes of the pages residents open most, as the built cloud serves them (cloud/README.md, "Page sizes").
# Usage, from the repository root after `dotnet build Iot.sln -c Release`:  cloud/measure-pages.sh [port]
set -euo pipefail
port="${1:-5391}"
base="http://127.0.0.1:$port"
data="$(mktemp -d)"
trap 'if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$data"' EXIT

# A fresh database, the sample site, the embedded broker on a port of its own: nothing else on the machine is touched.
dotnet cloud/Iot.Cloud/bin/Release/net10.0/iot-cloud.dll --Urls="$base" --Broker:Port=$((port + 13000)) \
  --Database:ConnectionString="Data Source=$data/cloud.db" --TimeSeries:SqlitePath="$data/timeseries.db" \
  --Signing:KeyFile="$data/keys/cloud-signing.pem" --Sites:Folder=firmware-config/sites/yongchang >"$data/log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "$base/healthz" >/dev/null && break; sleep 1; done

# One resident report, so that the tracking page exists and /safety counts it.
code="$(curl -s -H 'Content-Type: application/json' -d '{"courtyard":"yikang-1","category":"lamp"}' "$base/api/reports" \
  | sed -E 's/.*"trackingCode":"([A-Z0-9]+)".*/\1/')"
for page in /r/yikang-1 "/r/track/$code" /safety /report /; do
  curl -s -o /dev/null -w "%{size_download}\t$page\n" "$base$page"
done
