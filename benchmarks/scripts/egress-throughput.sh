#!/usr/bin/env bash
# A 200 MB download from a test host in a network namespace of this script's own, once straight
# (curl in the client namespace) and once through vg's restricted networking (vg exec -- curl in
# the same namespace), alternating ROUNDS times. Needs root (ip netns) and a built tree.
# Traffic stays in the two namespaces this script makes.
#
#   benchmarks/scripts/egress-throughput.sh              # each vg exec starts its own JVM
#   VG_SERVER=1 benchmarks/scripts/egress-throughput.sh  # one warm vg server in the client namespace
#                                                        # serves every round, as agents run vg
set -euo pipefail
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VG_SERVER=${VG_SERVER:-}
ROUNDS=${ROUNDS:-3}
SIZE=${SIZE:-200000000}
ID=$$
C=vgbc$ID S=vgbs$ID
source "$ROOT/benchmarks/scripts/private-server.sh"   # VG_SERVER: the server's runtime directory
cleanup() { kill "${SERVER:-0}" 2>/dev/null || true; stop_private_server; rm -rf "${WORK:-}"; ip netns del "$C" 2>/dev/null || true; ip netns del "$S" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$C"; ip netns add "$S"
ip link add "vgc$ID" type veth peer name "vgs$ID"
ip link set "vgc$ID" netns "$C"; ip link set "vgs$ID" netns "$S"
ip -n "$C" addr add 198.51.100.2/24 dev "vgc$ID"; ip -n "$S" addr add 198.51.100.1/24 dev "vgs$ID"
for ns in "$C:vgc$ID" "$S:vgs$ID"; do ip -n "${ns%%:*}" link set "${ns#*:}" up; ip -n "${ns%%:*}" link set lo up; done
CP="$ROOT/java/target/test-classes"
FIFO=$(mktemp -u /tmp/vg-bench.XXXXXX)
mkfifo "$FIFO"
# the server ends when its stdin closes: this script holds the other end (fd 4) until it exits
ip netns exec "$S" "$JAVA_HOME/bin/java" -cp "$CP" dev.vectraguard.egress.TestServers 198.51.100.1 <"$FIFO" >/dev/null 2>&1 &
SERVER=$!
exec 4>"$FIFO"
rm -f "$FIFO"
for _ in $(seq 100); do ip netns exec "$C" curl -s -o /dev/null http://198.51.100.1:8080/ && break; sleep 0.1; done
WORK=$(mktemp -d /tmp/vg-bench-ws.XXXXXX)
URL=http://198.51.100.1:8080/bytes/$SIZE
# Every round runs in one `ip netns exec` (one mount namespace), so that with VG_SERVER the server the
# first vg exec starts (in the client namespace, its own runtime directory) serves the later ones: vg
# serves only clients that share its namespaces. Without VG_SERVER vg runs in-process (a running
# server of another tree, in the host's network namespace, would not serve it anyway).
export ROOT ROUNDS URL WORK VG_SERVER
ip netns exec "$C" bash -euo pipefail -c '
if [[ -n $VG_SERVER ]]; then
    export VG_LAUNCHER=$ROOT/vg
    VG=$ROOT/java/target/native/vg-client
    trap "$VG server stop >/dev/null 2>&1 || true" EXIT
    (cd "$WORK" && "$VG" exec -q -- curl -s -o /dev/null "$URL")   # warm-up, off the clock
else
    export VG_NO_SERVER=1; VG=$ROOT/vg
fi
for round in $(seq "$ROUNDS"); do
    direct=$(curl -s -o /dev/null -w "%{speed_download}" "$URL")
    egress=$(cd "$WORK" && "$VG" exec -q -- curl -s -o /dev/null -w "%{speed_download}" "$URL")
    awk -v r="$round" -v d="$direct" -v e="$egress" \
        "BEGIN { printf \"round %d: direct %.0f MB/s, through vg %.0f MB/s, ratio %.2f\n\", r, d/1e6, e/1e6, e/d }"
done'
