#!/usr/bin/env bash
# Load comparison on loopback, in one run. For each format (Connect, Express's cookie-session, Protected,
# iron-session, and every other CookieSessionFormat the library has) a .NET load server answers: /plain/ro, a bare
# endpoint; /plain/headers, a bare endpoint sending the very headers a write sends, as constants (the limit a write
# can reach); /plain/headers-hmac (once), the same and one HMAC-SHA256, the least a signed write does; /cs/ro, a
# read; /cs/rmw, a read-modify-write. The session endpoints are driven with one session sent over and over and with
# 20,000 distinct ones picked at random (about 200 bytes of JSON each; Connect's and Express's signed by the real Node
# packages, the others seeded by the server), the bare and headers endpoints with both (the many sessions' rows are
# also set against them, in a second table, so that what Kestrel pays for distinct Cookie headers is left out), and
# /browser/rmw by browsers that keep what they are sent (BROWSERS of them, twice the connections unless set, each with
# its own session and one request at a time, every format with one cookie: bench/load/browsers.lua) against
# /browser/headers, the same headers endpoint driven so. OTHERS=1 adds ASP.NET Core's AddSession() and connect@2.11.0
# (Node) as the earlier load runs had them. CONTROLS=1 adds, on the first format's server, the headers endpoint with
# known work added, garbage or arithmetic on registers alone, each against the same endpoint asked for none and also
# timed in a loop (bench/CookieSession.LoadServer/LoadControls.cs).
# Each target is measured against a reference on its own server (its format's bare or headers endpoint) in short runs
# that alternate with the reference's, reference first and last (R T R T ... R), target after target, after a warm-up
# pass over every target. The warm-up drives a target until its server's tiered compilation has settled: QUIET runs of
# 1 s in a row during which the server compiled no method, its tiered compilation did not pause and its background
# compiler did not run (the server's /gc/jit, from the runtime's own events). A server pinned to one core tiers its code
# up over tens of seconds, and a run during that measures code not yet at its final tier. This machine's speed moves
# by up to twice from one second to the next, so a target is only
# ever compared with runs of its reference a second away, and the run reports how far a reference run strays from the
# two around it, which is what the machine alone does to a ratio. Reports requests/second, p99 latency, the
# server process's CPU time per request (/proc) and its allocation, collections per request and GC pause share (the server's own
# counters), with ratios against the references, and adds a section to bench/results/load.md (or the file RESULTS
# names, for a run of some formats that the charts, drawn from load.md's newest sections, should not take for the whole),
# above the earlier ones.
#   bench/load/run.sh        (PAIRS, DURATION, WARMUP, QUIET, CONNECTIONS, SESSIONS, BROWSERS, FORMATS, OTHERS, CONTROLS, RESULTS may be
#                            set: PAIRS runs of DURATION seconds a target; in the warm-up pass, a first run of WARMUP seconds
#                            a target, then runs of 1 s until QUIET in a row were settled, 60 at most; a run of every format
#                            takes about 30 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

pairs=${PAIRS:-8}
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || { echo "PAIRS must be a whole number of runs, 1 or more" >&2; exit 1; }
[ -z "${ROUNDS:-}" ] || { echo "ROUNDS is no longer read: each target has PAIRS runs between runs of its reference" >&2; exit 1; }
duration=${DURATION:-1}
warmup=${WARMUP:-2}
[[ "$warmup" =~ ^[1-9][0-9]*$ ]] || { echo "WARMUP must be a whole number of seconds, 1 or more" >&2; exit 1; }
quiet=${QUIET:-3}
[[ "$quiet" =~ ^[1-9][0-9]*$ ]] || { echo "QUIET must be a whole number of runs, 1 or more" >&2; exit 1; }
connections=${CONNECTIONS:-32}
many=${SESSIONS:-20000}
browsers=${BROWSERS:-$((2 * connections))}
[ "$browsers" -gt "$connections" ] || { echo "BROWSERS must exceed CONNECTIONS: a browser has one request in flight" >&2; exit 1; }
others=${OTHERS:-0}
controls=${CONTROLS:-0}
secret="a benchmark secret that is 32+ bytes long"
# Every format the library has, by its CookieSessionFormat name, unless FORMATS lists some.
formats=${FORMATS:-$(sed -nE 's/^    ([A-Z][A-Za-z]+) = [0-9]+,$/\1/p' src/CookieSession/CookieSessionFormat.cs | tr '\n' ' ')}
work=$(mktemp -d)

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
if [ ! -f tests/interop/node_modules/.package-lock.json ]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

