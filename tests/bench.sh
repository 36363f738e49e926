#!/bin/bash
# bench.sh: cold install, no-op resync and one-container reload of N
# containers (default 10,000) on one dummy-datapath bridge, by this ofguard
# and by an earlier one (the four-table layout, every rule copied into every
# container), side by side with "ovs-ofctl --bundle add-flows" of this
# ofguard's flows (from "ofguard --compile") measured in the same run.
#
# Usage: tests/bench.sh [N [RUNS]]   (after build-aux/setup.sh or tests/run-all.sh)
#   RUNS (default 3): cold installs by each of the three, in turn, each on a
#                     freshly started and settled switch; medians are compared
#   OFG_BENCH_OLD=BINARY       the earlier ofguard; by default it is built
#                              from git revision OFG_BENCH_OLD_REV (default
#                              c130e80, the last four-table one) in
#                              ~/.cache/ofguard/old-REV
#   OFG_BENCH_TRANSPORT=tcp    (default) the switch connects to ofguard over
#                              TCP (set-controller tcp:...)
#   OFG_BENCH_TRANSPORT=unix   ... over a unix socket (set-controller unix:...)
#   OFG_BENCH_TRANSPORT=mgmt   ofguard dials the bridge's management socket
#                              (--connect=unix:.../br0.mgmt), the very
#                              connection ovs-ofctl uses
#
# Not part of the test suite: timings are figures to compare, not pass/fail.
# At 10,000 ports one install takes ovs-vswitchd tens of seconds and varies
# by tens of percent from one fresh switch to the next, hence several runs.
# tests/bench-datapath.sh measures what the flows cost the packets.

set -eu
N=${1:-10000}
RUNS=${2:-3}
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
NEW=$OFGUARD

# The earlier ofguard, built once from git into the cache (not the source
# tree): the same library build, so only the layouts differ.
OLD_REV=${OFG_BENCH_OLD_REV:-c130e80}
if [ -z "${OFG_BENCH_OLD:-}" ]; then
    old_dir=${XDG_CACHE_HOME:-$HOME/.cache}/ofguard/old-$OLD_REV
    if [ ! -x "$old_dir/controller/ofguard" ]; then
        echo "bench: building ofguard $OLD_REV in $old_dir..." >&2
        rm -rf "$old_dir"
        mkdir -p "$old_dir"
        git -C "$OFG_SRCDIR" archive "$OLD_REV" | tar -x -C "$old_dir"
        "$old_dir/build-aux/setup.sh" > "$old_dir.build.log" 2>&1 ||
            { echo "bench: build failed, see $old_dir.build.log" >&2; exit 1; }
    fi
    OFG_BENCH_OLD=$old_dir/controller/ofguard
fi
OLD=$OFG_BENCH_OLD
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
ofg_sb_add_dummy_ports br0 "$N" 1

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

