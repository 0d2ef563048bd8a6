# Sourced by ./vg and ./run-tests: finds a JDK >= 25 (JAVA_HOME first, then /usr/lib/jvm/*).
# Sets VG_JAVA_MAJOR to the feature version of the JDK at $1, read from its release file (no JVM
# start; bash builtins only: the launcher runs this on every start).
vg_java_major() {
    VG_JAVA_MAJOR=
    local line
    [[ -r "$1/release" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" == JAVA_VERSION=* ]]; then
            line=${line#JAVA_VERSION=\"}
            line=${line%%[.\"]*}
            [[ "$line" == 1 ]] && line=8
            [[ "$line" =~ ^[0-9]+$ ]] && VG_JAVA_MAJOR=$line
            return 0
        fi
    done <"$1/release"
}

# Sets VG_JDK to a JDK >= 25: $JAVA_HOME first, then /usr/lib/jvm/*; fails when there is none.
vg_find_jdk() {
    VG_JDK=
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*/; do
        candidate=${candidate%/}
        [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
        vg_java_major "$candidate"
        if [[ -n "$VG_JAVA_MAJOR" ]] && (( VG_JAVA_MAJOR >= 25 )); then VG_JDK=$candidate; return 0; fi
    done
    return 1
}

# Debian packages vg needs to build and test; prints the missing ones.
vg_missing_packages() {
    local missing=()
    command -v mvn >/dev/null || missing+=(maven)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v cc >/dev/null || missing+=(gcc)
    command -v pkg-config >/dev/null || missing+=(pkg-config)
    pkg-config --exists libseccomp 2>/dev/null || missing+=(libseccomp-dev)
    printf '%s\n' "${missing[@]}"
}
