#!/bin/bash
# bench-datapath.sh: what ofguard's flows cost the datapath.  Two network
# namespaces joined by one datapath_type=netdev bridge (ovs-vswitchd in a
# namespace of its own, as tests/netns-lib.sh builds it) carry TCP traffic
# under two configurations of the SAME bridge, measured alternately:
#
#   NORMAL   no controller, one flow "priority=0,actions=NORMAL"
#   ofguard  the flows of CONTAINERS containers (default 1,000): the client
#            namespace is one of them, the server sits on a trusted port and
#            owns the client network's gateway address.  How the other
#            containers' flows get there (OFG_BENCH_PORTS):
#              none  (default) their ports do not exist; the flows are
#                    "ofguard --compile" with a port number for each, which
#                    is what the daemon installs (tests/cli.test), loaded
#                    with "ovs-ofctl --bundle add-flows": the switch's cost
#                    is then that of its flow table alone
#              dummy the real daemon, with the others on type=dummy ports
#                    of the same bridge; ovs-vswitchd then polls 1,000
#                    ports in its main loop, which dominates both
#                    configurations (about 0.3 Gbit/s and 500
#                    connections/s on a 2-core machine, for NORMAL too)
#
# and compares the medians of
#
#   TCP throughput    iperf3, client -> server, bits per second received
#   new connections/s a Python client connecting to a server that accepts
#                     and closes, in a loop for a fixed time: every
#                     connection has a new source port, so this is where
#                     upcalls and megaflow set-up show
#
# Usage: tests/bench-datapath.sh [CONTAINERS [RUNS]]   (as root, after the build)
#   RUNS (default 3): measurements of each configuration, alternating
#   OFG_BENCH_SECONDS (default 5): length of each iperf3 and connection test
#
# Not part of the test suite: figures to compare, not pass/fail.  The same
# bridge with the same ports serves both configurations: only the flow
# tables differ.

set -eu
N=${1:-1000}
RUNS=${2:-3}
SECS=${OFG_BENCH_SECONDS:-5}
PORTS=${OFG_BENCH_PORTS:-none}
case $PORTS in
    none|dummy) ;;
    *) echo "bench-datapath: OFG_BENCH_PORTS must be none or dummy" >&2; exit 1 ;;
esac
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
PY=/usr/bin/python3
# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"

case $N$RUNS$SECS in
    *[!0-9]*) echo "usage: $0 [CONTAINERS [RUNS]]" >&2; exit 1 ;;
esac
if [ "$N" -lt 1 ] || [ "$N" -gt 60000 ] || [ "$RUNS" -lt 1 ] || [ "$SECS" -lt 1 ]; then
    echo "bench-datapath: CONTAINERS must be 1..60000, RUNS and OFG_BENCH_SECONDS >= 1" >&2
    exit 1
fi
[ "$(id -u)" = 0 ] || { echo "bench-datapath: needs root (network namespaces)" >&2; exit 1; }
[ -x "$OFGUARD" ] || { echo "bench-datapath: no ofguard binary at $OFGUARD (build first)" >&2; exit 1; }
for t in ip ethtool ovs-vsctl ovs-ofctl ovs-appctl ovsdb-client "$PY"; do
    command -v "$t" >/dev/null 2>&1 || { echo "bench-datapath: $t not installed (see build-aux/setup.sh)" >&2; exit 1; }
done
# iperf3 is needed by this benchmark only, so setup.sh does not install it.
# Debian's package asks (debconf) whether to start a system iperf3 daemon;
# noninteractive takes the default, no.
if ! command -v iperf3 >/dev/null 2>&1; then
    echo "bench-datapath: installing iperf3" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iperf3 >&2
fi

# Names unique per run (pid), so that parallel runs never share a namespace.
NS_SW=ofgb$$-sw      # ovs-vswitchd
NS_C=ofgb$$-c        # the client: a container
NS_S=ofgb$$-s        # the server: on a trusted port, the gateway of n1
BR=br0
DPID=00000000000070b0
CM=02:00:0a:46:01:0a SM=02:00:0a:46:01:01
CIP=10.70.1.10 SIP=10.70.1.1
IPERF_PORT=5201 CONN_PORT=5202
# Every background process is bounded by this (the whole run takes ~1.5 min
# per run plus set-up).
LIFETIME=$((600 + RUNS * (8 * SECS + 120)))

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench-dp.XXXXXX")

