#!/bin/bash
# bench-dropin.sh: a one-container change at N containers (default 10,000)
# on one dummy-datapath bridge, applied by reload (from "ovs-appctl reload"
# to the switch's barrier reply, ofguard's "in sync"), with the containers
# in N drop-in files of a configuration directory (one file changed and
# read again), against the same containers in one file (the whole file read
# again), measured in the same run.  The floor: ovs-vswitchd's own answer
# to a barrier on an open connection, with the same N ports, also measured
# in the same run (a round needs at least that).
#
# Usage: tests/bench-dropin.sh [N [RELOADS]]   (after build-aux/setup.sh)
#   RELOADS (default 11): one-container reloads of each layout, 1.3 s
#                         apart; medians are compared.
#
# Not part of the test suite: timings are figures to compare, not pass/fail.

set -eu
N=${1:-10000}
RELOADS=${2:-11}
OFG_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
OFGUARD=${OFGUARD:-$OFG_SRCDIR/controller/ofguard}
export OFGUARD
# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/ofg-bench-dropin.XXXXXX")
trap 'ofg_sb_stop_ofguard; ofg_sb_stop; rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
export OFG_SB_VSWITCHD_ARGS
ofg_sb_start "$dir"
ofg_sb_add_bridge br0 dummy 00000000000000b0
ofg_sb_add_port br0 eth0 1
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ovs-vsctl --no-wait set-controller br0 "tcp:127.0.0.1:$port"
echo "bench: $N containers: adding $N dummy ports..." >&2
ofg_sb_add_dummy_ports br0 "$N" 1

