#!/usr/bin/env bash
# What one endpoint of the load server costs beyond another, frame by frame: both driven by wrk in turns on one server
# (pinned to one core, wrk on the other) after each has settled as bench/load/run.sh settles its targets, each turn
# sampled by perf without call graphs, every frame's samples turned into time a request (samples over the rate and the
# requests wrk counted), the two endpoints side by side with the difference, into bench/results/load-profile-compare.md
# (or the file RESULTS names), above the sections already there. Also the server's user and system CPU a request from
# /proc, and the share of its core wrk used. Needs perf (Debian's linux-perf) and wrk; the Node peers of tests/interop
# for Connect's and Express's many sessions.
#   bench/load/compare-profile.sh [BASE_TARGET TARGET]   (default plain/headers cs/rmw; a target is a path of the load
#                                 server, with :many to spread its requests over SESSIONS distinct sessions)
#   (FORMAT, TURNS, SECONDS_PER_TURN, CONNECTIONS, SESSIONS, TOP, RESULTS may be set in the environment)
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
# Numbers as awk and the shell's timing print them, whatever the machine's language.
export LC_ALL=C
base_target=${1:-plain/headers}
target=${2:-cs/rmw}
format=${FORMAT:-Connect}
turns=${TURNS:-3}
seconds=${SECONDS_PER_TURN:-5}
connections=${CONNECTIONS:-32}
many=${SESSIONS:-20000}
top=${TOP:-40}
results=${RESULTS:-bench/results/load-profile-compare.md}
secret="a benchmark secret that is 32+ bytes long"
port=5095
rate=2999
clk_tck=$(getconf CLK_TCK)
work=$(mktemp -d)
server=
trap '[ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; rm -rf "$work"' EXIT

# wrk, perf, the Node peers, the load server built, and what the profiling scripts share.
. bench/load/profiling.sh
commit=$(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- src bench ':!bench/results')" ] || echo "+changes")
start_server "$port" "$format"
trap 'echo "stopped: line $LINENO failed" >&2' ERR
# A target is a path, with :many for the many sessions.
sessions_of() { [ "${1%:many}" = "$1" ] && echo one || echo many; }
seed_sessions "$format" "$( [[ "$base_target $target" == *:many* ]] && echo many || echo one)"

# Both targets settled, then both once more in turn, so that neither measured turn follows its own warm-up.
for t in "$base_target" "$target" "$base_target" "$target"; do
  settle "${t%:many}" "$(sessions_of "$t")"
done

# Turns: each target for SECONDS_PER_TURN under perf, alternately; the frames' samples, requests and CPU ticks add up
# over a target's turns.
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$server/stat"; }
for turn in $(seq 1 "$turns"); do
  for side in base target; do
    t=$([ "$side" = base ] && echo "$base_target" || echo "$target")
    path=${t%:many}; sessions=$(sessions_of "$t")
    read -r user0 system0 <<<"$(cpu_ticks)"
    # wrk is perf's workload, so that the samples cover the very seconds whose requests are counted; wrk's own CPU from
    # the shell's timing of it, on the line after its output.
    out=$(SESSIONS="$work/$sessions" perf record -q -F "$rate" -p "$server" -o "$work/$side.data" -- \
      bash -c 'TIMEFORMAT="wrk %U %S %R"; time taskset -c 0 wrk -t1 -c"$1" -d"$2s" -s bench/load/sessions.lua "$3"' _ \
      "$connections" "$seconds" "$base/$path" 2>&1) || true
    read -r user1 system1 <<<"$(cpu_ticks)"
    grep -qE "Non-2xx|Socket errors" <<<"$out" && { echo "$t answered errors:" >&2; echo "$out" >&2; exit 1; }
    requests=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' <<<"$out")
    [ "${requests:-0}" -gt 0 ] || { echo "$t: no requests counted:" >&2; echo "$out" >&2; exit 1; }
    read -r wrk_user wrk_system wrk_elapsed <<<"$(sed -nE 's/^wrk ([0-9.]+) ([0-9.]+) ([0-9.]+)$/\1 \2 \3/p' <<<"$out")"
    echo "$side $requests $((user1 - user0)) $((system1 - system0)) $wrk_user $wrk_system $wrk_elapsed" >>"$work/turns"
    printf '%-8s turn %d: %s requests\n' "$t" "$turn" "$requests" >&2
    # Frames as "samples<TAB>module<TAB>frame": the module without its thread id.
    perf report -i "$work/$side.data" --no-children --sort dso,symbol --stdio -g none -n 2>/dev/null | grep '%' \
      | awk '{ for (k = 3; k <= NF; k++) if ($k ~ /^\[[.k]\]$/) break
               dso = $3; if ($3 == "[JIT]") dso = "[JIT]"
               sym = ""; for (j = k + 1; j <= NF; j++) { if ($j == "-" && j >= NF - 1) break; sym = sym (sym == "" ? "" : " ") $j }
               # A managed frame by its type and method: no tier, return type, assembly or parameters (overloads join).
               if (dso == "[JIT]") { sub(/\(.*/, "", sym); n = split(sym, words, " "); sym = words[n] }
               print $2 "\t" dso "\t" sym }' >>"$work/$side.frames"
  done