# Each ofguard's flows, as text: the baseline installs this ofguard's; the
# restart measurement preloads each ofguard's own.
cp "$cfg" "$cfg.orig"
t0=$(now)
"$NEW" --compile --switch=host1 "$cfg" > "$dir/flows.new"
t1=$(now)
"$OLD" --compile --switch=host1 "$cfg" > "$dir/flows.old"
n_flows_new=$(wc -l < "$dir/flows.new")
n_flows_old=$(wc -l < "$dir/flows.old")
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
start_ofguard() {   # start_ofguard BINARY
    [ -e "$log" ] && mv "$log" "$log.old"   # so that counts are this run's
    OFGUARD=$1 ofg_sb_start_ofguard "$cfg" "$ofguard_target"
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
ofctl_install() {     # ofctl_install FLOWS: appends the time to $ofctl_runs
    local t0 t1
    fresh_switch
    t0=$(now)
    ovs-ofctl -O OpenFlow13 --bundle add-flows br0 "$1"
    t1=$(now)
    ofctl_runs="$ofctl_runs $(elapsed "$t0" "$t1")"
}
ofguard_install() {   # ofguard_install old|new: appends to ${1}_runs
    local bin=$NEW t
    [ "$1" = old ] && bin=$OLD
    fresh_switch
    start_ofguard "$bin"
    wait_log "in sync" 1
    t=$(elapsed "$(log_time 'connected, datapath ID' 1)" "$(log_time 'in sync' 1)")
    eval "${1}_runs=\"\${${1}_runs} $t\""
    eval "${1}_installed=$(count_flows)"
    eval "${1}_rss=$(ps -o rss= -p "$(cat "$dir/ofguard.pid")" | tr -d " ")"
    ofg_sb_stop_ofguard
}
median() {
    sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
median_of() { echo "$1" | tr ' ' '\n' | grep . | median; }

ofctl_runs='' old_runs='' new_runs=''
for run in $(seq "$RUNS"); do
    echo "bench: run $run of $RUNS: ovs-ofctl..." >&2
    ofctl_install "$dir/flows.new"
    echo "bench: run $run of $RUNS: old ofguard..." >&2
    ofguard_install old
    echo "bench: run $run of $RUNS: new ofguard..." >&2
    ofguard_install new
done

# Restart: the flows ovs-ofctl installed from "ofguard --compile" are exactly
# that ofguard's, so it must read them back and change nothing.  Then one
# container changed in N: reload.
restart_and_reload() {    # restart_and_reload old|new
    local bin=$NEW t0 t1
    [ "$1" = old ] && bin=$OLD
    cp "$cfg.orig" "$cfg"
    echo "bench: restart and reload, $1 ofguard..." >&2
    ofctl_install "$dir/flows.$1"
    start_ofguard "$bin"
    wait_log "ofguard flows" 1
    eval "${1}_resync=$(elapsed "$(log_time 'connected, datapath ID' 1)" \
                                "$(log_time 'ofguard flows' 1)")"
    sleep 0.5
    eval "${1}_rounds=$(grep -c 'update round' "$log" || true)"
    sed -i '0,/"172\.16\.0\.1"/s//"172.31.255.254"/' "$cfg"
    t0=$(now)
    ovs-appctl -t ofguard reload > /dev/null
    wait_log "in sync" 1
    t1=$(now)
    eval "${1}_reload=$(elapsed "$t0" "$t1")"
    eval "${1}_round=\"$(grep 'update round' "$log" | tail -1 | sed 's/.*update round [0-9]*: //')\""
    ofg_sb_stop_ofguard
}
ofctl_shown=$ofctl_runs
restart_and_reload old
restart_and_reload new

fmt_runs() { for t in $1; do printf ' %6.2f' "$t"; done; }
ofctl_s=$(median_of "$ofctl_shown")
old_s=$(median_of "$old_runs")
new_s=$(median_of "$new_runs")
printf '\nofguard benchmark: %s containers, %s, %s runs; flows: old layout %s, new %s\n' \
       "$N" "$transport" "$RUNS" "$n_flows_old" "$n_flows_new"
printf '%-44s %-24s %9s\n' "" "runs (s)" "median"
printf '%-44s %-24s %9.2f\n' "ovs-ofctl --bundle add-flows (new flows)" "$(fmt_runs "$ofctl_shown")" "$ofctl_s"
printf '%-44s %-24s %9.2f\n' "old ofguard cold install ($old_installed flows)" "$(fmt_runs "$old_runs")" "$old_s"
printf '%-44s %-24s %9.2f\n' "new ofguard cold install ($new_installed flows)" "$(fmt_runs "$new_runs")" "$new_s"
printf '%-44s %12s %12s\n' "" "old" "new"
printf '%-44s %12.3f %12.3f\n' "restart: handshake -> flows read, diffed (s)" "$old_resync" "$new_resync"
printf '%-44s %12s %12s\n' "  update rounds after restart" "$old_rounds" "$new_rounds"
printf '%-44s %12.3f %12.3f\n' "reload, 1 container changed -> in sync (s)" "$old_reload" "$new_reload"
printf '%-44s %12s %12s\n' "  flow mods" "$old_round" "$new_round"
printf '%-44s %12s %12s\n' "ofguard RSS after cold install (KiB)" "$old_rss" "$new_rss"
printf '%-44s %12.3f\n' "new ofguard --compile (config -> flows text, s)" "$compile_s"
printf 'ratios of medians: new/old cold install %.2f, new/ovs-ofctl %.2f\n' \
       "$(echo "$new_s / $old_s" | bc -l)" "$(echo "$new_s / $ofctl_s" | bc -l)"
