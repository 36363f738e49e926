# shellcheck shell=bash disable=SC2034 # constants for the tests that source this
#
# netns-lib.sh: real packets through a real ovs-vswitchd under ofguard, for
# tests/attack-*.test.  Sourced after tests/lib.sh:
#
#   . "$OFG_SRCDIR/tests/lib.sh"
#   . "$OFG_SRCDIR/tests/netns-lib.sh"
#   ofg_ns_setup              # skips (77) without root or network namespaces
#   ns_ping "..." a 10.61.1.1
#   attack "forged source IP" 3 "$MARK4" 0:5 -- scapy_run a <<EOF ... EOF
#   expect_violation attacker forged_source
#   ofg_test_done
#
# Topology.  ovs-vswitchd runs in its own network namespace ($NS_SW, so that
# the userspace datapath's "ovs-netdev" tap never meets another test's) with
# a datapath_type=netdev bridge br0 (fail-mode=secure, in-band off) whose
# controller is ofguard, reached over a unix socket (which works across
# namespaces; ofguard itself runs in the test's own namespace).  Every other
# namespace is a "container" joined to br0 by a veth pair whose switch end
# lives in $NS_SW:
#
#   namespace  iface  switch port (ofport)  MAC   addresses
#   $NS_GW     eth1   pg1 (1, trusted)      GW1M  10.61.1.1/24 fd61:1::1/64
#   $NS_GW     eth2   pg2 (5, trusted)      GW2M  10.61.2.1/24 fd61:2::1/64
#   $NS_A      eth0   pa  (2)               AM    10.61.1.10   fd61:1::10  attacker, network n1
#   $NS_V1     eth0   pv1 (3)               V1M   10.61.1.20   fd61:1::20  victim, network n1
#   $NS_V2     eth0   pv2 (4)               V2M   10.61.2.20   fd61:2::20  victim, network n2, allow_dhcp
#
# The gateway routes (IPv4 and IPv6 forwarding) between n1 and n2; both
# networks set gateway_mac, so the containers may send IP only to their
# gateway's MAC.
#
# Opt-in variants, set before ofg_ns_setup (tests/attack-bypass.test):
#   OFG_NS_N1_GWMAC=0  network n1 has no gateway_mac
#   OFG_NS_V1_DHCP=1   victim1 has allow_dhcp
#   OFG_NS_MCA=1       one more container on n1, with allow_multicast:
#   $NS_MCA    eth0   pmca (6)              MCAM  10.61.1.30   fd61:1::30
#
# Everything is torn down by the EXIT trap: every process
# left in our namespaces (by pid), the namespaces (which takes their veths
# with them), then the daemons.
#
# Checks for attacks (see "attack" below) capture, in every victim namespace
# (V1, V2 and both gateway interfaces), the frames an attack could produce,
# and on the attacker's switch port the frames it actually sent; an attack
# passes when it sent something, no victim saw any of it, the drop flow that
# should stop it counted it and no victim's neighbour table, address list or
# routes changed.  A failure prints the leaked frames, the first frame the
# attacker sent with an "ofproto/trace" of it (the flows it matched), and the
# attacker's flows with counters.  "expect_violation CONTAINER CLASS..."
# after an attack checks that ofguard counted it ("ovs-appctl -t ofguard
# violations") and logged it as CLASS for the container that sent it;
# "expect_no_violation" that legitimate traffic was neither.

OFG_NS_BR=br0
OFG_NS_DPID=00000000000061ab

# Names unique per run (pid), so that parallel runs never share a namespace.
NS_SW=ofg$$-sw
NS_A=ofg$$-a
NS_V1=ofg$$-v1
NS_V2=ofg$$-v2
NS_GW=ofg$$-gw
NS_MCA=ofg$$-mca
OFG_NS_ALL="$NS_A $NS_V1 $NS_V2 $NS_GW $NS_SW"
OFG_NS_N1_GWMAC=${OFG_NS_N1_GWMAC:-1}
OFG_NS_V1_DHCP=${OFG_NS_V1_DHCP:-0}
OFG_NS_MCA=${OFG_NS_MCA:-0}

AM=00:16:3e:61:01:0a
V1M=00:16:3e:61:01:14
V2M=00:16:3e:61:02:14
MCAM=00:16:3e:61:01:1e
GW1M=02:00:0a:3d:01:01
GW2M=02:00:0a:3d:02:01
FOREIGN=02:66:66:00:00:01   # a MAC nobody on the bridge owns

GW1=10.61.1.1
GW2=10.61.2.1
AIP=10.61.1.10
V1IP=10.61.1.20
V2IP=10.61.2.20
MCAIP=10.61.1.30
GW16=fd61:1::1
GW26=fd61:2::1
AIP6=fd61:1::10
V1IP6=fd61:1::20
V2IP6=fd61:2::20
MCAIP6=fd61:1::30

PORT_A=2
PORT_V1=3
PORT_V2=4
PORT_MCA=6

# Cookies (low 48 bits) of the containers and networks, set in the config;
# 0 is the switch's own (shared) flows.
COOKIE_SW=0
COOKIE_N1=0x6101
COOKIE_N2=0x6102
COOKIE_A=0xa
COOKIE_V1=0xb1
COOKIE_V2=0xb2
COOKIE_MCA=0xc1

# Marker: forged ICMP echo packets carry identifier 0x6f67, forged TCP/UDP
# source port 28519 (0x6f67), so captures can tell them from anything else.
MARK=0x6f67
MARKPORT=28519
MARK4="(icmp and icmp[4:2] = $MARK) or ((tcp or udp) and src port $MARKPORT)"
MARK6="(icmp6 and (ip6[40] = 128 or ip6[40] = 129) and ip6[44:2] = $MARK) or ((tcp or udp) and src port $MARKPORT)"

