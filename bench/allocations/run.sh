#!/usr/bin/env bash
# What a request allocates, by type, for the cases that matter most (each format's read-modify-write, Connect's and
# Express's also with the cookie sent back as a browser does, Connect's read and first sight, the harness alone): each
# case run 2 million times in the benchmarks' request harness with the runtime's allocation ticks counted
# (bench/Shared/AllocationTicks.cs), into bench/results/allocations.md.
#   bench/allocations/run.sh ["case" ...]
set -eu
cd "$(dirname "$0")/../.."
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=("bare" "read only" "read only, first sight" "read-modify-write" "read-modify-write, sent back" "express read-modify-write"
    "express read-modify-write, sent back" "protected read-modify-write"
    "iron read-modify-write" "rails read-modify-write" "flask read-modify-write" "django read-modify-write")
fi
dotnet build -c Release bench/CookieSession.Benchmarks -v quiet -nologo >/dev/null
dll=bench/CookieSession.Benchmarks/bin/Release/net10.0/CookieSession.Benchmarks.dll
out=bench/results/allocations.md
{
  echo "# What a request allocates, by type"
  echo
  echo "$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), .NET $(dotnet --version). \`bench/allocations/run.sh\`: each case 2 million"
  echo "times in the benchmarks' request harness (a fresh \`DefaultHttpContext\` a request: the \"bare\" case is the harness"
  echo "alone), after a warm-up. The total is exact (the thread's allocation counter); its share-out by type comes from the"
  echo "runtime's allocation ticks, one about every 100 KB allocated naming the type that crossed the mark, so types of a"
  echo "few bytes a request may not show. Types named \`Entry\` with no namespace are nested types: the verified-value"
  echo "cache's entry, or the harness's feature dictionary's."
  for name in "${cases[@]}"; do
    echo
    echo "## $name"
    echo
    result=$(dotnet "$dll" --allocations "$name")
    echo "Total: $(head -1 <<<"$result" | sed -E 's/^[^:]*: //')."
    echo
    sed -n '3,18p' <<<"$result"
  done
} >"$out"
echo "Results: $out"
