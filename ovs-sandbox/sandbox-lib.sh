# shellcheck shell=bash
#
# sandbox-lib.sh: a private Open vSwitch (ovsdb-server + ovs-vswitchd) for
# ofguard's user sandbox (ofguard-sandbox) and for its tests (tests/lib.sh).
#
# Modelled on OVS's tutorial/ovs-sandbox and tests/ofproto-macros.at: every
# daemon and tool finds its files through OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR and
# OVS_SYSCONFDIR, all pointed at one directory, so nothing touches a system OVS
# and several sandboxes (parallel tests) never see each other.
#
# Source it from bash.  Functions return non-zero on failure and never call
# 'exit', so they behave under 'set -e' and inside traps; they are also
# 'set -u' clean.
#
# Functions:
#   ofg_sb_start DIR [--netns NAME]   create DIR and start both daemons; with
#                                     --netns, ovs-vswitchd runs in netns NAME
#                                     (created if missing, never deleted:
#                                     the caller owns it)
#   ofg_sb_env DIR                    export the environment for DIR only
#   ofg_sb_add_bridge BR [dummy|netdev] [DPID]
#   ofg_sb_add_port BR PORT OFPORT [TYPE]
#   ofg_sb_set_controller BR TARGET...
#   ofg_sb_restart_vswitchd [--kill]
#   ofg_sb_stop                       stop both daemons (safe twice, in traps)
#   ofg_sb_check_logs [IGNORE_ERE...]
#   ofg_sb_trace BR FLOW              prints the "Datapath actions:" value
#   ofg_sb_receive PORT PACKET...
#   ofg_sb_start_ofguard CONFIG [ARG...]  start $OFGUARD, set OFG_SB_OFGUARD_PORT
#   ofg_sb_stop_ofguard
#   ofg_sb_kill_pidfile PIDFILE NAME  stop a daemon by pidfile (TERM, then KILL)
#
# Tunables (environment):
#   OFG_SB_SCHEMA          vswitch.ovsschema to use (searched for otherwise)
#   OFG_SB_VSWITCHD_ARGS   extra ovs-vswitchd arguments (word-split)
#   OFG_SB_TRACE_RAW=1     ofg_sb_trace prints datapath port numbers as is
#   OFGUARD                the ofguard binary for ofg_sb_start_ofguard

# Regexes (ERE) for the warnings a switch logs when its controller is absent,
# goes away or is restarted; pass "$OFG_SB_IGNORE_CONTROLLER" to
# ofg_sb_check_logs in tests where that is expected.
OFG_SB_IGNORE_CONTROLLER='rconn\|.*(connection failed|connection dropped|connection refused|Connection refused|connection timed out|no response to inactivity probe)|vconn.*(connection failed|Connection refused|unexpected end of file|Connection reset)|stream_tcp.*connect|unix:.*connection failed'
export OFG_SB_IGNORE_CONTROLLER

ofg_sb__msg() {
    echo "sandbox: $*" >&2
}

# ofg_sb__wait SECONDS COMMAND...: polls COMMAND every 0.1 s until it
# succeeds; returns 1 if it never did.
ofg_sb__wait() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    while ! "$@"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            return 1
        fi
        sleep 0.1
    done
    return 0
}

# ofg_sb__pid PIDFILE NAME: prints the pid in PIDFILE if that process is alive
# and really is NAME.  The name check matters because a stale pidfile from an
# earlier run may hold a pid the kernel has since given to someone else.
ofg_sb__pid() {
    local pid
    [ -r "$1" ] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    case $pid in
        ''|*[!0-9]*) return 1 ;;
    esac
    ofg_sb__alive "$pid" || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
    echo "$pid"
}

# ofg_sb__alive PID: a zombie counts as dead.  Detached daemons are reparented
# to init, and some inits (containers, microVMs) reap only every few seconds,
# so "kill -0" alone would make every stop wait for the reaper.
ofg_sb__alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 0
    [ "$state" != Z ]
}

