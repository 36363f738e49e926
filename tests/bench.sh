#!/bin/bash
# bench.sh: cold install, no-op resync and one-container reload of N
# containers (default 10,000) on one dummy-datapath bridge, by ofguard, side
# by side with "ovs-ofctl --bundle add-flows" of the very same flows (from
# "ofguard --compile") measured in the same run.
#
# Usage: tests/bench.sh [N [RUNS]]   (after build-aux/setup.sh or tests/run-all.sh)
#   RUNS (default 3): cold installs by each of the two, alternating, each on a
#                     freshly started and settled switch; medians are compared
#   OFG_BENCH_TRANSPORT=tcp    (default) the switch connects to ofguard over
#                              TCP (set-controller tcp:...)
#   OFG_BENCH_TRANSPORT=unix   ... over a unix socket (set-controller unix:...)
#   OFG_BENCH_TRANSPORT=mgmt   ofguard dials the bridge's management socket
#                              (--connect=unix:.../br0.mgmt), the very
#                              connection ovs-ofctl uses
#
# Not part of the test suite: timings are figures to compare, not pass/fail.
# At 10,000 ports one install takes ovs-vswitchd ~40-70 s and varies by tens
# of percent from one fresh switch to the next, hence several runs.

set -eu
N=${1:-10000}
RUNS=${2:-3}
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench.XXXXXX")
if [ -z "${OFG_BENCH_KEEP:-}" ]; then
    trap 'ofg_sb_stop_ofguard; ofg_sb_stop; rm -rf "$dir"' EXIT
fi
# No per-message debug logging in the switch: it would dominate the timings.
OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
export OFG_SB_VSWITCHD_ARGS
ofg_sb_start "$dir"
ofg_sb_add_bridge br0 dummy 00000000000000b0
ofg_sb_add_port br0 eth0 1

# The controller target is set once, before the ports: changing it later
# makes ovs-vswitchd reconfigure every port (about a minute at 10,000).
transport=${OFG_BENCH_TRANSPORT:-tcp}
case $transport in
    unix)
        ofguard_target=--listen=punix:$dir/ofguard.sock
        ovs-vsctl --no-wait set-controller br0 "unix:$dir/ofguard.sock"
        ;;
    mgmt)
        ofguard_target=--connect=unix:$OVS_RUNDIR/br0.mgmt
        ;;
    tcp)
        port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        ofguard_target=--listen=ptcp:$port:127.0.0.1
        ovs-vsctl --no-wait set-controller br0 "tcp:127.0.0.1:$port"
        ;;
    *)
        echo "bench: OFG_BENCH_TRANSPORT must be tcp, unix or mgmt" >&2
        exit 1
        ;;
esac

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

echo "bench: $N containers: adding $N dummy ports..." >&2
# Straight ovsdb transactions of 200 ports each: ovs-vsctl checks every new
# port against all existing ones, which is quadratic at this size.
for first in $(seq 1 200 "$N"); do
    txn=$(/usr/bin/python3 - "$first" "$N" <<'PY'
import json, sys
first, n = int(sys.argv[1]), int(sys.argv[2])
ops, ports = ["Open_vSwitch"], []
for j in range(first, min(first + 199, n) + 1):
    ops.append({"op": "insert", "table": "Interface", "uuid-name": "i%d" % j,
                "row": {"name": "p%d" % j, "type": "dummy",
                        "ofport_request": j + 1}})
    ops.append({"op": "insert", "table": "Port", "uuid-name": "q%d" % j,
                "row": {"name": "p%d" % j,
                        "interfaces": ["named-uuid", "i%d" % j]}})
    ports.append(["named-uuid", "q%d" % j])
ops.append({"op": "mutate", "table": "Bridge",
            "where": [["name", "==", "br0"]],
            "mutations": [["ports", "insert", ["set", ports]]]})
print(json.dumps(ops))
PY
)
    ovsdb-client transact "unix:$dir/db.sock" "$txn" > /dev/null
done
ovs-vsctl --timeout=600 wait-until interface "p$N" ofport=$((N + 1))

