# What the profiling scripts of bench/load share, sourced by them (bench/load/run.sh keeps its own, with its own
# report of how each target settled). Sourcing it makes sure of wrk and perf (Debian's packages), the Node peers of
# tests/interop (Connect's and Express's sessions are signed by the real packages) and the load server built in
# Release (its assembly in server_dll). The script sets work (a scratch directory), connections, many and secret.

for tool in wrk perf; do
  command -v "$tool" >/dev/null && continue
  package=$([ "$tool" = perf ] && echo linux-perf || echo wrk)
  echo "installing $package (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq "$package" >/dev/null; fi
done
if [ ! -f tests/interop/node_modules/.package-lock.json ]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi
dotnet build -c Release bench/CookieSession.LoadServer -v quiet -nologo >/dev/null
server_dll=bench/CookieSession.LoadServer/bin/Release/net10.0/CookieSession.LoadServer.dll

# Starts the load server on CPU 1 with perf's map files (W^X double mapping hides JIT-compiled code from them, so it
# is off) and waits until it answers: sets server (its process) and base (its address).
start_server() { # port format
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 taskset -c 1 dotnet "$server_dll" --urls "http://127.0.0.1:$1" --format "$2" >/dev/null 2>&1 &
  server=$!
  base="http://127.0.0.1:$1"
  for _ in $(seq 1 300); do [ -n "$(curl -sf "$base/plain/headers" 2>/dev/null)" ] && return 0; sleep 0.2; done
  echo "the load server did not answer on $base within 60 s" >&2
  return 1
}

# The Cookie header of each response of a curl run (one line each), as bench/load/run.sh reads them.
cookies_of() { tr -d '\r' | awk '/HTTP\/[0-9.]+ [0-9][0-9][0-9] / { if (n++) print c; c = "" } tolower($0) ~ /^set-cookie: / {
  sub(/^[^:]*: /, ""); sub(/;.*/, ""); c = c (c == "" ? "" : "; ") $0 } END { if (n) print c }'; }

# The sessions wrk sends: $work/one, the server's own seeded session; with many, also $work/many, $many distinct ones
# (Connect's and Express's signed by the Node packages, the others seeded by the server, which takes a while).
seed_sessions() { # format [many]
  curl -si "$base/cs/seed" | cookies_of >"$work/one"
  [ "${2:-}" = many ] || return 0
  case "$1" in
    Connect) node bench/load/sessions.js connect "$many" "$secret" >"$work/many" ;;
    ExpressCookieSession) node bench/load/sessions.js express "$many" "$secret" >"$work/many" ;;
    *) seq 0 $((many - 1)) | sed "s|.*|url = \"$base/cs/seed?user=&\"|" >"$work/seed.curl"
       curl -si -K "$work/seed.curl" | cookies_of >"$work/many" ;;
  esac
}

# wrk against one path of the server with one of the session files (one or many), for some seconds: its output.
drive() { # path sessions seconds
  SESSIONS="$work/$2" taskset -c 0 wrk -t1 -c"$connections" -d"${3}s" -s bench/load/sessions.lua "$base/$1"
}

# A target driven until the server's tiered compilation has been at rest (no method compiled, no pause, no background
# compile) for three runs of 1 s in a row, as bench/load/run.sh settles its targets, 60 runs at most: a profile of code
# not yet at its final tier says little about the code that serves later.
settle() { # path sessions
  local runs=0 calm=0 state now c0 p0 b0 c1 p1 b1 paused
  drive "$1" "$2" 5 >/dev/null
  state=$(curl -sf "$base/gc/jit")
  while [ "$calm" -lt 3 ] && [ "$runs" -lt 60 ]; do
    drive "$1" "$2" 1 >/dev/null
    now=$(curl -sf "$base/gc/jit")
    read -r c0 p0 b0 _ <<<"$state"; read -r c1 p1 b1 paused <<<"$now"
    if [ "$c1" -eq "$c0" ] && [ "$p1" -eq "$p0" ] && [ "$b1" -eq "$b0" ] && [ "$paused" -eq 0 ]; then calm=$((calm + 1)); else calm=0; fi
    state=$now; runs=$((runs + 1))
  done
  [ "$calm" -ge 3 ] || echo "/$1 ($2): not settled after 60 runs" >&2
}
