#!/usr/bin/env bash
# Real workloads on the host and through `vg exec` at each security level, in one run: a warm
# `npm ci` of a real project, `mvn -o -q package` of a small project, `cargo build --offline` of a
# crate, `python3 -m venv`, a `make -j$(nproc)` C build, a 30-command agent session (one `vg exec`
# per command, as an agent runs them), and disk writes into the workspace and into a package cache.
# Each is timed ROUNDS times (host and levels alternating within a round) and the medians are
# printed as a Markdown table of ratios to the host; vg's fixed start-up cost (`vg exec -- true`)
# is reported separately, and each ratio again with that cost taken off.
#
# Run by hand, not in CI: needs npm, mvn, cargo, python3 (with venv), make, gcc, git, GNU time,
# and the npm registry and Maven Central once (to fill ~/.npm and ~/.m2; then everything runs
# offline). Everything else lives in a workspace of its own (not /tmp: vg refuses /tmp itself),
# removed at the end.
#
#   benchmarks/scripts/workloads.sh                      # ROUNDS=3, all four levels
#   ROUNDS=5 LEVELS="balanced strict" VG=/path/to/vg benchmarks/scripts/workloads.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VG=${VG:-$ROOT/vg}
ROUNDS=${ROUNDS:-3}
read -r -a LEVELS <<< "${LEVELS:-permissive balanced strict paranoid}"
WORK=${WORK:-$HOME/vg-workload-bench}
JOBS=$(nproc)

for tool in npm node mvn cargo python3 make gcc git /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "workloads.sh: $tool is missing" >&2; exit 1; }
done
[[ -e "$WORK" ]] && { echo "workloads.sh: $WORK exists; remove it or set WORK" >&2; exit 1; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd -P)
IO_CACHE="$HOME/.npm/vg-bench-io.bin"
source "$ROOT/benchmarks/scripts/private-server.sh"
trap 'stop_private_server; rm -rf "$WORK" "$IO_CACHE"' EXIT
cd "$WORK"
"$VG" exec -q -- true   # builds vg if needed, off the clock

# ---- the projects ---------------------------------------------------------------------------

mkdir npm && cat > npm/package.json <<'EOF'
{"name": "bench-app", "version": "1.0.0", "private": true,
 "dependencies": {"express": "4.21.2", "lodash": "4.17.21", "chalk": "4.1.2", "commander": "12.1.0",
  "yargs": "17.7.2", "axios": "1.7.9", "dayjs": "1.11.13", "uuid": "11.0.3", "debug": "4.4.0", "semver": "7.6.3",
  "glob": "10.4.5", "minimist": "1.2.8", "ws": "8.18.0", "zod": "3.24.1", "prettier": "3.4.2"}}
EOF

mkdir -p mvn/src/main/java/bench mvn/src/test/java/bench && cat > mvn/pom.xml <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>bench</artifactId><version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency><groupId>org.apache.commons</groupId><artifactId>commons-lang3</artifactId><version>3.14.0</version></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.10.2</version><scope>test</scope></dependency>
  </dependencies>
  <build><plugins>
    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.2.5</version></plugin>
    <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.1</version></plugin>
  </plugins></build>
</project>
EOF
for i in $(seq 1 20); do
    cat > "mvn/src/main/java/bench/Part$i.java" <<EOF
package bench;
import org.apache.commons.lang3.StringUtils;
public final class Part$i {
    public static String shout(String s) { return StringUtils.upperCase(StringUtils.reverse(s)) + $i; }
    public static long sum(int n) { long t = 0; for (int k = 0; k < n; k++) { t += k % $((i + 2)); } return t; }
}
EOF
    cat > "mvn/src/test/java/bench/Part${i}Test.java" <<EOF
package bench;
import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Test;
class Part${i}Test {
    @Test void shouts() { assertEquals("CBA$i", Part$i.shout("abc")); }
    @Test void sums() { assertEquals(Part$i.sum(100), Part$i.sum(100)); }
}
EOF
done

