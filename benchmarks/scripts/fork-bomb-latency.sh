#!/usr/bin/env bash
# How much a fork bomb in the sandbox stalls the host: a host process sleeps 10 ms in a loop and
# records how late it wakes up (its scheduling latency), and a host shell runs `true` in a loop
# and records how long each takes (fork + exec), first on a quiet sandbox-free host, then while
# `vg exec --security-level LEVEL` runs a fork bomb for BOMB_SECONDS (its --timeout ends it).
#
#   benchmarks/scripts/fork-bomb-latency.sh                   # LEVEL=permissive BOMB_SECONDS=10
#   LEVEL=balanced VG=/path/to/vg benchmarks/scripts/fork-bomb-latency.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VG=${VG:-$ROOT/vg}
LEVEL=${LEVEL:-permissive}
BOMB_SECONDS=${BOMB_SECONDS:-10}
WORK=$(mktemp -d "$HOME/vg-fork-bomb.XXXXXX")   # not /tmp: vg refuses /tmp itself as a workspace
source "$ROOT/benchmarks/scripts/private-server.sh"
trap 'stop_private_server; rm -rf "$WORK"' EXIT
cd "$WORK"
"$VG" exec -q -- true   # builds vg if needed

# probe DURATION: "wakeup p50 p99 max (ms) | true p50 p99 max (ms)" of the host while it runs.
probe() {
    python3 - "$1" <<'EOF'
import subprocess, sys, threading, time
duration = float(sys.argv[1])
late, spawn, failed = [], [], []
def shell():
    end = time.monotonic() + duration
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            subprocess.run(["sh", "-c", "true"])
        except OSError as e:
            failed.append(e.strerror)
        spawn.append(time.monotonic() - t)
        time.sleep(0.05)
thread = threading.Thread(target=shell); thread.start()
end = time.monotonic() + duration
while time.monotonic() < end:
    t = time.monotonic(); time.sleep(0.01); late.append(time.monotonic() - t - 0.01)
thread.join()
def stats(xs):
    xs = sorted(xs); n = len(xs)
    return "%.1f %.1f %.1f" % (xs[n // 2] * 1000, xs[min(n - 1, int(n * 0.99))] * 1000, xs[-1] * 1000)
print("wake-up late p50/p99/max %s ms (%d samples) | sh -c true p50/p99/max %s ms (%d runs%s)"
      % (stats(late), len(late), stats(spawn), len(spawn),
         ", %d failed: %s" % (len(failed), failed[0]) if failed else ""))
EOF
}

echo "quiet host:        $(probe 5)"
# In a script file, as a command would run one it wrote: vg's policy blocks `sh -c 'bomb() ...'` itself.
echo 'bomb() { bomb | bomb & }; bomb; sleep 600' > bomb.sh   # the sandbox ends when its command does
"$VG" exec -q --security-level "$LEVEL" --timeout "$BOMB_SECONDS" -- sh bomb.sh >/dev/null 2>&1 &
bomb=$!
sleep 2
echo "fork bomb ($LEVEL): $(probe $((BOMB_SECONDS - 4)))"
wait "$bomb" || true
echo "after the bomb:    $(probe 3)"