# The code measured is what is built now: results written during the run (bench/results) are not a change of it.
commit=$(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- src bench ':!bench/results')" ] || echo "+changes")
dotnet build -c Release bench/CookieSession.LoadServer -v quiet -nologo >/dev/null
server_dll=bench/CookieSession.LoadServer/bin/Release/net10.0/CookieSession.LoadServer.dll

# Servers share one core, wrk has the other: the two do not steal each other's CPU.
cpus=$(nproc)
server_cpu=$((cpus > 1 ? 1 : 0))
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { # url: until it answers 200 with a body
  for _ in $(seq 1 150); do [ -n "$(curl -sf "$1" 2>/dev/null)" ] && return 0; sleep 0.2; done
  echo "server at $1 did not start" >&2; exit 1
}
# The Cookie header of each response of a curl run (one line each): a format may set several cookies.
cookies_of() { tr -d '\r' | awk '/HTTP\/[0-9.]+ [0-9][0-9][0-9] / { if (n++) print c; c = "" } tolower($0) ~ /^set-cookie: / {
  sub(/^[^:]*: /, ""); sub(/;.*/, ""); c = c (c == "" ? "" : "; ") $0 } END { if (n) print c }'; }

declare -A port_of pid_of label_of
label_of=([Connect]=Connect [ExpressCookieSession]=Express [Protected]=Protected [IronSession]=iron-session)
port=5080
for f in $formats; do
  port_of[$f]=$port
  taskset -c "$server_cpu" dotnet "$server_dll" --urls "http://127.0.0.1:$port" --format "$f" >/dev/null 2>&1 &
  pid_of[$f]=$!; pids+=("$!")
  port=$((port + 1))
done
if [ "$others" = 1 ]; then
  taskset -c "$server_cpu" node bench/load/connect-server.js "$port" >/dev/null 2>&1 &
  node_pid=$!; node_port=$port; pids+=("$node_pid")
  wait_for "http://127.0.0.1:$node_port/seed"
fi

