#!/usr/bin/env bash
# The runtime server as a sidecar, JIT build against native AOT build, in one run (issue 19).
#   bench/startup/server.sh [STARTS] [DURATION]   (default 10 starts; 10 s per closed-loop / fixed-rate row)
# Builds the load test driver (bench/CloudRuntimes.LoadTests, which builds the server: the Release build output, run with
# dotnet, is the JIT row) and publishes the native AOT server, then for each build: the median time from process start to
# the first 2xx of /v1.0/healthz over STARTS starts (embedded defaults, example workspace and plugin), and the driver's
# --sidecar figures at 16 connections: resident memory idle and after a minute of state get and save+get, state get
# throughput against the floor (a bare ASP.NET Core endpoint answering the same bytes), p50/p99 at 1,000 requests/s.
# The start-up floor is bench/CloudRuntimes.StartupFloor: the server's empty ASP.NET Core host with only healthz, published
# native the same way, started the same way (median ready and resident memory at ready).
# Prints a Markdown table with the targets, and the load average. AOT_SERVER=PATH reuses a native executable already
# published (as .ci/server-aot.sh leaves in artifacts/aot/server) instead of publishing one.
set -euo pipefail
cd "$(dirname "$0")/../.."
starts="${1:-10}"
duration="${2:-10}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "building: the load test driver and the server (Release, JIT) and the native AOT server ..." >&2
dotnet build bench/CloudRuntimes.LoadTests -c Release -v q >/dev/null
aot="${AOT_SERVER:-}"
if [ -z "$aot" ]; then
  dotnet publish src/CloudRuntimes.Host -c Release -r linux-x64 -p:PublishAot=true -v q -o "$out/aot" >/dev/null
  aot="$out/aot/CloudRuntimes.Host"
fi
aot="$(realpath "$aot")"
dotnet publish bench/CloudRuntimes.StartupFloor -c Release -r linux-x64 -v q -o "$out/floor" >/dev/null
floor="$out/floor/CloudRuntimes.StartupFloor"
driver=bench/CloudRuntimes.LoadTests/bin/Release/net10.0/CloudRuntimes.LoadTests.dll
jit="$PWD/src/CloudRuntimes.Host/bin/Release/net10.0/CloudRuntimes.Host.dll"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A fig
for build in floor jit aot; do
  server=${!build}
  echo "--- $build: $server" >&2
  dotnet "$driver" --startup "$starts" --server "$server" 2>/dev/null | tee >(cat >&2) > "$out/startup.txt"
  fig[$build.start]=$(sed -n 's/^median \([0-9]*\) ms.*/\1/p' "$out/startup.txt")
  fig[$build.ready_mib]=$(sed -n 's/^resident at healthy: median \([0-9.]*\) MiB/\1/p' "$out/startup.txt")
  [ "$build" = floor ] && continue
  line=$(dotnet "$driver" --sidecar --connections 16 --duration "$duration" --warmup 3 --server "$server" 2>/dev/null | tee >(cat >&2) | grep '^sidecar:')
  for pair in ${line#sidecar: }; do
    fig[$build.${pair%%=*}]=${pair#*=}
  done
done

ratio() { echo "scale=2; $1 / $2" | bc -l | sed 's/^\./0./'; }
# The memory targets are in MB (10^6 bytes); the driver measures MiB.
mb() { printf "%.1f" "$(echo "$1 * 1.048576" | bc -l)"; }
overhead() { echo "scale=3; $1 - $2" | bc -l | sed 's/^\./0./; s/^-\./-0./'; }
echo
echo "| figure | JIT (build output) | native AOT | target |"
echo "| --- | ---: | ---: | --- |"
echo "| ready: median of $starts starts to the first 2xx of healthz | ${fig[jit.start]} ms | ${fig[aot.start]} ms | ≤ 150 ms (AOT) |"
echo "| the floor (bare ASP.NET Core healthz, native): ready; resident at ready | | ${fig[floor.start]} ms; ${fig[floor.ready_mib]} MiB | |"
echo "| resident memory at ready (median of the starts) | ${fig[jit.ready_mib]} MiB | ${fig[aot.ready_mib]} MiB | |"
echo "| resident memory idle (embedded defaults, example plugin) | ${fig[jit.idle_mib]} MiB | ${fig[aot.idle_mib]} MiB ($(mb "${fig[aot.idle_mib]}") MB) | ≤ 50 MB (AOT) |"
echo "| resident memory after a minute of load | ${fig[jit.loaded_mib]} MiB | ${fig[aot.loaded_mib]} MiB ($(mb "${fig[aot.loaded_mib]}") MB) | ≤ 80 MB (AOT) |"
echo "| state get at 16 connections (floor in the same run) | ${fig[jit.get_rps]}/s (floor ${fig[jit.floor_rps]}/s): $(ratio "${fig[jit.get_rps]}" "${fig[jit.floor_rps]}")x | ${fig[aot.get_rps]}/s (floor ${fig[aot.floor_rps]}/s): $(ratio "${fig[aot.get_rps]}" "${fig[aot.floor_rps]}")x | ≥ 0.8x the floor |"
echo "| p50 at 1,000 req/s: state get − floor | ${fig[jit.get_p50]} − ${fig[jit.floor_p50]} = $(overhead "${fig[jit.get_p50]}" "${fig[jit.floor_p50]}") ms | ${fig[aot.get_p50]} − ${fig[aot.floor_p50]} = $(overhead "${fig[aot.get_p50]}" "${fig[aot.floor_p50]}") ms | ≤ 0.1 ms |"
echo "| p99 at 1,000 req/s: state get (floor) | ${fig[jit.get_p99]} ms (${fig[jit.floor_p99]}) | ${fig[aot.get_p99]} ms (${fig[aot.floor_p99]}) | < 5 ms |"
echo "| JIT / AOT: ready, idle memory | $(ratio "${fig[jit.start]}" "${fig[aot.start]}")x | $(ratio "${fig[jit.idle_mib]}" "${fig[aot.idle_mib]}")x | |"
echo "native AOT executable: $(du -m "$aot" | cut -f1) MB; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
