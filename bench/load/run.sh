#!/usr/bin/env bash
# Load comparison on loopback, in one run: a bare ASP.NET Core endpoint; read-only (ro) and
# read-modify-write (rmw) endpoints with CookieSession (Connect, Protected and iron-session formats), with ASP.NET
# Core's AddSession(), and on connect@2.11.0. Targets alternate round by round, each warmed up before it is measured. Reports
# requests/second and the server process's CPU time per request (from /proc), with ratios against
# the bare endpoint, and writes the table to bench/results/load.md.
#   bench/load/run.sh        (ROUNDS, DURATION, WARMUP, CONNECTIONS may be set in the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

rounds=${ROUNDS:-3}
duration=${DURATION:-10}
warmup=${WARMUP:-3}
connections=${CONNECTIONS:-32}
dotnet_port=5080
node_port=5081
protected_port=5082
iron_port=5083

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
if [ ! -f tests/interop/node_modules/.package-lock.json ]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

dotnet build -c Release bench/CookieSession.LoadServer -v quiet -nologo >/dev/null
server_dll=bench/CookieSession.LoadServer/bin/Release/net10.0/CookieSession.LoadServer.dll

# Servers share one core, wrk has the other: the two do not steal each other's CPU.
cpus=$(nproc)
server_cpu=$((cpus > 1 ? 1 : 0))
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

taskset -c "$server_cpu" dotnet "$server_dll" --urls "http://127.0.0.1:$dotnet_port" >/dev/null 2>&1 &
dotnet_pid=$!; pids+=("$dotnet_pid")
taskset -c "$server_cpu" node bench/load/connect-server.js "$node_port" >/dev/null 2>&1 &
node_pid=$!; pids+=("$node_pid")
taskset -c "$server_cpu" dotnet "$server_dll" --urls "http://127.0.0.1:$protected_port" --format Protected >/dev/null 2>&1 &
protected_pid=$!; pids+=("$protected_pid")
taskset -c "$server_cpu" dotnet "$server_dll" --urls "http://127.0.0.1:$iron_port" --format IronSession >/dev/null 2>&1 &
iron_pid=$!; pids+=("$iron_pid")

wait_for() {
  for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "server at $1 did not start" >&2; exit 1
}
wait_for "http://127.0.0.1:$dotnet_port/bare"
wait_for "http://127.0.0.1:$node_port/seed"
wait_for "http://127.0.0.1:$protected_port/bare"
wait_for "http://127.0.0.1:$iron_port/bare"

seed_cookie() { curl -si "$1" | tr -d '\r' | sed -nE 's/^[Ss]et-[Cc]ookie: ([^;]+).*/\1/p' | head -1; }
cs_cookie=$(seed_cookie "http://127.0.0.1:$dotnet_port/cs/seed")
aspnet_cookie=$(seed_cookie "http://127.0.0.1:$dotnet_port/aspnet/seed")
connect_cookie=$(seed_cookie "http://127.0.0.1:$node_port/seed")
protected_cookie=$(seed_cookie "http://127.0.0.1:$protected_port/cs/seed")
iron_cookie=$(seed_cookie "http://127.0.0.1:$iron_port/cs/seed")
for c in "$cs_cookie" "$aspnet_cookie" "$connect_cookie" "$protected_cookie" "$iron_cookie"; do [ -n "$c" ] || { echo "seeding a session failed" >&2; exit 1; }; done

# name | url | cookie | server pid. The bare endpoints get the same Cookie header as the session endpoints,
# so that the difference is the middleware's work, not the cost of carrying a cookie. "bare" (the first target)
# is the baseline of the ratios: /plain/ro, branched as /cs/ro is and giving the same answer; "bare, one Map" is the
# shorter path of the first round's tables.
targets=(
  "bare|http://127.0.0.1:$dotnet_port/plain/ro|$cs_cookie|$dotnet_pid"
  "bare, one Map|http://127.0.0.1:$dotnet_port/bare|$cs_cookie|$dotnet_pid"
  "CookieSession ro|http://127.0.0.1:$dotnet_port/cs/ro|$cs_cookie|$dotnet_pid"
  "CookieSession rmw|http://127.0.0.1:$dotnet_port/cs/rmw|$cs_cookie|$dotnet_pid"
  "Protected ro|http://127.0.0.1:$protected_port/cs/ro|$protected_cookie|$protected_pid"
  "Protected rmw|http://127.0.0.1:$protected_port/cs/rmw|$protected_cookie|$protected_pid"
  "iron-session ro|http://127.0.0.1:$iron_port/cs/ro|$iron_cookie|$iron_pid"
  "iron-session rmw|http://127.0.0.1:$iron_port/cs/rmw|$iron_cookie|$iron_pid"
  "AddSession ro|http://127.0.0.1:$dotnet_port/aspnet/ro|$aspnet_cookie|$dotnet_pid"
  "AddSession rmw|http://127.0.0.1:$dotnet_port/aspnet/rmw|$aspnet_cookie|$dotnet_pid"
  "connect@2.11.0 ro|http://127.0.0.1:$node_port/ro|$connect_cookie|$node_pid"
  "connect@2.11.0 rmw|http://127.0.0.1:$node_port/rmw|$connect_cookie|$node_pid"
)