OFG_NS_SCAPY=/usr/bin/python3

# How often ofguard reads the violation counters (seconds).
OFG_NS_VIOLATION_INTERVAL=1
# More options for ofguard, set before ofg_ns_setup (word-split).
OFG_NS_OFGUARD_ARGS=${OFG_NS_OFGUARD_ARGS:-}

# eui64 MAC...: the EUI-64 link-local address of each MAC, as "ip" prints
# it (one per line).
eui64() {
    "$OFG_NS_SCAPY" -c '
import ipaddress, sys
for mac in sys.argv[1:]:
    b = bytes(int(x, 16) for x in mac.split(":"))
    iid = bytes([b[0] ^ 2]) + b[1:3] + bytes([0xff, 0xfe]) + b[3:]
    print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))
' "$@"
}
{ read -r ALL6; read -r V1LL6; read -r V2LL6; read -r GW1LL6; read -r GW2LL6; read -r MCALL6; } < <(eui64 "$AM" "$V1M" "$V2M" "$GW1M" "$GW2M" "$MCAM")

# The truth about who owns which address: the neighbour-table checks
# compare every entry against it.
declare -A OFG_NS_TRUE_MAC=(
    [$GW1]=$GW1M [$GW2]=$GW2M [$AIP]=$AM [$V1IP]=$V1M [$V2IP]=$V2M
    [$GW16]=$GW1M [$GW26]=$GW2M [$AIP6]=$AM [$V1IP6]=$V1M [$V2IP6]=$V2M
    [$ALL6]=$AM [$V1LL6]=$V1M [$V2LL6]=$V2M [$GW1LL6]=$GW1M [$GW2LL6]=$GW2M
    [$MCAIP]=$MCAM [$MCAIP6]=$MCAM [$MCALL6]=$MCAM
)

# ns NAME CMD...: runs CMD in namespace NAME.
ns() {
    local n=$1
    shift
    ip netns exec "$n" "$@"
}

# ofg_ns_write_config FILE [A_EXTRA4] [V2_EXTRA4]: the policy.  The extras
# (JSON array items, e.g. '"10.61.1.11"') are what attack-reload changes.
# The opt-in variants (OFG_NS_N1_GWMAC, OFG_NS_V1_DHCP, OFG_NS_MCA) apply.
ofg_ns_write_config() {
    local a_extra=${2:+, $2} v2_extra=${3:+, $3} n1_gwmac='' v1_dhcp='' mca=''
    [ "$OFG_NS_N1_GWMAC" = 0 ] || n1_gwmac=" \"gateway_mac\": \"$GW1M\","
    [ "$OFG_NS_V1_DHCP" != 1 ] || v1_dhcp=',
                "allow_dhcp": true'
    [ "$OFG_NS_MCA" != 1 ] || mca=",
    \"mca\": {\"port\": \"pmca\", \"network\": \"n1\", \"mac\": \"$MCAM\",
            \"ipv4\": [\"$MCAIP\"], \"ipv6\": [\"$MCAIP6\"], \"cookie\": \"$COOKIE_MCA\",
            \"allow_multicast\": true}"
    cat > "$1" <<EOF
{
  "networks": {
    "n1": {"subnet": "10.61.1.0/24", "gateway": "$GW1",$n1_gwmac "cookie": "$COOKIE_N1",
           "subnet6": "fd61:1::/64", "gateway6": "$GW16"},
    "n2": {"subnet": "10.61.2.0/24", "gateway": "$GW2", "gateway_mac": "$GW2M", "cookie": "$COOKIE_N2",
           "subnet6": "fd61:2::/64", "gateway6": "$GW26"}
  },
  "switches": {
    "sw": {"datapath_id": "$OFG_NS_DPID", "trusted_ports": ["pg1", "pg2"]}
  },
  "containers": {
    "attacker": {"port": "pa", "network": "n1", "mac": "$AM",
                 "ipv4": ["$AIP"$a_extra], "ipv6": ["$AIP6"], "cookie": "$COOKIE_A"},
    "victim1": {"port": "pv1", "network": "n1", "mac": "$V1M",
                "ipv4": ["$V1IP"], "ipv6": ["$V1IP6"], "cookie": "$COOKIE_V1"$v1_dhcp},
    "victim2": {"port": "pv2", "network": "n2", "mac": "$V2M",
                "ipv4": ["$V2IP"$v2_extra], "ipv6": ["$V2IP6"], "cookie": "$COOKIE_V2",
                "allow_dhcp": true}$mca
  }
}
EOF
}

# ofg_ns__kill_ns_procs NS [SPARE_PID]: ends every process still running in
# one of our namespaces (captures, servers, attack tools), by pid, except
# SPARE_PID (ovs-vswitchd, which ofg_sb_stop stops properly).
ofg_ns__kill_ns_procs() {
    local pids p left
    pids=$(ip netns pids "$1" 2>/dev/null | grep -vx -- "${2:-none}") || return 0
    [ -n "$pids" ] || return 0
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        left=''
        for p in $pids; do
            kill -0 "$p" 2>/dev/null && left="$left $p"
        done
        [ -n "$left" ] || return 0
        sleep 0.1
    done
    for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
}

