# shellcheck shell=bash source-path=SCRIPTDIR
#
# lib.sh: helpers for tests/*.test, sourced at the top of each test:
#
#   . "${OFG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}/tests/lib.sh"
#   ofg_test_init
#   ofg_sb_add_bridge br0 dummy 00000000000000b0
#   ...
#   ofg_start "$OFG_SRCDIR/tests/some.json"
#   ofg_connect br0
#   ofg_wait_sync
#   check_trace "spoofed source dropped" br0 "in_port=2,ip,nw_src=1.2.3.4" drop
#   ofg_test_done
#
# Assertions (check, check_eq, check_trace) print "ok - NAME" or
# "FAIL - NAME: ..." and record the failure instead of exiting, so that one
# run reports every broken check; ofg_test_done (or, failing that, the EXIT
# trap) turns recorded failures into exit status 1.  Setup helpers return
# non-zero on failure, which ends a 'set -e' test.  Exit 77 = skipped.
#
# tests/run.sh exports OFG_SRCDIR, OFG_BUILDDIR, OFGUARD and OFG_TEST_DIR (the
# test's private directory, also its cwd); when a test is run by hand they
# get defaults here and the directory is a fresh mktemp one.

if [ -z "${OFG_SRCDIR:-}" ]; then
    OFG_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fi
OFG_BUILDDIR=${OFG_BUILDDIR:-$OFG_SRCDIR}
OFGUARD=${OFGUARD:-$OFG_BUILDDIR/controller/ofguard}
export OFG_SRCDIR OFG_BUILDDIR OFGUARD

# shellcheck source=../ovs-sandbox/sandbox-lib.sh
. "$OFG_SRCDIR/ovs-sandbox/sandbox-lib.sh"

ofg_n_checks=0
ofg_n_failed=0
ofg_done=no

