#! /bin/sh
# coverage.sh: the source lines and branches of ofguard that a fuzz
# target's corpus reaches, by clang's source-based coverage: builds the
# target again with -fprofile-instr-generate into BUILDDIR/coverage/, runs
# the corpus that run.sh ended with and the committed one, and prints
# "llvm-cov report" for the code the target is about.
#
# Usage: tests/fuzz/coverage.sh config|openflow
#   OFG_FUZZ_BUILDDIR: the build directory (see build.sh).

set -e

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
target=$1
case $target in
    config) sources="config/*.c flows/ofg-flows.c flows/ofg-desired.c
                     flows/ofg-flow-table.c" ;;
    openflow) sources="controller/ofg-switch.c flows/*.c" ;;
    *) echo "usage: $0 config|openflow" >&2; exit 2 ;;
esac
build=$("$srcdir/tests/fuzz/build.sh")
out=$build/coverage
mkdir -p "$out" "$build/corpus/$target"

flock "$build/.lock" make -s -f "$srcdir/tests/fuzz/fuzz.mk" -j"$(nproc)" \
    SRCDIR="$srcdir" OUT="$out" OVSDIR="$("$srcdir/build-aux/build-ovs.sh")" \
    JANSSON_CFLAGS="$(pkg-config --cflags jansson)" \
    JANSSON_LIBS="$(pkg-config --libs jansson)" \
    SANITIZE="-fprofile-instr-generate -fcoverage-mapping" \
    "$out/fuzz-$target" >&2
rm -f "$out/$target.profraw"
LLVM_PROFILE_FILE=$out/$target.profraw "$out/fuzz-$target" -runs=0 \
    "$build/corpus/$target" "$srcdir/tests/fuzz/corpus/$target" \
    > "$out/$target.log" 2>&1
llvm-profdata merge -o "$out/$target.profdata" "$out/$target.profraw"
cd "$srcdir"
# shellcheck disable=SC2086 # $sources are globs.
llvm-cov report "$out/fuzz-$target" -instr-profile="$out/$target.profdata" \
    $sources
