#!/bin/bash
# bench-audit.sh: what tamper detection costs at N containers (default
# 10,000) on one dummy-datapath bridge.
#
#   - An audit (ofguard reads every flow back and diffs it with what it
#     installed): wall time from the "audit" command to the audit counted
#     in "status", and ofguard's CPU time for it.  Baseline in the same run:
#     "ovs-ofctl dump-flows" of the same bridge to /dev/null, the switch's
#     own cost of listing the flows, which no audit can beat.
#   - Repair of a foreign flow (the switch reports it through flow
#     monitoring): from "ovs-ofctl add-flow" returning to the flow gone.
#
# Usage: tests/bench-audit.sh [N [RUNS]]   (after build-aux/setup.sh)
# Not part of the test suite: figures to compare, not pass/fail.

set -eu
N=${1:-10000}
RUNS=${2:-5}
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench-audit.XXXXXX")
trap 'ofg_sb_stop_ofguard; ofg_sb_stop; [ -n "${OFG_BENCH_KEEP:-}" ] || rm -rf "$dir"' EXIT
# Signals become exits, so that the daemons are stopped on a timeout too.
trap 'exit 130' INT
trap 'exit 143' TERM
OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
export OFG_SB_VSWITCHD_ARGS
ofg_sb_start "$dir"
ofg_sb_add_bridge br0 dummy 00000000000000b0
ofg_sb_add_port br0 eth0 1
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ovs-vsctl --no-wait set-controller br0 "tcp:127.0.0.1:$port"
echo "bench-audit: adding $N dummy ports..." >&2
ofg_sb_add_dummy_ports br0 "$N" 1

cfg=$dir/bench.json
/usr/bin/python3 - "$N" > "$cfg" <<'PY'
import json, sys
n = int(sys.argv[1])
nets, cont = {}, {}
for i in range(n):
    net = i // 250
    name = "net%d" % net
    pre = "10.%d.%d." % (net // 256, net % 256)
    nets.setdefault(name, {"subnet": pre + "0/24", "gateway": pre + "1"})
    cont["c%d" % i] = {"port": "p%d" % (i + 1), "network": name,
                       "mac": "02:00:%02x:%02x:%02x:%02x" % (
                           (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255,
                           i & 255),
                       "ipv4": [pre + str(i % 250 + 2)]}
json.dump({"networks": nets,
           "switches": {"host1": {"datapath_id": "00000000000000b0",
                                  "trusted_ports": ["eth0", "LOCAL"]}},
           "containers": cont}, sys.stdout, indent=1)
PY

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
status_field() {
    ovs-appctl -t ofguard status | sed -n "s/^switch .* $1=\([^ ]*\) .*/\1/p"
}
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$(cat "$OVS_RUNDIR/ofguard.pid")/stat"
}
wait_for() {    # wait_for FUNC: up to 10 minutes
    local k
    for k in $(seq 60000); do
        "$1" && return 0
        sleep 0.01
    done
    echo "bench-audit: timed out waiting for $1" >&2
    return 1
}
synced() { [ "$(status_field sync)" = yes ]; }

echo "bench-audit: installing..." >&2
OFGUARD=$OFGUARD ofg_sb_start_ofguard "$cfg" --listen=ptcp:$port:127.0.0.1 --audit-interval=0
wait_for synced
n_flows=$(status_field flows)

audit_ms='' audit_cpu='' dump_ms=''
hz=$(getconf CLK_TCK)
for run in $(seq "$RUNS"); do
    before=$(status_field audits)
    audited() { [ "$(status_field audits)" -gt "$before" ]; }
    c0=$(cpu_ticks)
    t0=$(now)
    ovs-appctl -t ofguard audit > /dev/null
    wait_for audited
    t1=$(now)
    c1=$(cpu_ticks)
    audit_ms="$audit_ms $(ms "$t0" "$t1")"
    audit_cpu="$audit_cpu $(( (c1 - c0) * 1000 / hz ))"
    t0=$(now)
    ovs-ofctl -O OpenFlow13 dump-flows br0 > /dev/null
    t1=$(now)
    dump_ms="$dump_ms $(ms "$t0" "$t1")"
done
tampered=$(status_field tampered)

# The repair is timed by ofguard's own log, not by dumping 50,000 flows:
# from before "ovs-ofctl add-flow" to the "in sync" that follows the
# round that deleted the flow (its commit confirmed by a barrier).
log=$OVS_LOGDIR/ofguard.log
log_ns() {      # log_ns LINE: the log line's timestamp, in ns
    date -d "$(printf '%s\n' "$1" | cut -d'|' -f1)" +%s%N
}
repair_ms=''
for run in $(seq "$RUNS"); do
    n0=$(grep -c 'in sync' "$log")
    t0=$(now)
    ovs-ofctl -O OpenFlow13 add-flow br0 "table=0,priority=6,actions=NORMAL"
    repaired() { [ "$(grep -c 'in sync' "$log")" -gt "$n0" ]; }
    wait_for repaired
    t1=$(log_ns "$(grep 'in sync' "$log" | tail -1)")
    repair_ms="$repair_ms $(ms "$t0" "$t1")"
    sleep 0.5
done
gone=$(ovs-ofctl -O OpenFlow13 dump-flows br0 table=0 | grep -c 'priority=6 actions=NORMAL' || true)

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf '\nofguard audit benchmark: %s containers, %s flows, %s runs\n' "$N" "$n_flows" "$RUNS"
printf '%-52s %-30s %8s\n' "" "runs (ms)" "median"
printf '%-52s %-30s %8s\n' "audit: command -> counted in status (wall)" "$audit_ms" "$(echo "$audit_ms" | median)"
printf '%-52s %-30s %8s\n' "audit: ofguard CPU" "$audit_cpu" "$(echo "$audit_cpu" | median)"
printf '%-52s %-30s %8s\n' "baseline: ovs-ofctl dump-flows > /dev/null" "$dump_ms" "$(echo "$dump_ms" | median)"
printf '%-52s %-30s %8s\n' "foreign flow: add-flow started -> deletion committed" "$repair_ms" "$(echo "$repair_ms" | median)"
printf 'differences found by the %s audits of an untouched switch: %s; foreign flows left: %s\n' "$RUNS" "$tampered" "$gone"
