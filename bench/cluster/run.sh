#!/usr/bin/env bash
# Many servers under real operations: key rotation, a rolling restart and the key store going down, each while load
# runs through a YARP front door (round robin, active health checks) to Protected-format instances that share one
# Data Protection key ring in a real redis-server (bench/CookieSession.Cluster starts all of them). Every session's
# counter is checked on every answer, so a lost session or write is counted, not guessed. Writes
# bench/results/many-servers.md and exits 1 if any expectation failed (the figures are written either way).
#   bench/cluster/run.sh     (DURATION in seconds per scenario, SCENARIOS, SESSIONS, WORKERS may be set)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${DURATION:-45}
scenarios=${SCENARIOS:-rotation restart keystore-down}
sessions=${SESSIONS:-256}
workers=${WORKERS:-32}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq redis-server >/dev/null; fi
fi
dotnet build -c Release bench/CookieSession.Cluster -v quiet -nologo >/dev/null

failed=()
for scenario in $scenarios; do
  dotnet bench/CookieSession.Cluster/bin/Release/net10.0/CookieSession.Cluster.dll scenario "$scenario" \
    --duration "$duration" --sessions "$sessions" --workers "$workers" --out "$work/sections.md" --work "$work" \
    || failed+=("$scenario")
done

{
  echo "# Many servers under real operations"
  echo
  echo "$(date -u +%Y-%m-%d), $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), $(nproc) cores, .NET $(dotnet --version), $(redis-server --version | sed -nE 's/.*(v=[0-9.]+).*/redis-server \1/p')."
  echo "Everything on one machine: redis-server, the instances, the YARP front door and the load client share the cores."
  echo "Made by bench/cluster/run.sh; a session is \"lost\" when its counter comes back at 1, a write when it skips."
  echo
  cat "$work/sections.md"
} > bench/results/many-servers.md
cat bench/results/many-servers.md

[ ${#failed[@]} -eq 0 ] || { echo "expectations failed in: ${failed[*]} (see bench/results/many-servers.md)" >&2; exit 1; }
