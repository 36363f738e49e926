#! /bin/sh
# gen-corpus.sh: writes the fuzz targets' seed corpora, which are committed
# in tests/fuzz/corpus/ (run it again after a change to the test configs or
# to gen-seeds.c, and commit the result):
#
#   config/    the repository's example and test configs, valid ones and,
#              as cli.test makes them, one broken copy per error class;
#   openflow/  the switch messages gen-seeds.c builds with libopenvswitch's
#              encoders (see fuzz-openflow.c for the format).
#
# Files in corpus/ that are not generated (the inputs of fixed crashes, as
# libFuzzer named them: crash-*, leak-*, timeout-*, oom-*) are kept.
#
# Usage: tests/fuzz/gen-corpus.sh [BUILDDIR]   (BUILDDIR: see build.sh)

set -e

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$("$srcdir/tests/fuzz/build.sh" "$@")
corpus=$srcdir/tests/fuzz/corpus

mkdir -p "$corpus/config" "$corpus/openflow"
find "$corpus/config" "$corpus/openflow" -type f ! -name 'crash-*' \
    ! -name 'leak-*' ! -name 'timeout-*' ! -name 'oom-*' -exec rm -f {} +

# Configs.
c=$corpus/config
cp "$srcdir/ovs-sandbox/example.json" "$c/example.json"
cp "$srcdir/tests/migrate.json" "$c/migrate.json"
cp "$srcdir/tests/policy-ipv4.json" "$c/policy-ipv4.json"
sed -n "/^cat > policy-ipv6.json <<EOF\$/,/^EOF\$/p" \
    "$srcdir/tests/policy-ipv6.test" | sed '1d;$d' \
    | sed -e 's/\$GWMAC_V6/02:00:00:00:40:01/' -e 's/\$M1/00:16:3e:00:00:10/' \
          -e 's/\$M2/00:16:3e:00:00:20/' -e 's/\$M3/00:16:3e:00:00:30/' \
          -e 's/\$M4/00:16:3e:00:00:40/' > "$c/policy-ipv6.json"
sed -n "/^cat > base.json <<'EOF'\$/,/^EOF\$/p" "$srcdir/tests/cli.test" \
    | sed '1d;$d' > "$c/cli-base.json"
variant() {
    name=$1
    shift
    sed "$@" "$c/cli-base.json" > "$c/cli-$name.json"
    if cmp -s "$c/cli-base.json" "$c/cli-$name.json"; then
        echo "gen-corpus.sh: variant $name changed nothing" >&2
        exit 1
    fi
}
variant syntax -e 's/"port": "p2",/"port": "p2"/'
variant unknown-key -e 's/"cookie": "0x5a02"/"cookie": "0x5a02", "colour": "red"/'
variant wrong-type -e 's/"ipv4": \["10.10.20.20"\]/"ipv4": "10.10.20.20"/'
variant missing-key -e '/"network": "db",/d'
variant bad-mac -e 's/00:16:3e:28:73:b4/00:16:3e:28:73/'
variant host-bits -e 's|"192.0.2.0/28"|"192.0.2.1/28"|'
variant gateway-outside -e 's|"gateway": "10.10.30.1"|"gateway": "10.10.31.1"|'
variant overlapping-subnets \
    -e 's|"subnet": "10.10.30.0/24"|"subnet": "10.10.0.0/16"|'
variant dup-mac -e 's/00:16:3e:28:73:b4/00:16:3e:28:73:b3/'
variant overlap \
    -e 's|"ipv4": \["10.10.20.10", "10.10.20.11"\]|"ipv4": ["10.10.20.10", "10.10.20.64/26"]|' \
    -e 's|"ipv4": \["10.10.20.20"\]|"ipv4": ["10.10.20.20", "10.10.20.96/27"]|'
variant dup-cookie -e 's/"0x5a02"/"0x5a01"/'
variant same-port -e 's/"port": "p2",/"port": "p1",/'
variant multicast6 -e 's|"ipv6": \["fd00:20::10"\]|"ipv6": ["ff02::1"]|'

# OpenFlow messages.
"$build/gen-seeds" "$corpus/openflow"
echo "gen-corpus.sh: $(ls "$c" | wc -l) configs, $(ls "$corpus/openflow" | wc -l) OpenFlow seeds in $corpus"
