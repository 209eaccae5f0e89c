#!/usr/bin/env bash
# Nexus: ./run.sh [both|admin|proxy|test|build]
#   ./run.sh         build when sources changed, then start admin (:8000) and proxy (:5231), restarting one that
#                    dies (at most 5 times a minute); Ctrl-C or SIGTERM stops both
#   ./run.sh test    run every test
#   ./run.sh build   build without starting anything
#   ./run.sh admin   start the admin service only;  ./run.sh proxy   start the proxy only
#   ./run.sh bench [--peer portkey] [--quick] …   what the proxy adds to a request, against a mock upstream (--help)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

die() { echo "run.sh: $*" >&2; exit 1; }

jdk_major() {  # prints the major version of the JDK folder given (from its release file), or nothing
    [ -x "$1/bin/javac" ] && [ -f "$1/release" ] || return 0
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
}

find_jdk() {  # JAVA_HOME when it is 21 or newer, else the newest JDK >= 21 where Linux packages and macOS put them
    local major
    if [ -n "${JAVA_HOME:-}" ]; then
        major=$(jdk_major "$JAVA_HOME")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return; fi
    fi
    local best="" best_major=0 dir
    for dir in /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/ \
        /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home/ /usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home/; do
        dir=${dir%/}
        major=$(jdk_major "$dir")
        if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$dir; best_major=$major; fi
    done
    echo "$best"
}

JAVA_HOME=$(find_jdk)
[ -n "$JAVA_HOME" ] || die "no JDK 21 or newer found; install one (Debian/Ubuntu: sudo apt-get install openjdk-21-jdk, or temurin-21-jdk from adoptium.net; macOS: brew install openjdk@21) or set JAVA_HOME to one"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

maven_unpacked() {  # the Maven that .mvn/wrapper pins has been downloaded and unpacked by ./mvnw before
    local name
    name=$(sed -n 's|^distributionUrl=.*/\(apache-maven-[^/]*\)-bin\.zip.*|\1|p' "$ROOT/.mvn/wrapper/maven-wrapper.properties")
    compgen -G "${MAVEN_USER_HOME:-$HOME/.m2}/wrapper/dists/$name/*/bin/mvn" >/dev/null
}
# Without unzip, ./mvnw fetches Maven's .tar.gz instead, which then fails the checksum pinned for the .zip.
command -v unzip >/dev/null || maven_unpacked || die "unzip is needed once, to unpack Maven: sudo apt-get install unzip"
# ./mvnw downloads the Maven pinned in .mvn/wrapper/maven-wrapper.properties on first use (into ~/.m2/wrapper).
MVN=("$ROOT/mvnw" -B -q -Dstyle.color=never)
# Maven's own Guava warns about sun.misc.Unsafe on JDK 24 and newer; that is Maven's business, not ours.
if [ "$(jdk_major "$JAVA_HOME")" -ge 24 ]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi

# A small, steady footprint for a gateway on a developer's machine (measured with ./run.sh bench): the serial
# collector, a capped heap with a small young generation, code cache and metaspace, compact object headers where the
# JDK has them (25+), freed native memory handed back to the system each second (22+), and fewer malloc arenas.
# Override with NEXUS_ADMIN_JAVA_OPTS / NEXUS_PROXY_JAVA_OPTS.
COMMON_JAVA_OPTS="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError"
if [ "$(jdk_major "$JAVA_HOME")" -ge 22 ]; then COMMON_JAVA_OPTS="$COMMON_JAVA_OPTS -XX:TrimNativeHeapInterval=1000"; fi
if [ "$(jdk_major "$JAVA_HOME")" -ge 25 ]; then COMMON_JAVA_OPTS="$COMMON_JAVA_OPTS -XX:+UseCompactObjectHeaders"; fi
ADMIN_JAVA_OPTS=${NEXUS_ADMIN_JAVA_OPTS:-"$COMMON_JAVA_OPTS -Xms16m -Xmx128m -XX:TieredStopAtLevel=1"}
PROXY_JAVA_OPTS=${NEXUS_PROXY_JAVA_OPTS:-"$COMMON_JAVA_OPTS -Xms40m -Xmx192m -Xmn32m"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

BUILD_STAMP="$ROOT/proxy/target/.built"

build() {
    "${MVN[@]}" -DskipTests install
    touch "$BUILD_STAMP"
}

build_if_needed() {  # when a pom or a main source is newer than the last build
    if [ ! -f "$BUILD_STAMP" ] || [ ! -f "$ROOT/admin/target/classpath.txt" ] \
        || [ -n "$(find "$ROOT/pom.xml" "$ROOT"/*/pom.xml "$ROOT"/*/src/main -newer "$BUILD_STAMP" -print -quit)" ]; then
        if maven_unpacked; then echo "Building Nexus…"
        else echo "Building Nexus; this first build downloads Maven and up to 200 MB of libraries from Maven Central…"; fi
        build
    fi
}

start() {  # start <admin|proxy>: runs the service in the foreground of this shell function
    local module=$1 main opts
    case "$module" in
        admin) main=nexus.admin.AdminMain; opts=$ADMIN_JAVA_OPTS ;;
        proxy) main=nexus.proxy.ProxyMain; opts=$PROXY_JAVA_OPTS ;;
    esac
    mkdir -p "${NEXUS_DATA_DIR:-data}" "${NEXUS_LOGS_DIR:-logs}" "${NEXUS_MESSAGES_DIR:-messages}"
    # shellcheck disable=SC2086
    exec "$JAVA" $opts -cp "$ROOT/$module/target/nexus-$module-0.1.0.jar:$(cat "$ROOT/$module/target/classpath.txt")" "$main"
}