# Check each endpoint answers as it should before measuring it.
check() { curl -s -H "Cookie: $2" "$1"; }
[ "$(check "http://127.0.0.1:$dotnet_port/cs/ro" "$cs_cookie")" = "Ada Lovelace" ] || { echo "CookieSession ro broken" >&2; exit 1; }
[ "$(check "http://127.0.0.1:$dotnet_port/aspnet/ro" "$aspnet_cookie")" = "Ada Lovelace" ] || { echo "AddSession ro broken" >&2; exit 1; }
[ "$(check "http://127.0.0.1:$node_port/ro" "$connect_cookie")" = "Ada Lovelace" ] || { echo "connect ro broken" >&2; exit 1; }
[ "$(check "http://127.0.0.1:$protected_port/cs/ro" "$protected_cookie")" = "Ada Lovelace" ] || { echo "Protected ro broken" >&2; exit 1; }
[ "$(check "http://127.0.0.1:$iron_port/cs/ro" "$iron_cookie")" = "Ada Lovelace" ] || { echo "iron-session ro broken" >&2; exit 1; }
[ "$(check "http://127.0.0.1:$dotnet_port/plain/ro" "$cs_cookie")" = "Ada Lovelace" ] || { echo "bare broken" >&2; exit 1; }

clk_tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_wrk() { # url cookie seconds
  local header=()
  [ -n "$2" ] && header=(-H "Cookie: $2")
  taskset -c 0 wrk -t1 -c"$connections" -d"$3s" "${header[@]}" "$1"
}

declare -A requests seconds ticks
for t in "${targets[@]}"; do IFS='|' read -r name _ _ _ <<<"$t"; requests[$name]=0; seconds[$name]=0; ticks[$name]=0; done

# A first pass over every target, not measured: each server's code is compiled and tiered up before any round.
for t in "${targets[@]}"; do
  IFS='|' read -r name url cookie pid <<<"$t"
  run_wrk "$url" "$cookie" "$warmup" >/dev/null
done

for round in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do
    IFS='|' read -r name url cookie pid <<<"$t"
    run_wrk "$url" "$cookie" "$warmup" >/dev/null
    before=$(cpu_ticks "$pid")
    out=$(run_wrk "$url" "$cookie" "$duration")
    after=$(cpu_ticks "$pid")
    if grep -q "Non-2xx" <<<"$out"; then echo "$name answered errors:" >&2; echo "$out" >&2; exit 1; fi
    n=$(sed -nE 's/^ *([0-9]+) requests in ([0-9.]+)s.*/\1/p' <<<"$out")
    s=$(sed -nE 's/^ *([0-9]+) requests in ([0-9.]+)s.*/\2/p' <<<"$out")
    requests[$name]=$((requests[$name] + n))
    seconds[$name]=$(awk -v a="${seconds[$name]}" -v b="$s" 'BEGIN{print a + b}')
    ticks[$name]=$((ticks[$name] + after - before))
    printf 'round %d  %-20s %8d requests in %ss, %d CPU ticks\n' "$round" "$name" "$n" "$s" "$((after - before))" >&2
  done
done

bare_rps=$(awk -v n="${requests[bare]}" -v s="${seconds[bare]}" 'BEGIN{print n / s}')
bare_cpu=$(awk -v t="${ticks[bare]}" -v n="${requests[bare]}" -v hz="$clk_tck" 'BEGIN{print t * 1e6 / hz / n}')
cpu_model=$(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1)

{
  echo "# Load comparison"
  echo
  echo "$(date -u +%Y-%m-%d), $cpu_model, $cpus cores, $(uname -sr), .NET $(dotnet --version), Node $(node --version)."
  echo "wrk: 1 thread, $connections connections, $rounds rounds of ${duration}s per target (after ${warmup}s of warm-up), targets alternating;"
  echo "servers pinned to CPU $server_cpu, wrk to CPU 0. CPU is the server process's user+system time (/proc) per request."
  echo "Every request carries a session cookie of about 200 bytes of JSON (the bare endpoint too, and ignores it)."
  echo
  echo "| target | requests/s | vs bare | CPU µs/request | vs bare |"
  echo "|---|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    IFS='|' read -r name _ _ _ <<<"$t"
    awk -v name="$name" -v n="${requests[$name]}" -v s="${seconds[$name]}" -v t="${ticks[$name]}" -v hz="$clk_tck" \
        -v brps="$bare_rps" -v bcpu="$bare_cpu" 'BEGIN{
          rps = n / s; cpu = t * 1e6 / hz / n;
          printf "| %s | %.0f | %.2fx | %.1f | %.2fx |\n", name, rps, rps / brps, cpu, cpu / bcpu }'
  done
} | tee bench/results/load.md
