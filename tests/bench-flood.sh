#!/bin/bash
# shellcheck source-path=SCRIPTDIR disable=SC2317
#
# bench-flood.sh: what a MAC flood from one container costs everyone else,
# with real packets.  The topology of tests/netns-lib.sh (ovs-vswitchd on
# the netdev datapath in its own namespace, br0 in fail-mode=secure under
# ofguard with its defaults, --sample-rate=10, and --violation-interval=1;
# containers in namespaces on veth pairs): victim1 is the legitimate
# container, its gateway sits on the trusted port pg1, and the attacker
# container runs "macof -i eth0" (dsniff) at full speed, random source and
# destination MACs and IPv4 addresses, one TCP SYN per frame.
#
# Each run measures five phases of SECONDS each (default 20), in turn on
# the same bridge (eight with OFG_BENCH_EXTRA=1, see below):
#
#   ofguard           ofguard's flows, no flood
#   ofguard+macof     ofguard's flows, macof running throughout the phase
#   auto+macof        ofguard with its automatic quarantine (README
#                     "Violations", --quarantine-rate at its default),
#                     macof throughout; every other ofguard phase runs
#                     with --quarantine-rate=0, to show what it prevents
#   quarantine+macof  ofguard's flows plus one more in table 0 that sends
#                     everything from the attacker's port to the port's own
#                     default drop (its priority-5 actions: class
#                     forged_source, counted and sampled) above its MAC
#                     binding, at priority 30, with a cookie the config
#                     lists in operator_cookies so that ofguard leaves it
#                     alone: what a quarantine of the port would do
#   NORMAL            no ofguard, the bridge's only flow
#                     "priority=0,actions=NORMAL" (a plain learning switch)
#   NORMAL+macof      the same, with macof (what OVS does without ofguard)
#
# With OFG_BENCH_EXTRA=1, after ofguard+macof, three more flood phases under
# ofguard, each with one change that might help (undone after it):
#   maxidle+macof     other_config:max-idle=1000 (datapath flows idle out
#                     after 1 s instead of 10)
#   policing+macof    ingress_policing_rate=1000 (kbit/s) on the switch end
#                     of the attacker's veth (a tc policer; said so when
#                     the kernel refuses it)
#   nft+macof         an nftables egress rule on the container's end of the
#                     veth, in its namespace: ether saddr != its MAC drop
#                     (what the host could set for a container without
#                     CAP_NET_ADMIN); macof's sends then fail
#
# In each phase, victim1 -> gateway: iperf3 TCP for SECONDS/2 (the first
# second left out), then "ping -i 0.01" for SECONDS/2 (RTT median, 99th
# percentile, loss); over the phase, the CPU time of ovs-vswitchd (all its
# threads, and its main thread alone, which polls the veths and handles
# the upcalls), of ofguard and of macof (/proc/PID/stat), the frames macof
# put on the wire (the attacker's veth tx counter), the datapath's lookups (hit,
# missed = upcalls, lost: "ovs-appctl dpctl/show"), the flow-limit hits
# (coverage/show), and at the end of the phase the datapath flows
# (dpctl/show) and upcall/show's flow limit.  With ofguard: the frames it
# counted as forged_source for the attacker ("ovs-appctl -t ofguard
# violations") as a share of those macof sent (the whole flood, start to
# end), the sample lines it logged and the sum of their repeated=.
# Every phase starts from empty datapath caches (revalidator/purge) and an
# empty MAC table (fdb/flush).  At the end: the megaflow a forged frame
# gets under each configuration (ofproto/trace) and a few of the datapath
# flows macof left (in the kept directory with OFG_BENCH_KEEP=1).
#
# Usage: tests/bench-flood.sh [RUNS [SECONDS]]   (as root, after the build)
#   RUNS (default 3): runs of all the phases; medians are compared
#   SECONDS (default 20, at least 6): the length of each phase
#   OFG_BENCH_KEEP=1 keeps the directory (logs, traces, flow dumps)
#   OFG_BENCH_EXTRA=1 adds the three phases above
#
# Not part of the test suite: figures to compare, not pass/fail.  Every
# process it starts is bounded by timeout and ended by the EXIT trap, as
# are the namespaces (tests/netns-lib.sh's cleanup).

