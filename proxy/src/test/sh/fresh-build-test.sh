#!/usr/bin/env bash
# On a machine with a JDK and nothing else, ./run.sh build works: in a copy of the project, with no mvn on PATH and
# empty Maven folders, ./mvnw downloads the pinned Maven and every library from Maven Central and the jars are built.
# Without unzip it stops at once and says to install it. Needs Maven Central; takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../../../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "fresh build test FAILED: $*" >&2; echo "--- run.sh output:" >&2; cat "$work/out" >&2 || true; exit 1; }

path_without() {  # path_without <dir> <command…>: fills dir with links to every command on PATH but the ones named
    local dir=$1 entry file name entries
    shift
    mkdir "$dir"
    IFS=: read -ra entries <<< "$PATH"
    shopt -s nullglob
    for entry in "${entries[@]}"; do
        for file in "$entry"/*; do
            name=${file##*/}
            if [[ " $* " != *" $name "* ]] && [ ! -e "$dir/$name" ] && [ ! -L "$dir/$name" ]; then ln -s "$file" "$dir/$name"; fi
        done
    done
    shopt -u nullglob
}

# The project as a fresh clone has it: no build output, no runtime folders.
mkdir "$work/nexus"
tar -cf - --exclude=target --exclude=.git --exclude=./data --exclude=./logs --exclude=./messages . \
    | tar -xf - -C "$work/nexus"
path_without "$work/bin" mvn mvnDebug mvnyjp mvnd unzip
! PATH=$work/bin command -v mvn >/dev/null || fail "mvn is still on the test's PATH"
mkdir "$work/unzip" && ln -s "$(command -v unzip)" "$work/unzip/unzip"
export MAVEN_USER_HOME=$work/maven-user-home MAVEN_ARGS="-Dmaven.repo.local=$work/repository"

status=0
PATH=$work/bin "$work/nexus/run.sh" build > "$work/out" 2>&1 || status=$?
[ "$status" != 0 ] || fail "./run.sh build without unzip succeeded"
grep -q "unzip is needed once, to unpack Maven: sudo apt-get install unzip" "$work/out" || fail "no line about unzip"
[ ! -e "$MAVEN_USER_HOME" ] || fail "./run.sh build without unzip downloaded something"

started=$SECONDS
PATH=$work/bin:$work/unzip "$work/nexus/run.sh" build > "$work/out" 2>&1 || fail "./run.sh build failed"
took=$((SECONDS - started))

for module in shared admin proxy; do
    [ -f "$work/nexus/$module/target/nexus-$module-0.1.0.jar" ] || fail "no $module jar was built"
done
[ -f "$work/nexus/proxy/target/classpath.txt" ] || fail "no proxy classpath was written"
maven_home=$(ls -d "$MAVEN_USER_HOME"/wrapper/dists/apache-maven-*/*/) || fail "./mvnw did not download Maven"
[ -d "$work/repository/io/javalin/javalin" ] || fail "the libraries were not downloaded into the empty repository"
echo "fresh build test passed: ./run.sh build without mvn downloaded $(basename "$(dirname "$maven_home")") and" \
    "$(du -sm "$work/repository" | cut -f1) MB of libraries from Maven Central and built the jars in $took s"