mkdir -p cargo/src && cat > cargo/Cargo.toml <<'EOF'
[package]
name = "bench"
version = "0.1.0"
edition = "2021"
EOF
{
    for i in $(seq 1 300); do
        echo "pub fn f$i(v: &[u64]) -> u64 { v.iter().map(|x| x.wrapping_mul($i) ^ (x >> 3)).filter(|x| x % 7 != $((i % 7))).sum() }"
    done
    echo "pub fn all(v: &[u64]) -> u64 { 0 $(for i in $(seq 1 300); do printf '+ f%d(v) ' "$i"; done) }"
} > cargo/src/lib.rs
echo 'fn main() { println!("{}", bench::all(&[1, 2, 3, 4, 5])); }' > cargo/src/main.rs

mkdir make && {
    printf 'SRCS := $(wildcard src/*.c)\nOBJS := $(SRCS:src/%%.c=obj/%%.o)\n'
    printf 'app: $(OBJS)\n\t$(CC) -o $@ $^\nobj/%%.o: src/%%.c | obj\n\t$(CC) -O2 -c -o $@ $<\nobj:\n\tmkdir -p obj\n'
    printf 'clean:\n\trm -rf obj app\n'
} > make/Makefile
mkdir make/src
for i in $(seq 1 80); do
    {
        echo "#include <string.h>"
        for j in $(seq 1 40); do
            echo "int u${i}_$j(const char *s, int n) { int h = $j; for (int k = 0; k < n; k++) h = h * 31 + s[k % (int)strlen(s)] + k * $i; return h; }"
        done
    } > "make/src/u$i.c"
done
echo 'int main(void) { return 0; }' > make/src/main.c

mkdir agent && (cd agent && git init -q && git config user.email bench@example.org && git config user.name bench \
    && mkdir -p src test && for i in $(seq 1 40); do seq 1 200 | sed "s/^/line $i: value /" > "src/file$i.txt"; done \
    && printf '#!/bin/sh\nset -e\nfor f in src/*.txt; do grep -q "value 1" "$f"; done\necho ok\n' > test/run.sh \
    && chmod +x test/run.sh && git add -A && git commit -qm init)
AGENT_COMMANDS=(
    "ls -la" "ls src" "cat src/file1.txt" "git status" "grep -rn 'value 42' src" "cat src/file2.txt"
    "git diff" "sed -i 's/value 7/value seven/' src/file3.txt" "git diff --stat" "./test/run.sh"
    "grep -rc 'line 5' src" "head -20 src/file4.txt" "wc -l src/file5.txt" "sed -i 's/value 9/value nine/' src/file6.txt"
    "git status --short" "ls test" "cat test/run.sh" "grep -rl seven src" "git diff src/file3.txt" "./test/run.sh"
    "tail -5 src/file7.txt" "sed -i '1d' src/file8.txt" "git log --oneline" "grep -rn nine src" "find src -name '*.txt'"
    "git diff --name-only" "cat src/file9.txt" "sort -r src/file10.txt" "./test/run.sh" "git checkout -q -- src"
)

# ---- the workloads: setup (untimed) and the timed command, run in the given directory -------

declare -A SETUP COMMAND DIR
add() { SETUP[$1]=$2; COMMAND[$1]=$3; DIR[$1]=$4; }
add "npm ci" "rm -rf node_modules" "npm ci --offline --no-audit --no-fund --loglevel=error" npm
add "mvn -o -q package" "rm -rf target" "mvn -o -q -B package" mvn
add "cargo build --offline" "rm -rf target" "cargo build --offline -q" cargo
add "python3 -m venv" "rm -rf venv" "python3 -m venv venv" "$WORK"
add "make -j$JOBS" "make -s clean" "make -s -j$JOBS" make
add "write 512 MiB to workspace" "rm -f io.bin" "dd if=/dev/zero of=io.bin bs=1M count=512 conv=fsync status=none" "$WORK"
add "write 256 MiB to ~/.npm" "rm -f $IO_CACHE" "dd if=/dev/zero of=$IO_CACHE bs=1M count=256 conv=fsync status=none" "$WORK"
WORKLOADS=("npm ci" "mvn -o -q package" "cargo build --offline" "python3 -m venv" "make -j$JOBS"
    "write 512 MiB to workspace" "write 256 MiB to ~/.npm")

echo "filling the caches (npm registry, Maven Central) and measuring host peak memory..." >&2
(cd npm && npm install --no-audit --no-fund --loglevel=error >/dev/null \
    && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)   # then --offline finds everything