set -eu
RUNS=${1:-3}
SECS=${2:-20}
case $RUNS$SECS in
    ''|*[!0-9]*) echo "usage: $0 [RUNS [SECONDS]]" >&2; exit 1 ;;
esac
if [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 20 ] || [ "$SECS" -lt 6 ] || [ "$SECS" -gt 300 ]; then
    echo "bench-flood: RUNS must be 1..20, SECONDS 6..300" >&2
    exit 1
fi
IPERF_S=$((SECS / 2))
PING_N=$(( (SECS - IPERF_S) * 100 ))
IPERF_PORT=5201
PY=/usr/bin/python3
msg() { echo "bench-flood: $*" >&2; }

[ "$(id -u)" = 0 ] || { msg "needs root (network namespaces)"; exit 1; }
# macof comes with dsniff (build-aux/setup.sh).  iperf3 is needed by the
# benchmarks only, so, as tests/bench-datapath.sh does, installed here if
# missing (noninteractive: no system iperf3 daemon).
for t in macof ping bc; do
    command -v "$t" >/dev/null 2>&1 || { msg "$t not installed (see build-aux/setup.sh)"; exit 1; }
done
if ! command -v iperf3 >/dev/null 2>&1; then
    msg "installing iperf3"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iperf3 >&2
fi

# shellcheck source=lib.sh
. "${OFG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
# shellcheck source=netns-lib.sh
. "$OFG_SRCDIR/tests/netns-lib.sh"
[ -x "$OFGUARD" ] || { msg "no ofguard binary at $OFGUARD (build first)"; exit 1; }

# No per-message debug logging in the switch (the default of the tests):
# the sampled packet-ins would be written to its log during the flood.
OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
export OFG_SB_VSWITCHD_ARGS
msg "setting up (tests/netns-lib.sh topology), $RUNS runs of $( [ -n "${OFG_BENCH_EXTRA:-}" ] && echo 8 || echo 5) phases of ${SECS}s"
# No automatic quarantine but in the auto+macof phase.
QARGS=--quarantine-rate=0
OFG_NS_OFGUARD_ARGS=$QARGS
ofg_ns_setup
# The quarantine flow's cookie is an operator's (README "Tampering"):
# ofguard, reloaded, leaves it alone.
QCOOKIE=0x51
"$PY" - "$OFG_NS_CONFIG" "$QCOOKIE" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["switches"]["sw"]["operator_cookies"] = [sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
ovs-appctl -t ofguard reload > /dev/null
ofg_wait_sync 30

# Our trap on top of netns-lib.sh's: its cleanup (processes in our
# namespaces, the namespaces, the daemons) in a subshell, since it ends
# with "exit", then the directory.
flood_cleanup() {
    local rc=$?
    set +e
    trap '' TERM INT
    ( (exit "$rc"); ofg_ns__cleanup ) >/dev/null 2>&1
    case ${OFG_TEST_DIR:-} in
        */ofg-test.*)
            if [ -z "${OFG_BENCH_KEEP:-}" ]; then rm -rf "$OFG_TEST_DIR"
            else msg "kept $OFG_TEST_DIR"; fi ;;
    esac
    exit "$rc"
}
trap flood_cleanup EXIT
dir=$OFG_TEST_DIR
log=$OVS_LOGDIR/ofguard.log
# Every background process is bounded by this (set-up, then up to 8 phases of
# SECONDS plus about 15 s of settling each per run).
LIFETIME=$((300 + RUNS * 8 * (SECS + 40)))

