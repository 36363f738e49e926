#! /bin/sh
# Builds libopenvswitch from Debian's openvswitch-source package into a cache
# outside the ofguard source tree, and prints the directory it built in.
#
# Debian ships no libopenvswitch-dev, and several headers ofguard needs
# (unixctl.h, daemon.h, stream-ssl.h, ...) exist only in OVS's source tree, so
# ofguard builds against an OVS source and build tree, as OVN does.  The build
# takes minutes, so it is cached and reused: a cache that finished building is
# recognised by the stamp file written last.
#
# Usage: build-aux/build-ovs.sh [--print-dir]
#   OFGUARD_OVS_CACHE   cache directory (default: ~/.cache/ofguard)
#   OFGUARD_OVS_TARBALL source tarball (default: Debian's openvswitch-source)

set -e

tarball=${OFGUARD_OVS_TARBALL:-/usr/src/openvswitch/openvswitch.tar.gz}
cache=${OFGUARD_OVS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ofguard}

if test "$1" = "--print-dir"; then
    print_only=yes
fi

if test ! -r "$tarball"; then
    echo "$0: $tarball not found (apt-get install openvswitch-source)" >&2
    exit 1
fi

# Key the cache on the tarball's checksum so that a new Debian upload of
# openvswitch-source gets a fresh build instead of a stale one.
# The configure options are part of the key too.  The paths match Debian's
# Open vSwitch packages, so that ofguard's default run directory (pidfile,
# control socket) is the one Debian's ovs-appctl looks in.
options="--enable-shared --enable-ssl --disable-static --prefix=/usr
         --localstatedir=/var --sysconfdir=/etc"
sum=$( (sha256sum "$tarball"; echo $options) | sha256sum | cut -c1-12)
dir=$cache/ovs-$sum
if test -n "$print_only"; then
    echo "$dir/openvswitch"
    exit 0
fi
if test -f "$dir/stamp"; then
    echo "$dir/openvswitch"
    exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
tar xzf "$tarball"
cd openvswitch
echo "$0: building Open vSwitch in $dir/openvswitch (a few minutes)" >&2
if test ! -x configure; then
    ./boot.sh >&2
fi
# shellcheck disable=SC2086
./configure $options >configure.log 2>&1 \
    || { tail -30 configure.log >&2; exit 1; }
make -j"$(nproc)" lib/libopenvswitch.la >make.log 2>&1 \
    || make -j"$(nproc)" >>make.log 2>&1 \
    || { tail -30 make.log >&2; exit 1; }
touch "$dir/stamp"
echo "$dir/openvswitch"
