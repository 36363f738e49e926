#!/bin/bash
# bench-switches.sh: one ofguard, many switches.  SWITCHES dummy bridges
# (default 1,000), spread over PROCS ovs-vswitchd processes (default 5,
# each with its own ovsdb-server, standing in for hosts), each bridge with
# CONTAINERS container ports (default 50) and one trusted uplink, all
# pointed at one ofguard at once.  Prints the time from set-controller to
# every switch in sync, and ofguard's RSS and CPU time; then the same for an
# ofguard restart (every switch read back, nothing sent); then, as the
# baseline, the time "ovs-ofctl --bundle add-flows" of the same flows takes
# into every bridge (one ovs-ofctl at a time per ovs-vswitchd).
#
# Usage: tests/bench-switches.sh [SWITCHES [CONTAINERS [PROCS]]]
#        (after build-aux/setup.sh or tests/run-all.sh)
#
# Not part of the test suite: figures to compare, not pass/fail
# (tests/switches.test checks 200 switches for correctness).

set -eu
N_SW=${1:-1000}
PER_SW=${2:-50}
PROCS=${3:-5}
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"

case $N_SW$PER_SW$PROCS in
    *[!0-9]*) echo "usage: $0 [SWITCHES [CONTAINERS [PROCS]]]" >&2; exit 1 ;;
esac
if [ "$PROCS" -lt 1 ] || [ "$N_SW" -lt "$PROCS" ] || [ "$PER_SW" -lt 1 ]; then
    echo "bench-switches: need SWITCHES >= PROCS >= 1, CONTAINERS >= 1" >&2
    exit 1
fi

if [ "$PER_SW" -gt 63 ]; then
    echo "bench-switches: at most 63 containers per switch (4 switches share a /24)" >&2
    exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench-sw.XXXXXX")
