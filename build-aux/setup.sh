#! /bin/sh
# Sets up everything ofguard needs on Debian 12 and builds it in the source
# tree: Debian packages, the cached Open vSwitch library build (see
# build-ovs.sh), autoreconf, configure and make.  Safe to run again: each
# step is skipped when its result is already there.
#
# Usage: build-aux/setup.sh [--fuzz] [--graph] [--packages-only]
#                           [CONFIGURE-OPTION]...
#   --fuzz           also installs clang, for the fuzz targets (tests/fuzz/)
#   --graph          also installs chromium, which tests/graph.test renders
#                    the picture of the boundaries with
#   --packages-only  installs the Debian packages and stops there

set -e

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

fuzz=no
graph=no
packages_only=no
while test $# -gt 0; do
    case $1 in
        --fuzz) fuzz=yes; shift ;;
        --graph) graph=yes; shift ;;
        --packages-only) packages_only=yes; shift ;;
        *) break ;;
    esac
done

# Debian packages: build tools, OVS (binaries for the tests and the sandbox,
# source for the library), jansson, OpenSSL, and the tools the packet tests
# use; lxc for tests/lxc.test (a busybox container, no download) and
# uuid-runtime for ovs-docker in tests/hooks.test; and those that build and
# check the Debian package ("make deb", tests/package.test: debhelper,
# dpkg-dev, fakeroot, lintian, logrotate, systemd for systemd-analyze, git
# for the clean clone).
packages="autoconf automake libtool pkg-config make gcc
          libjansson-dev libssl-dev
          openvswitch-switch openvswitch-common openvswitch-source
          python3 python3-scapy iproute2 ethtool tcpdump procps
          iputils-ping dsniff arping tcpreplay dnsmasq-base busybox
          python3-prometheus-client lxc uuid-runtime
          debhelper dpkg-dev fakeroot lintian logrotate systemd git"
# clang (with libFuzzer) only for the fuzz targets, which a normal build
# does not need.
if test $fuzz = yes; then
    packages="$packages clang"
fi
# chromium (headless) only for the test of "ofguard --graph"'s page.
if test $graph = yes; then
    packages="$packages chromium"
fi
missing=
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
         | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
if test -n "$missing"; then
    echo "setup: installing Debian packages:$missing" >&2
    if test "$(id -u)" != 0; then
        sudo=sudo
    else
        sudo=
    fi
    $sudo apt-get update -qq
    # The openvswitch-switch package would start a system OVS; ofguard's
    # sandbox never uses it, so a failure to start it is not ours to fix.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends $missing >&2
fi

if test $packages_only = yes; then
    exit 0
fi

ovsdir=$("$srcdir/build-aux/build-ovs.sh")

if test ! -x configure || test configure.ac -nt configure \
   || test m4/ofguard.m4 -nt configure; then
    autoreconf -fi >&2
fi
# Configure again when the OVS build it points at changed (a new cache).
if test ! -f Makefile || test configure -nt Makefile \
   || ! grep -q "^OVSDIR = $ovsdir\$" Makefile; then
    ./configure --with-ovs-source="$ovsdir" --with-ovs-build="$ovsdir" \
        "$@" >&2
    # Objects built against another OVS tree must not be reused.
    make clean >&2
fi
make -j"$(nproc)" >&2
# The unit-test programs tests/run.sh runs: those tests/unit-tests.list names.
# shellcheck disable=SC2046,SC2086 # one word per program
units=$(echo $(sed 's/#.*//' tests/unit-tests.list))
# shellcheck disable=SC2086
make -j"$(nproc)" check_PROGRAMS="$units" $units >&2
