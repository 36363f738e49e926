# shellcheck shell=bash
#
# faults-lib.sh: helpers for the faults-*.test tests (issue 10: a fault,
# each against the real switch), sourced after lib.sh.
#
#   ofg_faults_config N EXTRA [DPID]  a config of N containers c1..cN on
#                                     ports p1..pN (ofg_sb_add_dummy_ports),
#                                     each with EXTRA addresses beyond its
#                                     primary one; eth0 is trusted
#   ofg_faults_count BR               ofguard's flows on BR, "x" if the
#                                     switch does not answer
#   ofg_faults_sample BR FILE         in the background: one count per line
#                                     into FILE until FILE.stop exists
#                                     (bounded: 2,000 samples, 120 s)
#   ofg_faults_sample_stop FILE       stops it and waits for it
#   ofg_faults_pid NAME               the pid of the sandbox's daemon NAME
#   ofg_faults_rss PID                resident set size, KiB
#   ofg_faults_cpu PID                user + system CPU time, in clock ticks
#   ofg_faults_now                    seconds since the epoch, ns precision
#   ofg_faults_since T0               seconds since T0, 2 decimals
#   ofg_faults_figure NAME VALUE      prints "# figure: NAME: VALUE" (what the
#                                     README's "Failure modes" quotes) and
#                                     appends it to figures.txt
#   ofg_faults_diff_compile BR CONFIG  the difference between BR's flows and
#                                     "ofguard --compile CONFIG" with BR's
#                                     port numbers (empty when they are the
#                                     same; errors are printed too)

ofg_faults_config() {
    /usr/bin/python3 - "$1" "$2" "${3:-00000000000000b0}" <<'PY'
import json, sys
n, extra, dpid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
nets, cont = {}, {}
for i in range(n):
    net = i // 250
    pre = "10.%d.%d." % (net // 256, net % 256)
    name = "net%d" % net
    nets.setdefault(name, {"subnet": pre + "0/24", "gateway": pre + "1"})
    addrs = [pre + str(i % 250 + 2)]
    addrs += ["172.%d.%d.%d" % (16 + k, (i >> 8) & 255, i & 255)
              for k in range(extra)]
    cont["c%d" % (i + 1)] = {
        "port": "p%d" % (i + 1), "network": name,
        "mac": "02:00:%02x:%02x:%02x:%02x" % ((i >> 24) & 255,
                                              (i >> 16) & 255,
                                              (i >> 8) & 255, i & 255),
        "ipv4": addrs, "cookie": "0x%x" % (i + 1)}
json.dump({"networks": nets,
           "switches": {"host1": {"datapath_id": dpid,
                                  "trusted_ports": ["eth0"]}},
           "containers": cont}, sys.stdout, indent=1)
print()
PY
}

ofg_faults_count() {
    local out
    # One flow stats reply is built in one go by ovs-vswitchd, under the
    # same lock as a bundle commit: a dump never shows half a commit.
    if out=$(ovs-ofctl --timeout=10 -O OpenFlow13 --no-stats dump-flows "$1" \
             cookie=0x0fa7000000000000/0xffff000000000000 2>/dev/null); then
        printf '%s\n' "$out" | grep -c '^ *cookie=' || true
    else
        echo x
    fi
}

ofg_faults_sample() {
    local br=$1 file=$2
    rm -f "$file" "$file.stop"
    : > "$file"
    (
        end=$((SECONDS + 120)) i=0
        while [ ! -e "$file.stop" ] && [ "$i" -lt 2000 ] &&
              [ "$SECONDS" -lt "$end" ]; do
            ofg_faults_count "$br" >> "$file"
            # A switch that is down answers at once: no busy loop then.
            [ "$(tail -n 1 "$file")" = x ] && sleep 0.1
            i=$((i + 1))
        done
    ) &
    ofg_faults_sampler_pid=$!
}

ofg_faults_sample_stop() {    # ofg_faults_sample_stop FILE [MIN]
    # At least MIN samples first (a loaded machine dumps 10,000 flows in
    # seconds), for at most 30 s.
    local k
    for k in $(seq 300); do
        [ "$(grep -c . "$1")" -ge "${2:-0}" ] && break
        sleep 0.1
    done
    touch "$1.stop"
    wait "$ofg_faults_sampler_pid" 2>/dev/null || true
}

ofg_faults_pid() {
    ofg_sb__pid "$OVS_RUNDIR/$1.pid" "$1"
}

ofg_faults_rss() {
    sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}

ofg_faults_cpu() {
    # Fields 14 and 15 of /proc/PID/stat, counted after the command name
    # (which may hold spaces) and its closing parenthesis.
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

ofg_faults_now() {
    date +%s.%N
}

ofg_faults_since() {
    echo "$(date +%s.%N) $1" | awk '{ printf "%.2f\n", $1 - $2 }'
}

ofg_faults_figure() {
    echo "# figure: $1: $2"
    echo "${OFG_TEST_NAME:-$(basename "$0" .test)}: $1: $2" >> "$OFG_TEST_DIR/figures.txt"
}

ofg_faults_diff_compile() {
    local ports
    # Port numbers, not names: ovs-ofctl does not resolve names in a file
    # against a bridge with thousands of ports.
    ports=$(ovs-vsctl --bare -f csv --columns=name,ofport list interface |
            sed -n 's/^\([^,]*\),\([0-9][0-9]*\)$/\1=\2/p' |
            grep -v -e '=-1$' -e '=65534$') || return 1
    # shellcheck disable=SC2086 # one NAME=NUMBER per word
    "$OFGUARD" --compile "$2" $ports > "$OFG_TEST_DIR/compiled.flows" ||
        { echo "ofguard --compile $2 failed"; return 0; }
    ovs-ofctl -O OpenFlow13 diff-flows "$1" "$OFG_TEST_DIR/compiled.flows" 2>&1 ||
        true
}