# The EXIT trap.  The namespaces go first, since they are what a killed
# run would leave behind for good (run.sh sweeps leftover daemons by
# pidfile): a namespace whose name is deleted lives on only as long as
# its last process, so ovs-vswitchd can still be stopped properly after.
# lib.sh's cleanup (daemons, exit status) needs the exit status in $?.
ofg_ns__cleanup() {
    local rc=$? n vs
    set +e
    trap '' TERM INT
    vs=$(cat "${OVS_RUNDIR:-/nonexistent}/ovs-vswitchd.pid" 2>/dev/null)
    for n in $OFG_NS_ALL; do
        ofg_ns__kill_ns_procs "$n" "$vs"
    done
    for n in $OFG_NS_ALL; do
        ip netns delete "$n" 2>/dev/null
    done
    (exit "$rc")
    ofg__cleanup
}

# ofg_ns__probe: can we create namespaces and veth pairs at all?
ofg_ns__probe() {
    local p=ofg$$-probe rc=0
    ip netns add "$p" 2>&1 || return 1
    ip -n "$p" link add name x0 type veth peer name x1 2>&1 || rc=1
    ip netns delete "$p" 2>&1 || true
    return "$rc"
}

# ofg_ns__add_link NS IFACE PORT OFPORT MAC: a veth pair, IFACE in NS with
# MAC, PORT in the switch namespace, added to br0 as OFPORT.
ofg_ns__add_link() {
    local n=$1 ifc=$2 port=$3 ofport=$4 mac=$5
    ip -n "$NS_SW" link add name "$port" type veth peer name "$ifc" netns "$n"
    ns "$n" ip link set dev "$ifc" address "$mac"
    # No DAD delay on this interface either (the "default" sysctl should
    # already have covered it).
    ns "$n" sysctl -q -w "net.ipv6.conf.$ifc.accept_dad=0" "net.ipv6.conf.$ifc.dad_transmits=0"
    # The userspace datapath reads and writes frames with AF_PACKET: a
    # checksum left to offload would never be filled in.
    ns "$n" ethtool -K "$ifc" tx off >/dev/null
    ns "$NS_SW" ethtool -K "$port" tx off >/dev/null
    ip -n "$NS_SW" link set dev "$port" up
    ns "$n" ip link set dev "$ifc" up
    ofg_sb_add_port "$OFG_NS_BR" "$port" "$ofport" system
}

# ofg_ns__container NS: a fresh namespace with fast, quiet IPv6.
ofg_ns__container() {
    ip netns add "$1"
    ns "$1" ip link set dev lo up
    ns "$1" sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
        net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.dad_transmits=0 \
        net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1 \
        net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.default.addr_gen_mode=0
}

# ofg_ns_setup: the whole topology, ofguard started and in sync.  Skips the
# test (exit 77) when the machine cannot do it.
ofg_ns_setup() {
    local t out rc=0
    [ "$(id -u)" = 0 ] || ofg_skip "needs root (network namespaces)"
    for t in ip ethtool tcpdump "$OFG_NS_SCAPY"; do
        command -v "$t" >/dev/null 2>&1 || ofg_skip "$t not installed"
    done
    "$OFG_NS_SCAPY" -c 'import scapy' 2>/dev/null || ofg_skip "python3-scapy not installed"
    out=$(ofg_ns__probe) || ofg_skip "network namespaces or veth pairs unavailable: $out"

    # ofg_test_init installs lib.sh's trap; ours replaces it right after,
    # whatever happened (a half-built sandbox has a namespace to delete).
    ofg_test_init --netns "$NS_SW" || rc=$?
    trap ofg_ns__cleanup EXIT
    [ "$rc" = 0 ] || { echo "sandbox did not start"; return "$rc"; }

    OFG_NS_CAPDIR=$OFG_TEST_DIR/cap
    mkdir -p "$OFG_NS_CAPDIR"
    [ "$OFG_NS_MCA" != 1 ] || OFG_NS_ALL="$NS_MCA $OFG_NS_ALL"
    for n in "$NS_A" "$NS_V1" "$NS_V2" "$NS_GW"; do
        ofg_ns__container "$n"
    done
    [ "$OFG_NS_MCA" != 1 ] || ofg_ns__container "$NS_MCA"
    # The gateway: forwards, answers ARP only on the interface that owns the
    # address (otherwise the other interface's MAC would answer too, as both
    # hear every broadcast), sends no redirects and filters nothing itself,
    # so that whatever ofguard lets through shows up in its captures.
    ns "$NS_GW" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1 \
        net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.default.arp_announce=2 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
    # Victims take router advertisements, so that a rogue one would show.
    for n in "$NS_V1" "$NS_V2"; do
        ns "$n" sysctl -q -w net.ipv6.conf.default.accept_ra=1 net.ipv6.conf.all.accept_ra=1
    done

    # The switch ends of the veths must not talk themselves (IPv6 would
    # have them send router solicitations and MLD reports to the
    # containers).
    ns "$NS_SW" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    ofg_sb_add_bridge "$OFG_NS_BR" netdev "$OFG_NS_DPID"
    # Flow counters are refreshed by the revalidators, by default every
    # 500 ms; the drop checks wait for them.
    ovs-vsctl set Open_vSwitch . other_config:max-revalidator=100
    ofg_ns__add_link "$NS_GW" eth1 pg1 1 "$GW1M"
    ofg_ns__add_link "$NS_A" eth0 pa "$PORT_A" "$AM"
    ofg_ns__add_link "$NS_V1" eth0 pv1 "$PORT_V1" "$V1M"
    ofg_ns__add_link "$NS_V2" eth0 pv2 "$PORT_V2" "$V2M"
    ofg_ns__add_link "$NS_GW" eth2 pg2 5 "$GW2M"
    [ "$OFG_NS_MCA" != 1 ] || ofg_ns__add_link "$NS_MCA" eth0 pmca "$PORT_MCA" "$MCAM"

    ns "$NS_GW" ip addr add "$GW1/24" dev eth1
    ns "$NS_GW" ip addr add "$GW16/64" dev eth1 nodad
    ns "$NS_GW" ip addr add "$GW2/24" dev eth2
    ns "$NS_GW" ip addr add "$GW26/64" dev eth2 nodad
    ofg_ns__addr "$NS_A" "$AIP" "$AIP6" "$GW1" "$GW16"
    ofg_ns__addr "$NS_V1" "$V1IP" "$V1IP6" "$GW1" "$GW16"
    ofg_ns__addr "$NS_V2" "$V2IP" "$V2IP6" "$GW2" "$GW26"
    [ "$OFG_NS_MCA" != 1 ] || ofg_ns__addr "$NS_MCA" "$MCAIP" "$MCAIP6" "$GW1" "$GW16"

    OFG_NS_CONFIG=$OFG_TEST_DIR/ofguard.json
    ofg_ns_write_config "$OFG_NS_CONFIG"
    # Violation counters read every second: expect_violation waits for them.
    # shellcheck disable=SC2086
    ofg_start "$OFG_NS_CONFIG" "--listen=punix:$OFG_TEST_DIR/ofguard.sock" \
        "--violation-interval=$OFG_NS_VIOLATION_INTERVAL" ${OFG_NS_OFGUARD_ARGS:-}
    ofg_sb_set_controller "$OFG_NS_BR" "unix:$OFG_TEST_DIR/ofguard.sock"
    ofg_wait_sync
    # Snapshots of the victims' addresses and routes: attacks must not
    # change them (see ns_clean).
    ofg_ns_snapshot
}

