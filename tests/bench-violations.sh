#!/bin/bash
# bench-violations.sh: what counting and sampling violations costs.
# SWITCHES dummy bridges (default 200) with CONTAINERS container ports each
# (default 50), spread over OFG_BENCH_PROCS ovs-vswitchd processes (default
# 4), one ofguard (tests/bench-switches-lib.sh, as tests/bench-switches.sh).
#
#  1. Polling: ofguard's and each ovs-vswitchd's CPU time over a window of
#     OFG_BENCH_WINDOW seconds (default 60) once every switch is in sync,
#     with --violation-interval=5 and then, ofguard restarted (no rounds),
#     with --violation-interval=0 as the baseline; and, as a proxy for the
#     switches' side of one poll, the time "ovs-ofctl dump-flows brX
#     table=70" of every bridge takes (processes in parallel).
#  2. Flood: OFG_BENCH_FLOOD forged frames (default 100,000; at most
#     OFG_BENCH_FLOOD_S seconds, default 60) from container c1-1 through
#     "ovs-appctl netdev-dummy/receive" in batches, each with its own
#     source address (so that folding does not hide the samples), with
#     legitimate frames from c1-2 in between: ofguard's CPU time and log
#     lines, the legitimate frames delivered to the uplink, the meter's band
#     drops, the frames counted.  With --sample-rate=10 (the default), then
#     with --sample-rate=10000 as the baseline (what the meter saves).
#
# Usage: tests/bench-violations.sh [SWITCHES [CONTAINERS]]
#        (after build-aux/setup.sh or tests/run-all.sh)
#
# Not part of the test suite: figures to compare, not pass/fail
# (tests/violations.test checks the counters and samples).

set -eu
N_SW=${1:-200}
PER_SW=${2:-50}
PROCS=${OFG_BENCH_PROCS:-4}
WINDOW=${OFG_BENCH_WINDOW:-60}
FLOOD=${OFG_BENCH_FLOOD:-100000}
FLOOD_S=${OFG_BENCH_FLOOD_S:-60}
# Forged frames per netdev-dummy/receive: its queue holds 100, and one
# main-loop iteration takes 32 of them (NETDEV_MAX_BURST), so bigger
# batches would be lost at the port before the pipeline sees them.
BATCH=32
LEGIT=5                 # legitimate frames after every 10th batch
case $N_SW$PER_SW$PROCS$WINDOW$FLOOD$FLOOD_S in
    *[!0-9]*) echo "usage: $0 [SWITCHES [CONTAINERS]]" >&2; exit 1 ;;