say() {  # a line of run.sh's own, on the console and in logs/run.log
    local line
    line="$(date -u '+%Y-%m-%d %H:%M:%S') run.sh: $*"
    echo "$line" >&2
    echo "$line" >> "${NEXUS_LOGS_DIR:-logs}/run.log" 2>/dev/null || true
}

# Exit statuses of a service that refused to start (port in use, bad configuration): restarting cannot help.
REFUSED_TO_START="1 2"
MAX_RESTARTS_PER_MINUTE=5

supervise() {  # supervise <admin|proxy>: runs the service, restarting it when it dies, until run.sh stops it
    local module=$1 child status now stopping=0 restarts=() recent
    trap 'stopping=1; kill -TERM "$child" 2>/dev/null || true' TERM
    while true; do
        (start "$module") & child=$!
        wait "$child" && status=0 || status=$?
        if [ "$stopping" = 1 ]; then
            wait "$child" 2>/dev/null || true  # the trap interrupted wait; let the service finish stopping
            exit 0
        fi
        if [[ " $REFUSED_TO_START " == *" $status "* ]]; then
            say "$module refused to start (exit status $status); not restarting it"
            exit "$status"
        fi
        now=$(date +%s)
        recent=()
        for started in "${restarts[@]}"; do
            if [ $((now - started)) -lt 60 ]; then recent+=("$started"); fi
        done
        restarts=("${recent[@]}")
        if [ "${#restarts[@]}" -ge "$MAX_RESTARTS_PER_MINUTE" ]; then
            say "$module died (exit status $status) after $MAX_RESTARTS_PER_MINUTE restarts within a minute; giving up on it"
            exit "$status"
        fi
        restarts+=("$now")
        say "$module died (exit status $status); restarting it (${#restarts[@]} of $MAX_RESTARTS_PER_MINUTE a minute)"
    done
}

case "${1:-both}" in
    test)
        shift
        # Not quiet: Surefire's per-module "Tests run: …" summaries are the report.
        "$ROOT/mvnw" -B --no-transfer-progress -Dstyle.color=never install "$@"
        touch "$BUILD_STAMP"
        proxy/src/test/sh/supervision-test.sh
        proxy/src/test/sh/fresh-build-test.sh
        ;;
    build)
        build
        ;;
    bench)
        shift
        echo "Building Nexus and the benchmark (tests compiled, not run)…"
        build
        # The bench starts the proxy as run.sh does (same JVM options); it runs on the proxy's test classpath.
        export NEXUS_BENCH_JAVA="$JAVA" NEXUS_BENCH_PROXY_OPTS="$PROXY_JAVA_OPTS"
        export NEXUS_BENCH_PROXY_CP="$ROOT/proxy/target/nexus-proxy-0.1.0.jar:$(cat "$ROOT/proxy/target/classpath.txt")"
        exec "$JAVA" -XX:+UseSerialGC -Xms128m -Xmx1g --enable-native-access=ALL-UNNAMED \
            -Dlogback.configurationFile="$ROOT/proxy/target/test-classes/logback-test.xml" \
            -cp "$ROOT/proxy/target/test-classes:$NEXUS_BENCH_PROXY_CP:$(cat "$ROOT/proxy/target/test-classpath.txt")" \
            nexus.proxy.bench.BenchMain "$@"
        ;;
    admin|proxy)
        build_if_needed
        start "$1"
        ;;
    both)
        build_if_needed
        (supervise admin) & admin_pid=$!
        (supervise proxy) & proxy_pid=$!
        stop_both() { kill -TERM "$admin_pid" "$proxy_pid" 2>/dev/null || true; wait "$admin_pid" "$proxy_pid" 2>/dev/null || true; }
        trap 'stop_both; exit 0' INT TERM
        # One service that gave up leaves the other serving; run.sh ends when both have.
        status=0
        for _ in 1 2; do
            wait -n "$admin_pid" "$proxy_pid" || status=$?
        done
        exit "$status"
        ;;
    *)
        die "unknown command '$1'; use: ./run.sh [admin|proxy|test|build|bench]"
        ;;
esac
