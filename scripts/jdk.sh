# Sourced by ./vg and ./run-tests: finds a JDK >= 25 (JAVA_HOME first, then /usr/lib/jvm/*).
vg_java_major() {
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

vg_find_jdk() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*/; do
        candidate=${candidate%/}
        [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
        major=$(vg_java_major "$candidate/bin/java")
        if [[ -n "$major" ]] && (( major >= 25 )); then printf '%s\n' "$candidate"; return 0; fi
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
