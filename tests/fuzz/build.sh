#! /bin/sh
# build.sh: builds the libFuzzer targets (see tests/fuzz/fuzz.mk) and the
# seed generator into OUTDIR, and prints OUTDIR.  Incremental: only what
# changed is rebuilt.  Needs clang with libFuzzer (Debian's clang package:
# "build-aux/setup.sh --fuzz" installs it) and the cached Open vSwitch
# library build (build-aux/build-ovs.sh).
#
# Usage: tests/fuzz/build.sh [OUTDIR]
#   OUTDIR defaults to $OFG_FUZZ_BUILDDIR, else tests/fuzz/build in the
#   source tree.  Exit status 77: no clang with libFuzzer.

set -e

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-${OFG_FUZZ_BUILDDIR:-$srcdir/tests/fuzz/build}}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# libFuzzer is part of Debian's clang; check that it links.
if ! command -v clang >/dev/null 2>&1; then
    echo "build.sh: clang not found (build-aux/setup.sh --fuzz installs it)" >&2
    exit 77
fi
cat > "$out/probe.c" <<'EOF'
int LLVMFuzzerTestOneInput(const char *d, unsigned long n);
int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return !d + !n; }
EOF
if ! clang -fsanitize=fuzzer,address,undefined -o "$out/probe" \
        "$out/probe.c" >"$out/probe.log" 2>&1; then
    cat "$out/probe.log" >&2
    echo "build.sh: clang cannot build libFuzzer targets" >&2
    exit 77
fi
rm -f "$out/probe" "$out/probe.c" "$out/probe.log"

ovsdir=$("$srcdir/build-aux/build-ovs.sh")
jansson_cflags=$(pkg-config --cflags jansson)
jansson_libs=$(pkg-config --libs jansson)

# One build at a time in OUTDIR (run.sh for two targets at once).
flock "$out/.lock" make -s -f "$srcdir/tests/fuzz/fuzz.mk" -j"$(nproc)" \
    SRCDIR="$srcdir" OUT="$out" OVSDIR="$ovsdir" \
    JANSSON_CFLAGS="$jansson_cflags" JANSSON_LIBS="$jansson_libs" >&2
echo "$out"
