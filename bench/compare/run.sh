#!/usr/bin/env bash
# Before/after: the benchmark suite of an earlier commit and of this tree (or of --after's commit), run one after the
# other in one invocation on the same machine, joined into one table (bench/results/before-after.md). Each side's figures are
# also given as a ratio to its own floor (one HMAC-SHA256 measured in the same run), which is what to compare when
# the machine is shared and noisy.
# Both sides run in this tree's request harness (RequestHarness.cs is copied into the earlier tree), so that a change of
# harness does not pass for a change of the library.
#   bench/compare/run.sh [BEFORE_COMMIT]               the whole suite (default: the commit before the app-models round)
#   bench/compare/run.sh --untouched [BEFORE_COMMIT]   only the untouched-request rows (floor, bare pipeline, the
#                                                      untouched request and its reference), as a section of its own
#                                                      under the whole suite's table, which stays as it was run
#   bench/compare/run.sh --paired BEFORE_COMMIT -- CASE...
#                                                      no BenchmarkDotNet: both builds in one process, each case of one
#                                                      and of the other in turns of 30 ms, 100 pairs (PairedRun.cs); the
#                                                      median ratio of the pairs and its middle half, printed, nothing
#                                                      written: for changes of a few percent, which separate runs on this
#                                                      machine cannot tell apart. CASE is a whole name as --quick prints
#                                                      it; BEFORE_COMMIT needs QuickRun.Find (ba7c869 and later). Unchanged
#                                                      code leans by up to 5% to one side in one process: compare a case
#                                                      the change cannot reach, and run it again (--processes)
#   bench/compare/run.sh --quick [BEFORE_COMMIT] [-- CASE...]
#                                                      no BenchmarkDotNet: each side's --quick run (bytes allocated
#                                                      included), before and after taking turns three times; nothing
#                                                      is written (default cases: the untouched request's)
# Options, before BEFORE_COMMIT:
#   --after COMMIT   (any mode) the after side is COMMIT (a detached worktree, like the before side) instead of this
#                    tree, so that a change merged earlier is measured on its own, not with the work that came after it
#   --formats        (whole suite) only the floor and each format's read only, first sight and read-modify-write rows
#                    (and Connect's tampered cookie), 23 of the 33: both sides in about 20 minutes on 2 cores, against
#                    about 30 for the whole suite; the iterations stay the same
#   --processes N    (--paired) N processes (an even number) one after the other, every other one with the builds'
#                    places swapped, each printed, then each case's median after/before over them, the lowest and
#                    highest, and in how many after was faster: a process's own lean, random from one to the next,
#                    mostly cancels in the median, and the swap cancels a lean toward the build loaded first
#   --out FILE       (whole suite) the joined table goes to FILE (default bench/results/before-after.md);
#                    benchmarks.md is refreshed only when the after side is this tree, the whole suite ran and the
#                    table goes to its default file
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
mode=full
after=
rows=all
processes=1
out=bench/results/before-after.md
while [ $# -gt 0 ]; do
  case "$1" in
    --untouched) mode=untouched; shift ;;
    --quick) mode=quick; shift ;;
    --paired) mode=paired; shift ;;
    --after) after=$2; shift 2 ;;
    --formats) rows=formats; shift ;;
    --out) out=$2; shift 2 ;;
    --processes) processes=$2; shift 2 ;;
    *) break ;;
  esac