ofg_sb__dead() {
    ! ofg_sb__alive "$1"
}

# ofg_sb_kill_pidfile PIDFILE NAME: TERM, wait, then KILL the daemon named
# NAME whose pid is in PIDFILE, and remove the pidfile.  Returns 0 even if
# there was nothing to kill.
ofg_sb_kill_pidfile() {
    local pid
    if pid=$(ofg_sb__pid "$1" "$2"); then
        kill -TERM "$pid" 2>/dev/null || true
        if ! ofg_sb__wait 5 ofg_sb__dead "$pid"; then
            ofg_sb__msg "$2 ($pid) ignored SIGTERM, killing it"
            kill -KILL "$pid" 2>/dev/null || true
            ofg_sb__wait 2 ofg_sb__dead "$pid" || true
        fi
    fi
    rm -f "$1"
    return 0
}

# ofg_sb__appctl_stop NAME [EXIT-ARGS]: the graceful way ("ovs-appctl -t NAME
# exit"), falling back to signals if the daemon does not go away.
ofg_sb__appctl_stop() {
    local name=$1 pidfile=$OVS_RUNDIR/$1.pid pid
    shift
    if pid=$(ofg_sb__pid "$pidfile" "$name"); then
        ovs-appctl --timeout=5 -t "$name" exit "$@" >/dev/null 2>&1 || true
        ofg_sb__wait 5 ofg_sb__dead "$pid" || true
    fi
    ofg_sb_kill_pidfile "$pidfile" "$name"
}

ofg_sb__find_schema() {
    local s
    for s in ${OFG_SB_SCHEMA:+"$OFG_SB_SCHEMA"} \
             /usr/share/openvswitch/vswitch.ovsschema \
             /usr/local/share/openvswitch/vswitch.ovsschema; do
        if [ -r "$s" ]; then
            echo "$s"
            return 0
        fi
    done
    ofg_sb__msg "cannot find vswitch.ovsschema (set OFG_SB_SCHEMA)"
    return 1
}

# ofg_sb_env DIR: points this shell at the sandbox in DIR without starting
# anything (used by ofg_sb_start, by "ofguard-sandbox stop/env" and by the
# test runner's leftover sweep).
ofg_sb_env() {
    local dir
    dir=$(cd "$1" 2>/dev/null && pwd) || {
        ofg_sb__msg "no such directory: $1"
        return 1
    }
    OFG_SANDBOX=$dir
    OVS_RUNDIR=$dir
    OVS_LOGDIR=$dir
    OVS_DBDIR=$dir
    OVS_SYSCONFDIR=$dir
    export OFG_SANDBOX OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
}

# The network namespace (if any) is remembered in a file rather than a shell
# variable so that ofg_sb_restart_vswitchd works from another shell too.
ofg_sb__netns() {
    cat "$OFG_SANDBOX/.ofg-sb-netns" 2>/dev/null || true
}

ofg_sb__start_vswitchd() {
    local netns wrap=()
    netns=$(ofg_sb__netns)
    if [ -n "$netns" ]; then
        # The userspace datapath creates a tap "ovs-netdev" per namespace; one
        # left by a killed run would make the new datapath fail to open.
        ip netns exec "$netns" ip link delete ovs-netdev >/dev/null 2>&1 || true
        wrap=(ip netns exec "$netns")
    fi
    # --enable-dummy without "=override" adds the dummy datapath and netdev
    # classes next to the real ones, so "dummy" bridges/ports and "netdev"
    # bridges with real (veth) ports both work.  --disable-system keeps us
    # off the (absent) kernel datapath, --disable-system-route off the host's
    # routing table.  vconn/rconn at debug level put every OpenFlow message
    # in the log, which is what one needs when a controller test fails.
    # shellcheck disable=SC2086 # OFG_SB_VSWITCHD_ARGS is meant to be split.
    if ! "${wrap[@]}" ovs-vswitchd --enable-dummy --disable-system \
            --disable-system-route --detach --no-chdir --pidfile --log-file \
            -vconsole:off -vsyslog:off -vvconn:file:dbg -vrconn:file:dbg \
            ${OFG_SB_VSWITCHD_ARGS:-} \
            2>>"$OFG_SANDBOX/ovs-vswitchd.stderr"; then
        ofg_sb__msg "ovs-vswitchd failed to start:"
        tail -n 20 "$OFG_SANDBOX/ovs-vswitchd.stderr" "$OFG_SANDBOX/ovs-vswitchd.log" >&2 2>/dev/null
        return 1
    fi
    # --detach returns once the daemon is up, but "ready" means it has read
    # the database: a non --no-wait ovs-vsctl transaction only completes when
    # ovs-vswitchd has caught up with it.
    if ! ovs-vsctl --timeout=20 set Open_vSwitch . \
            external_ids:ofg-sandbox-ready=true >/dev/null; then
        ofg_sb__msg "ovs-vswitchd did not become ready"
        return 1
    fi
}