done

# Time a request, in µs, of each frame (or module) of each side, and the difference, the largest differences first.
table() { # key: 2 for modules, 3 for frames
  awk -F'\t' -v key="$1" -v rate="$rate" -v top="$top" -v nb="$(awk '$1 == "base" { n += $2 } END { print n }' "$work/turns")" \
    -v nt="$(awk '$1 == "target" { n += $2 } END { print n }' "$work/turns")" '
    FNR == 1 { side++ }
    { k = (key == 2) ? $2 : $2 "  " $3; s[side, k] += $1; keys[k] = 1 }
    END {
      for (k in keys) { b = s[1, k] * 1e6 / rate / nb; t = s[2, k] * 1e6 / rate / nt; if (b >= 0.005 || t >= 0.005) printf "%.3f\t%.3f\t%+.3f\t%s\n", b, t, t - b, k }
    }' "$work/base.frames" "$work/target.frames" \
    | awk -F'\t' '{ d = $3 < 0 ? -$3 : $3; print d "\t" $0 }' | sort -t$'\t' -k1,1gr \
    | awk -F'\t' -v top="$top" 'NR <= top { printf "| %.2f | %.2f | %+.2f | `%s` |\n", $2, $3, $4, substr($5, 1, 160) }'
}
per_request() { # side field: µs of CPU a request from the ticks in that field of the turns
  awk -v side="$1" -v f="$2" -v hz="$clk_tck" '$1 == side { t += $f; n += $2 } END { printf "%.1f", t * 1e6 / hz / n }' "$work/turns"
}
wrk_share() { # side: the share of its core wrk used
  awk -v side="$1" '$1 == side { c += $5 + $6; e += $7 } END { printf "%.0f%%", 100 * c / e }' "$work/turns"
}
sampled() { # side: the time a request its samples account for
  awk -F'\t' -v rate="$rate" -v n="$(awk -v side="$1" '$1 == side { n += $2 } END { print n }' "$work/turns")" \
    '{ t += $1 } END { printf "%.1f", t * 1e6 / rate / n }' "$work/$1.frames"
}
rps() { awk -v side="$1" -v s="$seconds" '$1 == side { n += $2; k++ } END { printf "%.0f", n / s / k }' "$work/turns"; }

{
  echo
  echo "## $base_target against $target ($format), $(date -u '+%Y-%m-%d %H:%M') UTC, commit $commit"
  echo
  echo "bench/load/compare-profile.sh: $turns turns of ${seconds}s each, alternately, on one server (CPU 1; wrk, 1 thread and"
  echo "$connections connections, on CPU 0), after both settled; perf at $rate Hz without call graphs, so a frame is its own"
  echo "time (inlined callees included), and the rates here are under perf's sampling, for reading the costs, not the goals."
  echo
  echo "| | $base_target | $target |"
  echo "|---|---:|---:|"
  echo "| requests/s under perf | $(rps base) | $(rps target) |"
  echo "| server CPU a request, user (µs, /proc) | $(per_request base 3) | $(per_request target 3) |"
  echo "| server CPU a request, system (µs, /proc) | $(per_request base 4) | $(per_request target 4) |"
  echo "| server CPU a request, as perf's samples account for it (µs) | $(sampled base) | $(sampled target) |"
  echo "| wrk's share of its core | $(wrk_share base) | $(wrk_share target) |"
  echo
  echo "By module, µs a request (samples over the rate and the requests):"
  echo
  echo "| $base_target | $target | difference | module |"
  echo "|---:|---:|---:|---|"
  table 2
  echo
  echo "By frame, the $top largest differences, µs a request:"
  echo
  echo "| $base_target | $target | difference | module and frame |"
  echo "|---:|---:|---:|---|"
  table 3
} >"$work/section.md"

if [ -f "$results" ]; then
  # Newest first, under the file's title and introduction.
  awk -v section="$work/section.md" '!done && /^## / { getline line < section; while ((getline line < section) > 0) print line; print ""; done = 1 } { print }
    END { if (!done) while ((getline line < section) > 0) print line }' "$results" >"$work/results.md"
  cp "$work/results.md" "$results"
else
  { echo "# What an endpoint costs beyond another, frame by frame"
    echo
    echo "Sections by bench/load/compare-profile.sh, the newest first."
    cat "$work/section.md"; } >"$results"
fi
echo "Results: $results"