# ofg_ns_require TOOL...: skip the test (before any set-up) when a tool it
# uses is missing (build-aux/setup.sh installs them all).
ofg_ns_require() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || ofg_skip "$t not installed (see build-aux/setup.sh)"
    done
}

ofg_ns__addr() {
    local n=$1
    ns "$n" ip addr add "$2/24" dev eth0
    ns "$n" ip addr add "$3/64" dev eth0 nodad
    ns "$n" ip route add default via "$4"
    ns "$n" ip -6 route add default via "$5"
}

# ---------------------------------------------------------------------------
# Traffic.

# ns_ping NS DEST [COUNT]: quick pings; fails if any is lost.
ns_ping() {
    local n=$1 dst=$2 count=${3:-3}
    ns "$n" timeout 20 ping -n -q -c "$count" -i 0.1 -W 2 "$dst"
}

# ns_tcp SRC_NS DST_NS DST_IP PORT: a TCP connection from SRC_NS to a
# one-shot echo server in DST_NS; passes if a token sent comes back.
ns_tcp() {
    local src=$1 dst=$2 ip=$3 port=$4 ready token got
    ready=$OFG_TEST_DIR/tcp-ready.$$.$port
    token="ofg-$RANDOM-$port"
    rm -f "$ready"
    ns "$dst" timeout 15 "$OFG_NS_SCAPY" -c '
import socket, sys
ip, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((ip, port)); s.listen(1); s.settimeout(10)
open(ready, "w").close()
c, _ = s.accept(); c.settimeout(5)
c.sendall(c.recv(100))
c.close()
' "$ip" "$port" "$ready" &
    local spid=$!
    if ! ofg_sb__wait 5 test -e "$ready"; then
        echo "echo server in $dst did not start"
        kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
        return 1
    fi
    got=$(ns "$src" timeout 10 "$OFG_NS_SCAPY" -c '
import socket, sys
ip, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((ip, port), timeout=5)
s.sendall(token.encode()); print(s.recv(100).decode())
' "$ip" "$port" "$token" 2>&1) || true
    wait "$spid" 2>/dev/null || true
    rm -f "$ready"
    if [ "$got" != "$token" ]; then
        echo "sent '$token' to $ip:$port from $src, got back: $got"
        return 1
    fi
}

# ns_udp SRC_NS DST_NS DST_IP PORT SIZE: one SIZE-byte UDP datagram (sent
# fragmented by SRC_NS when larger than the MTU) to a one-shot receiver in
# DST_NS; passes if the receiver got it whole.  The sender tries three
# times, 0.3 s apart, until the receiver has it.
ns_udp() {
    local src=$1 dst=$2 ip=$3 port=$4 size=$5 ready got spid
    ready=$OFG_TEST_DIR/udp-ready.$BASHPID.$port
    got=$OFG_TEST_DIR/udp-got.$BASHPID.$port
    rm -f "$ready" "$got"
    ns "$dst" timeout 15 "$OFG_NS_SCAPY" -c '
import hashlib, socket, sys
ip, port, ready, got = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ip, port)); s.settimeout(10)
open(ready, "w").close()
d, peer = s.recvfrom(65535)
with open(got + ".tmp", "w") as f:
    print(len(d), hashlib.sha256(d).hexdigest(), "from", peer[0], file=f)