ofg__cleanup() {
    local rc=$?
    set +e
    ofg_sb_stop_ofguard
    ofg_sb_stop
    # A test that fell off its end (or died under set -e) after a failed
    # check must not pass.
    if [ "$rc" = 0 ] && [ "$ofg_n_failed" -gt 0 ]; then
        rc=1
    fi
    if [ "$ofg_done" = no ] && [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
        echo "test ended early with status $rc (after $ofg_n_checks checks, $ofg_n_failed failed)" >&2
    fi
    exit "$rc"
}

# ofg_test_init [--netns NAME]: the sandbox lives in the test's directory,
# so its logs sit next to the test log for post-mortems.
ofg_test_init() {
    if [ -z "${OFG_TEST_DIR:-}" ]; then
        OFG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ofg-test.XXXXXX")
        echo "test directory: $OFG_TEST_DIR"
    fi
    export OFG_TEST_DIR
    cd "$OFG_TEST_DIR" || return 1
    # Install the trap first: a half-started sandbox must be cleaned up too.
    # Signals become exits so that the EXIT trap runs (run.sh's timeout
    # sends TERM).
    trap ofg__cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ofg_sb_start "$OFG_TEST_DIR" "$@"
}

# ofg_skip REASON: the reason is the last line of output, as run.sh expects;
# it is also written to a file in case cleanup prints anything after it.
ofg_skip() {
    ofg_done=yes
    [ -n "${OFG_TEST_DIR:-}" ] && printf '%s\n' "$*" > "$OFG_TEST_DIR/skip-reason"
    echo "$*"
    exit 77
}

# ofg_require_ofguard: skip (not fail) when ofguard has not been built, so
# that harness-only checkouts still run the rest of the suite.
ofg_require_ofguard() {
    if ! command -v "$OFGUARD" >/dev/null 2>&1; then
        ofg_skip "ofguard not built ($OFGUARD)"
    fi
}

# ofg_start CONFIG [ARG...]: starts ofguard and exports OFG_PORT.
ofg_start() {
    ofg_sb_start_ofguard "$@" || return 1
    OFG_PORT=$OFG_SB_OFGUARD_PORT
    export OFG_PORT
}

# ofg_stop: stops ofguard (e.g. to test "controller went away").
ofg_stop() {
    ofg_sb_stop_ofguard
}

# ofg_connect BR: points BR at the running ofguard.
ofg_connect() {
    if [ -z "${OFG_PORT:-}" ]; then
        echo "ofg_connect: ofguard not started (no OFG_PORT)" >&2
        return 1
    fi
    ofg_sb_set_controller "$1" "tcp:127.0.0.1:$OFG_PORT"
}

ofg__synced() {
    ofg_status=$(ovs-appctl --timeout=5 -t ofguard status 2>&1) || return 1
    printf '%s\n' "$ofg_status" | awk '
        /^switch / {
            n++
            if ($0 !~ /(^|[[:space:]])sync=yes([[:space:]]|$)/) bad++
        }
        END { exit !(n > 0 && bad == 0) }'
}

# ofg_wait_sync [TIMEOUT]: waits until ofguard reports every switch in sync.
ofg_wait_sync() {
    local timeout=${1:-20}
    ofg_status=''
    if ofg_sb__wait "$timeout" ofg__synced; then
        return 0
    fi
    ofg_n_failed=$((ofg_n_failed + 1))
    echo "FAIL - switches not in sync after ${timeout}s; ovs-appctl -t ofguard status:"
    printf '%s\n' "${ofg_status:-(no output)}" | sed 's/^/    /'
    return 1
}

# check NAME COMMAND...: passes if COMMAND succeeds; prints its output on
# failure.
check() {
    local name=$1 out rc=0
    shift
    ofg_n_checks=$((ofg_n_checks + 1))
    out=$("$@" 2>&1) || rc=$?
    if [ "$rc" = 0 ]; then
        echo "ok - $name"
    else
        ofg_n_failed=$((ofg_n_failed + 1))
        echo "FAIL - $name: command failed with status $rc: $*"
        [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
    fi
    return 0
}

# check_fails NAME COMMAND...: passes if COMMAND fails.
check_fails() {
    local name=$1 out rc=0
    shift
    ofg_n_checks=$((ofg_n_checks + 1))
    out=$("$@" 2>&1) || rc=$?
    if [ "$rc" != 0 ]; then
        echo "ok - $name"
    else
        ofg_n_failed=$((ofg_n_failed + 1))
        echo "FAIL - $name: command succeeded but should have failed: $*"
        [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
    fi
    return 0
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
    ofg_n_checks=$((ofg_n_checks + 1))
    if [ "$2" = "$3" ]; then
        echo "ok - $1"
    else
        ofg_n_failed=$((ofg_n_failed + 1))
        echo "FAIL - $1: expected '$2' got '$3'"
    fi
    return 0
}

# check_trace NAME BR FLOW EXPECTED: EXPECTED is the "Datapath actions:"
# value with OpenFlow port numbers (see ofg_sb_trace), e.g. "drop" or "1,3".
check_trace() {
    local name=$1 br=$2 flow=$3 expected=$4 got
    ofg_n_checks=$((ofg_n_checks + 1))
    got=$(ofg_sb_trace "$br" "$flow" 2>&1) || got="(trace failed) $got"
    if [ "$got" = "$expected" ]; then
        echo "ok - $name"
    else
        ofg_n_failed=$((ofg_n_failed + 1))
        echo "FAIL - $name: expected '$expected' got '$got'"
        echo "    ovs-appctl ofproto/trace $br $flow (datapath ports, which"
        echo "    ofg_sb_trace maps to OpenFlow ports: $(ofg_sb__odp_to_ofp | tr ' ' '>' | paste -sd, -)):"
        sed 's/^/    /' "$OFG_SANDBOX/last-trace.txt" 2>/dev/null || true
    fi
    return 0
}

# ofg_check_logs [IGNORE_ERE...]: a check that the OVS logs are clean,
# tolerating the switch's complaints about its controller coming and going.
ofg_check_logs() {
    check "no unexpected warnings in OVS logs" \
          ofg_sb_check_logs "$OFG_SB_IGNORE_CONTROLLER" "$@"
}

ofg_dump_flows() {
    local br=$1
    shift
    ovs-ofctl -O OpenFlow13 dump-flows "$br" "$@"
}

ofg_dump_flows_nostats() {
    local br=$1
    shift
    ovs-ofctl -O OpenFlow13 --no-stats dump-flows "$br" "$@"
}

# ofg_test_done: the last line of every test.
ofg_test_done() {
    ofg_done=yes
    echo "$ofg_n_checks checks, $ofg_n_failed failed"
    if [ "$ofg_n_failed" -gt 0 ]; then
        exit 1
    fi
    exit 0
}

# ofg_test_pki: a throwaway PKI in the current directory: a CA (cacert.pem),
# controller and switch certificates signed by it (ctl-, switch-privkey.pem
# and -cert.pem), and a self-signed rogue one (rogue-).  Short validity:
# nothing here should outlive the test.
ofg_test_pki() {
    local n
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ofg-test-ca \
        -keyout cakey.pem -out cacert.pem 2>/dev/null || return 1
    for n in ctl switch; do
        openssl req -newkey rsa:2048 -nodes -subj "/CN=ofg-test-$n" \
            -keyout "$n-privkey.pem" -out "$n-req.pem" 2>/dev/null || return 1
        openssl x509 -req -days 2 -in "$n-req.pem" -CA cacert.pem \
            -CAkey cakey.pem -CAcreateserial -out "$n-cert.pem" \
            2>/dev/null || return 1
    done
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ofg-test-rogue \
        -keyout rogue-privkey.pem -out rogue-cert.pem 2>/dev/null
}
