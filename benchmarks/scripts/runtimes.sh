#!/usr/bin/env bash
# Whole-process `vg exec` per runtime, in one hyperfine run: `vg exec -q --runtime R --network none
# -- true` for native, bubblewrap, docker and podman, and a bare `bwrap ... -- true` as the baseline.
# It starts a dockerd of its own (own data root and socket, no iptables, no bridge; stopped by its
# pid at the end) and imports a busybox image into it and into podman's storage (no registry), and
# vg's client starts a vg server of this tree (its own XDG_RUNTIME_DIR; stopped at the end). Run it
# as root on an idle machine.
#
#   benchmarks/scripts/runtimes.sh                  # RUNS=20 WARMUP=3
#   RUNS=40 VG=/path/to/vg benchmarks/scripts/runtimes.sh
#   JMH=1 benchmarks/scripts/runtimes.sh            # then also SpawnBenchmark's spawn + wait of /bin/true per
#                                                   # runtime (benchmarks/target/benchmarks.jar, built before)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VG=${VG:-$ROOT/vg}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
IMAGE=vg-bench:busybox
(( EUID == 0 )) || { echo "runs as root (it starts a dockerd of its own)" >&2; exit 1; }
for tool in hyperfine bwrap dockerd docker podman busybox; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done

# Not under /root: as root, bubblewrap runs the command as the workspace's owner, who must reach it.
WORK=$(mktemp -d /var/tmp/vg-runtimes.XXXXXX)
chmod 755 "$WORK"
DOCKERD_PID=
source "$ROOT/benchmarks/scripts/private-server.sh"
cleanup() {
    stop_private_server
    if [[ -n "$DOCKERD_PID" ]]; then
        kill "$DOCKERD_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    fi
    podman rmi -f "localhost/$IMAGE" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/image/bin" "$WORK/image/tmp" "$WORK/ws"
cp "$(command -v busybox)" "$WORK/image/bin/busybox"
for applet in sh true; do ln -s busybox "$WORK/image/bin/$applet"; done
chmod 1777 "$WORK/image/tmp"
tar -C "$WORK/image" -cf "$WORK/image.tar" .
chown 65534:65534 "$WORK/ws"   # bubblewrap refuses a root-owned workspace for a root caller

dockerd --data-root "$WORK/docker" --exec-root "$WORK/docker-exec" --pidfile "$WORK/dockerd.pid" \
    -H "unix://$WORK/docker.sock" --iptables=false --ip6tables=false --bridge=none >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
export DOCKER_HOST=unix://$WORK/docker.sock
for _ in $(seq 300); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
docker version >/dev/null || { tail -5 "$WORK/dockerd.log" >&2; exit 1; }
docker import - "$IMAGE" <"$WORK/image.tar" >/dev/null
podman import - "$IMAGE" <"$WORK/image.tar" >/dev/null

# Trusted (--config, outside the workspace): no policy prompt, the busybox image for both engines.
printf 'guard_level:\n  level: off\nsandbox:\n  image: %s\n' "$IMAGE" >"$WORK/docker.yaml"
printf 'guard_level:\n  level: off\nsandbox:\n  image: localhost/%s\n' "$IMAGE" >"$WORK/podman.yaml"
cd "$WORK/ws"
for runtime in native bubblewrap docker podman; do   # builds vg if needed; each must work before timing
    config=$WORK/docker.yaml; [[ $runtime == podman ]] && config=$WORK/podman.yaml
    "$VG" exec --config "$config" -q --runtime "$runtime" --network none -- true
done

vg_exec() { echo "$VG exec --config $WORK/$2.yaml -q --runtime $1 --network none -- true"; }
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-markdown "$WORK/result.md" \
    -n 'bwrap ... -- true' 'bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --die-with-parent --new-session -- true' \
    -n native "$(vg_exec native docker)" \
    -n bubblewrap "$(vg_exec bubblewrap docker)" \
    -n docker "$(vg_exec docker docker)" \
    -n podman "$(vg_exec podman podman)"
cat "$WORK/result.md"

# JMH=1: spawn + wait of /bin/true in one JVM per runtime, against the same engines and image, at
# balanced with network none (what the containers can give), side by side in one run.
if [[ -n "${JMH:-}" ]]; then
    JAR=$ROOT/benchmarks/target/benchmarks.jar
    [[ -f "$JAR" ]] || { echo "build the benchmarks first: mvn -B -ntp package -DskipTests" >&2; exit 1; }
    source "$ROOT/scripts/jdk.sh"
    vg_find_jdk || { echo "no JDK >= 25 found" >&2; exit 1; }
    (cd "$WORK" && "$VG_JDK/bin/java" --enable-native-access=ALL-UNNAMED -jar "$JAR" \
        'SpawnBenchmark.(processBuilder|nativeSandbox|bubblewrap|bubblewrapRuntime|container)$' -p level=balanced \
        -f 1 -wi "${JMH_WARMUPS:-2}" -i "${JMH_ITERATIONS:-5}" -w 2 -r 4 -jvmArgsAppend "-Dvg.bench.image=$IMAGE")
fi