die() {
    msg "$*"
    tail -n 15 "$OVS_LOGDIR/ovs-vswitchd.log" "$log" >&2 2>/dev/null || true
    exit 1
}

# The gateway's iperf3 server, for the whole run.
ns "$NS_GW" timeout "$LIFETIME" iperf3 -s -B "$GW1" -p "$IPERF_PORT" > "$dir/iperf3-server.log" 2>&1 &
ofg_sb__wait 10 sh -c "ip netns exec $NS_GW ss -Hltn | grep -q ':$IPERF_PORT '" ||
    die "iperf3 server did not start: $(cat "$dir/iperf3-server.log")"

# cpu_s PID: user + system time so far of all the process's threads, s;
# cpu_s PID/task/TID: of one thread.
cpu_s() {
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' "/proc/$1/stat"
}
# threads_cpu_s PID PREFIX: the same, summed over the threads whose name
# starts with PREFIX (e.g. the revalidators).
threads_cpu_s() {
    local t
    for t in /proc/"$1"/task/*/stat; do
        sed 's/^[0-9]* (//; s/) / /' "$t"
    done | awk -v p="$2" -v hz="$(getconf CLK_TCK)" \
        'index($1, p) == 1 { s += $13 + $14 } END { printf "%.2f\n", s / hz }'
}
# rq_wait_s PID: how long its main thread waited for a CPU, runnable, s.
rq_wait_s() { awk '{ printf "%.3f\n", $2 / 1e9 }' "/proc/$1/task/$1/schedstat"; }
vs_pid() { cat "$OVS_RUNDIR/ovs-vswitchd.pid"; }
ofg_pid() { cat "$OVS_RUNDIR/ofguard.pid"; }
tx_frames() {   # frames the attacker's eth0 sent (what macof got on the wire)
    ns "$NS_A" cat /sys/class/net/eth0/statistics/tx_packets
}
# dp_lookups: "HIT MISSED LOST" of the datapath so far.
dp_lookups() {
    ovs-appctl dpctl/show | sed -n 's/.*lookups: hit:\([0-9]*\) missed:\([0-9]*\) lost:\([0-9]*\).*/\1 \2 \3/p'
}
dp_flows() { ovs-appctl dpctl/show | sed -n 's/^ *flows: *\([0-9]*\).*/\1/p'; }
flow_limit() { ovs-appctl upcall/show | sed -n 's/.*(limit \([0-9]*\)).*/\1/p' | head -n 1; }
coverage() {    # coverage NAME: its total so far (0 if never hit)
    ovs-appctl coverage/show | awk -v n="$1" '$1 == n { print $NF; f = 1 } END { if (!f) print 0 }'
}
forged_count() {
    ovs-appctl -t ofguard violations attacker |
        awk '$1 == "attacker" && $2 == "forged_source" { s += $3 } END { print s + 0 }'
}
fdb_size() { ovs-appctl fdb/show "$OFG_NS_BR" | tail -n +2 | wc -l; }
per_s() { echo "scale=0; $1 / $2" | bc; }

