#! /bin/sh
# Sets everything up (Debian packages, the Open vSwitch library, ofguard's
# build) and starts ofguard against a private OVS sandbox; see
# "ovs-sandbox/ofguard-sandbox --help" for what it starts and how to stop it.
set -e
srcdir=$(cd "$(dirname "$0")/.." && pwd)
"$srcdir/build-aux/setup.sh"
OFGUARD="$srcdir/controller/ofguard"
export OFGUARD
exec "$srcdir/ovs-sandbox/ofguard-sandbox" start "$@"
