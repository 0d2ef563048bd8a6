# Sourced by the benchmark scripts: the vg server that vg's client starts for this run lives in a
# runtime directory of the run's own, so that it is this tree's vg and not a server another vg
# left in the shared one (/tmp/vectra-guard-UID for root). stop_private_server ends it.
VG_BENCH_RUN=$(mktemp -d /tmp/vg-bench-run.XXXXXX)
export XDG_RUNTIME_DIR=$VG_BENCH_RUN
stop_private_server() {
    pgrep -f "dev.vectraguard.server.VgServer $VG_BENCH_RUN" | while read -r pid; do kill "$pid"; done || true
    rm -rf "$VG_BENCH_RUN"
}