# ofg_sb_start DIR [--netns NAME]
ofg_sb_start() {
    local dir=${1:-} netns='' schema
    if [ -z "$dir" ]; then
        ofg_sb__msg "usage: ofg_sb_start DIR [--netns NAME]"
        return 1
    fi
    shift
    while [ $# -gt 0 ]; do
        case $1 in
            --netns) netns=${2:-}; shift 2 || { ofg_sb__msg "--netns needs a name"; return 1; } ;;
            --netns=*) netns=${1#--netns=}; shift ;;
            *) ofg_sb__msg "ofg_sb_start: unknown option $1"; return 1 ;;
        esac
    done
    schema=$(ofg_sb__find_schema) || return 1
    mkdir -p "$dir" || return 1
    ofg_sb_env "$dir" || return 1

    # A previous run in DIR may have died without cleaning up.
    ofg_sb_stop_ofguard
    ofg_sb_stop
    rm -f "$OFG_SANDBOX"/conf.db "$OFG_SANDBOX"/.conf.db.~lock~ \
          "$OFG_SANDBOX"/db.sock "$OFG_SANDBOX"/ovs-vswitchd.*.ctl \
          "$OFG_SANDBOX"/ovsdb-server.*.ctl "$OFG_SANDBOX"/*.mgmt \
          "$OFG_SANDBOX"/*.snoop "$OFG_SANDBOX"/ovs-vswitchd.log \
          "$OFG_SANDBOX"/ovsdb-server.log "$OFG_SANDBOX"/*.stderr \
          "$OFG_SANDBOX"/.ofg-sb-netns "$OFG_SANDBOX"/last-trace.txt

    if [ -n "$netns" ]; then
        if ! ip netns list 2>/dev/null | grep -q "^$netns\\( \\|\$\\)"; then
            ip netns add "$netns" || return 1
        fi
        echo "$netns" > "$OFG_SANDBOX/.ofg-sb-netns"
    fi

    ovsdb-tool create "$OFG_SANDBOX/conf.db" "$schema" || return 1
    if ! ovsdb-server --detach --no-chdir --pidfile --log-file \
            -vconsole:off -vsyslog:off \
            --remote="punix:$OFG_SANDBOX/db.sock" \
            2>>"$OFG_SANDBOX/ovsdb-server.stderr"; then
        ofg_sb__msg "ovsdb-server failed to start:"
        cat "$OFG_SANDBOX/ovsdb-server.stderr" >&2
        return 1
    fi
    ofg_sb__wait 10 test -S "$OFG_SANDBOX/db.sock" || {
        ofg_sb__msg "ovsdb-server did not create db.sock"
        return 1
    }
    ovs-vsctl --timeout=10 --no-wait init || return 1
    ofg_sb__start_vswitchd
}

# ofg_sb_stop: ovs-vswitchd first, so that it does not log complaints about
# the database going away.  Always returns 0.
ofg_sb_stop() {
    [ -n "${OVS_RUNDIR:-}" ] || return 0
    ofg_sb__appctl_stop ovs-vswitchd --cleanup
    ofg_sb__appctl_stop ovsdb-server
    return 0
}

# ofg_sb_restart_vswitchd [--kill]: a switch restart, as a controller sees
# it: the connection drops and the new process comes back with no flows.
# Plain "exit" (no --cleanup), like an upgrade would; --kill is a crash
# (SIGKILL), which is also much faster on a bridge with thousands of ports,
# whose orderly exit deletes them one by one.
ofg_sb_restart_vswitchd() {
    [ -n "${OFG_SANDBOX:-}" ] || { ofg_sb__msg "no sandbox"; return 1; }
    if [ "${1:-}" = --kill ]; then
        local pid
        if pid=$(ofg_sb__pid "$OVS_RUNDIR/ovs-vswitchd.pid" ovs-vswitchd); then
            kill -KILL "$pid" 2>/dev/null || true
            ofg_sb__wait 5 ofg_sb__dead "$pid" || true
        fi
        rm -f "$OVS_RUNDIR/ovs-vswitchd.pid"
    else
        ofg_sb__appctl_stop ovs-vswitchd
    fi
    ofg_sb__start_vswitchd
}

# ofg_sb_add_bridge BR [dummy|netdev] [DPID]
ofg_sb_add_bridge() {
    local br=${1:-} type=${2:-dummy} dpid=${3:-} dpid_arg=()
    [ -n "$br" ] || { ofg_sb__msg "usage: ofg_sb_add_bridge BR [dummy|netdev] [DPID]"; return 1; }
    case $type in
        dummy|netdev) ;;
        *) ofg_sb__msg "ofg_sb_add_bridge: datapath type must be dummy or netdev, not $type"; return 1 ;;
    esac
    if [ -n "$dpid" ]; then
        if ! printf '%s\n' "$dpid" | grep -Eq '^[0-9a-fA-F]{16}$'; then
            ofg_sb__msg "ofg_sb_add_bridge: datapath id must be 16 hex digits: $dpid"
            return 1
        fi
        dpid_arg=(other-config:datapath-id="$dpid")
    fi
    # fail-mode=secure: without a controller the bridge drops everything
    # instead of acting as a learning switch, which is what ofguard expects.
    ovs-vsctl --timeout=20 add-br "$br" -- set bridge "$br" \
        datapath_type="$type" fail-mode=secure protocols=OpenFlow13 \
        other-config:disable-in-band=true "${dpid_arg[@]}"
}

# ofg_sb_add_port BR PORT OFPORT [TYPE]: TYPE defaults to dummy; "system" (or
# "") means an ordinary network device such as one end of a veth pair.
ofg_sb_add_port() {
    local br=${1:-} port=${2:-} ofport=${3:-} type=${4:-dummy} got
    if [ -z "$br" ] || [ -z "$port" ] || [ -z "$ofport" ]; then
        ofg_sb__msg "usage: ofg_sb_add_port BR PORT OFPORT [TYPE]"
        return 1
    fi
    [ "$type" = system ] && type=''
    ovs-vsctl --timeout=20 add-port "$br" "$port" -- set interface "$port" \
        type="\"$type\"" ofport_request="$ofport" || return 1
    # ofport_request is only a request; say so now rather than have a test
    # fail mysteriously on a flow for the wrong port.
    got=$(ovs-vsctl get interface "$port" ofport)
    if [ "$got" != "$ofport" ]; then
        ofg_sb__msg "port $port got ofport $got, not $ofport: $(ovs-vsctl get interface "$port" error)"
        return 1
    fi
}

# ofg_sb_add_dummy_ports BR N OFFSET: dummy ports p1..pN on BR, port pJ
# with OpenFlow number J + OFFSET, then waits until pN has its number.
# Straight ovsdb transactions of 200 ports each: ovs-vsctl checks every new
# port against all existing ones, which is quadratic at the sizes the
# benchmarks use.
ofg_sb_add_dummy_ports() {
    local br=$1 n=$2 offset=$3 first txn
    for first in $(seq 1 200 "$n"); do
        txn=$(/usr/bin/python3 - "$br" "$first" "$n" "$offset" <<'PY'
import json, sys
br, first, n, offset = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ops, ports = ["Open_vSwitch"], []
for j in range(first, min(first + 199, n) + 1):
    ops.append({"op": "insert", "table": "Interface", "uuid-name": "i%d" % j,
                "row": {"name": "p%d" % j, "type": "dummy",
                        "ofport_request": j + offset}})
    ops.append({"op": "insert", "table": "Port", "uuid-name": "q%d" % j,
                "row": {"name": "p%d" % j,
                        "interfaces": ["named-uuid", "i%d" % j]}})
    ports.append(["named-uuid", "q%d" % j])
ops.append({"op": "mutate", "table": "Bridge",
            "where": [["name", "==", br]],
            "mutations": [["ports", "insert", ["set", ports]]]})
print(json.dumps(ops))
PY
) || return 1
        ovsdb-client transact "unix:$OFG_SANDBOX/db.sock" "$txn" > /dev/null ||
            return 1
    done
    ovs-vsctl --timeout=600 wait-until interface "p$n" \
        "ofport=$((n + offset))" > /dev/null
}

# ofg_sb_set_controller BR TARGET...: one transaction, so that the switch
# never runs with the default 8 s max_backoff, which would make every
# "controller restarted" test slow.  No TARGET removes the controllers.
ofg_sb_set_controller() {
    local br=${1:-} args=() ids='' i=0 t
    [ -n "$br" ] || { ofg_sb__msg "usage: ofg_sb_set_controller BR TARGET..."; return 1; }
    shift
    if [ $# -eq 0 ]; then
        ovs-vsctl --timeout=20 del-controller "$br"
        return
    fi
    for t in "$@"; do
        i=$((i + 1))
        args+=(-- "--id=@c$i" create controller target="\"$t\"" max_backoff=1000)
        ids=${ids:+$ids,}@c$i
    done
    ovs-vsctl --timeout=20 "${args[@]}" -- set bridge "$br" controller="[$ids]" >/dev/null
}

# ofg_sb_check_logs [IGNORE_ERE...]: prints and fails on WARN/ERR/EMER lines
# in the daemons' logs, except well-known harmless ones (the same list as
# OVS's check_logs) and those matching any IGNORE_ERE.
ofg_sb_check_logs() {
    local logs=() f bad ignore=()
    for f in "$OVS_LOGDIR/ovs-vswitchd.log" "$OVS_LOGDIR/ovsdb-server.log"; do
        [ -e "$f" ] && logs+=("$f")
    done
    [ ${#logs[@]} -gt 0 ] || return 0
    for f in "$@"; do
        [ -n "$f" ] && ignore+=(-e "$f")
    done
    [ ${#ignore[@]} -gt 0 ] || ignore=(-e '^$')
    bad=$(grep -H -E '\|(WARN|ERR|EMER)\|' "${logs[@]}" |
          grep -v -E \
               -e 'reset by peer' -e 'Broken pipe' -e 'is not connected' \
               -e 'timeval.*Unreasonably long [0-9]*ms poll interval' \
               -e 'timeval.*faults: [0-9]* minor, [0-9]* major' \
               -e 'timeval.*disk: [0-9]* reads, [0-9]* writes' \
               -e 'timeval.*context switches: [0-9]* voluntary' \
               -e 'ovs_rcu.*blocked [0-9]* ms waiting for .* to quiesce' \
               -e 'Dropped [0-9]* log messages' \
               -e 'setting extended ack support failed' |
          grep -v -E "${ignore[@]}") || true
    if [ -n "$bad" ]; then
        echo "unexpected warnings/errors in logs:"
        printf '%s\n' "$bad"
        return 1
    fi
    return 0
}

# ofg_sb__odp_to_ofp BR: prints "ODP OFPORT" pairs for every port of every
# bridge sharing BR's datapath, from "ovs-appctl dpif/show" lines like
# "    p1 2/1: (dummy)".  The local port is shown as LOCAL.
ofg_sb__odp_to_ofp() {
    ovs-appctl dpif/show 2>/dev/null |
        sed -n 's/^ *[^ ]* \([0-9][0-9]*\)\/\([0-9][0-9]*\):.*/\2 \1/p' |
        sed 's/ 65534$/ LOCAL/'
}

