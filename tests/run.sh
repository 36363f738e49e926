#!/bin/bash
# shellcheck source-path=SCRIPTDIR
#
# run.sh: ofguard's test runner.
#
# usage: tests/run.sh [-j N] [-k PATTERN] [--builddir DIR] [TEST...]
#
# Runs (a) the unit-test programs listed in tests/unit-tests.list (one path
# per line, relative to the build directory; blank lines and #comments are
# ignored) and (b) every tests/*.test shell script -- or only the TEST files
# given -- each in its own directory $builddir/tests/work/NAME, with output in
# $builddir/tests/work/NAME.log.  -k keeps the tests whose name matches the
# extended regex PATTERN.  Each test gets TEST_TIMEOUT seconds (default 120),
# or more if its first lines say so ("# ofg-test-timeout: SECONDS").
# Exit status of a test: 0 pass, 77 skip (reason on its last output line),
# anything else fail.

# Re-exec under bash when started as "sh tests/run.sh" (arrays, wait -n).
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi

set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
jobs=1
pattern=''
builddir=${OFG_BUILDDIR:-$srcdir}
timeout_s=${TEST_TIMEOUT:-120}
explicit=()

usage() {
    sed -n 's/^# \{0,1\}//; 3,15p' "$0"
}

while [ $# -gt 0 ]; do
    case $1 in
        -j) jobs=${2:?-j needs a number}; shift 2 ;;
        -j*) jobs=${1#-j}; shift ;;
        -k) pattern=${2?-k needs a pattern}; shift 2 ;;
        --builddir) builddir=${2:?--builddir needs a directory}; shift 2 ;;
        --builddir=*) builddir=${1#--builddir=}; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) explicit+=("$1"); shift ;;
    esac
done
case $jobs in
    ''|*[!0-9]*|0) echo "run.sh: -j needs a positive number" >&2; exit 2 ;;
esac
mkdir -p "$builddir" || exit 2
builddir=$(cd "$builddir" && pwd)
work=$builddir/tests/work
mkdir -p "$work" || exit 2