targets=()
for f in $formats; do
  base="http://127.0.0.1:${port_of[$f]}"
  wait_for "$base/plain/headers"
  label=${label_of[$f]:-$f}
  curl -si "$base/cs/seed" | cookies_of >"$work/$f.one"
  case "$f" in
    Connect) node bench/load/sessions.js connect "$many" "$secret" >"$work/$f.many" ;;
    ExpressCookieSession) node bench/load/sessions.js express "$many" "$secret" >"$work/$f.many" ;;
    *) seq 0 $((many - 1)) | sed "s|.*|url = \"$base/cs/seed?user=&\"|" >"$work/$f.curl"
       curl -si -K "$work/$f.curl" | cookies_of >"$work/$f.many" ;;
  esac
  [ "$(wc -l <"$work/$f.many")" -eq "$many" ] && [ -s "$work/$f.one" ] || { echo "seeding $f sessions failed" >&2; exit 1; }
  # Each endpoint answers as it should before it is measured: the first and last of the many sessions too.
  for c in "$(cat "$work/$f.one")" "$(head -1 "$work/$f.many")" "$(tail -1 "$work/$f.many")"; do
    [ "$(curl -s -H "Cookie: $c" "$base/cs/ro")" = "Ada Lovelace" ] || { echo "$label ro broken" >&2; exit 1; }
  done
  # name | reference | url | sessions file | server pid [| wrk script [| 0: the browsers keep no Set-Cookie]]. Every
  # reference is on the format's own server: servers are processes of their own, and one endpoint serves more in one
  # process than in another of the same run.
  first_target=$([ ${#targets[@]} -eq 0 ] && echo 1 || echo 0)
  targets+=("$label bare||$base/plain/ro|$work/$f.one|${pid_of[$f]}")
  # Both references sent the many distinct Cookie headers: what the server pays for them without any session. Kestrel
  # reuses a header's string when a connection sends the same bytes again (KestrelServerOptions.DisableStringReuse, off
  # by default), so one cookie sent over and over costs it less than many, and each format's cookies have a length of
  # their own.
  targets+=("$label bare, $many sessions|$label bare|$base/plain/ro|$work/$f.many|${pid_of[$f]}")
  targets+=("$label headers||$base/plain/headers|$work/$f.one|${pid_of[$f]}")
  targets+=("$label headers, $many sessions|$label headers|$base/plain/headers|$work/$f.many|${pid_of[$f]}")
  # Once: the same headers plus one HMAC-SHA256, the nearest any signed write can come to its headers endpoint.
  [ "$first_target" = 1 ] && targets+=("$label headers + one HMAC|$label headers|$base/plain/headers-hmac|$work/$f.one|${pid_of[$f]}")
  # CONTROLS=1, once: the same headers plus work of a known kind (LoadControls in the load server), 1 and 8 KB of
  # garbage and 1000 and 4000 steps of arithmetic, each against the same endpoint asked for none, which parses the same
  # query; the work also timed in a loop on the server (/control/*, printed under the table).
  if [ "$first_target" = 1 ] && [ "$controls" = 1 ]; then
    targets+=("$label headers, no garbage||$base/plain/headers-garbage?kb=0|$work/$f.one|${pid_of[$f]}")
    for kb in 1 8; do
      targets+=("$label headers + $kb KB of garbage|$label headers, no garbage|$base/plain/headers-garbage?kb=$kb|$work/$f.one|${pid_of[$f]}")
    done
    targets+=("$label headers, no arithmetic||$base/plain/headers-spin?steps=0|$work/$f.one|${pid_of[$f]}")
    for steps in 1000 4000; do
      targets+=("$label headers + $steps steps of arithmetic|$label headers, no arithmetic|$base/plain/headers-spin?steps=$steps|$work/$f.one|${pid_of[$f]}")
    done
  fi
  targets+=("$label ro|$label bare|$base/cs/ro|$work/$f.one|${pid_of[$f]}")
  targets+=("$label rmw|$label headers|$base/cs/rmw|$work/$f.one|${pid_of[$f]}")
  targets+=("$label ro, $many sessions|$label bare|$base/cs/ro|$work/$f.many|${pid_of[$f]}")
  targets+=("$label rmw, $many sessions|$label headers|$base/cs/rmw|$work/$f.many|${pid_of[$f]}")
  # Browsers that keep what they are sent, each with one of the distinct sessions; wrk keeps one Set-Cookie an answer,
  # so not a format that sets two.
  if [ "$f" != ExpressCookieSession ]; then
    head -"$browsers" "$work/$f.many" >"$work/$f.browsers"
    # The reference answers everyone one constant cookie, which browsers that kept it would all send alike.
    targets+=("$label headers, $browsers browsers||$base/browser/headers|$work/$f.browsers|${pid_of[$f]}|browsers.lua|0")
    targets+=("$label rmw, $browsers browsers|$label headers, $browsers browsers|$base/browser/rmw|$work/$f.browsers|${pid_of[$f]}|browsers.lua")
  fi
done
if [ "$others" = 1 ]; then
  first=$(set -- $formats; echo "$1"); base="http://127.0.0.1:${port_of[$first]}"; bare="${label_of[$first]:-$first} bare"
  curl -si "$base/aspnet/seed" | cookies_of >"$work/aspnet.one"
  curl -si "http://127.0.0.1:$node_port/seed" | cookies_of >"$work/node.one"
  targets+=("AddSession ro|$bare|$base/aspnet/ro|$work/aspnet.one|${pid_of[$first]}")
  targets+=("AddSession rmw|$bare|$base/aspnet/rmw|$work/aspnet.one|${pid_of[$first]}")
  targets+=("connect@2.11.0 ro|$bare|http://127.0.0.1:$node_port/ro|$work/node.one|$node_pid")
  targets+=("connect@2.11.0 rmw|$bare|http://127.0.0.1:$node_port/rmw|$work/node.one|$node_pid")
fi

clk_tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The tiered compilation of a target's .NET server so far: "compiled pauses background paused" (LoadServer's Tiering),
# or "-" for a server that has no such endpoint (Node's).
tiering_of() { curl -sf "$(sed -E 's|^(http://[^/]+)/.*|\1|' <<<"$1")/gc/jit" || echo "-"; }
# Whether a server's tiered compilation was at rest between two of its readings: nothing compiled, no pause, no run of
# the background compiler, and not paused now.
at_rest() { # before after
  [ "$1" = - ] || [ "$2" = - ] && return 0
  local c0 p0 b0 c1 p1 b1 paused
  read -r c0 p0 b0 _ <<<"$1"; read -r c1 p1 b1 paused <<<"$2"
  [ "$c1" -eq "$c0" ] && [ "$p1" -eq "$p0" ] && [ "$b1" -eq "$b0" ] && [ "$paused" -eq 0 ]
}
# Methods compiled between two readings (0 for Node).
compiled_between() { # before after
  if [ "$1" = - ] || [ "$2" = - ]; then echo 0; else echo $(( ${2%% *} - ${1%% *} )); fi
}
gc_counts() { # url of a target: its server's allocated bytes and collections so far ("0 0 0 0 0" for Node)
  curl -sf "$(sed -E 's|^(http://[^/]+)/.*|\1|' <<<"$1")/gc/counts" || echo "0 0 0 0 0"; }
run_wrk() { # url sessions-file seconds [script [keep]]
  SESSIONS="$2" KEEP_SET_COOKIE="${5:-1}" taskset -c 0 wrk -t1 -c"$connections" -d"$3s" --latency -s "bench/load/${4:-sessions.lua}" "$1"
}
to_us() { awk '{ v = $1; if (v ~ /us$/) print v + 0; else if (v ~ /ms$/) print (v + 0) * 1000; else print (v + 0) * 1e6 }'; }

declare -A requests seconds ticks bytes gen0 gen1 gen2 pause p99s ratios ref_requests ref_ticks spec compiled busy_runs
# Each inner reference run against the mean of the two reference runs around it: ratios of runs of one endpoint, which
# differ by what the machine does alone.
null_ratios=""
for t in "${targets[@]}"; do
  IFS='|' read -r name _ url file pid script keep <<<"$t"
  spec[$name]="$url|$file|$pid|$script|$keep"
  requests[$name]=0; seconds[$name]=0; ticks[$name]=0; bytes[$name]=0; gen0[$name]=0; gen1[$name]=0; gen2[$name]=0
  pause[$name]=0; p99s[$name]=""; ratios[$name]=""; ref_requests[$name]=0; ref_ticks[$name]=0; compiled[$name]=0
  busy_runs[$name]=0
done

# A first pass over every target, not measured: each server's code is compiled and tiered up before anything is. The
# runtime holds every tier-up back while methods are still being called for the first time (ten times longer in a
# process that sees one core: 1 s after the latest such call) and then compiles the queued ones in bursts, so a target
# is driven until QUIET runs of 1 s in a row leave its server's tiered compilation at rest. The readings themselves
# are endpoints with code of their own: each .NET server's are driven first, so that their tier-ups are behind them.
for f in $formats; do
  for probe in jit counts; do taskset -c 0 wrk -t1 -c1 -d1s "http://127.0.0.1:${port_of[$f]}/gc/$probe" >/dev/null; done
done
warmup_started=$SECONDS
unsettled=""
for t in "${targets[@]}"; do
  IFS='|' read -r name _ url file pid script keep <<<"$t"
  run_wrk "$url" "$file" "$warmup" "$script" "$keep" >/dev/null
  runs=0; calm=0; state=$(tiering_of "$url")
  while [ "$calm" -lt "$quiet" ] && [ "$runs" -lt 60 ]; do
    run_wrk "$url" "$file" 1 "$script" "$keep" >/dev/null
    now=$(tiering_of "$url")
    if at_rest "$state" "$now"; then calm=$((calm + 1)); else calm=0; fi
    state=$now; runs=$((runs + 1))
  done
  if [ "$calm" -lt "$quiet" ]; then
    unsettled="$unsettled${unsettled:+, }$name"
    printf '%-36s not settled after %ss\n' "$name" "$((warmup + runs))" >&2
  else
    printf '%-36s settled after %ss\n' "$name" "$((warmup + runs))" >&2
  fi
done
warmup_seconds=$((SECONDS - warmup_started))

# One measured run of a target, added to its totals; its rate, requests and CPU ticks are left in last_rate, last_n and
# last_ticks.
measure() { # name
  local url file pid script keep out b0 g00 g10 g20 pause0 b1 g01 g11 g21 pause1 before after n s p99 jit0 jit1
  IFS='|' read -r url file pid script keep <<<"${spec[$1]}"
  read -r b0 g00 g10 g20 pause0 <<<"$(gc_counts "$url")"
  jit0=$(tiering_of "$url")
  before=$(cpu_ticks "$pid")
  out=$(run_wrk "$url" "$file" "$duration" "$script" "$keep")
  after=$(cpu_ticks "$pid")
  jit1=$(tiering_of "$url")
  read -r b1 g01 g11 g21 pause1 <<<"$(gc_counts "$url")"
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "$1 answered errors:" >&2; echo "$out" >&2; exit 1; fi
  n=$(sed -nE 's/^ *([0-9]+) requests in ([0-9.]+)s.*/\1/p' <<<"$out")
  s=$(sed -nE 's/^ *([0-9]+) requests in ([0-9.]+)s.*/\2/p' <<<"$out")
  p99=$(sed -nE 's/^ *99% +([0-9.]+[a-z]+).*/\1/p' <<<"$out" | to_us)
  requests[$1]=$((requests[$1] + n))
  seconds[$1]=$(awk -v a="${seconds[$1]}" -v b="$s" 'BEGIN{print a + b}')
  ticks[$1]=$((ticks[$1] + after - before))
  bytes[$1]=$((bytes[$1] + b1 - b0)); gen0[$1]=$((gen0[$1] + g01 - g00))
  gen1[$1]=$((gen1[$1] + g11 - g10)); gen2[$1]=$((gen2[$1] + g21 - g20)); pause[$1]=$((pause[$1] + pause1 - pause0))
  p99s[$1]="${p99s[$1]} $p99"
  compiled[$1]=$((compiled[$1] + $(compiled_between "$jit0" "$jit1")))
  at_rest "$jit0" "$jit1" || busy_runs[$1]=$((busy_runs[$1] + 1))
  last_rate=$(awk -v n="$n" -v s="$s" 'BEGIN{print n / s}'); last_n=$n; last_ticks=$((after - before))
  printf '%-36s %7d requests in %ss, %3d CPU ticks, p99 %sµs\n' "$1" "$n" "$s" "$((after - before))" "$p99" >&2
}

# Each target between runs of its reference: each of its runs against the mean of the two around it, so that the
# machine's speed, which drifts over seconds, is nearly the same on both sides of every ratio. The reference's CPU per
# request for the target's row is over the runs around the target's. An unmeasured run of the reference first, so that
# what the previous target left (garbage not yet collected, a cache) weighs on no measured run.
for t in "${targets[@]}"; do
  IFS='|' read -r name ref url file pid script keep <<<"$t"
  [ -n "$ref" ] || continue
  IFS='|' read -r ref_url ref_file _ ref_script ref_keep <<<"${spec[$ref]}"
  run_wrk "$ref_url" "$ref_file" "$duration" "$ref_script" "$ref_keep" >/dev/null
  measure "$ref"
  ref_rates=("$last_rate"); ref_requests[$name]=$last_n; ref_ticks[$name]=$last_ticks
  for _ in $(seq 1 "$pairs"); do
    measure "$name"
    rate=$last_rate
    measure "$ref"
    ratios[$name]="${ratios[$name]} $(awk -v t="$rate" -v a="${ref_rates[-1]}" -v b="$last_rate" 'BEGIN{print 2 * t / (a + b)}')"
    ref_rates+=("$last_rate"); ref_requests[$name]=$((ref_requests[$name] + last_n)); ref_ticks[$name]=$((ref_ticks[$name] + last_ticks))
  done
  for ((i = 1; i < ${#ref_rates[@]} - 1; i++)); do
    null_ratios="$null_ratios $(awk -v r="${ref_rates[i]}" -v a="${ref_rates[i - 1]}" -v b="${ref_rates[i + 1]}" 'BEGIN{print 2 * r / (a + b)}')"
  done
done

rps_of() { awk -v n="${requests[$1]}" -v s="${seconds[$1]}" 'BEGIN{print n / s}'; }
cpu_of() { awk -v t="${ticks[$1]}" -v n="${requests[$1]}" -v hz="$clk_tck" 'BEGIN{print t * 1e6 / hz / n}'; }
ref_cpu_of() { awk -v t="${ref_ticks[$1]}" -v n="${ref_requests[$1]}" -v hz="$clk_tck" 'BEGIN{print t * 1e6 / hz / n}'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The range of single runs' ratios once the lowest and the highest are dropped, from five runs on: how far apart the
# runs fell, not a bound on their median.
spread() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR >= 5) printf "%.2f-%.2f", v[2], v[NR - 1] }'; }
null_summary() {
  if [ -z "$null_ratios" ]; then echo "none here (a target needs 2 runs for one)"; return; fi
  printf 'over %d runs: median %.2f, spread %s, lowest to highest %s' "$(wc -w <<<"$null_ratios")" "$(median <<<"$null_ratios")" \
    "$(spread <<<"$null_ratios")" "$(tr ' ' '\n' <<<"$null_ratios" | grep . | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }')"
}
cpu_model=$(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1)
first=$(set -- $formats; echo "$1")
gc_settings=$(curl -s "http://127.0.0.1:${port_of[$first]}/gc/settings")

{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M') UTC, commit $commit"
  echo
  echo "$cpu_model, $cpus cores, $(uname -sr), .NET $(dotnet --version), Node $(node --version)."
  echo "wrk: 1 thread, $connections connections; each target in $pairs runs of ${duration}s, each between two runs of its reference"
  echo "(R T R ... T R), target after target, after a warm-up pass over every target (${warmup_seconds}s in all: a first run of ${warmup}s, then"
  echo "runs of 1s until $quiet in a row left the server's tiered compilation at rest: no method compiled, no pause, no run"
  echo "of its background compiler; not settled in 60 runs: ${unsettled:-none}); servers pinned to CPU $server_cpu, wrk"
  echo "to CPU 0 (bench/load/sessions.lua: every target the same script but the browsers', bench/load/browsers.lua)."
  echo "Servers' GC: $gc_settings (the defaults of an ASP.NET Core app; the process sees the one core it is pinned to)."
  echo "Rates are over all of a target's runs (a reference's over every run it had); the requests/s \"vs ref\" is the median over"
  echo "the target's runs of its rate against the mean of the two reference runs around it, and \"spread\" the range of those"
  echo "single-run ratios once the lowest and the highest are dropped (from 5 runs on; a range of runs, not a bound on the"
  echo "median). What the machine alone does to such a ratio: each inner reference run against the two around it, $(null_summary)."
  echo "p99 is the median of the runs' p99s; CPU is the server process's user+system time (/proc) per request, its \"vs ref\""
  echo "against the reference's runs around the target's; allocation, gen0/gen1/gen2 collections per request and the share of"
  echo "the time the GC paused the server are its own counters, read around each measured run (a reference's include"
  echo "collections of what the target runs before them left)."
  echo "\"vs ref\" is against the target's reference, on the same server: reads against their format's bare endpoint (/plain/ro, the same"
  echo "branching and answer without the session), writes against their format's headers endpoint (/plain/headers, the"
  echo "write's Set-Cookie, Cache-Control, Pragma and Vary as constants; \"headers + one HMAC\" adds one HMAC-SHA256 of the"
  echo "session's JSON with a reused key, the least a signed write does). One session: the same cookie every request;"
  echo "$many sessions: a cookie picked at random among that many distinct ones (more than the verified-value cache holds);"
  echo "the bare and headers endpoints driven so too, against themselves with one cookie."
  echo "$browsers browsers: each with a session of its own and at most one request in flight, the cookie each answer sets sent"
  echo "by its next request, as a browser does (every write read once), against the same headers endpoint driven the same"
  echo "way (whose constant cookie the browsers do not keep)."
  if [ "$others" = 1 ]; then
    echo "Every AddSession and connect@2.11.0 row, writes included, is against the first format's bare endpoint: AddSession"
    echo "runs on that server, connect@2.11.0 (Node) in a process of its own."
  fi
  echo
  echo "| target | requests/s | vs ref | spread | p99 µs | CPU µs/request | vs ref | bytes/request | GCs per 1k requests (0/1/2) | GC pause |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${targets[@]}"; do
    IFS='|' read -r name ref _ _ _ _ _ <<<"$t"
    ratio=; spread=; rcpu=
    if [ -n "$ref" ]; then ratio=$(median <<<"${ratios[$name]}"); spread=$(spread <<<"${ratios[$name]}"); rcpu=$(ref_cpu_of "$name"); fi
    awk -v name="$name" -v rps="$(rps_of "$name")" -v ratio="$ratio" -v spread="$spread" -v cpu="$(cpu_of "$name")" -v rcpu="$rcpu" \
        -v p99="$(median <<<"${p99s[$name]}")" -v n="${requests[$name]}" -v b="${bytes[$name]}" \
        -v g0="${gen0[$name]}" -v g1="${gen1[$name]}" -v g2="${gen2[$name]}" -v ms="${pause[$name]}" -v s="${seconds[$name]}" -v noref="$([ -z "$ref" ] && echo 1 || echo 0)" 'BEGIN{
          vs = noref ? "" : sprintf("%.2fx", ratio); cvs = noref ? "" : sprintf("%.2fx", cpu / rcpu);
          alloc = b > 0 ? sprintf("%.0f", b / n) : "";
          gcs = b > 0 ? sprintf("%.2f / %.3f / %.3f", g0 * 1000 / n, g1 * 1000 / n, g2 * 1000 / n) : "";
          paused = b > 0 ? sprintf("%.2f%%", ms / 10 / s) : "";
          printf "| %s | %.0f | %s | %s | %.0f | %.1f | %s | %s | %s | %s |\n", name, rps, vs, spread, p99, cpu, cvs, alloc, gcs, paused }'
  done
  # The many sessions' rows against the reference sent the same cookies: the target's median against its reference
  # over the reference's own median against it with the many cookies, so that what Kestrel pays for the distinct
  # Cookie headers, which no session code can spare, is left out of the ratio.
  echo
  echo "With $many sessions, against the reference sent the same cookies: each row's \"vs ref\" above over its reference's"
  echo "own with the $many cookies (\"bare, $many sessions\" for reads, \"headers, $many sessions\" for writes): requests/s"
  echo "a quotient of two medians of runs, not a median of paired runs; CPU a quotient of two ratios of totals."
  echo
  echo "| target | requests/s vs ref, same cookies | CPU vs ref, same cookies |"
  echo "|---|---:|---:|"
  for f in $formats; do
    label=${label_of[$f]:-$f}
    for kind in "ro|bare" "rmw|headers"; do
      IFS='|' read -r endpoint reference <<<"$kind"
      name="$label $endpoint, $many sessions"; base_name="$label $reference, $many sessions"
      [ -n "${ratios[$name]:-}" ] && [ -n "${ratios[$base_name]:-}" ] || continue
      awk -v name="$name" -v t="$(median <<<"${ratios[$name]}")" -v b="$(median <<<"${ratios[$base_name]}")" \
          -v tc="$(cpu_of "$name")" -v trc="$(ref_cpu_of "$name")" -v bc="$(cpu_of "$base_name")" -v brc="$(ref_cpu_of "$base_name")" \
          'BEGIN { printf "| %s | %.2fx | %.2fx |\n", name, t / b, (tc / trc) / (bc / brc) }'
    done
  done
  if [ "$controls" = 1 ]; then
    # The controls' work timed in a loop on the same server, after the load, as a micro-benchmark would time it.
    control_base="http://127.0.0.1:${port_of[$first]}/control"
    echo
    in_loop() { curl -sf "$control_base/$1" || echo "(not measured: /control/$1 failed)"; }
    echo "The controls timed in a loop on the first server (/control/*): 1 KB of garbage $(in_loop "garbage?kb=1"),"
    echo "8 KB $(in_loop "garbage?kb=8"); 1000 steps of arithmetic $(in_loop "spin?steps=1000"),"
    echo "4000 steps $(in_loop "spin?steps=4000")."
  fi
  # How settled the measured code was: the measured runs during which a server's tiered compilation was not at rest.
  most=; total=0; busy_total=0
  for t in "${targets[@]}"; do
    IFS='|' read -r name _ _ _ _ _ _ <<<"$t"
    total=$((total + compiled[$name])); busy_total=$((busy_total + busy_runs[$name]))
    if [ -z "$most" ] || [ "${compiled[$name]}" -gt "${compiled[$most]}" ]; then most=$name; fi
  done
  echo
  echo "Tiered compilation while the runs above were measured (.NET servers): not at rest during $busy_total measured runs;"
  echo "$total methods compiled in all, at most ${compiled[$most]} during one target's runs ($most; a reference's runs are"
  echo "counted once for each target measured against it)."
} | tee "$work/section.md"

# The newest run first, under the file's title: the earlier sections stay as they were run.
results=${RESULTS:-bench/results/load.md}
[ -f "$results" ] || printf '# Load comparison\n' >"$results"
awk -v section="$work/section.md" 'NR == 1 { print; while ((getline line < section) > 0) print line; next } { print }' \
  "$results" >"$work/load.md" && cp "$work/load.md" "$results"