# ofg_sb_trace BR FLOW [TRACE-ARG...]: prints the "Datapath actions:" value of
# "ovs-appctl ofproto/trace BR FLOW" (the last one, i.e. the final outcome,
# when recirculation produces several).  Datapath port numbers are rewritten
# to OpenFlow port numbers: the dummy datapath numbers ports after digits in
# their names ("p1" wants 1) and in creation order, so they rarely equal the
# ofport_request values tests are written against.  OFG_SB_TRACE_RAW=1 turns
# that off.  The whole trace is left in $OFG_SANDBOX/last-trace.txt.
ofg_sb_trace() {
    local br=${1:-} flow=${2:-} out acts map
    if [ -z "$br" ] || [ -z "$flow" ]; then
        ofg_sb__msg "usage: ofg_sb_trace BR FLOW"
        return 1
    fi
    shift 2
    if ! out=$(ovs-appctl ofproto/trace "$br" "$flow" "$@" 2>&1); then
        printf '%s\n' "$out" > "${OFG_SANDBOX:-.}/last-trace.txt" 2>/dev/null
        ofg_sb__msg "ofproto/trace $br $flow failed: $out"
        return 1
    fi
    printf '%s\n' "$out" > "${OFG_SANDBOX:-.}/last-trace.txt" 2>/dev/null || true
    acts=$(printf '%s\n' "$out" | sed -n 's/^Datapath actions: //p' | tail -n 1)
    if [ -z "$acts" ]; then
        ofg_sb__msg "no \"Datapath actions:\" in the trace"
        return 1
    fi
    if [ "${OFG_SB_TRACE_RAW:-0}" = 1 ]; then
        printf '%s\n' "$acts"
        return 0
    fi
    map=$(ofg_sb__odp_to_ofp)
    # Only bare numbers at parenthesis depth 0 are output ports; numbers
    # inside set(...), ct(...), etc. are left alone.  A copy of the frame to
    # the controller (ofguard's metered sample of a dropped frame:
    # "sample(...,userspace(...controller(...)))") is not a destination:
    # it is left out, and a frame that goes nowhere else reads "drop".
    printf '%s\n' "$acts" | awk -v map="$map" '
        BEGIN {
            n = split(map, l, "\n")
            for (i = 1; i <= n; i++) { split(l[i], kv, " "); m[kv[1]] = kv[2] }
        }
        function flush() {
            if (tok ~ /^[0-9]+$/ && (tok in m)) tok = m[tok]
            if (tok ~ /^(sample\(.*)?userspace\(.*controller\(/) {
                tok = ""
                return
            }
            if (tok != "") out = out (out == "" ? "" : ",") tok
            tok = ""
        }
        {
            out = ""; tok = ""; depth = 0
            for (i = 1; i <= length($0); i++) {
                c = substr($0, i, 1)
                if (c == "(") depth++
                else if (c == ")") depth--
                if (c == "," && depth == 0) flush()
                else tok = tok c
            }
            flush()
            print (out == "" ? "drop" : out)
        }'
}

# ofg_sb_receive PORT PACKET...: PACKET is hex or a datapath flow string, e.g.
# "eth(src=..,dst=..),eth_type(0x0800),ipv4(src=..,dst=..,proto=1,tos=0,
# ttl=64,frag=no),icmp(type=8,code=0)"; "--len N" may follow a flow.
ofg_sb_receive() {
    if [ $# -lt 2 ]; then
        ofg_sb__msg "usage: ofg_sb_receive PORT PACKET..."
        return 1
    fi
    ovs-appctl netdev-dummy/receive "$@"
}

# ofg_sb__logged_port LOG SKIP: the port ofguard bound, from the lines after
# the first SKIP of LOG (empty if not logged yet).  Preferred: ofguard's own
# "listening on ptcp:PORT:127.0.0.1" with a real PORT.  Fallback: OVS's
# socket_util line "0:127.0.0.1: listening on port PORT", which is what an
# OVS-library daemon logs for ptcp:0 when it reports the requested name
# ("ptcp:0:127.0.0.1") rather than the bound one (OVS's own tests parse it
# the same way).
ofg_sb__logged_port() {
    local lines port
    lines=$(tail -n +"$(($2 + 1))" "$1" 2>/dev/null) || return 0
    port=$(printf '%s\n' "$lines" |
           sed -n 's/.*listening on ptcp:\([0-9][0-9]*\):127\.0\.0\.1.*/\1/p' |
           grep -v '^0$' | tail -n 1)
    if [ -z "$port" ]; then
        port=$(printf '%s\n' "$lines" |
               sed -n 's/.*|socket_util|.*127\.0\.0\.1: listening on port \([0-9][0-9]*\)$/\1/p' |
               tail -n 1)
    fi
    printf '%s\n' "$port"
}

# ofg_sb_start_ofguard CONFIG [ARG...]: starts $OFGUARD detached in the
# sandbox, listening on an ephemeral port, and sets OFG_SB_OFGUARD_PORT to the
# port it bound.  ofguard is an OVS-library daemon, so it is assumed to put
# ofguard.pid, ofguard.PID.ctl and ofguard.log in OVS_RUNDIR/OVS_LOGDIR and to
# log the port it bound (see ofg_sb__logged_port).
ofg_sb_start_ofguard() {
    local config=${1:-} log skip port=''
    [ -n "$config" ] || { ofg_sb__msg "usage: ofg_sb_start_ofguard CONFIG [ARG...]"; return 1; }
    [ -n "${OFG_SANDBOX:-}" ] || { ofg_sb__msg "no sandbox"; return 1; }
    shift
    local bin=${OFGUARD:-ofguard}
    if ! command -v "$bin" >/dev/null 2>&1; then
        ofg_sb__msg "ofguard binary not found: $bin (build it or set OFGUARD)"
        return 1
    fi
    log=$OVS_LOGDIR/ofguard.log
    # Only look at lines logged by this start: a restarted ofguard appends
    # to the log of the previous one.
    skip=0
    [ -e "$log" ] && skip=$(wc -l < "$log")
    if ! "$bin" --detach --pidfile --log-file --no-chdir -vconsole:off \
            --listen=ptcp:0:127.0.0.1 "$@" "$config" \
            2>>"$OFG_SANDBOX/ofguard.stderr"; then
        ofg_sb__msg "ofguard failed to start:"
        tail -n 20 "$OFG_SANDBOX/ofguard.stderr" "$log" >&2 2>/dev/null
        return 1
    fi
    local deadline=$(( $(date +%s) + 10 ))
    while port=$(ofg_sb__logged_port "$log" "$skip") && [ -z "$port" ]; do
        if [ "$(date +%s)" -ge "$deadline" ] ||
           ! ofg_sb__pid "$OVS_RUNDIR/ofguard.pid" ofguard >/dev/null; then
            ofg_sb__msg "ofguard did not log \"listening on ptcp:PORT:127.0.0.1\":"
            tail -n 20 "$OFG_SANDBOX/ofguard.stderr" "$log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.1
    done
    OFG_SB_OFGUARD_PORT=$port
    export OFG_SB_OFGUARD_PORT
}

# ofg_sb_stop_ofguard: "ovs-appctl -t ofguard exit", then the pidfile.
ofg_sb_stop_ofguard() {
    [ -n "${OVS_RUNDIR:-}" ] || return 0
    ofg_sb__appctl_stop ofguard
    return 0
}