# Each entry: "NAME<TAB>KIND<TAB>PATH", KIND being unit or script.
tests=()
add_test() {
    if [ -z "$pattern" ] || printf '%s\n' "$1" | grep -Eq -- "$pattern"; then
        tests+=("$1"$'\t'"$2"$'\t'"$3")
    fi
}
if [ ${#explicit[@]} -gt 0 ]; then
    for t in "${explicit[@]}"; do
        [ -r "$t" ] || { echo "run.sh: no such test: $t" >&2; exit 2; }
        add_test "$(basename "$t" .test)" script "$(readlink -f "$t")"
    done
else
    if [ -r "$srcdir/tests/unit-tests.list" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            line=${line%%#*}
            line=$(printf '%s' "$line" | tr -d '[:space:]')
            [ -n "$line" ] || continue
            add_test "$line" unit "$builddir/$line"
        done < "$srcdir/tests/unit-tests.list"
    fi
    for t in "$srcdir"/tests/*.test; do
        [ -e "$t" ] || continue
        add_test "$(basename "$t" .test)" script "$t"
    done
fi

# A test's files live under its name; unit test paths contain slashes.
safe_name() {
    printf '%s\n' "$1" | tr '/' '_'
}

# run_one NAME KIND PATH: runs one test in the background-friendly way:
# everything goes to files, the only stdout is its result line.
run_one() {
    local test_name=$1 kind=$2 path=$3 safe dir log rc
    safe=$(safe_name "$test_name")
    dir=$work/$safe
    log=$work/$safe.log
    rm -rf "$dir" "$log" "$work/$safe.rc"
    mkdir -p "$dir"
    # shellcheck disable=SC2094 # $log is only written in this block.
    {
        echo "# $test_name ($path), $(date)"
        if [ "$kind" = unit ] && [ ! -e "$path" ]; then
            echo "unit test program $path does not exist (not built?)"
            rc=99
        elif [ "$kind" = unit ] && [ ! -x "$path" ]; then
            echo "unit test program $path is not executable"
            rc=99
        else
            local cmd=("$path") t_s=$timeout_s want
            [ "$kind" = script ] && cmd=(bash "$path")
            # A test that needs longer (package.test builds a package)
            # says so near its top.
            if [ "$kind" = script ]; then
                want=$(sed -n '1,30s/^# ofg-test-timeout: *\([0-9][0-9]*\) *$/\1/p' \
                       "$path" | head -n 1)
                if [ -n "$want" ] && [ "$want" -gt "$t_s" ]; then
                    t_s=$want
                fi
            fi
            # A private OVS_* environment even for unit tests, so that nothing
            # run from here can reach a system OVS or the user's sandbox.
            (
                cd "$dir" || exit 99
                exec env OFG_BUILDDIR="$builddir" OFG_SRCDIR="$srcdir" \
                    OFGUARD="${OFG_TEST_OFGUARD:-$builddir/controller/ofguard}" \
                    PATH="$builddir/controller:$PATH" \
                    OFG_TEST_DIR="$dir" OFG_TEST_NAME="$test_name" \
                    OFG_SANDBOX="$dir" OVS_RUNDIR="$dir" OVS_LOGDIR="$dir" \
                    OVS_DBDIR="$dir" OVS_SYSCONFDIR="$dir" \
                    timeout -k 10 "$t_s" "${cmd[@]}" </dev/null
            ) 2>&1
            rc=$?
            [ "$rc" = 124 ] && echo "TIMEOUT: killed after ${t_s}s"
        fi
        # Leftover daemons (a killed or careless test) would pile up and, in
        # the worst case, keep a port or a netns busy: sweep them by pidfile.
        (
            # shellcheck source=../ovs-sandbox/sandbox-lib.sh
            . "$srcdir/ovs-sandbox/sandbox-lib.sh"
            ofg_sb_env "$dir" >/dev/null 2>&1 || exit 0
            for d in ofguard ovs-vswitchd ovsdb-server; do
                if ofg_sb__pid "$dir/$d.pid" "$d" >/dev/null; then
                    echo "run.sh: $d was left running; killing it"
                    ofg_sb_kill_pidfile "$dir/$d.pid" "$d"
                fi
            done
            # A systemd of tests/systemd-lib.sh is PID 1 of its namespaces:
            # SIGTERM makes it re-execute itself; SIGKILL ends them all.
            if ofg_sb__pid "$dir/systemd.pid" systemd >/dev/null; then
                echo "run.sh: systemd was left running; killing it"
                kill -KILL "$(cat "$dir/systemd.pid")"
            fi
        )
        echo "# exit status $rc"
    } > "$log" 2>&1
    echo "$rc" > "$work/$safe.rc"
    case $rc in
        0) echo "PASS: $test_name" ;;
        77) echo "SKIP: $test_name ($(skip_reason "$test_name"))" ;;
        *) echo "FAIL: $test_name" ;;
    esac
}

skip_reason() {
    local safe
    safe=$(safe_name "$1")
    if [ -s "$work/$safe/skip-reason" ]; then
        tail -n 1 "$work/$safe/skip-reason"
    else
        # The last output line before run.sh's own "# exit status" line.
        grep -v '^# exit status' "$work/$safe.log" | grep -v '^[[:space:]]*$' | tail -n 1
    fi
}

for t in "${tests[@]}"; do
    IFS=$'\t' read -r tname tkind tpath <<< "$t"
    if [ "$jobs" -gt 1 ]; then
        while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
            wait -n
        done
        run_one "$tname" "$tkind" "$tpath" &
    else
        run_one "$tname" "$tkind" "$tpath"
    fi
done
wait

passed=0 failed=0 skipped=0 failed_names=()
for t in "${tests[@]}"; do
    IFS=$'\t' read -r tname tkind tpath <<< "$t"
    rc=$(cat "$work/$(safe_name "$tname").rc" 2>/dev/null || echo 99)
    case $rc in
        0) passed=$((passed + 1)) ;;
        77) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)); failed_names+=("$tname") ;;
    esac
done

for fname in ${failed_names[@]+"${failed_names[@]}"}; do
    log=$work/$(safe_name "$fname").log
    echo
    echo "=== FAIL: $fname -- last 60 lines of $log"
    tail -n 60 "$log"
done

[ "$failed" -gt 0 ] && echo
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
