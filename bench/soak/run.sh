#!/usr/bin/env bash
# Soak test: drives the demo app with wrk for DURATION seconds (default 600) with a mix of valid, tampered,
# oversize and garbage session cookies, and records the answers other than 200 (there must be none: the demo answers
# 200 to every cookie, so a 5xx or a failed connection fails the run), the server's working set every
# 10 s (it must stay flat once warm) and its garbage collections by generation (dotnet-counters). Writes
# bench/results/soak.md.   bench/soak/run.sh   (DURATION, CONNECTIONS may be set in the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${DURATION:-600}
connections=${CONNECTIONS:-16}
port=5090
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
dotnet tool install --tool-path "$work/tools" dotnet-counters --version 10.0.750501 >/dev/null
dotnet build -c Release samples/CookieSession.Demo -v quiet -nologo >/dev/null

CookieSession__Secret="a soak-test secret that is thirty-two bytes or more" taskset -c 1 \
  dotnet samples/CookieSession.Demo/bin/Release/net10.0/CookieSession.Demo.dll --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done

# The cookies: a valid session (the demo's own), the same with a byte flipped, one of 6 KB, and garbage.
valid=$(curl -si "http://127.0.0.1:$port/" | tr -d '\r' | sed -nE 's/^[Ss]et-[Cc]ookie: (connect\.sess=[^;]+).*/\1/p' | head -1)
[ -n "$valid" ] || { echo "the demo gave no session cookie" >&2; exit 1; }
# The signature's last character changed (A to B, anything else to A): never the valid cookie again.
case "$valid" in *A) tampered="${valid%A}B" ;; *) tampered="${valid%?}A" ;; esac
oversize="connect.sess=s%3Aj%3A%7B%22x%22%3A%22$(head -c 4500 /dev/urandom | base64 -w0 | tr -d '+/=')%22%7D.AAAA"
garbage="connect.sess=$(head -c 300 /dev/urandom | base64 -w0)%ZZ%E0%80; other=\"\"; connect.sess=second"
printf 'valid\t%s\ntampered\t%s\noversize\t%s\ngarbage\t%s\n' "$valid" "$tampered" "$oversize" "$garbage" > "$work/cookies.txt"

"$work/tools/dotnet-counters" collect --process-id "$server" --counters System.Runtime --format csv \
  --refresh-interval 10 --duration "$(date -u -d @$((duration + 5)) +%H:%M:%S)" --output "$work/counters.csv" >/dev/null 2>&1 &
counters=$!; pids+=("$counters")
( for _ in $(seq 1 $((duration / 10))); do
    echo "$(date +%s),$(awk '/VmRSS/ {print $2}' "/proc/$server/status")"; sleep 10
  done ) > "$work/rss.csv" &
sampler=$!; pids+=("$sampler")

SOAK_COOKIES="$work/cookies.txt" taskset -c 0 wrk -t1 -c"$connections" -d"${duration}s" -s bench/soak/cookies.lua \
  "http://127.0.0.1:$port/" > "$work/wrk.txt"
wait "$sampler" || true
wait "$counters" || true

requests=$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' "$work/wrk.txt")
non2xx=$(sed -nE 's/^ *Non-2xx or 3xx responses: ([0-9]+)/\1/p' "$work/wrk.txt"); non2xx=${non2xx:-0}
socket=$(sed -nE 's/^ *Socket errors: (.*)/\1/p' "$work/wrk.txt"); socket=${socket:-none}
alive=$(kill -0 "$server" 2>/dev/null && echo yes || echo no)
rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+)/\1/p' "$work/wrk.txt")
# dotnet.gc.collections is recorded as an increment per interval: the total is their sum.
gc() { grep -F "dotnet.gc.collections" "$work/counters.csv" | grep -F "generation=$1]" | awk -F, '{s += $NF} END {print s + 0}'; }

{
  echo "# Soak test"
  echo
  echo "$(date -u +%Y-%m-%d), $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), $(nproc) cores, .NET $(dotnet --version)."
  echo "The demo app (Connect format) on CPU 1, wrk on CPU 0: 1 thread, $connections connections, ${duration} s. Each request"
  echo "carries, chosen at random, a valid session (50%), the same with its signature altered (20%), a signed-looking"
  echo "value of 6 KB (10%), or garbage with bad escapes and a second cookie of the name (20%)."
  echo
  echo "| measure | value |"
  echo "|---|---:|"
  echo "| requests | $requests |"
  echo "| requests/s | $rps |"
  echo "| answers other than 2xx/3xx (5xx included) | $non2xx |"
  echo "| socket errors | $socket |"
  echo "| server alive at the end | $alive |"
  echo "| garbage collections, gen 0 / gen 1 / gen 2 | $(gc gen0) / $(gc gen1) / $(gc gen2) |"
  echo
  echo "Working set (VmRSS, MB) every 10 s:"
  echo
  echo '```'
  awk -F, 'NR==1 {t0=$1} {printf "%4d s  %6.1f MB\n", $1 - t0, $2 / 1024}' "$work/rss.csv"
  echo '```'
  awk -F, 'NR>1 && NR<=7 {warm += $2; n++} {last = $2} {if (max < $2) max = $2} END {if (n > 0) printf "\nAfter warm-up (10-60 s) the working set averaged %.1f MB; it ended at %.1f MB (%+.1f%%), its highest %.1f MB.\n", warm / n / 1024, last / 1024, (last - warm / n) * 100 / (warm / n), max / 1024}' "$work/rss.csv"
  echo
  echo "Garbage collections by generation in each 10 s interval (dotnet-counters, dotnet.gc.collections):"
  echo
  echo '```'
  grep -F "dotnet.gc.collections" "$work/counters.csv" | awk -F, '{split($3, g, "generation="); gen = substr(g[2], 1, 4); t[$1] = t[$1] " " gen "=" $NF} END {for (k in t) print k t[k]}' | sort | head -80
  echo '```'
} | tee bench/results/soak.md

[ "$non2xx" -eq 0 ] && [ "$socket" = none ] && [ "$alive" = yes ] \
  || { echo "the soak test failed: $non2xx answers other than 2xx/3xx, socket errors: $socket, server alive: $alive" >&2; exit 1; }
