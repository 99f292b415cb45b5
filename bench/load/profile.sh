#!/usr/bin/env bash
# Where the load server's CPU goes under wrk: perf samples of the server process (pinned to one core, wrk on the
# other) while wrk drives one endpoint, for the bare endpoints (/plain/ro, and /plain/headers with a write's headers)
# and the session endpoints with one session and with many distinct ones (as bench/load/run.sh drives them),
# summarised by module and by function, with what each target allocates by type (the server's allocation ticks,
# bench/Shared/AllocationTicks.cs), into bench/results/load-profile-<format>.md. Needs perf (Debian's linux-perf)
# and wrk; the Node peers of tests/interop for Connect's and Express's sessions.
#   bench/load/profile.sh        (SECONDS_PER_TARGET, CONNECTIONS, FORMAT, SESSIONS may be set in the environment)
set -eu
cd "$(dirname "$0")/../.."
seconds=${SECONDS_PER_TARGET:-10}
connections=${CONNECTIONS:-32}
format=${FORMAT:-Connect}
many=${SESSIONS:-20000}
secret="a benchmark secret that is 32+ bytes long"
port=5090
# Samples a second: the time a request by module is the samples over this and the requests.
rate=999
work=$(mktemp -d)
server=
trap '[ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; rm -rf "$work"' EXIT

# wrk, perf, the Node peers, the load server built, and what the profiling scripts share.
. bench/load/profiling.sh
start_server "$port" "$format"
seed_sessions "$format" many

{
  echo "# Where the CPU goes under load ($format)"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, .NET $(dotnet --version). bench/load/profile.sh: the load server on CPU 1, wrk (1 thread,"
  echo "$connections connections) on CPU 0, ${seconds}s a target after a warm-up that lasts until the server's tiered compilation is at rest; perf samples of the server process at $rate Hz."
  echo "Shares are of the server's samples in that target's run; every request carries a session cookie. The requests/s"
  echo "here are under perf's sampling with call graphs, for reading the shares only; bench/results/load.md has the comparison."
} >"$work/report.md"

for run in plain/ro:one plain/headers:one cs/ro:one cs/rmw:one cs/ro:many cs/rmw:many; do
  target=${run%:*}; sessions=${run#*:}
  settle "$target" "$sessions"
  data="$work/$(tr / - <<<"$target")-$sessions.data"
  perf record -q -F "$rate" -g -p "$server" -o "$data" -- sleep "$seconds" >/dev/null 2>&1 &
  recorder=$!
  allocated_before=$(curl -sf "$base/gc/counts" | cut -d' ' -f1)
  curl -sf "$base/gc/ticks/start" >/dev/null
  out=$(drive "$target" "$sessions" "$seconds")
  curl -sf "$base/gc/ticks/stop" >"$work/ticks"
  allocated_after=$(curl -sf "$base/gc/counts" | cut -d' ' -f1)
  wait $recorder
  rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p' <<<"$out")
  requests=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' <<<"$out")
  {
    echo
    echo "## /$target, $([ "$sessions" = one ] && echo "one session" || echo "$many sessions"): $rps requests/s"
    echo
    lib=$(perf report -i "$data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -E '\[CookieSession\]' \
      | awk '{ sum += $1 } END { printf "%.1f", sum }')
    echo "Samples in this library's own code (symbols of the CookieSession assembly, self): ${lib}%."
    echo
    echo "By module: its share of the samples, and its time a request (samples at $rate Hz over the requests wrk counted, so"
    echo "that targets compare: a share hides a module that takes longer in one target than in another):"
    echo
    echo '```'
    perf report -i "$data" --no-children --sort dso --stdio -g none -n 2>/dev/null | grep '%' | head -8 \
      | awk -v n="$requests" -v hz="$rate" '{ printf "  %7s  %6.2f µs a request  %s\n", $1, $2 * 1e6 / hz / n, $3 }'
    echo '```'
    echo
    echo "Allocated: $(( (allocated_after - allocated_before) / requests )) bytes a request (the server's own counter, the"
    echo "requests wrk counted). By type, from the runtime's allocation ticks (one about every 100 KB, naming the type that"
    echo "crossed the mark), each type's share of the ticks in bytes a request; the ticks' own reads (a few requests) included:"
    echo
    echo "| type | bytes a request | ticks |"
    echo "|---|---:|---:|"
    awk -F'\t' -v total=$(( (allocated_after - allocated_before) / requests )) '{ n[NR] = $1; t[NR] = $2; all += $1 }
      END { for (i = 1; i <= NR && i <= 12; i++) printf "| `%s` | %.0f | %d |\n", t[i], total * n[i] / all, n[i] }' "$work/ticks"
    echo
    echo "Functions (self), top 25:"
    echo
    echo '```'
    perf report -i "$data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -25 \
      | sed -E 's/\[(OptimizedTier1|Optimized|OptimizedTier1OSR|QuickJitted|InstrumentedTier)\]//; s/ +$//' | cut -c1-160
    echo '```'
  } >>"$work/report.md"
done

cp "$work/report.md" "bench/results/load-profile-$(tr '[:upper:]' '[:lower:]' <<<"$format").md"
echo "Results: bench/results/load-profile-$(tr '[:upper:]' '[:lower:]' <<<"$format").md"