# kill_ns_procs NS [SPARE_PID]: every process in one of our namespaces, by
# pid (TERM, then KILL), except SPARE_PID (ovs-vswitchd, stopped properly).
kill_ns_procs() {
    local pids p left=''
    pids=$(ip netns pids "$1" 2>/dev/null | grep -vx -- "${2:-none}") || return 0
    [ -n "$pids" ] || return 0
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        left=''
        for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
        [ -n "$left" ] || return 0
        sleep 0.1
    done
    for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
}
cleanup() {
    local vs n
    set +e
    trap '' TERM INT
    ofg_sb_stop_ofguard
    vs=$(cat "${OVS_RUNDIR:-/nonexistent}/ovs-vswitchd.pid" 2>/dev/null)
    for n in "$NS_C" "$NS_S" "$NS_SW"; do kill_ns_procs "$n" "$vs"; done
    # The container namespaces take their veths (and so the switch's ports)
    # with them; the switch namespace goes once ovs-vswitchd has exited.
    ip netns delete "$NS_C" 2>/dev/null
    ip netns delete "$NS_S" 2>/dev/null
    ofg_sb_stop
    ip netns delete "$NS_SW" 2>/dev/null
    if [ -z "${OFG_BENCH_KEEP:-}" ]; then rm -rf "$dir"; else echo "bench-datapath: kept $dir" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
msg() { echo "bench-datapath: $*" >&2; }
die() {
    msg "$*"
    tail -n 15 "$dir/ovs-vswitchd.log" "$dir/ofguard.log" >&2 2>/dev/null || true
    exit 1
}

# No per-message debug logging in the switch: 16 flows per container would
# fill the log and the disk writes would be part of the timings.
OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
export OFG_SB_VSWITCHD_ARGS
msg "starting ovs-vswitchd in $NS_SW, $N containers, $RUNS runs of ${SECS}s tests"
ofg_sb_start "$dir" --netns "$NS_SW" || die "sandbox did not start"
ofg_sb_add_bridge "$BR" netdev "$DPID"
# The controller target is set once, before the ports: changing it later
# makes ovs-vswitchd reconfigure every port.  ofguard listens on a unix
# socket, which works across namespaces (ovs-vswitchd is in $NS_SW).
ovs-vsctl --timeout=20 -- --id=@c create controller target="\"unix:$dir/ofguard.sock\"" \
    max_backoff=1000 -- set bridge "$BR" controller=@c > /dev/null

for n in "$NS_C" "$NS_S"; do
    ip netns add "$n"
    ns "$n" ip link set dev lo up
    # IPv4 only: no router solicitations, MLD or ND in the measurements.
    ns "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
# The switch ends of the veths must not talk themselves.
ns "$NS_SW" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

# add_link NS PORT OFPORT MAC: a veth pair, eth0 in NS with MAC, PORT in
# the switch namespace, added to the bridge as OFPORT.
add_link() {
    ip -n "$NS_SW" link add name "$2" type veth peer name eth0 netns "$1"
    ns "$1" ip link set dev eth0 address "$4"
    # The userspace datapath reads and writes frames with AF_PACKET: a
    # checksum left to offload would never be filled in.  (This also turns
    # TSO off, so iperf3 sends MSS-sized frames through the datapath.)
    ns "$1" ethtool -K eth0 tx off > /dev/null
    ns "$NS_SW" ethtool -K "$2" tx off > /dev/null
    ip -n "$NS_SW" link set dev "$2" up
    ns "$1" ip link set dev eth0 up
    ofg_sb_add_port "$BR" "$2" "$3" system
}
add_link "$NS_S" ps 1 "$SM"
add_link "$NS_C" pc 2 "$CM"
ns "$NS_S" ip addr add "$SIP/24" dev eth0
ns "$NS_C" ip addr add "$CIP/24" dev eth0
ns "$NS_C" ip route add default via "$SIP"

# The other N-1 containers on dummy ports p1.. (ofports 3..), added by
# ofg_sb_add_dummy_ports (ovsdb transactions: ovs-vsctl would be
# quadratic at this size).
# ovs-vswitchd runs with --enable-dummy, not =override, so dummy ports and
# the veths (system ports) live side by side on this netdev bridge.
D=0
[ "$PORTS" = none ] || D=$((N - 1))
if [ "$D" -gt 0 ]; then
    msg "adding $D dummy ports..."
    ofg_sb_add_dummy_ports "$BR" "$D" 2 ||
        die "dummy port p$D did not get ofport $((D + 2)): $(ovs-vsctl get interface "p$D" error)"
fi
n_dp_ports=$(ovs-appctl dpif/show | grep -c '^ *[^ ]* [0-9]*/[0-9]*:') || true
msg "datapath ports: $n_dp_ports ($(ovs-appctl dpif/show | grep -c '(dummy') dummy)"

# The config: the client is container c0 on network n1 (gateway = the
# server, whose MAC is the gateway MAC); the others as in tests/bench.sh,
# 250 per /24 network, each with one extra address.  The server's port is
# trusted: containers may send unicast only to trusted ports.
cfg=$dir/bench.json
"$PY" - "$N" "$CM" "$CIP" "$SM" "$SIP" "$DPID" > "$cfg" <<'PY'
import json, sys
n, cm, cip, sm, sip, dpid = int(sys.argv[1]), *sys.argv[2:]
nets = {"n1": {"subnet": "10.70.1.0/24", "gateway": sip, "gateway_mac": sm}}
cont = {"c0": {"port": "pc", "network": "n1", "mac": cm,
               "ipv4": [cip, "172.31.255.254"], "cookie": "0x1"}}
for i in range(1, n):
    net = (i - 1) // 250
    name = "net%d" % net
    pre = "10.%d.%d." % (80 + net // 256, net % 256)
    if name not in nets:
        nets[name] = {"subnet": pre + "0/24", "gateway": pre + "1"}
    cont["c%d" % i] = {"port": "p%d" % i, "network": name,
                       "mac": "02:01:%02x:%02x:%02x:%02x" % (
                           (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255,
                           i & 255),
                       "ipv4": [pre + str((i - 1) % 250 + 2),
                                "172.%d.%d.%d" % (16 + (i >> 16), (i >> 8) & 255, i & 255)],
                       "cookie": "0x%x" % (i + 1)}
json.dump({"networks": nets,
           "switches": {"s": {"datapath_id": dpid, "trusted_ports": ["ps"]}},
           "containers": cont}, sys.stdout, indent=1)
PY
"$OFGUARD" --check "$cfg" > /dev/null || die "config refused"
if [ "$PORTS" = none ]; then
    # Port numbers as the dummy mode would have them: ps 1, pc 2, pI I + 2.
    "$PY" -c 'import sys; print(" ".join(["ps=1", "pc=2"] + ["p%d=%d" % (i, i + 2) for i in range(1, int(sys.argv[1]))]))' "$N" > "$dir/ports.args"
    # shellcheck disable=SC2046 # one word per PORT=NUMBER.
    "$OFGUARD" --compile --switch=s "$cfg" $(cat "$dir/ports.args") > "$dir/flows.txt"
else
    "$OFGUARD" --compile --switch=s "$cfg" > "$dir/flows.txt"
fi
want_flows=$(grep -c cookie= "$dir/flows.txt")

# Servers, for the whole run (bounded by LIFETIME).  The connection server
# accepts and closes at once; the client waits for that close before its
# own, so the TIME_WAIT states stay on the server side, keyed by the
# client's port, and the client never runs out of source ports.
ns "$NS_S" timeout "$LIFETIME" iperf3 -s -B "$SIP" -p "$IPERF_PORT" > "$dir/iperf3-server.log" 2>&1 &
ns "$NS_S" timeout "$LIFETIME" "$PY" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
' "$SIP" "$CONN_PORT" > "$dir/conn-server.log" 2>&1 &
ofg_sb__wait 10 sh -c "ip netns exec $NS_S ss -Hltn | grep -q ':$CONN_PORT ' &&
                       ip netns exec $NS_S ss -Hltn | grep -q ':$IPERF_PORT '" ||
    die "servers did not start: $(cat "$dir/iperf3-server.log" "$dir/conn-server.log")"

count_flows() { ovs-ofctl -O OpenFlow13 dump-flows "$BR" | grep -c 'priority=' || true; }

# Each configuration starts from empty datapath caches: the megaflows of the
# other one must not serve this one's packets.  revalidator/purge drops
# every datapath flow (and its ukey); dpctl/del-flows is for anything left.
flush_datapath() {
    ovs-appctl revalidator/purge > /dev/null
    ovs-appctl dpctl/del-flows > /dev/null
    ovs-appctl revalidator/wait > /dev/null
}

setup_normal() {
    # ofguard leaves its flows on exit ("fail-mode=secure"), hence del-flows.
    ofg_sb_stop_ofguard
    ovs-ofctl -O OpenFlow13 del-flows "$BR"
    ovs-ofctl -O OpenFlow13 add-flow "$BR" priority=0,actions=NORMAL
    flush_datapath
    [ "$(count_flows)" = 1 ] || die "NORMAL: expected 1 flow, found $(count_flows)"
}

ofg_synced() {
    ofg_status=$(ovs-appctl --timeout=5 -t ofguard status 2>&1) || return 1
    printf '%s\n' "$ofg_status" | grep -q "sync=yes.* flows=$want_flows " &&
        [ "$(count_flows)" = "$want_flows" ]
}
setup_ofguard() {
    local t0
    ovs-ofctl -O OpenFlow13 del-flows "$BR"
    t0=$(date +%s.%N)
    if [ "$PORTS" = none ]; then
        ovs-ofctl -O OpenFlow13 --bundle add-flows "$BR" "$dir/flows.txt"
        [ "$(count_flows)" = "$want_flows" ] ||
            die "expected $want_flows flows, found $(count_flows)"
        sync_s=$(echo "$(date +%s.%N) - $t0" | bc)
        flush_datapath
        return
    fi
    ofg_sb_start_ofguard "$cfg" "--listen=punix:$dir/ofguard.sock" || die "ofguard did not start"
    ofg_sb__wait 120 ofg_synced ||
        die "ofguard not in sync with $want_flows flows after 120 s: ${ofg_status:-}"
    sync_s=$(echo "$(date +%s.%N) - $t0" | bc)
    flush_datapath
}

# Both directions must work before a measurement (and the ARP entries are
# then in place on both sides).
check_path() {
    ns "$NS_C" timeout 20 ping -n -q -c 3 -i 0.2 -W 2 "$SIP" > /dev/null ||
        die "$1: no ping from client to server; trace: $(ovs-appctl ofproto/trace "$BR" \
             "in_port=2,icmp,dl_src=$CM,dl_dst=$SM,nw_src=$CIP,nw_dst=$SIP" | tail -n 3)"
}

# iperf_gbps: one iperf3 run (client -> server), Gbit/s received; the first
# second (slow start) is left out of the figure.
iperf_gbps() {
    local out
    out=$(ns "$NS_C" timeout $((SECS + 30)) iperf3 -c "$SIP" -p "$IPERF_PORT" \
              -t "$SECS" -O 1 -J) || die "iperf3 failed: $(printf '%s' "$out" | tail -n 5)"
    printf '%s' "$out" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)
if "error" in r:
    sys.exit("iperf3: " + r["error"])
print("%.3f" % (r["end"]["sum_received"]["bits_per_second"] / 1e9))'
}

# conn_rate: connections per second for SECS seconds (also bounded by
# count and by errors), one at a time: connect, wait for the server's
# close, close.
conn_rate() {
    ns "$NS_C" timeout $((SECS + 30)) "$PY" -c '
import socket, sys, time
ip, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
n = err = 0
t0 = time.monotonic()
end = t0 + secs
while time.monotonic() < end and n < 10000000 and err < 20:
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect((ip, port))
        s.recv(1)
        n += 1
    except OSError:
        err += 1
    finally:
        s.close()
el = time.monotonic() - t0
if err:
    print("conn_rate: %d failed connections" % err, file=sys.stderr)
if err >= 20:
    sys.exit(1)
print("%.0f" % (n / el))
' "$SIP" "$CONN_PORT" "$SECS" || die "connection test failed"
}

# measure CONFIG RUN: one measurement of each kind; sets g, r, u and m.  The
# megaflows are kept in the sandbox (OFG_BENCH_KEEP=1 keeps it).
measure() {
    check_path "$1"
    g=$(iperf_gbps)
    # Fresh caches for the connection test too, so that it pays for its
    # own megaflows rather than iperf3's.
    flush_datapath
    ovs-appctl dpif-netdev/pmd-stats-clear > /dev/null
    r=$(conn_rate)
    # Upcalls (datapath misses that went to ofproto for a new megaflow)
    # during the connection test, summed over the datapath's threads.
    u=$(ovs-appctl dpif-netdev/pmd-stats-show |
        awk '/miss with success upcall:/ {s += $NF} END {print s + 0}')
    ovs-appctl dpctl/dump-flows > "$dir/megaflows-$1-$2.txt"
    m=$(grep -c 'actions:' "$dir/megaflows-$1-$2.txt") || true
    msg "  $1: $g Gbit/s, $r connections/s, $u upcalls, $m megaflows"
}

tput_normal='' conn_normal='' mf_normal='' up_normal=''
tput_ofguard='' conn_ofguard='' mf_ofguard='' up_ofguard=''
sync_runs='' nflows_runs=''
for run in $(seq "$RUNS"); do
    msg "run $run of $RUNS: NORMAL"
    setup_normal
    measure normal "$run"
    tput_normal="$tput_normal $g" conn_normal="$conn_normal $r" mf_normal="$mf_normal $m" up_normal="$up_normal $u"
    msg "run $run of $RUNS: ofguard"
    setup_ofguard
    sync_runs="$sync_runs $sync_s"
    nflows_runs="$nflows_runs $(count_flows)"
    measure ofguard "$run"
    tput_ofguard="$tput_ofguard $g" conn_ofguard="$conn_ofguard $r" mf_ofguard="$mf_ofguard $m" up_ofguard="$up_ofguard $u"
done
ofg_sb_stop_ofguard

median() {
    tr ' ' '\n' | grep . | sort -n |
        awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# shellcheck disable=SC2059 # FORMAT is the caller's printf format.
row() {    # row LABEL FORMAT VALUES [MEDIAN]
    local label=$1 fmt=$2 v
    printf '  %-10s' "$label"
    for v in $3; do printf " $fmt" "$v"; done
    [ -z "${4:-}" ] || printf "   median $fmt" "$4"
    printf '\n'
}
ratio() { echo "scale=4; $1 / $2" | bc; }

tn=$(echo "$tput_normal" | median) to=$(echo "$tput_ofguard" | median)
cn=$(echo "$conn_normal" | median) co=$(echo "$conn_ofguard" | median)
printf '\nofguard datapath benchmark: %d containers (%d on dummy ports; OFG_BENCH_PORTS=%s), %d ofguard flows,\n' \
       "$N" "$D" "$PORTS" "$want_flows"
printf 'netdev bridge, %d runs of %d s tests, configurations alternating\n' "$RUNS" "$SECS"
printf '\nTCP throughput, iperf3 client -> server (Gbit/s)\n'
row NORMAL '%8.3f' "$tput_normal" "$tn"
row ofguard '%8.3f' "$tput_ofguard" "$to"
printf '  ratio ofguard/NORMAL of medians: %.3f\n' "$(ratio "$to" "$tn")"
printf '\nnew TCP connections per second (connect, server closes, close)\n'
row NORMAL '%8.0f' "$conn_normal" "$cn"
row ofguard '%8.0f' "$conn_ofguard" "$co"
printf '  ratio ofguard/NORMAL of medians: %.3f\n' "$(ratio "$co" "$cn")"
printf '\nupcalls during each connection test (0 = all served by existing megaflows)\n'
row NORMAL '%8d' "$up_normal"
row ofguard '%8d' "$up_ofguard"
printf 'megaflows in the datapath after each connection test\n'
row NORMAL '%8d' "$mf_normal"
row ofguard '%8d' "$mf_ofguard"
printf '\nofguard flows on %s after each sync (expected %d)\n' "$BR" "$want_flows"
row ofguard '%8d' "$nflows_runs"
printf 'flows installed (ofguard start -> in sync, or ovs-ofctl add-flows) (s)\n'
row ofguard '%8.2f' "$sync_runs"
