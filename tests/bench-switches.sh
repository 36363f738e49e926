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
# shellcheck source=bench-switches-lib.sh
. "$OFG_SRCDIR/tests/bench-switches-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench-sw.XXXXXX")
cleanup() {
    set +e
    bsw_stop_all
    [ -n "${OFG_BENCH_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
msg() { echo "bench-switches: $*" >&2; }
now() { date +%s.%N; }

bsw_start_all

cfg=$dir/switches.json
bsw_config "$cfg"

ofg_sb_env "$dir/s1"
ofg_sb_start_ofguard "$cfg"
port=$OFG_SB_OFGUARD_PORT
pid=$(cat "$dir/s1/ofguard.pid")
log=$dir/s1/ofguard.log

msg "pointing $N_SW bridges at ofguard..."
cpu0=$(bsw_cpu_s "$pid")
t0=$(now)
bsw_point_all "$port"
ofg_sb__wait 1800 bsw_synced || { msg "not all in sync after 30 min"; exit 1; }
t1=$(now)
cold_s=$(echo "$t1 - $t0" | bc)
cold_cpu=$(printf '%.2f' "$(echo "$(bsw_cpu_s "$pid") - $cpu0" | bc)")
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
ofg_sb__wait 1800 bsw_synced || { msg "not all in sync after the restart"; exit 1; }
t1=$(now)
restart_s=$(echo "$t1 - $t0" | bc)
restart_cpu=$(bsw_cpu_s "$pid")
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
