#! /bin/sh
# run.sh: builds the fuzz targets (tests/fuzz/build.sh) and runs one.
#
# Usage: tests/fuzz/run.sh TARGET SECONDS [LIBFUZZER-OPTION]...
#        tests/fuzz/run.sh --replay TARGET [FILE...]
#
# TARGET is "config" or "openflow".  The first form fuzzes for SECONDS,
# starting from the committed corpus (tests/fuzz/corpus/TARGET, read only);
# inputs that find new coverage go to BUILDDIR/corpus/TARGET, crashes to
# BUILDDIR/crashes/TARGET/, and the last line is a summary with libFuzzer's
# figures.  The second form runs each FILE (default: every file of the
# committed corpus) once and fails if one crashes.
#
# OFG_FUZZ_BUILDDIR: the build directory (see build.sh).

set -e

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
replay=no
if test "$1" = --replay; then
    replay=yes
    shift
fi
target=$1
case $target in
    config|openflow) ;;
    *) echo "usage: $0 [--replay] config|openflow SECONDS|FILE..." >&2
       exit 2 ;;
esac
shift
build=$("$srcdir/tests/fuzz/build.sh")
fuzzer=$build/fuzz-$target
corpus=$srcdir/tests/fuzz/corpus/$target
dict=
if test -f "$srcdir/tests/fuzz/$target.dict"; then
    dict=-dict=$srcdir/tests/fuzz/$target.dict
fi

if test $replay = yes; then
    if test $# = 0; then
        set -- "$corpus"/*
    fi
    echo "run.sh: replaying $# inputs with $fuzzer" >&2
    exec "$fuzzer" -runs=1 "$@"
fi

seconds=${1:?usage: $0 TARGET SECONDS}
shift
mkdir -p "$build/corpus/$target" "$build/crashes/$target"
log=$build/fuzz-$target.log
rc=0
# -timeout: an input that takes this long is a hang, reported as a crash.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$target/" $dict "$@" \
    "$build/corpus/$target" "$corpus" 2>"$log" || rc=$?

# The figures: the last status line and the final statistics (with
# -fork=N, which goes on after a crash, the status line has them all).
status=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
if test -z "$execs"; then
    execs=$(printf '%s\n' "$status" | sed -n 's/^#\([0-9]*\).*/\1/p')
    rate=$(printf '%s\n' "$status" | sed -n 's/.* exec\/s:* \([0-9]*\).*/\1/p')
fi
cov=$(printf '%s\n' "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$status" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
crashes=$(find "$build/crashes/$target" -type f | wc -l)
if test $rc != 0; then
    tail -n 40 "$log" >&2
fi
echo "fuzz-$target: ${execs:-?} executions in ${seconds} s" \
     "(${rate:-?} exec/s), cov: ${cov:-?} ft: ${ft:-?}," \
     "corpus: ${corp:-?} inputs, crash files: $crashes," \
     "exit status $rc (log: $log)"
exit $rc
