#!/usr/bin/env bash
# Start-up of the rototo command, JIT build against native AOT build, in one run (issue 19).
#   bench/startup/rototo.sh [RUNS]     (default 10 runs per row; medians in milliseconds)
# Rows: `rototo resolve` of every variable of the example workspace, and the first load + lint of a generated
# 1,000-variable workspace (ten qualifiers, two rules per variable) in a fresh process. The floor is a
# process that does nothing (/bin/true): what starting any process costs on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-10}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "building: JIT (Release) and native AOT ..." >&2
dotnet build src/Rototo.Cli -c Release -v q -o "$out/jit" >/dev/null
dotnet publish src/Rototo.Cli -c Release -r linux-x64 -p:PublishAot=true -v q -o "$out/aot" >/dev/null

# The 1,000-variable workspace (the shape of bench/Rototo.Benchmarks' GeneratedWorkspace.Large).
ws="$out/large"
mkdir -p "$ws/qualifiers" "$ws/variables" "$ws/schemas"
echo 'schema_version = 1' > "$ws/rototo-workspace.toml"
echo '{"type":"object","properties":{"user":{"type":"object","properties":{"seats":{"type":"integer"}}}}}' > "$ws/schemas/context.schema.json"
for q in $(seq 0 9); do
  printf 'schema_version = 1\n\n[[predicate]]\nattribute = "user.seats"\nop = "gte"\nvalue = %d\n' $((q * 10)) > "$ws/qualifiers/segment-$q.toml"
done
for v in $(seq 0 999); do
  a="segment-$((v % 10))"; b="segment-$(((v + 3) % 10))"
  printf 'schema_version = 1\ntype = "string"\n\n[values]\ncontrol = "control"\n%s = "value for %s"\n%s = "value for %s"\n\n[resolve]\ndefault = "control"\n\n[[resolve.rule]]\nqualifier = "%s"\nvalue = "%s"\n\n[[resolve.rule]]\nqualifier = "%s"\nvalue = "%s"\n' \
    "$a" "$a" "$b" "$b" "$a" "$a" "$b" "$b" > "$ws/variables/setting-$(printf %04d "$v").toml"
done

# median_ms CMD...: runs CMD $runs times (output discarded, exit code checked) and prints the median wall time.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f", m / 1000}'
}

row() { # row NAME ARGS...: one table row, JIT and AOT side by side
  local name="$1"; shift
  local jit aot
  jit=$(median_ms dotnet "$out/jit/Rototo.Cli.dll" "$@")
  aot=$(median_ms "$out/aot/Rototo.Cli" "$@")
  printf '| %s | %s ms | %s ms | %.1fx |\n' "$name" "$jit" "$aot" "$(echo "$jit / $aot" | bc -l)"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs per cell, median wall time"
echo "| command | JIT | native AOT | JIT / AOT |"
echo "| --- | ---: | ---: | ---: |"
printf '| floor: /bin/true | %s ms | | |\n' "$(median_ms /bin/true)"
row "rototo resolve --variables (example workspace)" resolve examples/storefront --variables --context @examples/storefront/contexts/premium-in-germany.json
row "rototo lint (1,000 variables, fresh process)" lint "$ws"
echo "binary size (native AOT): $(du -m "$out/aot/Rototo.Cli" | cut -f1) MB; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