(cd mvn && mvn -q -B package >/dev/null)
declare -A PEAK
for w in "${WORKLOADS[@]}"; do
    (cd "${DIR[$w]}" && sh -c "${SETUP[$w]}")
    (cd "${DIR[$w]}" && /usr/bin/time -o "$WORK/peak" -f %M sh -c "${COMMAND[$w]}" >/dev/null)
    PEAK[$w]=$(tail -1 "$WORK/peak")
done

now() { date +%s%N; }
# time_one WHERE WORKLOAD: milliseconds of one run, on the host (WHERE=host) or at level WHERE.
time_one() {
    local where=$1 w=$2 start end
    (cd "${DIR[$w]}" && sh -c "${SETUP[$w]}")
    start=$(now)
    if [[ $where == host ]]; then
        (cd "${DIR[$w]}" && sh -c "${COMMAND[$w]}") >/dev/null
    else
        (cd "${DIR[$w]}" && "$VG" exec -q --workspace "$WORK" --security-level "$where" -- sh -c "${COMMAND[$w]}") >/dev/null
    fi
    end=$(now)
    echo $(( (end - start) / 1000000 ))
}
time_agent() {
    local where=$1 start end c
    start=$(now)
    for c in "${AGENT_COMMANDS[@]}"; do
        if [[ $where == host ]]; then
            (cd agent && sh -c "$c") >/dev/null
        else
            (cd agent && "$VG" exec -q --workspace "$WORK" --security-level "$where" -- sh -c "$c") >/dev/null
        fi
    done
    end=$(now)
    (cd agent && git checkout -q -- .)
    echo $(( (end - start) / 1000000 ))
}
time_startup() {
    local where=$1 start end
    start=$(now)
    if [[ $where == host ]]; then sh -c true; else (cd "$WORK" && "$VG" exec -q --security-level "$where" -- true); fi
    end=$(now)
    echo $(( (end - start) / 1000000 ))
}

declare -A SAMPLES
PLACES=(host "${LEVELS[@]}")
for round in $(seq "$ROUNDS"); do
    echo "round $round of $ROUNDS..." >&2
    for p in "${PLACES[@]}"; do
        for _ in 1 2 3; do SAMPLES["start-up|$p"]+="$(time_startup "$p") "; done
    done
    for w in "${WORKLOADS[@]}"; do
        for p in "${PLACES[@]}"; do SAMPLES["$w|$p"]+="$(time_one "$p" "$w") "; done
    done
    for p in "${PLACES[@]}"; do SAMPLES["agent session (30 commands)|$p"]+="$(time_agent "$p") "; done
done

median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf '\n%s, %s CPUs, %s rounds (medians), load average at the end: %s\n\n' "$(date -u +%FT%TZ)" "$JOBS" "$ROUNDS" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
header="| workload | host | host peak RSS |"
rule="|---|---|---|"
for l in "${LEVELS[@]}"; do header+=" $l |"; rule+="---|"; done
echo "$header"; echo "$rule"
declare -A STARTUP
row="| start-up (\`vg exec -- true\`) | $(median "${SAMPLES["start-up|host"]}") ms | |"
for l in "${LEVELS[@]}"; do STARTUP[$l]=$(median "${SAMPLES["start-up|$l"]}"); row+=" ${STARTUP[$l]} ms |"; done
echo "$row"
for w in "${WORKLOADS[@]}" "agent session (30 commands)"; do
    host=$(median "${SAMPLES["$w|host"]}")
    peak=${PEAK[$w]:-}
    row="| $w | $host ms | ${peak:+$((peak / 1024)) MiB} |"
    starts=1
    [[ $w == agent* ]] && starts=${#AGENT_COMMANDS[@]}
    for l in "${LEVELS[@]}"; do
        t=$(median "${SAMPLES["$w|$l"]}")
        row+=$(awk -v t="$t" -v h="$host" -v s="${STARTUP[$l]}" -v n="$starts" \
            'BEGIN { net = t - n * s; if (net < 0) net = 0; printf " %.2fx (%.2fx) |", t / h, net / h }')
    done
    echo "$row"
done
printf '\nEach level: ratio of the median to the host'"'"'s, and in parentheses with vg'"'"'s start-up (the agent session: 30 start-ups) taken off.\n'