done
before=a42c748
if [ $# -gt 0 ] && [ "$1" != "--" ]; then before=$1; shift; fi
[ "${1:-}" = "--" ] && shift
quick_cases=("$@")
if [ $mode = paired ] && [ ${#quick_cases[@]} -eq 0 ]; then
  echo "--paired needs the cases to compare, after --, by their whole names (dotnet run -c Release --project bench/CookieSession.Benchmarks -- --quick lists them)" >&2
  exit 2
fi
if [ "$processes" != 1 ] && { ! [[ "$processes" =~ ^[0-9]+$ ]] || [ $((processes % 2)) -ne 0 ] || [ "$processes" -eq 0 ]; }; then
  echo "--processes takes an even number, so that each build is loaded first in as many processes" >&2
  exit 2
fi
[ ${#quick_cases[@]} -eq 0 ] && quick_cases=("bare" "no cookie" "reference")
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach "$work/before" "$before" >/dev/null
cp bench/CookieSession.Benchmarks/RequestHarness.cs "$work/before/bench/CookieSession.Benchmarks/RequestHarness.cs"
after_tree=$root
after_name=$(git rev-parse --short HEAD)
if [ -n "$after" ]; then
  trap 'git -C "$root" worktree remove --force "$work/before" >/dev/null 2>&1 || true; git -C "$root" worktree remove --force "$work/after" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  git worktree add --detach "$work/after" "$after" >/dev/null
  cp bench/CookieSession.Benchmarks/RequestHarness.cs "$work/after/bench/CookieSession.Benchmarks/RequestHarness.cs"
  after_tree=$work/after
  after_name=$(git rev-parse --short "$after")
fi
dll=bench/CookieSession.Benchmarks/bin/Release/net10.0/CookieSession.Benchmarks.dll
if [ $mode = paired ]; then
  dotnet build -c Release "$work/before/bench/CookieSession.Benchmarks" -v quiet -nologo >/dev/null
  dotnet build -c Release "$after_tree/bench/CookieSession.Benchmarks" -v quiet -nologo >/dev/null
  if [ "$processes" -le 1 ]; then
    echo "== $before against $after_name, in one process"
    dotnet "$after_tree/$dll" --paired "$work/before/$dll" "$after_tree/$dll" "${quick_cases[@]}"
    exit 0
  fi
  # The numbers as the summary below reads them, whatever the machine's language.
  export LC_ALL=C
  for p in $(seq 1 "$processes"); do
    # Every other process loads the after build first, in the before build's place, so that a lean toward the build
    # loaded first goes each way as often; its ratios are turned over below.
    if [ $((p % 2)) -eq 1 ]; then
      echo "== process $p of $processes: $before against $after_name"
      dotnet "$after_tree/$dll" --paired "$work/before/$dll" "$after_tree/$dll" "${quick_cases[@]}" | tee "$work/process-$p"
    else
      echo "== process $p of $processes, the builds' places swapped: $after_name against $before (its before and after columns are the other way round)"
      dotnet "$after_tree/$dll" --paired "$after_tree/$dll" "$work/before/$dll" "${quick_cases[@]}" | tee "$work/process-$p"
    fi
  done
  echo "== $before against $after_name, over $processes processes"
  printf '%-40s %12s %15s %16s\n' case after/before "lowest-highest" "after faster in"
  for name in "${quick_cases[@]}"; do
    for p in $(seq 1 "$processes"); do
      # The case's row: the name left-aligned in 40 characters, its ratio the first field after it ending in x.
      awk -v name="$name" -v swapped=$((1 - p % 2)) '
        { row = substr($0, 1, 40); sub(/ +$/, "", row) }
        row == name {
          count = split(substr($0, 41), field, " ")
          for (i = 1; i <= count; i++) if (field[i] ~ /^[0-9.]+x$/) { r = substr(field[i], 1, length(field[i]) - 1); print (swapped ? 1 / r : r); exit }
        }
      ' "$work/process-$p"
    done | sort -g | awk -v name="$name" -v n="$processes" '
      { r[NR] = $1; if ($1 < 1) faster++ }
      END {
        if (NR == 0) { printf "%-40s %12s\n", name, "no rows"; exit }
        if (NR != n) printf "(%s: a row in %d of the %d processes)\n", name, NR, n
        median = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
        printf "%-40s %11.3fx %7.3f-%-7.3f %8d of %d\n", name, median, r[1], r[NR], faster, NR
      }'
  done
  exit 0
fi
if [ $mode = quick ]; then
  dotnet build -c Release "$work/before/bench/CookieSession.Benchmarks" -v quiet -nologo >/dev/null
  dotnet build -c Release "$after_tree/bench/CookieSession.Benchmarks" -v quiet -nologo >/dev/null
  for round in 1 2 3; do
    echo "== before ($before), turn $round"; (cd "$work/before" && dotnet "$dll" --quick "${quick_cases[@]}")
    echo "== after ($after_name), turn $round"; (cd "$after_tree" && dotnet "$dll" --quick "${quick_cases[@]}")
  done
  exit 0
fi

# The untouched request's rows by their methods; the floor is the baseline every ratio needs.
filter=('*SessionBenchmarks*')
[ $mode = untouched ] && filter=('*SessionBenchmarks.HmacFloor' '*SessionBenchmarks.Bare' '*SessionBenchmarks.NoCookie' '*SessionBenchmarks.FeatureOnly')
# Every format's rows by their methods' names, and the floor.
[ $mode = full ] && [ $rows = formats ] && filter=('*SessionBenchmarks.HmacFloor' '*SessionBenchmarks.ReadOnly' '*SessionBenchmarks.ReadOnlyFirstSight' '*SessionBenchmarks.ReadModifyWrite' '*SessionBenchmarks.Tampered' \
  '*SessionBenchmarks.ExpressReadOnly' '*SessionBenchmarks.ExpressReadOnlyFirstSight' '*SessionBenchmarks.ExpressReadModifyWrite' \
  '*SessionBenchmarks.ProtectedReadOnly' '*SessionBenchmarks.ProtectedReadOnlyFirstSight' '*SessionBenchmarks.ProtectedReadModifyWrite' \
  '*SessionBenchmarks.IronReadOnly' '*SessionBenchmarks.IronReadOnlyFirstSight' '*SessionBenchmarks.IronReadModifyWrite' \
  '*SessionBenchmarks.RailsReadOnly' '*SessionBenchmarks.RailsReadOnlyFirstSight' '*SessionBenchmarks.RailsReadModifyWrite' \
  '*SessionBenchmarks.FlaskReadOnly' '*SessionBenchmarks.FlaskReadOnlyFirstSight' '*SessionBenchmarks.FlaskReadModifyWrite' \
  '*SessionBenchmarks.DjangoReadOnly' '*SessionBenchmarks.DjangoReadOnlyFirstSight' '*SessionBenchmarks.DjangoReadModifyWrite')
run_suite() { # tree label
  dotnet build -c Release "$1/bench/CookieSession.Benchmarks" -v quiet -nologo >/dev/null
  (cd "$1" && dotnet "$dll" --filter "${filter[@]}" --artifacts "$work/$2" >"$work/$2.log" 2>&1) || { tail -40 "$work/$2.log" >&2; exit 1; }
  find "$work/$2" -name '*SessionBenchmarks-report-github.md' | head -1
}
before_md=$(run_suite "$work/before" before)
after_md=$(run_suite "$after_tree" after)

# Rows by name: mean (ns), ratio to the floor, allocated. The names are the benchmarks' descriptions.
extract() {
  awk -F'|' '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    /^\| *Method/ { for (i = 2; i < NF; i++) col[trim($i)] = i; next }
    /^\|--/ || !/^\|/ { next }
    {
      name = trim($(col["Method"])); gsub(/&#39;/, "", name)
      mean = trim($(col["Mean"])); gsub(/,/, "", mean)
      unit = mean; sub(/^[0-9.]+ */, "", unit); value = mean + 0
      if (unit == "μs" || unit == "us") value *= 1000; else if (unit == "ms") value *= 1000000
      print name "\t" value "\t" trim($(col["Ratio"])) "\t" trim($(col["Allocated"]))
    }' "$1"
}
extract "$before_md" >"$work/before.tsv"
extract "$after_md" >"$work/after.tsv"

table() {
  echo "| case | before | before x floor | before alloc | after | after x floor | after alloc |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '
    NR == FNR { b[$1] = $2; br[$1] = $3; ba[$1] = $4; next }
    { order[++n] = $1; a[$1] = $2; ar[$1] = $3; aa[$1] = $4 }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]
        printf "| %s | %s | %s | %s | %.0f ns | %s | %s |\n", k, (k in b) ? sprintf("%.0f ns", b[k]) : "-", (k in br) ? br[k] "x" : "-", (k in ba) ? ba[k] : "-", a[k], ar[k] "x", aa[k]
      }
    }' "$work/before.tsv" "$work/after.tsv"
}
machine="$(date -u +%Y-%m-%d), $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), $(nproc) cores, .NET $(dotnet --version)."

if [ $mode = untouched ]; then
  # Only these rows were run again: the whole suite's table above the section keeps the run it came from.
  marker="## The untouched request, rerun alone"
  results=bench/results/before-after.md
  kept=$(awk -v m="$marker" '$0 == m { exit } { print }' "$results")
  {
    printf '%s\n\n' "$kept"
    echo "$marker"
    echo
    echo "$machine"
    echo "Only these rows, from one invocation of \`bench/compare/run.sh --untouched\`: commit $before, then $after_name, same job"
    echo "and harness as the table above, whose other rows were not run again. \"Added\" for the untouched request: its mean"
    echo "minus the reference's, the budget being 50 ns and 64 B."
    echo
    table
    echo
    awk -F'\t' -v side=before '/^no cookie/ { n = $2; na = $4 } /^reference/ { r = $2; ra = $4 } END { printf "Added, %s: %.0f ns, %s against %s.\n", side, n - r, na, ra }' "$work/before.tsv"
    echo
    awk -F'\t' -v side=after '/^no cookie/ { n = $2; na = $4 } /^reference/ { r = $2; ra = $4 } END { printf "Added, %s: %.0f ns, %s against %s.\n", side, n - r, na, ra }' "$work/after.tsv"
  } >"$results.new"
  mv "$results.new" "$results"
  rm -f bench/results/benchmarks-*SessionBenchmarks-report-github.md
  echo "Results: $results (section \"$marker\")"
  exit 0
fi

command="bench/compare/run.sh${after:+ --after $after}$([ $rows = formats ] && echo ' --formats' || true)$([ "$out" != bench/results/before-after.md ] && echo " --out $out" || true) $before"
title="# Before and after the app-models round"
[ "$out" != bench/results/before-after.md ] && title="# Before and after: $before against $after_name"
{
  echo "$title"
  echo
  echo "$machine"
  echo "One invocation of \`$command\`: the BenchmarkDotNet suite of commit $before, then of $after_name, same job"
  echo "(5 warm-up and 20 measured iterations), both in this tree's request harness (a fresh DefaultHttpContext per request)."
  [ $rows = formats ] && echo "Only the floor and the formats' rows were run (\`--formats\`)."
  echo "\"x floor\" is the mean over the floor row of the same run (one HMAC-SHA256 of the"
  echo "session with a reused key); \"added\" subtracts the bare pipeline row (the harness alone) where the run has one."
  echo
  table
} >"$out"
rm -f bench/results/benchmarks-*SessionBenchmarks-report-github.md   # the suite's own copy of the same table
if [ -z "$after" ] && [ $rows = all ] && [ "$out" = bench/results/before-after.md ]; then
  cp "$after_md" bench/results/benchmarks.md
  echo "Results: $out, bench/results/benchmarks.md"
else
  echo "Results: $out"
fi
