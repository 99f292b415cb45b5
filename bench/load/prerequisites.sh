# What the profiling scripts of bench/load need before they start, sourced by them: wrk and perf from Debian's
# packages, the Node peers of tests/interop (Connect's and Express's sessions are signed by the real packages), and the
# load server built in Release. Leaves the server's assembly in server_dll.

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