cleanup() {
    set +e
    ofg_sb_env "$dir/s1" && ofg_sb_stop_ofguard
    for p in $(seq "$PROCS"); do
        ofg_sb_env "$dir/s$p" && ofg_sb_stop
    done
    [ -n "${OFG_BENCH_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
msg() { echo "bench-switches: $*" >&2; }
now() { date +%s.%N; }

# No per-message debug logging in the switches: it would dominate.
OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
export OFG_SB_VSWITCHD_ARGS

# Switch s (1..N_SW) lives in process (s - 1) % PROCS + 1, as bridge br<s>
# with datapath ID s, uplink up<s> (ofport 1) and ports p<s>-<c>.
add_bridges() {     # add_bridges PROC: its bridges, straight to the database
    # ovsdb transactions of 4 bridges (a transaction is one command-line
    # argument), as tests/bench.sh does for ports: ovs-vsctl checks every
    # new port against all existing ones, quadratic at this size.
    local first txn
    for first in $(seq "$1" $((PROCS * 4)) "$N_SW"); do
        txn=$(/usr/bin/python3 - "$first" "$PROCS" "$N_SW" "$PER_SW" <<'PY'
import json, sys
first, procs, n_sw, per = (int(x) for x in sys.argv[1:])
ops, bridges = ["Open_vSwitch"], []
for s in range(first, min(first + 4 * procs, n_sw + 1), procs):
    ports = []
    for name, ofport in [("up%d" % s, 1)] + [("p%d-%d" % (s, c), c + 1)
                                             for c in range(1, per + 1)]:
        ops.append({"op": "insert", "table": "Interface",
                    "uuid-name": "i" + name.replace("-", "_"),
                    "row": {"name": name, "type": "dummy",
                            "ofport_request": ofport}})
        ops.append({"op": "insert", "table": "Port",
                    "uuid-name": "q" + name.replace("-", "_"),
                    "row": {"name": name, "interfaces":
                            ["named-uuid", "i" + name.replace("-", "_")]}})
        ports.append(["named-uuid", "q" + name.replace("-", "_")])
    ops.append({"op": "insert", "table": "Bridge", "uuid-name": "b%d" % s,
                "row": {"name": "br%d" % s, "datapath_type": "dummy",
                        "fail_mode": "secure",
                        "protocols": ["set", ["OpenFlow13"]],
                        "other_config": ["map", [
                            ["disable-in-band", "true"],
                            ["datapath-id", "%016x" % s]]],
                        "ports": ["set", ports]}})
    bridges.append(["named-uuid", "b%d" % s])
ops.append({"op": "mutate", "table": "Open_vSwitch", "where": [],
            "mutations": [["bridges", "insert", ["set", bridges]]]})
print(json.dumps(ops))
PY
)
        ovsdb-client transact "unix:$OFG_SANDBOX/db.sock" "$txn" > /dev/null
    done
    local last=$(( ( (N_SW - $1) / PROCS ) * PROCS + $1 ))
    ovs-vsctl --timeout=900 wait-until interface "p$last-$PER_SW" \
        "ofport=$((PER_SW + 1))" > /dev/null
}
for p in $(seq "$PROCS"); do
    msg "process $p of $PROCS: starting, adding its bridges..."
    ofg_sb_start "$dir/s$p"
    add_bridges "$p"
done

cfg=$dir/switches.json
/usr/bin/python3 - "$N_SW" "$PER_SW" > "$cfg" <<'PY'
import json, sys
n_sw, per = int(sys.argv[1]), int(sys.argv[2])
switches, containers, networks = {}, {}, {}
for s in range(1, n_sw + 1):
    switches["host%d" % s] = {"datapath_id": "%016x" % s,
                              "trusted_ports": ["up%d" % s]}
    net = "net%d" % ((s - 1) // 4)         # 4 switches share a /24
    if net not in networks:
        k = (s - 1) // 4
        networks[net] = {"subnet": "10.%d.%d.0/24" % (k >> 8, k & 255),
                         "gateway": "10.%d.%d.1" % (k >> 8, k & 255)}
    for c in range(1, per + 1):
        i = (s - 1) * per + c
        k = (s - 1) // 4
        host = ((s - 1) % 4) * per + c + 1
        containers["c%d-%d" % (s, c)] = {
            "switch": "host%d" % s, "port": "p%d-%d" % (s, c),
            "network": net,
            "mac": "02:00:%02x:%02x:%02x:%02x" % (
                i >> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255),
            "ipv4": ["10.%d.%d.%d" % (k >> 8, k & 255, host)],
            "cookie": "0x%x" % i}
json.dump({"networks": networks, "switches": switches,
           "containers": containers}, sys.stdout)
PY

ofg_sb_env "$dir/s1"
ofg_sb_start_ofguard "$cfg"
port=$OFG_SB_OFGUARD_PORT
pid=$(cat "$dir/s1/ofguard.pid")
log=$dir/s1/ofguard.log

synced() {      # all N_SW switches connected and in sync
    local st
    st=$(ofg_sb_env "$dir/s1" && ovs-appctl --timeout=10 -t ofguard status) ||
        return 1
    [ "$(grep -c '^switch ' <<< "$st")" = "$N_SW" ] &&
        ! grep -q ' sync=no ' <<< "$st"
}
cpu_s() {       # ofguard's CPU time so far (user + system), seconds
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' \
        "/proc/$1/stat"
}
point_all() {   # points every bridge at ofguard, one transaction per process
    local p s args
    for p in $(seq "$PROCS"); do
        args=()
        for s in $(seq "$p" "$PROCS" "$N_SW"); do
            args+=(-- "--id=@c$s" create controller
                   "target=\"tcp:127.0.0.1:$port\"" max_backoff=1000
                   -- set bridge "br$s" "controller=@c$s")
        done
        (ofg_sb_env "$dir/s$p" &&
         ovs-vsctl --no-wait --timeout=120 "${args[@]}" > /dev/null) &
    done
    wait
}

msg "pointing $N_SW bridges at ofguard..."
cpu0=$(cpu_s "$pid")
t0=$(now)
point_all
ofg_sb__wait 1800 synced || { msg "not all in sync after 30 min"; exit 1; }
t1=$(now)
cold_s=$(echo "$t1 - $t0" | bc)
cold_cpu=$(printf '%.2f' "$(echo "$(cpu_s "$pid") - $cpu0" | bc)")
cold_rss=$(ps -o rss= -p "$pid" | tr -d ' ')
n_flows=$(grep -c 'in sync,' "$log" || true)
total_flows=$(ofg_sb_env "$dir/s1" && ovs-appctl -t ofguard status |
              sed -n 's/.* flows=\([0-9]*\) .*/\1/p' | awk '{s += $1} END {print s}')

# Restart: every switch reconnects, is read back and needs nothing.
msg "restarting ofguard..."
ofg_sb_stop_ofguard
skip=$(wc -l < "$log")
t0=$(now)
ofg_sb_start_ofguard "$cfg" "--listen=ptcp:$port:127.0.0.1"
pid=$(cat "$dir/s1/ofguard.pid")
ofg_sb__wait 1800 synced || { msg "not all in sync after the restart"; exit 1; }
t1=$(now)
restart_s=$(echo "$t1 - $t0" | bc)
restart_cpu=$(cpu_s "$pid")
restart_rss=$(ps -o rss= -p "$pid" | tr -d ' ')
rounds=$(tail -n +"$((skip + 1))" "$log" | grep -c 'update round' || true)

# Baseline: the same flows, as the switches hold them now (ofguard's), into
# every bridge by ovs-ofctl --bundle add-flows, one ovs-ofctl at a time per
# ovs-vswitchd, the processes in parallel: what the switches take to accept
# the flows with no controller logic at all.
msg "baseline: ovs-ofctl, saving each bridge's flows..."
ofg_sb_stop_ofguard
mkdir -p "$dir/flows"
for p in $(seq "$PROCS"); do
    # The controllers go in one transaction per process: each change makes
    # ovs-vswitchd reconfigure all of its ports.
    (ofg_sb_env "$dir/s$p" &&
     args=() &&
     for s in $(seq "$p" "$PROCS" "$N_SW"); do
         ovs-ofctl -O OpenFlow13 --no-stats dump-flows "br$s" |
             grep -v '^OFPST_FLOW' > "$dir/flows/$s"
         args+=(-- clear bridge "br$s" controller)
     done &&
     ovs-vsctl --timeout=600 "${args[@]}" &&
     for s in $(seq "$p" "$PROCS" "$N_SW"); do
         ovs-ofctl -O OpenFlow13 del-flows "br$s"
     done) &
done
wait
msg "baseline: installing..."
t0=$(now)
for p in $(seq "$PROCS"); do
    (ofg_sb_env "$dir/s$p" &&
     for s in $(seq "$p" "$PROCS" "$N_SW"); do
         ovs-ofctl -O OpenFlow13 --bundle add-flows "br$s" "$dir/flows/$s"
     done) &
done
wait
t1=$(now)
ofctl_s=$(echo "$t1 - $t0" | bc)
ofctl_flows=0
for p in $(seq "$PROCS"); do
    n=$(ofg_sb_env "$dir/s$p" &&
        for s in $(seq "$p" "$PROCS" "$N_SW"); do
            ovs-ofctl -O OpenFlow13 dump-flows "br$s" | grep -c cookie= || true
        done | awk '{s += $1} END {print s}')
    ofctl_flows=$((ofctl_flows + n))
done

printf '\nofguard, %d switches x %d containers (%d ovs-vswitchd), %d flows\n' \
       "$N_SW" "$PER_SW" "$PROCS" "$total_flows"
printf '%-52s %10.2f\n' "cold: set-controller -> every switch in sync (s)" "$cold_s"
printf '%-52s %10s\n' "  ofguard CPU (s)" "$cold_cpu"
printf '%-52s %10s\n' "  ofguard RSS (KiB)" "$cold_rss"
printf '%-52s %10s\n' "  switches that reported in sync" "$n_flows"
printf '%-52s %10.2f\n' "restart: ofguard start -> every switch in sync (s)" "$restart_s"
printf '%-52s %10s\n' "  ofguard CPU (s)" "$restart_cpu"
printf '%-52s %10s\n' "  ofguard RSS (KiB)" "$restart_rss"
printf '%-52s %10s\n' "  update rounds after the restart (0: none sent)" "$rounds"
printf '%-52s %10.2f\n' "baseline: ovs-ofctl --bundle add-flows, all switches (s)" "$ofctl_s"
printf '%-52s %10s\n' "  flows the switches then held" "$ofctl_flows"
