#!/usr/bin/env bash
# Where a request's time goes in the micro-benchmarks: each case of the benchmark suite run alone in a loop
# (--loop) under perf, summarised by module and by function into bench/results/profile.md. Every method is
# JIT-compiled (ReadyToRun off) so that perf's map files name it; W^X double mapping is off for the same reason.
#   bench/profile/run.sh ["case" ...]        (SECONDS_PER_CASE may be set in the environment)
set -eu
cd "$(dirname "$0")/../.."
seconds=${SECONDS_PER_CASE:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=("bare" "no cookie" "read only" "read only, first sight" "read-modify-write" "protected read only" "protected read-modify-write" "iron read only" "iron read-modify-write")
fi

dotnet build -c Release bench/CookieSession.Benchmarks -v quiet -nologo >/dev/null
dll=bench/CookieSession.Benchmarks/bin/Release/net10.0/CookieSession.Benchmarks.dll

{
  echo "# Where a request's time goes"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, .NET $(dotnet --version). bench/profile/run.sh: each benchmark case alone in a loop for ${seconds}s"
  echo "under \`perf record\` (999 Hz); shares are of the samples of that run, set-up included (a few percent), with JIT-compiled"
  echo "framework code (ReadyToRun off), so absolute times here are a little slower than the suite's."
} >"$work/report.md"

for name in "${cases[@]}"; do
  data="$work/case.data"
  out=$(DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 \
    perf record -q -F 999 -g -o "$data" dotnet "$dll" --loop "$name" "$seconds" 2>/dev/null | tail -1)
  {
    echo
    echo "## $name: $out"
    echo
    echo '```'
    perf report -i "$data" --comm dotnet --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -6
    echo
    perf report -i "$data" --comm dotnet --no-children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -25 \
      | sed -E 's/\[(OptimizedTier1|Optimized|OptimizedTier1OSR|QuickJitted|InstrumentedTier)\]//; s/ +$//' | cut -c1-170
    echo '```'
  } >>"$work/report.md"
done

cp "$work/report.md" bench/results/profile.md
echo "Results: bench/results/profile.md"