# iperf_gbps: victim1 -> gateway, Gbit/s received; 0 if iperf3 failed (it
# may, under a flood: the reason is in the directory).
iperf_gbps() {
    local out
    out=$(ns "$NS_V1" timeout $((IPERF_S + 30)) iperf3 -c "$GW1" -p "$IPERF_PORT" \
              -t "$IPERF_S" -O 1 -J --connect-timeout 5000 2>&1) || true
    printf '%s\n' "$out" > "$dir/iperf3-$1.json"
    printf '%s' "$out" | "$PY" -c '
import json, sys
try:
    r = json.load(sys.stdin)
    print("%.3f" % (r["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("0.000")'
}

# ping_stats NAME: victim1 -> gateway, PING_N pings 10 ms apart; prints
# "MEDIAN_MS P99_MS LOSS_PERCENT" (a lost ping counts as infinitely slow
# in the percentiles).
ping_stats() {
    ns "$NS_V1" timeout $((PING_N / 100 + 30)) ping -n -i 0.01 -W 1 -c "$PING_N" "$GW1" \
        > "$dir/ping-$1.txt" 2>&1 || true
    "$PY" - "$dir/ping-$1.txt" "$PING_N" <<'PY'
import re, sys
rtts = sorted(float(m) for m in re.findall(r"time=([0-9.]+) ms", open(sys.argv[1]).read()))
n = int(sys.argv[2])
def pct(p):
    i = int(p * n)
    return "%.3f" % rtts[i] if i < len(rtts) else "inf"
print(pct(0.5), pct(0.99), "%.1f" % (100.0 * (n - len(rtts)) / n))
PY
}

# Configurations.  ofguard is started exactly as ofg_ns_setup does.
setup_normal() {
    ofg_sb_stop_ofguard
    ovs-vsctl --timeout=20 del-controller "$OFG_NS_BR"
    ovs-ofctl -O OpenFlow13 del-flows "$OFG_NS_BR"
    ovs-ofctl -O OpenFlow13 del-meters "$OFG_NS_BR" 2>/dev/null || true
    ovs-ofctl -O OpenFlow13 add-flow "$OFG_NS_BR" priority=0,actions=NORMAL
    [ "$(ovs-ofctl -O OpenFlow13 dump-flows "$OFG_NS_BR" | grep -c priority=)" = 1 ] ||
        die "NORMAL: the bridge has more than one flow"
}
setup_ofguard() {
    ofg_sb__pid "$OVS_RUNDIR/ofguard.pid" ofguard >/dev/null && return 0
    ovs-ofctl -O OpenFlow13 del-flows "$OFG_NS_BR"
    # shellcheck disable=SC2086
    ofg_start "$OFG_NS_CONFIG" "--listen=punix:$OFG_TEST_DIR/ofguard.sock" \
        "--violation-interval=$OFG_NS_VIOLATION_INTERVAL" $QARGS || die "ofguard did not start"
    ofg_sb_set_controller "$OFG_NS_BR" "unix:$OFG_TEST_DIR/ofguard.sock"
    ofg_wait_sync 30 || die "ofguard not in sync"
}

# Both directions must work before a measurement (ARP entries in place).
check_path() {
    ns_ping "$NS_V1" "$GW1" 3 > /dev/null ||
        die "$1: no ping from victim1 to the gateway; trace: $(ovs-appctl ofproto/trace "$OFG_NS_BR" \
             "in_port=$PORT_V1,icmp,dl_src=$V1M,dl_dst=$GW1M,nw_src=$V1IP,nw_dst=$GW1" | tail -n 3)"
}

declare -A R     # R[METRIC,CONFIG]: the values of the runs, space separated
add() { R[$1,$2]="${R[$1,$2]:-} $3"; }
pct() { echo "scale=1; 100 * ($1) / $2" | bc; }   # pct CPU_SECONDS WALL

# phase CONFIG RUN: one measurement (CONFIG ending in +macof: with the flood).
phase() {
    local cfg=$1 run=$2 flood=no mpid='' macpid='' st t0 t1 wall v0 v1 w0 w1 o0='' o1 x0 x1
    local xs xe l0 fs='' fe a0 a1 r0 r1 q0 q1 h0 m0 s0 h1 m1 s1 k0 k1 g med p99 loss flows limit fdb lines rep
    case $cfg in *+macof) flood=yes ;; esac
    # Empty caches: the previous phase's megaflows (the flood's ones
    # expire only after 10 s idle) and learnt MACs must not count here.
    ovs-appctl revalidator/purge > /dev/null
    ovs-appctl fdb/flush "$OFG_NS_BR" > /dev/null
    check_path "$cfg"
    sleep 2         # ofguard has read the counters since
    l0=$(wc -l < "$log")
    xs=$(tx_frames)
    if ofg_sb__pid "$OVS_RUNDIR/ofguard.pid" ofguard > /dev/null; then fs=$(forged_count); fi
    if [ "$flood" = yes ]; then
        # ip execs timeout, which passes our TERM on to macof.
        ip netns exec "$NS_A" timeout $((SECS + 30)) macof -i eth0 > /dev/null 2>&1 &
        mpid=$!
        sleep 2     # at full speed, and the datapath filling up
        # (It may have exited already: with nft+macof its sends fail.)
        if ! macpid=$(pgrep -P "$mpid" -x macof); then
            st=0
            wait "$mpid" || st=$?
            msg "  $cfg: macof is not running (exit status $st)"
        fi
    fi
    [ -z "$fs" ] || o0=$(cpu_s "$(ofg_pid)")
    read -r h0 m0 s0 < <(dp_lookups)
    k0=$(coverage upcall_flow_limit_hit)
    x0=$(tx_frames)
    [ -z "$macpid" ] || a0=$(cpu_s "$macpid")
    v0=$(cpu_s "$(vs_pid)")
    w0=$(cpu_s "$(vs_pid)/task/$(vs_pid)")
    r0=$(threads_cpu_s "$(vs_pid)" revalidator)
    q0=$(rq_wait_s "$(vs_pid)")
    t0=$EPOCHREALTIME

    g=$(iperf_gbps "$cfg-$run")
    read -r med p99 loss < <(ping_stats "$cfg-$run")

    t1=$EPOCHREALTIME
    v1=$(cpu_s "$(vs_pid)")
    w1=$(cpu_s "$(vs_pid)/task/$(vs_pid)")
    r1=$(threads_cpu_s "$(vs_pid)" revalidator)
    q1=$(rq_wait_s "$(vs_pid)")
    [ -z "$macpid" ] || a1=$(cpu_s "$macpid")
    x1=$(tx_frames)
    [ -z "$o0" ] || o1=$(cpu_s "$(ofg_pid)")
    read -r h1 m1 s1 < <(dp_lookups)
    k1=$(coverage upcall_flow_limit_hit)
    flows=$(dp_flows)
    limit=$(flow_limit)
    fdb=$(fdb_size)
    if [ "$flood" = yes ]; then
        kill -TERM "$mpid" 2>/dev/null || true
        wait "$mpid" 2>/dev/null || true
        # Nothing of the attacker's may outlive the phase.
        [ -z "$(ip netns pids "$NS_A")" ] || ofg_ns__kill_ns_procs "$NS_A"
        xe=$(tx_frames)
        ovs-appctl dpctl/dump-flows > "$dir/dpflows-$cfg-$run.txt" 2>&1 || true
        ovs-appctl coverage/show > "$dir/coverage-$cfg-$run.txt" 2>&1 || true
    fi
    wall=$(echo "$t1 - $t0" | bc)
    add gbps "$cfg" "$g"
    add rtt "$cfg" "$med"
    add p99 "$cfg" "$p99"
    add loss "$cfg" "$loss"
    add vcpu "$cfg" "$(pct "$v1 - $v0" "$wall")"
    add vmain "$cfg" "$(pct "$w1 - $w0" "$wall")"
    add vrev "$cfg" "$(pct "$r1 - $r0" "$wall")"
    add vwait "$cfg" "$(pct "$q1 - $q0" "$wall")"
    add wire "$cfg" "$(per_s "$((x1 - x0))" "$wall")"
    add hit "$cfg" "$(per_s "$((h1 - h0))" "$wall")"
    add miss "$cfg" "$(per_s "$((m1 - m0))" "$wall")"
    add lost "$cfg" "$(per_s "$((s1 - s0))" "$wall")"
    add limhit "$cfg" "$((k1 - k0))"
    add flows "$cfg" "$flows"
    add limit "$cfg" "$limit"
    add fdb "$cfg" "$fdb"
    local extra=''
    [ -z "$macpid" ] || { add mcpu "$cfg" "$(pct "$a1 - $a0" "$wall")"; extra=", macof $(pct "$a1 - $a0" "$wall")% CPU"; }
    if [ -n "$o0" ]; then
        add ocpu "$cfg" "$(pct "$o1 - $o0" "$wall")"
        # ofguard reads the counters every second: wait for the reads
        # that follow the flood's end (its CPU window has closed).
        sleep $((OFG_NS_VIOLATION_INTERVAL * 2 + 1))
        fe=$(forged_count)
        lines=$(tail -n +"$((l0 + 1))" "$log" | grep -c '|violation|.*container=attacker' || true)
        rep=$(tail -n +"$((l0 + 1))" "$log" | grep '|violation|.*container=attacker' |
              sed -n 's/.*repeated=\([0-9]*\).*/\1/p;t;s/.*/1/p' | awk '{s += $1} END {print s + 0}')
        add lines "$cfg" "$lines"
        add samples "$cfg" "$rep"
        extra="$extra, ofguard $(pct "$o1 - $o0" "$wall")% CPU, $lines sample lines ($rep frames)"
        if [ "$flood" = yes ] && [ "$xe" -gt "$xs" ]; then
            # Whole flood (macof start to its end): counted / on the wire.
            add counted "$cfg" "$(echo "scale=1; 100 * $((fe - fs)) / $((xe - xs))" | bc)"
            extra="$extra, counted $((fe - fs)) of $((xe - xs)) sent"
        fi
    fi
    msg "  run $run $cfg: $g Gbit/s, ping median $med ms p99 $p99 ms loss $loss%, ovs-vswitchd $(pct "$v1 - $v0" "$wall")% CPU ($(pct "$w1 - $w0" "$wall")% main thread, $(pct "$r1 - $r0" "$wall")% revalidators; main thread waited for a CPU $(pct "$q1 - $q0" "$wall")%), on the wire $((x1 - x0)), upcalls $((m1 - m0)) (over the flow limit $((s1 - s0))), $flows dp flows$extra"
}

# quarantine: one more flow, above the attacker's MAC binding, with the
# actions of its port's default drop (priority 5).
setup_quarantine() {
    local acts
    acts=$(ovs-ofctl -O OpenFlow13 dump-flows "$OFG_NS_BR" "table=0,in_port=$PORT_A" |
           grep ' priority=5,' | sed 's/.*actions=//')
    [ -n "$acts" ] || die "no priority-5 flow for the attacker's port"
    ovs-ofctl -O OpenFlow13 add-flow "$OFG_NS_BR" \
        "cookie=$QCOOKIE,table=0,priority=30,in_port=$PORT_A,actions=$acts"
}
unquarantine() {
    ovs-ofctl -O OpenFlow13 del-flows "$OFG_NS_BR" "cookie=$QCOOKIE/-1"
}

# auto+macof: ofguard restarted with its automatic quarantine, then back.
setup_auto() { ofg_sb_stop_ofguard; QARGS=''; setup_ofguard; }
undo_auto() { ofg_sb_stop_ofguard; QARGS=--quarantine-rate=0; setup_ofguard; }

# OFG_BENCH_EXTRA=1: three more flood phases under ofguard, each with one
# change that might help, undone after it.
setup_maxidle() { ovs-vsctl --timeout=20 set Open_vSwitch . other_config:max-idle=1000; }
undo_maxidle() { ovs-vsctl --timeout=20 remove Open_vSwitch . other_config max-idle; }
setup_policing() {
    ovs-vsctl --timeout=20 set interface pa ingress_policing_rate=1000 ingress_policing_burst=100
    # ovs-vswitchd sets a tc ingress qdisc and a policing filter on pa; a
    # kernel without tc classifiers takes the qdisc but not the filter.
    sleep 1
    [ -n "$(ns "$NS_SW" tc filter show dev pa parent ffff: 2>/dev/null)" ] ||
        msg "  policing+macof: no policing filter on pa, the policer is not in force: $(
            grep 'polic' "$OVS_LOGDIR/ovs-vswitchd.log" | tail -n 1)"
}
undo_policing() {
    ovs-vsctl --timeout=20 set interface pa ingress_policing_rate=0 ingress_policing_burst=0
}
setup_nft() {
    ns "$NS_A" nft -f - <<EOF
table netdev ofg_bench {
    chain egress {
        type filter hook egress device "eth0" priority 0; policy accept;
        ether saddr != $AM drop
    }
}
EOF
}
undo_nft() { ns "$NS_A" nft delete table netdev ofg_bench; }
EXTRA=''
if [ -n "${OFG_BENCH_EXTRA:-}" ]; then
    EXTRA="maxidle+macof policing+macof"
    if command -v nft > /dev/null 2>&1; then EXTRA="$EXTRA nft+macof"
    else msg "nft not installed: no nft+macof phase"; fi
fi
CONFIGS="ofguard ofguard+macof $EXTRA auto+macof quarantine+macof NORMAL NORMAL+macof"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq "$RUNS"); do
    msg "run $run of $RUNS"
    setup_ofguard
    phase ofguard "$run"
    phase ofguard+macof "$run"
    for x in $EXTRA; do
        "setup_${x%+macof}"
        phase "$x" "$run"
        "undo_${x%+macof}"
    done
    setup_auto
    phase auto+macof "$run"
    undo_auto
    setup_quarantine
    phase quarantine+macof "$run"
    unquarantine
    setup_normal
    phase NORMAL "$run"
    phase NORMAL+macof "$run"
