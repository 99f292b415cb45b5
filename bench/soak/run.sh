#!/usr/bin/env bash
# Soak test: drives the demo app in each format in turn with wrk for DURATION seconds (default 180) with a mix of
# valid, tampered, oversize and garbage session cookies, and records the answers other than 2xx/3xx (there must be
# none: the demo answers 200 to every cookie, so a 5xx or a failed connection fails the run), the server's working
# set every SAMPLE seconds, and every 10 s its GC heap after the last collection, the GC's committed memory, the
# methods the JIT compiled and the collections by generation (dotnet-counters).
#
# The working set must be flat once warm. Under load it grows for about a minute for reasons that happen once: tiered
# compilation recompiles the hot methods with what it learned (dynamic PGO) and the GC commits its regions, while the
# managed heap itself stays a few MB. So warm-up is measured, not guessed: it ends when the JIT goes quiet (from then
# on fewer than JIT_QUIET methods, default 50, compiled in every 10 s), and never before WARMUP seconds (default 30).
# The run fails when the last third of the working-set samples after warm-up averages more than GROWTH percent
# (default 5) above the first third, or when less than a third of the run is left after warm-up (run it longer).
# The GC heap and committed memory are reported at the end of warm-up and at the end, to tell a managed leak (the
# heap after collections keeps growing) from native growth. Writes bench/results/soak.md.
#   bench/soak/run.sh   (DURATION, WARMUP, JIT_QUIET, SAMPLE, GROWTH, CONNECTIONS, FORMATS may be set in the environment)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${DURATION:-180}
min_warmup=${WARMUP:-30}
jit_quiet=${JIT_QUIET:-50}
sample=${SAMPLE:-5}
growth_limit=${GROWTH:-5}
connections=${CONNECTIONS:-16}
formats=${FORMATS:-Connect ExpressCookieSession Protected IronSession Rails Flask Django}
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