# The same N containers (those of tests/bench.sh) as a directory, one file
# each, and as one file.
/usr/bin/python3 - "$N" "$dir" <<'PY'
import json, os, sys
n, d = int(sys.argv[1]), sys.argv[2]
nets, cont = {}, {}
for i in range(n):
    net = i // 250
    name = "net%d" % net
    if name not in nets:
        nets[name] = {"subnet": "10.%d.%d.0/24" % (net // 256, net % 256),
                      "gateway": "10.%d.%d.1" % (net // 256, net % 256)}
    pre = "10.%d.%d." % (net // 256, net % 256)
    cont["c%d" % i] = {"port": "p%d" % (i + 1), "network": name,
                       "mac": "02:00:%02x:%02x:%02x:%02x" % (
                           (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255,
                           i & 255),
                       "ipv4": [pre + str(i % 250 + 2), "172.%d.%d.%d" % (
                           16 + (i >> 16), (i >> 8) & 255, i & 255)],
                       "cookie": "0x%x" % (i + 1)}
main = {"networks": nets,
        "switches": {"host1": {"datapath_id": "00000000000000b0",
                               "trusted_ports": ["eth0", "LOCAL"]}}}
os.makedirs(d + "/conf/containers.d")
json.dump(main, open(d + "/conf/ofguard.json", "w"), indent=1)
for k, v in cont.items():
    json.dump({"containers": {k: v}},
              open("%s/conf/containers.d/%s.json" % (d, k), "w"), indent=1)
main["containers"] = cont
json.dump(main, open(d + "/single.json", "w"), indent=1)
PY

log=$OVS_LOGDIR/ofguard.log
now() { date +%s.%N; }
log_time() {    # log_time LINE: the epoch seconds of a log line
    cut -d'|' -f1 <<< "$1" | xargs -I{} date -d {} +%s.%N
}
n_sync() { grep -c "in sync" "$log" || true; }
wait_sync() {   # wait_sync N: until "in sync" is logged N times (bounded)
    local k
    for k in $(seq 3000); do
        [ "$(n_sync)" -ge "$1" ] && return 0
        sleep 0.05
    done
    echo "bench: timed out waiting for sync" >&2
    tail -n 20 "$log" >&2
    return 1
}
start() {       # start CONFIG: ofguard on CONFIG, the switch in sync
    local k
    ofg_sb_start_ofguard "$1" --listen=ptcp:"$port":127.0.0.1
    for k in $(seq 3000); do
        ovs-appctl -t ofguard status 2>/dev/null | grep -q ' sync=yes' && return 0
        sleep 0.1
    done
    echo "bench: ofguard on $1 not in sync" >&2
    return 1
}

# reload_once CONFIG FILE VALUE: sets the extra address of c7 in FILE to
# 172.31.VALUE, reloads CONFIG, and prints the seconds from the command to
# "reloaded" and to "in sync".
reload_once() {
    local before t0 reloaded synced
    sed -i "s/\"172\.[0-9]*\.[0-9]*\.7\"/\"172.31.$3.7\"/" "$2"
    before=$(n_sync)
    t0=$(now)
    ovs-appctl -t ofguard reload > /dev/null
    wait_sync $((before + 1))
    reloaded=$(log_time "$(grep 'reloaded,' "$log" | tail -1)")
    synced=$(log_time "$(grep 'in sync' "$log" | tail -1)")
    echo "$(echo "$reloaded - $t0" | bc) $(echo "$synced - $t0" | bc)"
}

# The switch's barrier round trip on an open connection (its management
# socket), 21 times 0.2 s apart: the floor under any update round.
barrier_rtt() {
    /usr/bin/python3 - "$OVS_RUNDIR/br0.mgmt" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(10)
buf = b""
def send(t, xid, body=b""):
    s.sendall(struct.pack("!BBHI", 4, t, 8 + len(body), xid) + body)
def wait(t, xid):
    global buf
    while True:
        while len(buf) >= 8:
            v, mt, n, x = struct.unpack("!BBHI", buf[:8])
            if len(buf) < n:
                break
            buf = buf[n:]
            if mt == t and x == xid:
                return
        buf += s.recv(65536)
send(0, 1, struct.pack("!HHI", 1, 8, 1 << 4))   # HELLO, OpenFlow 1.3
rtts = []
for i in range(21):
    t0 = time.monotonic()
    send(20, 100 + i)                            # BARRIER_REQUEST
    wait(21, 100 + i)                            # BARRIER_REPLY
    rtts.append((time.monotonic() - t0) * 1000)
    time.sleep(0.2)
print(" ".join("%.1f" % r for r in rtts))
PY
}

echo "bench: cold install of the directory ($N files)..." >&2
t0=$(now)
start "$dir/conf"
cold_dir=$(echo "$(log_time "$(grep 'in sync' "$log" | tail -1)") - $t0" | bc)
rss_dir=$(ps -o rss= -p "$(cat "$OVS_RUNDIR/ofguard.pid")" | tr -d ' ')
t0=$(now)
"$OFGUARD" --check "$dir/conf" > /dev/null
check_dir=$(echo "$(now) - $t0" | bc)
t0=$(now)
"$OFGUARD" --check "$dir/single.json" > /dev/null
check_single=$(echo "$(now) - $t0" | bc)

echo "bench: the switch's barrier round trip..." >&2
rtt=$(barrier_rtt)

dir_parse='' dir_sync='' one_parse='' one_sync=''
# Each layout in a daemon that has run a while, as reloads meet it: past
# the start, whose first counter poll (table 70's statistics, some 70,000
# flows here) keeps the switch busy for a moment, and then RELOADS reloads
# 1.3 s apart, so that some may meet the later polls (every 5 s) as they
# would in use.
sleep 3
for i in $(seq "$RELOADS"); do
    echo "bench: reload $i of $RELOADS, directory..." >&2
    read -r p s <<< "$(reload_once "$dir/conf" "$dir/conf/containers.d/c7.json" "$i")"
    dir_parse="$dir_parse $p" dir_sync="$dir_sync $s"
    last=$(grep 'reloaded,' "$log" | tail -1 | sed 's/.*reloaded, //')
    sleep 1.3
done

# The single file, with the same containers: ofguard restarted on it finds
# its flows in place (the same flows: c7 changed alike).
sed -i "s/\"172\.[0-9]*\.[0-9]*\.7\"/\"172.31.$RELOADS.7\"/" "$dir/single.json"
ofg_sb_stop_ofguard
start "$dir/single.json"
sleep 3
for i in $(seq "$RELOADS"); do
    echo "bench: reload $i of $RELOADS, single file..." >&2
    read -r p s <<< "$(reload_once "$dir/single.json" "$dir/single.json" "$((i + 100))")"
    one_parse="$one_parse $p" one_sync="$one_sync $s"
    sleep 1.3
done

median() {
    tr ' ' '\n' | grep . | sort -n |
        awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
ms() { for t in $1; do printf ' %.0f' "$(echo "$t * 1000" | bc)"; done; }
printf '\nofguard drop-in benchmark: %s containers, %s reloads each\n' "$N" "$RELOADS"
printf '%-46s %s\n' "directory, last reload:" "$last"
printf '%-46s %-36s %8s\n' "one container changed, ms" "runs" "median"
printf '%-46s %-36s %8.0f\n' "directory: reload -> parsed and checked" "$(ms "$dir_parse")" "$(echo "$(median <<< "$dir_parse") * 1000" | bc)"
printf '%-46s %-36s %8.0f\n' "directory: reload -> in sync (barrier)" "$(ms "$dir_sync")" "$(echo "$(median <<< "$dir_sync") * 1000" | bc)"
printf '%-46s %-36s %8.0f\n' "one file: reload -> parsed and checked" "$(ms "$one_parse")" "$(echo "$(median <<< "$one_parse") * 1000" | bc)"
printf '%-46s %-36s %8.0f\n' "one file: reload -> in sync (barrier)" "$(ms "$one_sync")" "$(echo "$(median <<< "$one_sync") * 1000" | bc)"
printf '%-46s %-36s %8.1f\n' "floor: ovs-vswitchd's barrier round trip" "(21 runs)" "$(median <<< "$rtt")"
printf '%-46s %.2f s (%s KiB RSS after)\n' "directory: cold start -> in sync" "$cold_dir" "$rss_dir"
printf '%-46s %.2f s / %.2f s\n' "ofguard --check: directory / one file" "$check_dir" "$check_single"
