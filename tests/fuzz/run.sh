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
    mkdir -p "$build/crashes/$target"
    exec "$fuzzer" -runs=1 -artifact_prefix="$build/crashes/$target/" "$@"
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

# The figures: executions and their rate from the last status line (with
# -fork=N, which goes on after a crash, it counts every job) or the final
# statistics; the coverage of the corpus at the end, measured by running it
# once more as the first status line of a normal run does ("INITED").
status=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
execs=$(printf '%s\n' "$status" | sed -n 's/^#\([0-9]*\).*/\1/p')
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
case $rate in
    ''|0) rate=$(printf '%s\n' "$status" \
                 | sed -n 's/.* exec\/s:* \([0-9]*\).*/\1/p') ;;
esac
elapsed=$(printf '%s\n' "$status" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
if test -n "$elapsed" && test "$elapsed" -gt 0; then
    rate=$((execs / elapsed))
fi
inited=$("$fuzzer" -runs=0 "$build/corpus/$target" "$corpus" 2>&1 \
         | grep -E '^#[0-9]+[[:space:]]+INITED' | tail -n 1)
cov=$(printf '%s\n' "$inited" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$inited" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$inited" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
crashes=$(find "$build/crashes/$target" -type f | wc -l)
if test $rc != 0; then
    tail -n 40 "$log" >&2
fi
echo "fuzz-$target: ${execs:-?} executions in ${elapsed:-$seconds} s" \
     "(${rate:-?} exec/s), corpus: ${corp:-?} inputs with cov: ${cov:-?}" \
     "ft: ${ft:-?}, crash files: $crashes, exit status $rc (log: $log)"
exit $rc