# The config: N containers, each with a primary and an additional address
# (the seed slide's "one extra IP each"), on /16 networks of 250 each.
cfg=$dir/bench.json
/usr/bin/python3 - "$N" > "$cfg" <<'PY'
import json, sys
n = int(sys.argv[1])
nets, cont = {}, {}
for i in range(n):
    net = i // 250
    name = "net%d" % net
    if name not in nets:
        nets[name] = {"subnet": "10.%d.%d.0/24" % (net // 256, net % 256),
                      "gateway": "10.%d.%d.1" % (net // 256, net % 256)}
    host = i % 250 + 2
    pre = "10.%d.%d." % (net // 256, net % 256)
    cont["c%d" % i] = {"port": "p%d" % (i + 1), "network": name,
                       "mac": "02:00:%02x:%02x:%02x:%02x" % (
                           (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255,
                           i & 255),
                       "ipv4": [pre + str(host), "172.%d.%d.%d" % (
                           16 + (i >> 16), (i >> 8) & 255, i & 255)],
                       "cookie": "0x%x" % (i + 1)}
json.dump({"networks": nets,
           "switches": {"host1": {"datapath_id": "00000000000000b0",
                                  "trusted_ports": ["eth0", "LOCAL"]}},
           "containers": cont}, sys.stdout, indent=1)
PY

flows=$dir/flows.txt
t0=$(now)
"$OFGUARD" --compile --switch=host1 "$cfg" > "$flows"
t1=$(now)
n_flows=$(wc -l < "$flows")
compile_s=$(elapsed "$t0" "$t1")

log=$dir/ofguard.log
log_time() {    # prints the epoch seconds of the Nth log line matching $1
    grep "$1" "$log" | sed -n "${2}p" | cut -d'|' -f1 \
        | xargs -I{} date -d {} +%s.%N
}
wait_log() {    # waits until $1 matches $2 times in the log (bounded)
    local k
    for k in $(seq 6000); do
        [ "$(grep -c "$1" "$log")" -ge "$2" ] && return 0
        sleep 0.1
    done
    echo "bench: timed out waiting for '$1'; ofguard's status and logs:" >&2
    ovs-appctl -t ofguard status >&2 || true
    tail -n 20 "$log" "$dir/ovs-vswitchd.log" >&2
    return 1
}
start_ofguard() {
    [ -e "$log" ] && mv "$log" "$log.old"   # so that counts are this run's
    ofg_sb_start_ofguard "$cfg" "$ofguard_target"
}
count_flows() {
    ovs-ofctl -O OpenFlow13 dump-flows br0 | grep -c cookie=
}

# Every install starts from the same state: a switch just started (SIGKILL,
# as an orderly exit of 10,000 ports takes minutes) whose CPU use has
# settled, with no flows.  A switch that has already installed and deleted
# 160,000 flows is measurably slower, and one still busy starting up would
# penalise whoever comes first.
settle() {      # waits (bounded) until ovs-vswitchd uses <10% CPU for 1 s
    local pid k a b
    pid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
    for k in $(seq 120); do
        a=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        sleep 1
        b=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        [ $((b - a)) -lt $(($(getconf CLK_TCK) / 10)) ] && return 0
    done
}
fresh_switch() {
    ofg_sb_restart_vswitchd --kill
    ovs-vsctl --timeout=600 wait-until interface "p$N" ofport=$((N + 1))
    settle
}

# Baseline: ovs-ofctl --bundle add-flows of the same flows, timed from start
# to exit.  ofguard: cold install, timed from the switch connecting to "in
# sync" by ofguard's own log timestamps (ofguard's work before the first
# flow, reading ports and flows and compiling, is inside that).
ofctl_install() {     # appends the time to $ofctl_runs
    local t0 t1
    fresh_switch
    t0=$(now)
    ovs-ofctl -O OpenFlow13 --bundle add-flows br0 "$flows"
    t1=$(now)
    ofctl_runs="$ofctl_runs $(elapsed "$t0" "$t1")"
    installed=$(count_flows)
}
ofguard_install() {   # appends the time to $ofguard_runs
    fresh_switch
    start_ofguard
    wait_log "in sync" 1
    ofguard_runs="$ofguard_runs $(elapsed "$(log_time 'connected, datapath ID' 1)" \
                                          "$(log_time 'in sync' 1)")"
    installed2=$(count_flows)
    rss_kb=$(ps -o rss= -p "$(cat "$dir/ofguard.pid")")
    ofg_sb_stop_ofguard
}
median() {
    sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

ofctl_runs='' ofguard_runs=''
for run in $(seq "$RUNS"); do
    echo "bench: run $run of $RUNS: ovs-ofctl..." >&2
    ofctl_install
    echo "bench: run $run of $RUNS: ofguard..." >&2
    ofguard_install
done
ofctl_s=$(echo "$ofctl_runs" | tr ' ' '\n' | grep . | median)
cold_s=$(echo "$ofguard_runs" | tr ' ' '\n' | grep . | median)
ofctl_shown=$ofctl_runs

# Restart: the flows ovs-ofctl installed from "ofguard --compile" are exactly
# ofguard's, so ofguard must read them back and change nothing.
ofctl_install
start_ofguard
wait_log "ofguard flows" 1
resync_s=$(elapsed "$(log_time 'connected, datapath ID' 1)" \
                   "$(log_time 'ofguard flows' 1)")
sleep 0.5
rounds=$(grep -c "update round" "$log" || true)

# One container changed in N: reload.
sed -i '0,/"172\.16\.0\.1"/s//"172.31.255.254"/' "$cfg"
t0=$(now)
ovs-appctl -t ofguard reload > /dev/null
wait_log "in sync" 1
t1=$(now)
reload_s=$(elapsed "$t0" "$t1")
round=$(grep "update round" "$log" | tail -1 | sed 's/.*update round [0-9]*: //')

fmt_runs() { for t in $1; do printf ' %7.2f' "$t"; done; }
printf '\n%-58s %12s\n' "ofguard benchmark: $N containers, $n_flows flows, $transport" "seconds"
printf '%-58s %12.3f\n' "ofguard --compile (config -> flows text)" "$compile_s"
printf '%-58s %12.3f\n' "baseline: ovs-ofctl --bundle add-flows, median" "$ofctl_s"
printf '%-58s %12.3f\n' "ofguard cold install, handshake -> in sync, median" "$cold_s"
printf '  %-56s%s\n' "ovs-ofctl runs ($installed flows):" "$(fmt_runs "$ofctl_shown")"
printf '  %-56s%s\n' "ofguard runs ($installed2 flows):" "$(fmt_runs "$ofguard_runs")"
printf '%-58s %12.3f\n' "ofguard restart: handshake -> flows read and diffed" "$resync_s"
printf '%-58s %12s\n' "  update rounds after restart (0 = nothing re-sent)" "$rounds"
printf '%-58s %12.3f\n' "reload, 1 container changed: reload -> in sync" "$reload_s"
printf '%-58s %12s\n' "  flow mods sent for it" "$round"
printf '%-58s %12s\n' "ofguard resident memory (KiB) after cold install" "$rss_kb"
printf 'ratio of medians, cold install / ovs-ofctl --bundle: %.2f\n' \
       "$(echo "$cold_s / $ofctl_s" | bc -l)"
