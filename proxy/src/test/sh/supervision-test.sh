#!/usr/bin/env bash
# ./run.sh keeps both services up: a proxy killed with SIGKILL is restarted while the admin keeps answering, the
# restart is logged with its exit status, and SIGTERM to run.sh stops both. Needs the built jars (./run.sh build).
set -euo pipefail
cd "$(dirname "$0")/../../../.."

work=$(mktemp -d)
run_pid=""
cleanup() {
    if [ -n "$run_pid" ]; then kill -TERM "$run_pid" 2>/dev/null || true; fi
    for pid in $(service_pids admin) $(service_pids proxy); do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "supervision test FAILED: $*" >&2; echo "--- run.sh output:" >&2; cat "$work/out" >&2 || true; exit 1; }

service_pids() {  # the JVMs of this test's services: <admin|proxy>
    local main=nexus.$1.$(tr '[:lower:]' '[:upper:]' <<< "${1:0:1}")${1:1}Main pid
    for pid in $(pgrep -f "$main" || true); do
        if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "NEXUS_DATA_DIR=$work/data"; then echo "$pid"; fi
    done
}

until_true() {  # until_true <seconds> <what> <command…>: polls the command every 0.2 s
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || fail "$what did not happen within the deadline"
        [ -z "$run_pid" ] || kill -0 "$run_pid" 2>/dev/null || fail "run.sh ended before $what"
        sleep 0.2
    done
}

port_of() {  # the port of the last "listening on" line in a service's log
    sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/logs/$1.log" 2>/dev/null | tail -n 1
}

healthy() {  # healthy <port>: GET /health answers {"status":"ok"}
    local answer
    answer=$(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && cat <&3) 2>/dev/null || return 1
    [[ "$answer" == *'"status":"ok"'* ]]
}

started() {  # started <admin|proxy> <n>: the service has logged at least n starts
    [ "$(grep -c "listening on" "$work/logs/$1.log" 2>/dev/null || true)" -ge "$2" ] 2>/dev/null
}

NEXUS_DATA_DIR=$work/data NEXUS_LOGS_DIR=$work/logs NEXUS_MESSAGES_DIR=$work/messages \
    NEXUS_ADMIN_PORT=0 NEXUS_PROXY_PORT=0 ./run.sh both > "$work/out" 2>&1 &
run_pid=$!

until_true 60 "admin start" started admin 1
until_true 60 "proxy start" started proxy 1
admin_port=$(port_of admin)
healthy "$admin_port" || fail "admin is not healthy"
healthy "$(port_of proxy)" || fail "proxy is not healthy"

first_proxy=$(service_pids proxy)
[ -n "$first_proxy" ] || fail "no proxy process found"
kill -KILL "$first_proxy"
until_true 60 "the proxy's restart" started proxy 2
healthy "$(port_of proxy)" || fail "the restarted proxy is not healthy"
healthy "$admin_port" || fail "admin stopped serving while the proxy was restarted"
[ "$(service_pids proxy)" != "$first_proxy" ] || fail "the proxy process was not replaced"
grep -q "proxy died (exit status 137); restarting it" "$work/logs/run.log" || fail "the restart was not logged"

kill -TERM "$run_pid"
status=0
wait "$run_pid" || status=$?
run_pid=""
[ "$status" = 0 ] || fail "run.sh exited with status $status after SIGTERM"
[ -z "$(service_pids admin)$(service_pids proxy)" ] || fail "a service is still running after run.sh stopped"
echo "supervision test passed: a killed proxy was restarted, admin kept serving, SIGTERM stopped both"