import os; os.rename(got + ".tmp", got)
' "$ip" "$port" "$ready" "$got" &
    spid=$!
    if ! ofg_sb__wait 5 test -e "$ready"; then
        echo "UDP receiver in $dst did not start"
        kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
        return 1
    fi
    local want
    want=$(ns "$src" timeout 10 "$OFG_NS_SCAPY" -c '
import hashlib, os, socket, sys, time
ip, port, size, got = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
d = bytes((i * 7 + port) % 251 for i in range(size))
s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(d, (ip, port))
    time.sleep(0.3)
    if os.path.exists(got):
        break
print(len(d), hashlib.sha256(d).hexdigest())
' "$ip" "$port" "$size" "$got" 2>&1) || true
    wait "$spid" 2>/dev/null || true
    rm -f "$ready"
    if [ "${want:-x}" != "$(cut -d' ' -f1,2 "$got" 2>/dev/null)" ]; then
        echo "sent $size bytes to $ip:$port from $src ($want), received: $(cat "$got" 2>/dev/null || echo nothing)"
        return 1
    fi
    cat "$got"
}

# scapy_run NS [IFACE]: runs the Python script on stdin in NS with scapy
# loaded and tx(FRAME, n=1, inter=0) sending FRAME on IFACE (default eth0).
# Bounded by a timeout.  Several may run at once (in the background).
scapy_run() {
    local n=$1 ifc=${2:-eth0}
    {
        cat <<EOF
import os, sys
# Only the layers the tests use: "from scapy.all import *" costs twice the
# start-up time, paid once per attack.
from scapy.config import conf
from scapy.packet import Raw
from scapy.sendrecv import sendp
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Dot3, Ether, LLC, SNAP, STP
from scapy.layers.inet import ICMP, IP, TCP, UDP, fragment
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrHopByHop, ICMPv6EchoRequest,
    IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, HBHOptUnknown, fragment6,
    ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6NDOptDstLLAddr,
    ICMPv6NDOptPrefixInfo, ICMPv6NDOptRDNSS, ICMPv6NDOptSrcLLAddr)
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6_Reply, DHCP6OptDNSServers,
    DHCP6OptIA_NA, DHCP6OptIAAddress, DHCP6OptServerId, DUID_LL)
conf.verb = 0
def tx(p, n=1, inter=0):
    sendp(p, iface="$ifc", count=n, inter=inter, verbose=False)
EOF
        cat
    } > "$OFG_TEST_DIR/scapy.$BASHPID.py"
    ns "$n" timeout 60 "$OFG_NS_SCAPY" "$OFG_TEST_DIR/scapy.$BASHPID.py"
}

# ---------------------------------------------------------------------------
# Captures.

OFG_NS_CAPS=()

# cap_start NAME NS IFACE FILTER [DIRECTION]: a bounded background tcpdump
# of frames received (DIRECTION "in", default) on IFACE in NS, each cut to
# OFG_NS_SNAPLEN bytes (default 512).
cap_start() {
    local f=$OFG_NS_CAPDIR/$1
    rm -f "$f.pcap" "$f.err" "$f.pid"
    # Not through the "ns" function: $! must be timeout's own pid (a
    # function would run in a subshell), so that TERM reaches tcpdump.
    ip netns exec "$2" timeout 90 tcpdump -i "$3" -Q "${5:-in}" -nn -U --immediate-mode -s "${OFG_NS_SNAPLEN:-512}" \
        -w "$f.pcap" "$4" 2>"$f.err" &
    echo $! > "$f.pid"
    OFG_NS_CAPS+=("$1")
}

cap__ready() {
    grep -q 'listening on' "$OFG_NS_CAPDIR/$1.err"
}

# cap_wait: every started capture is listening (or the test fails).
cap_wait() {
    local c
    for c in "${OFG_NS_CAPS[@]}"; do
        if ! ofg_sb__wait 10 cap__ready "$c"; then
            echo "capture $c did not start:"
            cat "$OFG_NS_CAPDIR/$c.err"
            return 1
        fi
    done
}

# cap_stop: stops every capture, after letting frames in flight arrive.
cap_stop() {
    local c pid
    sleep 0.3
    for c in "${OFG_NS_CAPS[@]}"; do
        pid=$(cat "$OFG_NS_CAPDIR/$c.pid" 2>/dev/null) || continue
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    OFG_NS_CAPS=()
}

cap_count() {
    tcpdump -nn -r "$OFG_NS_CAPDIR/$1.pcap" 2>/dev/null | wc -l
}

# cap_show NAME [COUNT]: the first frames, decoded, indented.
cap_show() {
    tcpdump -nn -e -vv -r "$OFG_NS_CAPDIR/$1.pcap" -c "${2:-5}" 2>/dev/null | sed 's/^/        /'
}

# cap_hex NAME: the first frame of a capture as one hex string.
cap_hex() {
    tcpdump -nn -xx -r "$OFG_NS_CAPDIR/$1.pcap" -c 1 2>/dev/null |
        sed -n 's/^[[:space:]]*0x[0-9a-f]*:[[:space:]]*//p' | tr -d ' \n'
}

# ---------------------------------------------------------------------------
# tcpdump filter pieces.

# mac_is OFFSET_EXPR MAC: e.g. mac_is arp 8 MAC -> "arp[8:4] = 0x.. and arp[12:2] = 0x..".
mac_is() {
    local proto=$1 off=$2 h
    h=$(printf '%s' "$3" | tr -d :)
    printf '%s[%d:4] = 0x%s and %s[%d:2] = 0x%s' "$proto" "$off" "${h:0:8}" "$proto" $((off + 4)) "${h:8:4}"
}

# ip6_is OFFSET ADDR: the IPv6 address at ip6[OFFSET] is ADDR.
ip6_is() {
    local h
    h=$("$OFG_NS_SCAPY" -c 'import ipaddress, sys; print(ipaddress.IPv6Address(sys.argv[1]).packed.hex())' "$2")
    printf 'ip6[%d:4] = 0x%s and ip6[%d:4] = 0x%s and ip6[%d:4] = 0x%s and ip6[%d:4] = 0x%s' \
        "$1" "${h:0:8}" $(($1 + 4)) "${h:8:8}" $(($1 + 8)) "${h:16:8}" $(($1 + 12)) "${h:24:8}"
}

