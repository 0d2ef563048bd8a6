#!/usr/bin/env bash
# Warm `npm ci` (cache filled, --prefer-offline) at balanced (restricted networking) and at
# permissive (the host's network), alternating ROUNDS times; prints each time and the ratio of
# the medians. Needs npm and the npm registry once (to fill the cache).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
WORK=$(mktemp -d /tmp/vg-npm-ci.XXXXXX)
source "$ROOT/benchmarks/scripts/private-server.sh"
trap 'stop_private_server; rm -rf "$WORK"' EXIT
cd "$WORK"
printf '{"name":"bench","version":"1.0.0","dependencies":{"is-number":"7.0.0","kleur":"4.1.5","ms":"2.1.3"}}\n' > package.json
npm install --no-audit --no-fund --silent >/dev/null   # fills ~/.npm and writes package-lock.json
run() { local start end; start=$(date +%s%N); "$ROOT/vg" exec -q --security-level "$1" -- npm ci --prefer-offline --no-audit --no-fund --silent >/dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
balanced=() permissive=()
for round in $(seq "$ROUNDS"); do
    balanced+=("$(run balanced)"); permissive+=("$(run permissive)")
    echo "round $round: balanced ${balanced[-1]} ms, permissive ${permissive[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mb=$(median "${balanced[@]}") mp=$(median "${permissive[@]}")
awk -v b="$mb" -v p="$mp" 'BEGIN { printf "median: balanced %d ms, permissive %d ms, ratio %.2f\n", b, p, b/p }'