esac
[ "$N_SW" -ge "$PROCS" ] || PROCS=$N_SW
[ "$PER_SW" -ge 2 ] || { echo "bench-violations: CONTAINERS >= 2" >&2; exit 1; }
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"
# shellcheck source=bench-switches-lib.sh
. "$OFG_SRCDIR/tests/bench-switches-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench-viol.XXXXXX")
cleanup() {
    set +e
    bsw_stop_all
    [ -n "${OFG_BENCH_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
msg() { echo "bench-violations: $*" >&2; }
now() { date +%s.%N; }
sub() { printf '%.2f' "$(echo "$1 - $2" | bc)"; }

bsw_start_all
cfg=$dir/switches.json
bsw_config "$cfg"
log=$dir/s1/ofguard.log
vpids=()
for p in $(seq "$PROCS"); do
    vpids+=("$(cat "$dir/s$p/ovs-vswitchd.pid")")
done

# start_ofguard ARG...: (re)starts ofguard with ARGs on the same port and
# waits for every switch; sets pid, rounds (update rounds sent since).
start_ofguard() {
    local skip=0
    ofg_sb_env "$dir/s1"
    [ -z "${pid:-}" ] || ofg_sb_stop_ofguard
    [ -e "$log" ] && skip=$(wc -l < "$log")
    ofg_sb_start_ofguard "$cfg" ${port:+"--listen=ptcp:$port:127.0.0.1"} "$@"
    pid=$(cat "$dir/s1/ofguard.pid")
    if [ -z "${port:-}" ]; then
        port=$OFG_SB_OFGUARD_PORT
        bsw_point_all "$port"
    fi
    ofg_sb__wait 1800 bsw_synced || { msg "not all in sync after 30 min"; exit 1; }
    rounds=$(tail -n +"$((skip + 1))" "$log" | grep -c 'update round' || true)
}

# window NAME: CPU time of ofguard and each ovs-vswitchd over WINDOW s,
# after 10 s to settle; sets cpu_NAME and vcpu_NAME (space separated).
window() {
    local c0 v0=() v='' i
    sleep 10
    c0=$(bsw_cpu_s "$pid")
    for i in "${vpids[@]}"; do v0+=("$(bsw_cpu_s "$i")"); done
    sleep "$WINDOW"
    printf -v "cpu_$1" '%s' "$(sub "$(bsw_cpu_s "$pid")" "$c0")"
    for i in "${!vpids[@]}"; do
        v="$v $(sub "$(bsw_cpu_s "${vpids[$i]}")" "${v0[$i]}")"
    done
    printf -v "vcpu_$1" '%s' "${v# }"
}

msg "ofguard --violation-interval=5: pointing $N_SW bridges at it..."
t0=$(now)
start_ofguard --violation-interval=5
msg "in sync after $(sub "$(now)" "$t0") s; measuring ${WINDOW} s..."
window on

# The switches' side of one poll: every bridge's table 70 by ovs-ofctl, one
# at a time per process, the processes in parallel.
msg "dump-flows table=70 of every bridge..."
t0=$(now)
for p in $(seq "$PROCS"); do
    (ofg_sb_env "$dir/s$p" &&
     for s in $(seq "$p" "$PROCS" "$N_SW"); do
         ovs-ofctl -O OpenFlow13 dump-flows "br$s" table=70
     done > "$dir/t70.$p") &
done
wait
dump_s=$(sub "$(now)" "$t0")
acct_flows=$(cat "$dir"/t70.* | grep -c 'cookie=' || true)

msg "restarting ofguard with --violation-interval=0..."
start_ofguard --violation-interval=0
rounds_off=$rounds
msg "measuring ${WINDOW} s..."
window off

# flood NAME ARG...: ofguard restarted with ARGs, then the flood.
M1=02:00:00:00:00:01      # c1-1 on br1 port p1-1, 10.0.0.2
M2=02:00:00:00:00:02      # c1-2 on br1 port p1-2, 10.0.0.3
GW=02:00:00:00:00:fe
legit_frame="eth(src=$M2,dst=$GW),eth_type(0x0800),ipv4(src=10.0.0.3,dst=198.51.100.7,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)"
legit=()
for i in $(seq "$LEGIT"); do legit+=("$legit_frame"); done
meter_drops() {     # the band's packet count of meter 1 on br1
    ovs-ofctl -O OpenFlow13 meter-stats br1 meter=1 |
        sed -n 's/.*0: *packet_count:\([0-9]*\).*/\1/p' | head -n 1
}
meter_in() {        # the meter's packet_in_count on br1
    ovs-ofctl -O OpenFlow13 meter-stats br1 meter=1 |
        sed -n 's/.*packet_in_count:\([0-9]*\).*/\1/p' | head -n 1
}
port_rx() {        # frames the datapath took in on p1-1
    ovs-ofctl -O OpenFlow13 dump-ports br1 2 |
        sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p' | head -n 1
}
uplink_tx() {
    ovs-ofctl -O OpenFlow13 dump-ports br1 1 |
        sed -n 's/.*tx pkts=\([0-9]*\).*/\1/p' | head -n 1
}
forged_count() {
    ofg_sb_env "$dir/s1" &&
    ovs-appctl -t ofguard violations c1-1 |
        awk '$2 == "forged_source" { s += $3 } END { print s + 0 }'
}
flood() {
    local name=$1 sent=0 legit_sent=0 b i n deadline c0 l0 d0 m0 u0 f0 r0 t0 t1
    shift
    msg "flood ($name): restarting ofguard with $*..."
    start_ofguard --violation-interval=5 "$@"
    printf -v "rounds_$name" '%s' "$rounds"
    sleep 6                 # a first poll of the counters
    ofg_sb_env "$dir/s1"
    c0=$(bsw_cpu_s "$pid"); l0=$(wc -l < "$log")
    d0=$(meter_drops); m0=$(meter_in); u0=$(uplink_tx); f0=$(forged_count)
    r0=$(port_rx)
    msg "flood ($name): $FLOOD forged frames, at most $FLOOD_S s..."
    t0=$(now)
    deadline=$(( $(date +%s) + FLOOD_S ))
    b=0
    while [ "$sent" -lt "$FLOOD" ] && [ "$(date +%s)" -lt "$deadline" ]; do
        n=$(( FLOOD - sent < BATCH ? FLOOD - sent : BATCH ))
        frames=()
        for i in $(seq "$n"); do
            i=$((sent + i))
            frames+=("eth(src=$M1,dst=$GW),eth_type(0x0800),ipv4(src=10.99.$(( (i >> 8) & 255 )).$((i & 255)),dst=198.51.100.7,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)")
        done
        ovs-appctl netdev-dummy/receive p1-1 "${frames[@]}"
        if [ $((b % 10)) = 0 ]; then
            ovs-appctl netdev-dummy/receive p1-2 "${legit[@]}"
            legit_sent=$((legit_sent + LEGIT))
        fi
        sent=$((sent + n)); b=$((b + 1))
    done
    t1=$(now)
    # Counted: the next polls (every 5 s), at most 20 s.
    deadline=$(( $(date +%s) + 20 ))
    while [ "$(forged_count)" -lt $((f0 + sent)) ] &&
          [ "$(date +%s)" -lt "$deadline" ]; do
        sleep 1
    done
    printf -v "flood_s_$name" '%s' "$(sub "$t1" "$t0")"
    printf -v "sent_$name" '%s' "$sent"
    printf -v "legit_sent_$name" '%s' "$legit_sent"
    printf -v "delivered_$name" '%s' "$(( $(uplink_tx) - u0 ))"
    printf -v "rx_$name" '%s' "$(( $(port_rx) - r0 ))"
    printf -v "counted_$name" '%s' "$(( $(forged_count) - f0 ))"
    printf -v "drops_$name" '%s' "$(( $(meter_drops) - d0 ))"
    printf -v "meter_in_$name" '%s' "$(( $(meter_in) - m0 ))"
    printf -v "cpu_flood_$name" '%s' "$(sub "$(bsw_cpu_s "$pid")" "$c0")"
    tail -n +"$((l0 + 1))" "$log" > "$dir/flood.$name.log"
    printf -v "lines_$name" '%s' "$(grep -c '|violation|' "$dir/flood.$name.log" || true)"
    printf -v "logged_$name" '%s' "$(grep '|violation|' "$dir/flood.$name.log" |
        sed -n 's/.*repeated=\([0-9]*\)$/\1/p;t;s/.*/1/p' |
        awk '{s += $1} END {print s + 0}')"
}
flood meter
flood nometer --sample-rate=10000

total_flows=$(ofg_sb_env "$dir/s1" && ovs-appctl -t ofguard status |
              sed -n 's/.* flows=\([0-9]*\) .*/\1/p' | awk '{s += $1} END {print s}')
polls=$(( WINDOW / 5 ))
printf '\nofguard, %d switches x %d containers (%d ovs-vswitchd), %d flows, %d in table 70\n' \
       "$N_SW" "$PER_SW" "$PROCS" "$total_flows" "$acct_flows"
printf '%-60s %12s %12s\n' "CPU over $WINDOW s, s" "interval=5" "interval=0"
printf '%-60s %12s %12s\n' "  ofguard" "$cpu_on" "$cpu_off"
i=0
for v in $vcpu_on; do
    i=$((i + 1))
    printf '%-60s %12s %12s\n' "  ovs-vswitchd $i" "$v" "$(echo "$vcpu_off" | cut -d' ' -f"$i")"
done
printf '%-60s %12s\n' "  ofguard CPU per poll of all switches (difference / $polls), ms" \
       "$(echo "($cpu_on - $cpu_off) * 1000 / $polls" | bc)"
printf '%-60s %12s\n' "  update rounds after the restart with interval=0" "$rounds_off"
printf '%-60s %12s\n' "proxy: dump-flows table=70 of every bridge (s)" "$dump_s"
printf '%-60s %12s %12s\n' "flood from c1-1 on br1" "rate=10" "rate=10000"
printf '%-60s %12s %12s\n' "  update rounds after the restart" "$rounds_meter" "$rounds_nometer"
printf '%-60s %12s %12s\n' "  forged frames sent / in seconds" "$sent_meter/$flood_s_meter" "$sent_nometer/$flood_s_nometer"
printf '%-60s %12s %12s\n' "  frames taken in on p1-1 (dump-ports)" "$rx_meter" "$rx_nometer"
printf '%-60s %12s %12s\n' "  forged frames counted (violations c1-1)" "$counted_meter" "$counted_nometer"
printf '%-60s %12s %12s\n' "  meter 1: frames in / band drops" "$meter_in_meter/$drops_meter" "$meter_in_nometer/$drops_nometer"
printf '%-60s %12s %12s\n' "  samples logged (lines + repeats) / log lines" "$logged_meter/$lines_meter" "$logged_nometer/$lines_nometer"
printf '%-60s %12s %12s\n' "  ofguard CPU, flood and counting (s)" "$cpu_flood_meter" "$cpu_flood_nometer"
printf '%-60s %12s %12s\n' "  legitimate frames sent / delivered to the uplink" "$legit_sent_meter/$delivered_meter" "$legit_sent_nometer/$delivered_nometer"
