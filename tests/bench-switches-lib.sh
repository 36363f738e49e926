# shellcheck shell=bash
#
# bench-switches-lib.sh: many dummy switches in several ovs-vswitchd
# processes, for tests/bench-switches.sh and tests/bench-violations.sh.
# Source it after ovs-sandbox/sandbox-lib.sh, with these set:
#   N_SW      switches: switch s (1..N_SW) lives in process
#             (s - 1) % PROCS + 1, as bridge br<s> with datapath ID s,
#             uplink up<s> (ofport 1, trusted) and ports p<s>-<c> (ofport
#             c + 1), container c<s>-<c> with MAC 02:00:<i as 4 bytes> and
#             IPv4 address 10.<k>.<((s - 1) % 4) * PER_SW + c + 1>, where
#             i = (s - 1) * PER_SW + c and k = (s - 1) / 4 as 2 bytes (4
#             switches share a /24, gateway .1)
#   PER_SW    containers per switch (at most 63)
#   PROCS     ovs-vswitchd processes, sandbox $dir/s<p> each
#   dir       the benchmark's directory
#
# Functions:
#   bsw_start_all              every process and its bridges
#   bsw_config FILE            ofguard's configuration for all of them
#   bsw_point_all PORT         every bridge's controller: tcp:127.0.0.1:PORT
#   bsw_synced                 true once ofguard ($dir/s1) has every switch
#                              connected and in sync
#   bsw_cpu_s PID              a process's CPU time so far (user + system), s
#   bsw_stop_all               stops ofguard and every process (for traps)

# shellcheck disable=SC2154  # dir, N_SW, PER_SW, PROCS: the caller's
bsw__msg() { echo "bench: $*" >&2; }

# bsw__add_bridges PROC: its bridges, straight to the database: ovsdb
# transactions of 4 bridges (a transaction is one command-line argument),
# as tests/bench.sh does for ports: ovs-vsctl checks every new port against
# all existing ones, quadratic at this size.
bsw__add_bridges() {
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

bsw_start_all() {
    local p
    case $N_SW$PER_SW$PROCS in
        *[!0-9]*) bsw__msg "SWITCHES, CONTAINERS, PROCS: numbers"; return 1 ;;
    esac
    if [ "$PROCS" -lt 1 ] || [ "$N_SW" -lt "$PROCS" ] || [ "$PER_SW" -lt 1 ]; then
        bsw__msg "need SWITCHES >= PROCS >= 1, CONTAINERS >= 1"
        return 1
    fi
    if [ "$PER_SW" -gt 63 ]; then
        bsw__msg "at most 63 containers per switch (4 switches share a /24)"
        return 1
    fi
    # No per-message debug logging in the switches: it would dominate.
    OFG_SB_VSWITCHD_ARGS="-vvconn:file:info -vrconn:file:info"
    export OFG_SB_VSWITCHD_ARGS
    for p in $(seq "$PROCS"); do
        bsw__msg "process $p of $PROCS: starting, adding its bridges..."
        ofg_sb_start "$dir/s$p" || return 1
        bsw__add_bridges "$p" || return 1
    done
}

bsw_config() {
    /usr/bin/python3 - "$N_SW" "$PER_SW" > "$1" <<'PY'
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
}

bsw_synced() {
    local st
    st=$(ofg_sb_env "$dir/s1" && ovs-appctl --timeout=10 -t ofguard status) ||
        return 1
    [ "$(grep -c '^switch ' <<< "$st")" = "$N_SW" ] &&
        ! grep -q ' sync=no ' <<< "$st"
}

bsw_cpu_s() {
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' \
        "/proc/$1/stat"
}

# One transaction per process: each change makes ovs-vswitchd reconfigure
# all of its ports.
bsw_point_all() {
    local p s args
    for p in $(seq "$PROCS"); do
        args=()
        for s in $(seq "$p" "$PROCS" "$N_SW"); do
            args+=(-- "--id=@c$s" create controller
                   "target=\"tcp:127.0.0.1:$1\"" max_backoff=1000
                   -- set bridge "br$s" "controller=@c$s")
        done
        (ofg_sb_env "$dir/s$p" &&
         ovs-vsctl --no-wait --timeout=120 "${args[@]}" > /dev/null) &
    done
    wait
}

bsw_stop_all() {
    local p
    ofg_sb_env "$dir/s1" && ofg_sb_stop_ofguard
    for p in $(seq "$PROCS"); do
        ofg_sb_env "$dir/s$p" && ofg_sb_stop
    done
}