# The cookies of one format, one "kind<TAB>Cookie header" a line: the demo's own session (every cookie its first answer
# sets, as the browser sends them back), the same with one character in the middle of its value changed, a value of
# the format's cookie name of 6 KB, and garbage with bad escapes and a second cookie of the name.
cookies_for() {
  local valid name value middle tampered
  valid=$(curl -si "http://127.0.0.1:$port/" | tr -d '\r' | sed -nE 's/^[Ss]et-[Cc]ookie: ([^;]+).*/\1/p' \
    | grep -v '^\.AspNetCore\.' | paste -sd';' | sed 's/;/; /g')
  [ -n "$valid" ] || { echo "the demo gave no session cookie" >&2; return 1; }
  name=${valid%%=*}
  value=${valid#*=}; value=${value%%;*}
  middle=$((${#value} / 2))
  case "${value:$middle:1}" in A) swap=B ;; *) swap=A ;; esac
  tampered="$name=${value:0:$middle}$swap${value:$((middle + 1))}${valid#"$name=$value"}"
  printf 'valid\t%s\n' "$valid"
  printf 'tampered\t%s\n' "$tampered"
  printf 'oversize\t%s=%s\n' "$name" "$(head -c 4500 /dev/urandom | base64 -w0 | tr -d '+/=')"
  printf 'garbage\t%s=%s%%ZZ%%E0%%80; other=""; %s=second\n' "$name" "$(head -c 300 /dev/urandom | base64 -w0)" "$name"
}

failed=()
sections="$work/sections.md"
for format in $formats; do
  echo "soak: $format, ${duration} s" >&2
  CookieSession__Secret="a soak-test secret that is thirty-two bytes or more" taskset -c 1 \
    dotnet samples/CookieSession.Demo/bin/Release/net10.0/CookieSession.Demo.dll --urls "http://127.0.0.1:$port" \
    --CookieSession:Format="$format" >/dev/null 2>&1 &
  server=$!; pids+=("$server")
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  if ! cookies_for > "$work/cookies.txt"; then
    failed+=("$format: the demo did not start or set no session cookie")
    kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
    continue
  fi

  rm -f "$work/counters.csv"
  "$work/tools/dotnet-counters" collect --process-id "$server" --counters System.Runtime --format csv \
    --refresh-interval 10 --duration "$(date -u -d @$((duration + 5)) +%H:%M:%S)" --output "$work/counters.csv" >/dev/null 2>&1 &
  counters=$!; pids+=("$counters")
  ( for _ in $(seq 1 $((duration / sample))); do
      echo "$(date +%s),$(awk '/VmRSS/ {print $2}' "/proc/$server/status")"; sleep "$sample"
    done ) > "$work/rss.csv" &
  sampler=$!; pids+=("$sampler")

  SOAK_COOKIES="$work/cookies.txt" taskset -c 0 wrk -t1 -c"$connections" -d"${duration}s" -s bench/soak/cookies.lua \
    "http://127.0.0.1:$port/" > "$work/wrk.txt" || true
  wait "$sampler" || true
  wait "$counters" || true

  # The counters as "epoch,counter,value" rows, only those taken while the working set was sampled: warm-up is judged
  # on the window growth is measured on, not on the seconds in which wrk stops.
  t0=$(head -1 "$work/rss.csv" | cut -d, -f1); t_end=$(tail -1 "$work/rss.csv" | cut -d, -f1)
  tail -n +2 "$work/counters.csv" | cut -d, -f1 | sort -u | while read -r stamp; do echo "$stamp,$(date -d "$stamp" +%s)"; done > "$work/stamps.csv"
  awk -F, -v a="$t0" -v b="$t_end" 'NR == FNR {e[$1] = $2; next} FNR > 1 && e[$1] >= a && e[$1] <= b {print e[$1] "," $3 "," $NF}' \
    "$work/stamps.csv" "$work/counters.csv" > "$work/counters-epoch.csv"
  # Per 10 s: GC heap after the last collection (every generation), GC committed memory, methods the JIT compiled.
  awk -F, '{t[$1] = 1} $2 ~ /^dotnet.gc.last_collection.heap.size/ {h[$1] += $3} $2 ~ /^dotnet.gc.last_collection.memory.committed_size/ {c[$1] = $3}
      $2 ~ /^dotnet.jit.compiled_methods/ {j[$1] = $3} END {for (k in t) printf "%d,%.1f,%.1f,%d\n", k, h[k] / 1048576, c[k] / 1048576, j[k]}' \
    "$work/counters-epoch.csv" | sort -n > "$work/runtime.csv"
  # Warm-up ends after the last 10 s in which the JIT compiled JIT_QUIET methods or more, and not before WARMUP.
  warmup=$(awk -F, -v t0="$t0" -v q="$jit_quiet" -v m="$min_warmup" '$4 >= q {last = $1 - t0} END {print (last > m) ? last : m}' "$work/runtime.csv")
  warm_enough=$(( duration - warmup >= duration / 3 ? 1 : 0 ))

  requests=$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' "$work/wrk.txt")
  non2xx=$(sed -nE 's/^ *Non-2xx or 3xx responses: ([0-9]+)/\1/p' "$work/wrk.txt"); non2xx=${non2xx:-0}
  socket=$(sed -nE 's/^ *Socket errors: (.*)/\1/p' "$work/wrk.txt"); socket=${socket:-none}
  alive=$(kill -0 "$server" 2>/dev/null && echo yes || echo no)
  rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+)/\1/p' "$work/wrk.txt")
  # Growth after warm-up: the last third of the samples taken after WARMUP seconds against the first third, in percent.
  growth=$(awk -F, -v w="$warmup" 'NR==1 {t0=$1} $1 - t0 >= w {v[n++] = $2} END {
      k = int(n / 3); if (k < 2) { print "n/a"; exit }
      for (i = 0; i < k; i++) { a += v[i]; b += v[n - 1 - i] }
      printf "%+.1f", (b - a) * 100 / a }' "$work/rss.csv")
  [ "$warm_enough" -eq 1 ] || growth=n/a
  growing=$(awk -v g="$growth" -v l="$growth_limit" 'BEGIN { print (g == "n/a" || g + 0 > l + 0) ? "yes" : "no" }')
  # The GC heap and committed memory at the end of warm-up and at the end of the run.
  runtime_at() { awk -F, -v t="$1" -v c="$2" '$1 <= t {v = $c} END {print v}' "$work/runtime.csv"; }
  heap_warm=$(runtime_at $((t0 + warmup)) 2); heap_end=$(runtime_at "$t_end" 2)
  committed_warm=$(runtime_at $((t0 + warmup)) 3); committed_end=$(runtime_at "$t_end" 3)
  # dotnet.gc.collections is recorded as an increment per interval: the total is their sum.
  gc() { grep -F "dotnet.gc.collections" "$work/counters.csv" | grep -F "generation=$1]" | awk -F, '{s += $NF} END {print s + 0}'; }

  {
    echo "## $format"
    echo
    echo "Session cookies: $(cut -f2 "$work/cookies.txt" | head -1 | tr ';' '\n' | sed -nE 's/^ *([^=]+)=.*/\1/p' | paste -sd, | sed 's/,/, /g')."
    echo
    echo "| measure | value |"
    echo "|---|---:|"
    echo "| requests | $requests |"
    echo "| requests/s | $rps |"
    echo "| answers other than 2xx/3xx (5xx included) | $non2xx |"
    echo "| socket errors | $socket |"
    echo "| server alive at the end | $alive |"
    echo "| warm-up (until the JIT compiled fewer than $jit_quiet methods in every 10 s) | ${warmup} s |"
    echo "| working set after warm-up, last third against first third | $growth% |"
    echo "| GC heap after the last collection, end of warm-up / end | $heap_warm / $heap_end MB |"
    echo "| GC committed memory, end of warm-up / end | $committed_warm / $committed_end MB |"
    echo "| garbage collections, gen 0 / gen 1 / gen 2 | $(gc gen0) / $(gc gen1) / $(gc gen2) |"
    echo
    echo "Working set (VmRSS, MB) every $sample s:"
    echo
    echo '```'
    awk -F, 'NR==1 {t0=$1} {printf "%4d s  %6.1f MB\n", $1 - t0, $2 / 1024}' "$work/rss.csv"
    echo '```'
    awk -F, -v w="$warmup" 'NR==1 {t0=$1} $1 - t0 >= w && !s {s = $2} {last = $2} {if (max < $2) max = $2} END {if (s > 0) printf "\nAfter warm-up (%d s) the working set was %.1f MB; it ended at %.1f MB (%+.1f%%), its highest %.1f MB.\n", w, s / 1024, last / 1024, (last - s) * 100 / s, max / 1024}' "$work/rss.csv"
    echo
    echo "GC heap after the last collection, GC committed memory and methods the JIT compiled, every 10 s:"
    echo
    echo '```'
    awk -F, -v t0="$t0" '{printf "%4d s  heap %5.1f MB  committed %5.1f MB  JIT %5d methods\n", $1 - t0, $2, $3, $4}' "$work/runtime.csv"
    echo '```'
    echo
  } >> "$sections"

  kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
  if [ "$non2xx" -ne 0 ] || [ "$socket" != none ] || [ "$alive" != yes ] || [ "$growing" = yes ]; then
    failed+=("$format: $non2xx answers other than 2xx/3xx, socket errors: $socket, server alive: $alive, working set $growth% after a warm-up of $warmup s (limit +$growth_limit%; n/a: not warm for the last third of the run)")
  fi
done

{
  echo "# Soak test"
  echo
  echo "$(date -u +%Y-%m-%d), $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), $(nproc) cores, .NET $(dotnet --version)."
  echo "The demo app in each format on CPU 1, wrk on CPU 0: 1 thread, $connections connections, ${duration} s a format. Each"
  echo "request carries, chosen at random, a valid session (50%), the same with one character of its value changed (20%),"
  echo "a value of 6 KB (10%), or garbage with bad escapes and a second cookie of the name (20%). A run fails on any answer"
  echo "other than 2xx/3xx, any socket error, or a working set whose last third of samples after warm-up averages more"
  echo "than ${growth_limit}% above its first third. Warm-up is measured in each run: it ends when the JIT has gone quiet (fewer than"
  echo "$jit_quiet methods compiled in every 10 s from then on, at least ${min_warmup} s), since tiered compilation and the GC's region"
  echo "commits grow the working set once in the first minute of load; the GC heap after collections shows whether"
  echo "anything managed accumulates."
  echo
  cat "$sections"
} | tee bench/results/soak.md

[ ${#failed[@]} -eq 0 ] || { printf 'the soak test failed: %s\n' "${failed[@]}" >&2; exit 1; }