ip_hex() {
    local IFS=.
    # shellcheck disable=SC2086 # splitting on dots is the point.
    printf '0x%02x%02x%02x%02x' $1
}

# ARP frames that are not the truth: anything but a known host's own MAC
# (as Ethernet source and sender hardware address) with its own address or
# 0.0.0.0 (probes) as sender protocol address.
arp__legit() {
    printf '(ether src %s and %s and (arp[14:4] = %s or arp[14:4] = 0))' \
        "$1" "$(mac_is arp 8 "$1")" "$(ip_hex "$2")"
}
ARP_FORGED="arp and not ($(arp__legit "$AM" "$AIP") or $(arp__legit "$V1M" "$V1IP") or \
$(arp__legit "$V2M" "$V2IP") or $(arp__legit "$GW1M" "$GW1") or $(arp__legit "$GW2M" "$GW2"))"
# Neighbour solicitations whose source link-layer option (the first option,
# at ip6[64], as Linux and scapy build them) is not the sender's own MAC, or
# whose sender is unknown.
nd__legit() {
    printf '(ether src %s and %s)' "$1" "$(mac_is ip6 66 "$1")"
}
NS_FORGED="icmp6 and ip6[40] = 135 and ip6[64] = 1 and not ($(nd__legit "$AM") or \
$(nd__legit "$V1M") or $(nd__legit "$V2M") or $(nd__legit "$GW1M") or $(nd__legit "$GW2M"))"
KNOWN_SRC="(ether src $AM or ether src $V1M or ether src $V2M or ether src $GW1M or ether src $GW2M)"

# ---------------------------------------------------------------------------
# Flows and counters.

# flow_packets COOKIE TABLE PRIORITY [ERE]: the sum of n_packets over the
# container's flows in TABLE at PRIORITY (and matching ERE).
flow_packets() {
    local c
    c=$(printf '0x0fa7%012x' "$1")
    ovs-ofctl -O OpenFlow13 dump-flows "$OFG_NS_BR" "cookie=$c/-1,table=$2" |
        grep -E "priority=$3[, ]" | grep -E -- "${4:-.}" |
        sed -n 's/.*n_packets=\([0-9]*\),.*/\1/p' |
        awk '{ s += $1 } END { print s + 0 }'
}

# drop_spec COOKIE SPECS: the sum of flow_packets over SPECS, separated by
# spaces, each "[COOKIE@]TABLE:PRIORITY[:ERE]".  A spec's own COOKIE (a
# container's, a network's, or 0 for the switch's shared flows) overrides
# the one given.
drop_spec() {
    local t p e c spec sum=0 specs
    read -ra specs <<< "$2"
    for spec in "${specs[@]}"; do
        c=$1
        case $spec in
            *@*) c=${spec%%@*}; spec=${spec#*@} ;;
        esac
        IFS=: read -r t p e <<< "$spec"
        sum=$((sum + $(flow_packets "$c" "$t" "$p" "$e")))
    done
    echo "$sum"
}

flows_of() {
    ovs-ofctl -O OpenFlow13 dump-flows "$OFG_NS_BR" "cookie=$(printf '0x0fa7%012x' "$1")/-1"
}

# ---------------------------------------------------------------------------
# Victim state.

ofg_ns__state() {
    # Addresses (without lifetimes) and routes.
    ip -n "$1" -br addr show dev "$2"
    ip -n "$1" route show
    ip -n "$1" -6 route show | sed 's/ expires [0-9]*sec//; s/ pref [a-z]*//'
}

ofg_ns_snapshot() {
    ofg_ns__state "$NS_V1" eth0 > "$OFG_TEST_DIR/state.v1"
    ofg_ns__state "$NS_V2" eth0 > "$OFG_TEST_DIR/state.v2"
    { ofg_ns__state "$NS_GW" eth1; ofg_ns__state "$NS_GW" eth2; } > "$OFG_TEST_DIR/state.gw"
}

# neigh_clean NS: every neighbour entry with a link-layer address maps an
# address to its true owner's MAC.
neigh_clean() {
    local bad='' ip mac line
    while read -r line; do
        ip=${line%% *}
        case $line in
            *" lladdr "*) mac=${line#* lladdr }; mac=${mac%% *} ;;
            *) continue ;;
        esac
        if [ "${OFG_NS_TRUE_MAC[$ip]:-}" != "$mac" ]; then
            bad="$bad$line (true owner: ${OFG_NS_TRUE_MAC[$ip]:-nobody})"$'\n'
        fi
    done < <(ip -n "$1" neigh show; ip -n "$1" -6 neigh show)
    if [ -n "$bad" ]; then
        printf 'poisoned neighbour entries in %s:\n%s' "$1" "$bad"
        return 1
    fi
}

