#! /bin/sh
# The project's test command: sets everything up (Debian packages, the
# Open vSwitch library, ofguard's build) and runs every test against a real
# ovs-vswitchd.  The last line is "N passed, N failed[, N skipped]".
set -e
srcdir=$(cd "$(dirname "$0")/.." && pwd)
"$srcdir/build-aux/setup.sh"
cd "$srcdir"
exec sh tests/run.sh --builddir "$srcdir" "$@"