done

# Evidence: the megaflow of one forged frame (a macof-like one: random
# MACs, TCP SYN) and of a legitimate one, under each configuration.
FORGED="in_port=$PORT_A,tcp,dl_src=3a:5c:0e:11:22:33,dl_dst=6e:01:02:03:04:05,nw_src=203.0.113.9,nw_dst=198.51.100.7,tp_src=1234,tp_dst=80"
LEGIT="in_port=$PORT_V1,tcp,dl_src=$V1M,dl_dst=$GW1M,nw_src=$V1IP,nw_dst=$GW1,tp_src=40000,tp_dst=$IPERF_PORT"
trace_mf() {    # the Megaflow: and Datapath actions: lines of a trace
    ovs-appctl ofproto/trace "$OFG_NS_BR" "$1" | grep -E '^(Megaflow|Datapath actions):' | sed 's/^/    /'
}
{
    echo "NORMAL, forged frame from the attacker's port:"; trace_mf "$FORGED"
    echo "NORMAL, legitimate frame victim1 -> gateway:"; trace_mf "$LEGIT"
} > "$dir/trace-normal.txt"
setup_ofguard
{
    echo "ofguard, forged frame from the attacker's port:"; trace_mf "$FORGED"
    echo "ofguard, legitimate frame victim1 -> gateway:"; trace_mf "$LEGIT"
} > "$dir/trace-ofguard.txt"
# The whole trace: which rules the forged frame met.
ovs-appctl ofproto/trace "$OFG_NS_BR" "$FORGED" > "$dir/trace-ofguard-full.txt"
setup_quarantine
{
    echo "quarantine, forged frame from the attacker's port:"; trace_mf "$FORGED"
} > "$dir/trace-quarantine.txt"
unquarantine