# ns_clean: no victim's neighbour table, addresses or routes changed.
ns_clean() {
    local rc=0 now
    for n in "$NS_V1" "$NS_V2" "$NS_GW"; do
        neigh_clean "$n" || rc=1
    done
    now=$(ofg_ns__state "$NS_V1" eth0)
    [ "$now" = "$(cat "$OFG_TEST_DIR/state.v1")" ] ||
        { echo "victim1 changed:"; diff "$OFG_TEST_DIR/state.v1" - <<< "$now"; rc=1; }
    now=$(ofg_ns__state "$NS_V2" eth0)
    [ "$now" = "$(cat "$OFG_TEST_DIR/state.v2")" ] ||
        { echo "victim2 changed:"; diff "$OFG_TEST_DIR/state.v2" - <<< "$now"; rc=1; }
    now=$({ ofg_ns__state "$NS_GW" eth1; ofg_ns__state "$NS_GW" eth2; })
    [ "$now" = "$(cat "$OFG_TEST_DIR/state.gw")" ] ||
        { echo "gateway changed:"; diff "$OFG_TEST_DIR/state.gw" - <<< "$now"; rc=1; }
    return "$rc"
}

# ---------------------------------------------------------------------------
# Violations (README "Violations"): the counters ofguard reads from the
# switch's accounting flows ("ovs-appctl -t ofguard violations") and the
# log line of each sampled dropped frame.

OFG_NS_VIOLATION_SETTLED=0

# violation_count CONTAINER CLASS: the container's counter of CLASS, 0 if
# none.
violation_count() {
    ovs-appctl -t ofguard violations "$1" |
        awk -v c="$1" -v k="$2" '$1 == c && $2 == k { s += $3 } END { print s + 0 }'
}

# violations_of CONTAINER: "CLASS COUNT" per class the container committed.
violations_of() {
    ovs-appctl -t ofguard violations "$1" | awk '{ print $2, $3 }' | sort
}

violation__log() {
    echo "${OVS_LOGDIR:-$OFG_TEST_DIR}/ofguard.log"
}

# violation_mark: the reference for expect_violation and
# expect_no_violation: every container's counters and the log's length.
# "attack" takes one right before its command.  Counters that ofguard has
# not read yet would move after the mark: so the mark waits until a read
# has followed the last drop an attack waited for (OFG_NS_VIOLATION_SETTLED,
# plus a margin for the reply).
violation_mark() {
    local wait
    wait=$(awk -v now="$EPOCHREALTIME" -v t="$OFG_NS_VIOLATION_SETTLED" -v i="$OFG_NS_VIOLATION_INTERVAL" \
        'BEGIN { w = t + i + 0.3 - now; print (w > 0 ? w : 0) }')
    [ "$wait" = 0 ] || sleep "$wait"
    OFG_NS_VIOLATION_LOGMARK=$(wc -l < "$(violation__log)")
    OFG_NS_VIOLATIONS_BEFORE=$(ovs-appctl -t ofguard violations)
}

violation__before() {
    awk -v c="$1" -v k="$2" '$1 == c && $2 == k { s += $3 } END { print s + 0 }' \
        <<< "$OFG_NS_VIOLATIONS_BEFORE"
}

violation__grew() {
    [ "$(violation_count "$1" "$2")" -gt "$(violation__before "$1" "$2")" ]
}

violation__lines() {
    tail -n +"$((OFG_NS_VIOLATION_LOGMARK + 1))" "$(violation__log)" | grep '|violation|'
}

violation__logged() {
    violation__lines | grep -q " container=$1 class=$2 "
}

# expect_violation CONTAINER CLASS...: checks, for the last attack (or
# since the last violation_mark), that each CLASS's counter of CONTAINER
# grew and that the log has a line of that class for CONTAINER; waits a few
# seconds for both.  The checks are named after OFG_NS_ATTACK, which
# "attack" sets to its NAME (tests set it themselves around other traffic).
expect_violation() {
    local c=$1 k before now
    shift
    for k in "$@"; do
        before=$(violation__before "$c" "$k")
        ofg_sb__wait 5 violation__grew "$c" "$k" || true
        now=$(violation_count "$c" "$k")
        ofg_n_checks=$((ofg_n_checks + 1))
        if [ "$now" -gt "$before" ]; then
            echo "ok - ${OFG_NS_ATTACK:-traffic}: counted as $k for $c ($before -> $now)"
        else
            ofg_n_failed=$((ofg_n_failed + 1))
            echo "FAIL - ${OFG_NS_ATTACK:-traffic}: counted as $k for $c: stayed at $before"
            echo "    ovs-appctl -t ofguard violations, before:"
            printf '%s\n' "$OFG_NS_VIOLATIONS_BEFORE" | sed 's/^/        /'
            echo "    after:"
            ovs-appctl -t ofguard violations 2>&1 | sed 's/^/        /'
        fi
        ofg_sb__wait 5 violation__logged "$c" "$k" || true
        ofg_n_checks=$((ofg_n_checks + 1))
        if violation__logged "$c" "$k"; then
            echo "ok - ${OFG_NS_ATTACK:-traffic}: logged as $k for $c"
        else
            ofg_n_failed=$((ofg_n_failed + 1))
            echo "FAIL - ${OFG_NS_ATTACK:-traffic}: logged as $k for $c: no 'container=$c class=$k' line; the violation lines logged since:"
            violation__lines | tail -n 20 | sed 's/^/        /'
        fi
    done
}

# expect_no_violation CONTAINER...: no counter of any CONTAINER moved and
# none of them was logged since the last violation_mark, after letting
# ofguard read the counters once more.
expect_no_violation() {
    local c was now
    sleep "$(awk -v i="$OFG_NS_VIOLATION_INTERVAL" 'BEGIN { print i + 0.5 }')"
    for c in "$@"; do
        was=$(awk -v c="$c" '$1 == c { print $2, $3 }' <<< "$OFG_NS_VIOLATIONS_BEFORE" | sort)
        now=$(violations_of "$c")
        check_eq "${OFG_NS_ATTACK:-traffic}: no violation counted for $c" "${was:-none}" "${now:-none}"
        check_fails "${OFG_NS_ATTACK:-traffic}: no violation logged for $c" \
            eval "violation__lines | grep ' container=$c class='"
    done
}

# attack NAME MIN[/DMIN] FILTER DROP -- COMMAND...
#
# Runs COMMAND (the attack; its output is kept for the report) while
# capturing FILTER (a tcpdump expression matching the attack's frames and
# anything they could turn into on the way, e.g. a routed copy or a reply)
# on the victims' interfaces and on the attacker's switch port.  Four checks:
#   NAME: sent        the attacker's port received >= MIN matching frames
#   NAME: no victim saw it
#   NAME: dropped     the flows at DROP (see drop_spec: the attacker's,
#                     unless a spec names another cookie) counted >= DMIN
#                     (default MIN) more packets
#   NAME: victims clean   neighbour tables, addresses, routes (ns_clean)
# ATTACK_PORT/ATTACK_COOKIE default to the attacker's.
attack() {
    local name=$1 min=${2%/*} dmin=${2#*/} filter=$3 drop=$4 before after sent leaked=0 c n ns_ ifc k
    local port=${ATTACK_PORT:-pa} ofport=${ATTACK_OFPORT:-$PORT_A} cookie=${ATTACK_COOKIE:-$COOKIE_A}
    # The attacker's own network first: a frame that leaks there is the
    # attacker's frame as sent, the one the report traces.
    local victims="gw1:$NS_GW:eth1 v1:$NS_V1:eth0 v2:$NS_V2:eth0 gw2:$NS_GW:eth2"
    local t0=$SECONDS
    OFG_NS_ATTACK=$name
    shift 4
    [ "${1:-}" = -- ] && shift
    before=$(drop_spec "$cookie" "$drop")
    for c in $victims; do
        IFS=: read -r n ns_ ifc <<< "$c"
        [ "$ns_" = "${ATTACK_SKIP_NS:-none}" ] && continue
        cap_start "$n" "$ns_" "$ifc" "$filter"
    done
    cap_start sent "$NS_SW" "$port" "$filter"
    cap_wait
    violation_mark
    "$@" > "$OFG_TEST_DIR/attack.out" 2>&1 || true
    cap_stop

    sent=$(cap_count sent)
    ofg_n_checks=$((ofg_n_checks + 1))
    if [ "$sent" -ge "$min" ]; then
        echo "ok - $name: sent ($sent frames)"
    else
        ofg_n_failed=$((ofg_n_failed + 1))
        echo "FAIL - $name: sent: the attacker's port $port saw $sent frames matching '$filter', expected >= $min"
        echo "    attack command: $*"
        tail -n 30 "$OFG_TEST_DIR/attack.out" | sed 's/^/    | /'
    fi

    local report='' first_leak=''
    for c in $victims; do
        IFS=: read -r n ns_ ifc <<< "$c"
        [ "$ns_" = "${ATTACK_SKIP_NS:-none}" ] && continue
        k=$(cap_count "$n")
        if [ "$k" -gt 0 ]; then
            leaked=$((leaked + k))
            [ -n "$first_leak" ] || first_leak=$n
            report="$report    $k frame(s) reached $ns_ $ifc:"$'\n'"$(cap_show "$n")"$'\n'
        fi
    done
    ofg_n_checks=$((ofg_n_checks + 1))
    if [ "$leaked" = 0 ]; then
        echo "ok - $name: no victim saw it"
    else
        ofg_n_failed=$((ofg_n_failed + 1))
        echo "FAIL - $name: no victim saw it: $leaked forged frame(s) got through"
        printf '%s' "$report"
        attack__explain "$port" "$ofport" "$cookie" "$*" "$first_leak"
    fi

    after=$before
    ofg_sb__wait 5 attack__counted "$cookie" "$drop" "$before" "$dmin" || true
    after=$(drop_spec "$cookie" "$drop")
    OFG_NS_VIOLATION_SETTLED=$EPOCHREALTIME
    check_eq "$name: dropped (flow $drop counted >= $dmin more)" yes \
        "$([ $((after - before)) -ge "$dmin" ] && echo yes || echo "no: $before -> $after")"
    if [ $((after - before)) -lt "$dmin" ]; then
        echo "    flows of cookie $cookie:"
        flows_of "$cookie" | sed 's/^/    /'
    fi
    check "$name: victims' neighbours, addresses and routes unchanged" ns_clean
    echo "# $name: $((SECONDS - t0)) s"
}

attack__counted() {
    [ $(( $(drop_spec "$1" "$2") - $3 )) -ge "$4" ]
}

# attack__explain PORT OFPORT COOKIE COMMAND LEAK: what the attacker sent
# and how the switch handled it: traces (the flows matched) of the first
# frame the attacker sent and of the first frame that leaked (capture LEAK),
# the latter as if the attacker had sent it, which is what it did unless the
# frame was routed or answered on the way.
attack__explain() {
    local hex c
    echo "    attack: $4"
    echo "    attacker's port: $1 (ofport $2); first frames it sent:"
    cap_show sent 3
    for c in sent ${5:+"$5"}; do
        hex=$(cap_hex "$c")
        [ -n "$hex" ] || continue
        echo "    first frame of capture $c: $hex"
        echo "    ovs-appctl ofproto/trace $OFG_NS_BR in_port=$2 <that frame>:"
        ovs-appctl ofproto/trace "$OFG_NS_BR" "in_port=$2" "$hex" 2>&1 | sed 's/^/        /'
    done
    echo "    flows of cookie $3 (with counters):"
    flows_of "$3" | sed 's/^/        /'
}