median() {
    tr ' ' '\n' | grep . | sort -g |
        awk '{v[NR] = $1} END {if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                               else if (v[NR / 2 + 1] == "inf") print "inf";
                               else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
row() {     # row METRIC LABEL
    local c
    printf '%-50s' "$2"
    for c in $CONFIGS; do
        printf ' %16s' "$( [ -n "${R[$1,$c]:-}" ] && echo "${R[$1,$c]}" | median || echo -)"
    done
    printf '\n'
}
runs() {    # runs METRIC LABEL: every run's value
    local c
    printf '%s:\n' "$2"
    for c in $CONFIGS; do
        [ -n "${R[$1,$c]:-}" ] || continue
        printf '  %-15s%s\n' "$c" "${R[$1,$c]}"
    done
}

printf '\nbench-flood: macof from one container, %d runs of %d s phases (medians), netdev datapath, %s\n' \
       "$RUNS" "$SECS" "$(ovs-vswitchd --version | head -n 1)"
printf 'load average (1, 5, 15 min) before: %s, after: %s; %s CPUs\n' "$load0" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
printf '%-50s' ''
for c in $CONFIGS; do printf ' %16s' "$c"; done
printf '\n'
row gbps    "iperf3 victim1 -> gateway, Gbit/s"
row rtt     "ping -i 0.01 RTT median, ms"
row p99     "ping RTT 99th percentile, ms"
row loss    "ping loss, %"
row vcpu    "ovs-vswitchd CPU, % of one core"
row vmain   "  its main thread (polls the veths, upcalls)"
row vrev    "  its revalidator threads"
row vwait   "main thread runnable, waiting for a CPU, %"
row ocpu    "ofguard CPU, % of one core"
row mcpu    "macof CPU, % of one core"
row wire    "frames macof put on the wire (veth tx), /s"
row counted "forged frames counted by ofguard, % of sent"
row lines   "sample log lines (attacker) per phase"
row samples "sampled frames (sum of repeated=) per phase"
row hit     "datapath lookups hit (megaflow/EMC), /s"
row miss    "datapath misses = upcalls, /s"
row lost    "  of which over the flow limit (no flow added), /s"
row limhit  "upcall_flow_limit_hit per phase"
row flows   "datapath flows at the end of the phase"
row limit   "datapath flow limit then (upcall/show)"
row fdb     "MAC learning table entries then"
printf '\nevery run:\n'
runs gbps "iperf3, Gbit/s"
runs rtt "ping median, ms"
runs p99 "ping p99, ms"
runs loss "ping loss, %"
runs vcpu "ovs-vswitchd CPU, %"
runs vmain "ovs-vswitchd main thread CPU, %"
runs vrev "ovs-vswitchd revalidators CPU, %"
runs vwait "main thread waiting for a CPU, %"
runs ocpu "ofguard CPU, %"
runs wire "on the wire, /s"
runs counted "counted by ofguard, % of sent"
runs miss "upcalls, /s"
runs flows "datapath flows"
printf '\nmegaflows (ofproto/trace of a macof-like frame and of a legitimate one):\n'
cat "$dir/trace-ofguard.txt" "$dir/trace-quarantine.txt" "$dir/trace-normal.txt"
printf '\nofproto/trace %s %s (ofguard):\n' "$OFG_NS_BR" "$FORGED"
sed -n '/^bridge/,$p' "$dir/trace-ofguard-full.txt" | grep . | sed 's/^/    /'
printf 'the attacker'"'"'s flows in table 0:\n'
ovs-ofctl -O OpenFlow13 --no-stats dump-flows "$OFG_NS_BR" "table=0,in_port=$PORT_A" | grep priority | sed 's/^/    /'
# The attacker's port in the datapath's numbering (dpctl/dump-flows').
dp_pa=$(ovs-appctl dpctl/show | sed -n 's/^ *port \([0-9]*\): pa\( .*\)\{0,1\}$/\1/p')
for c in ofguard+macof quarantine+macof NORMAL+macof; do
    f=$dir/dpflows-$c-$RUNS.txt
    printf '\ndatapath flows from the attacker'"'"'s port (pa, in_port(%s)) at the end of the last %s phase: %s of %s; the first 3:\n' \
        "$dp_pa" "$c" "$(grep -c "in_port($dp_pa)," "$f" || true)" "$(grep -c 'actions:' "$f" || true)"
    grep "in_port($dp_pa)," "$f" | head -n 3 | sed 's/^/    /' || true
done
