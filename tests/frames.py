#!/usr/bin/python3
"""frames.py: builds test frames with scapy and prints them as hex.

usage: frames.py KIND [KEY=VALUE]...      prints one frame as hex
       frames.py -                        batch: reads "ID KIND [KEY=VALUE]..."
                                          lines on stdin, prints "ID HEX" lines

Batch mode exists because importing scapy costs about half a second: a test
that needs dozens of frames builds them all with one process.

Common keys: smac, dmac (derived for multicast and broadcast destinations if
omitted; required otherwise), src, dst, hlim (IPv6 hop limit) or ttl (IPv4),
vlan (adds an 802.1Q tag).  IPv6 only: pad=N (N bytes of payload after the
upper-layer header), dstopts=N (a Destination Options header of N bytes, a
multiple of 8, before the upper-layer header), frag=SIZE (fragment the
packet into fragments of at most SIZE bytes of IPv6 packet) with part=K
(which fragment to print, default 0: the first).

Kinds (IPv6): echo6, udp6 (sport, dport), ns (target, sll=MAC|none; dst
defaults to the target's solicited-node group), na (target, tll=MAC|none;
dst defaults to ff02::1), rs (sll=MAC|none), ra, redirect (target,
rdst), mld2 (an MLDv2 report with a router-alert hop-by-hop header; dst
defaults to ff02::16, hlim to 1), dhcp6sol, dhcp6adv.
Kinds (IPv4): udp4 (sport, dport), dhcp4disc, dhcp4offer (yiaddr).
"""

import sys

from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6_Solicit,
                                DHCP6OptClientId, DHCP6OptServerId)
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.inet6 import (ICMPv6EchoRequest, ICMPv6MLDMultAddrRec,
                                ICMPv6MLReport2, ICMPv6ND_NA, ICMPv6ND_NS,
                                ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6ND_RS,
                                ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo,
                                ICMPv6NDOptSrcLLAddr, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, Pad1, PadN,
                                RouterAlert, fragment6)
from scapy.packet import Raw
from scapy.layers.l2 import Dot1Q, Ether
from scapy.utils6 import in6_getnsma, in6_getnsmac
from scapy.pton_ntop import inet_pton
import socket


def mac2bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def solicited_node(addr):
    return socket.inet_ntop(socket.AF_INET6,
                            in6_getnsma(inet_pton(socket.AF_INET6, addr)))


def ipv6_mcast_mac(addr):
    return in6_getnsmac(inet_pton(socket.AF_INET6, addr))


def ipv4_dmac(addr):
    octets = [int(x) for x in addr.split(".")]
    if addr == "255.255.255.255":
        return "ff:ff:ff:ff:ff:ff"
    if 224 <= octets[0] <= 239:
        return "01:00:5e:%02x:%02x:%02x" % (octets[1] & 0x7f, octets[2],
                                            octets[3])
    return None


def ether(p, ip_dst, v6):
    dmac = p.get("dmac")
    if dmac is None:
        if v6 and ip_dst.lower().startswith("ff"):
            dmac = ipv6_mcast_mac(ip_dst)
        elif not v6:
            dmac = ipv4_dmac(ip_dst)
    if dmac is None:
        raise ValueError("dmac= is needed for unicast destination %s" % ip_dst)
    eth = Ether(src=p["smac"], dst=dmac)
    if "vlan" in p:
        eth = eth / Dot1Q(vlan=int(p["vlan"]))
    return eth


def opt_ll(p, key, cls):
    """An ND link-layer address option from KEY (default smac, or none)."""
    val = p.get(key, p["smac"])
    if val == "none":
        return None
    return cls(lladdr=val)


def build(kind, p):
    if kind in ("udp4", "dhcp4disc", "dhcp4offer"):
        if kind == "dhcp4disc":
            p.setdefault("src", "0.0.0.0")
            p.setdefault("dst", "255.255.255.255")
            p.setdefault("sport", "68")
            p.setdefault("dport", "67")
        elif kind == "dhcp4offer":
            p.setdefault("dst", "255.255.255.255")
            p.setdefault("sport", "67")
            p.setdefault("dport", "68")
        ip = IP(src=p["src"], dst=p["dst"], ttl=int(p.get("ttl", "64")))
        l4 = UDP(sport=int(p["sport"]), dport=int(p["dport"]))
        if kind == "dhcp4disc":
            l4 = l4 / BOOTP(op=1, chaddr=mac2bytes(p["smac"]), xid=0x1234) / \
                DHCP(options=[("message-type", "discover"), "end"])
        elif kind == "dhcp4offer":
            l4 = l4 / BOOTP(op=2, yiaddr=p.get("yiaddr", "10.10.20.99"),
                            siaddr=p["src"], xid=0x1234) / \
                DHCP(options=[("message-type", "offer"),
                              ("server_id", p["src"]), "end"])
        return ether(p, p["dst"], False) / ip / l4
    if kind == "icmp4":
        return ether(p, p["dst"], False) / \
            IP(src=p["src"], dst=p["dst"], ttl=int(p.get("ttl", "64"))) / \
            ICMP()

    # IPv6 from here on; defaults for the destination first.
    if kind == "ns":
        p.setdefault("dst", solicited_node(p["target"]))
    elif kind in ("na", "ra"):
        p.setdefault("dst", "ff02::1")
    elif kind == "rs":
        p.setdefault("dst", "ff02::2")
    elif kind == "mld2":
        p.setdefault("dst", "ff02::16")
        p.setdefault("hlim", "1")
    elif kind == "dhcp6sol":
        p.setdefault("dst", "ff02::1:2")
    nd = kind in ("ns", "na", "rs", "ra", "redirect")
    hlim = int(p.get("hlim", "255" if nd else "64"))
    ip6 = IPv6(src=p["src"], dst=p["dst"], hlim=hlim)
    if kind == "echo6":
        l4 = ICMPv6EchoRequest(id=1, seq=1)
    elif kind == "udp6":
        l4 = UDP(sport=int(p["sport"]), dport=int(p["dport"]))
    elif kind == "ns":
        l4 = ICMPv6ND_NS(tgt=p["target"])
        o = opt_ll(p, "sll", ICMPv6NDOptSrcLLAddr)
        if o is not None:
            l4 = l4 / o
    elif kind == "na":
        l4 = ICMPv6ND_NA(tgt=p["target"], R=0, S=0, O=1)
        o = opt_ll(p, "tll", ICMPv6NDOptDstLLAddr)
        if o is not None:
            l4 = l4 / o
    elif kind == "rs":
        l4 = ICMPv6ND_RS()
        o = opt_ll(p, "sll", ICMPv6NDOptSrcLLAddr)
        if o is not None:
            l4 = l4 / o
    elif kind == "ra":
        l4 = ICMPv6ND_RA(routerlifetime=1800) / \
            ICMPv6NDOptSrcLLAddr(lladdr=p["smac"]) / \
            ICMPv6NDOptPrefixInfo(prefix="2001:db8:bad::", prefixlen=64)
    elif kind == "redirect":
        l4 = ICMPv6ND_Redirect(tgt=p["target"], dst=p["rdst"])
    elif kind == "mld2":
        ip6 = ip6 / IPv6ExtHdrHopByHop(options=[RouterAlert()])
        l4 = ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(
            rtype=4, dst=p.get("group", "ff02::1:ff00:10"))])
    elif kind == "dhcp6sol":
        l4 = UDP(sport=546, dport=547) / DHCP6_Solicit(trid=0x1234) / \
            DHCP6OptClientId()
    elif kind == "dhcp6adv":
        l4 = UDP(sport=547, dport=546) / DHCP6_Advertise(trid=0x1234) / \
            DHCP6OptServerId() / DHCP6OptClientId()
    else:
        raise ValueError("unknown frame kind %s" % kind)
    if "pad" in p:
        l4 = l4 / Raw(b"\x00" * int(p["pad"]))
    if "dstopts" in p:
        # PadN options of at most 255 bytes of data each fill the header
        # (its first 2 bytes are next header and length).
        left, opts = int(p["dstopts"]) - 2, []
        while left >= 2:
            n = min(left - 2, 255)
            opts.append(PadN(optdata=b"\x00" * n))
            left -= n + 2
        opts += [Pad1()] * left
        l4 = IPv6ExtHdrDestOpt(options=opts) / l4
    if "frag" in p:
        frags = fragment6(ip6 / IPv6ExtHdrFragment(id=0x6f67) / l4,
                          int(p["frag"]))
        return ether(p, p["dst"], True) / frags[int(p.get("part", "0"))]
    return ether(p, p["dst"], True) / ip6 / l4


def frame_hex(words):
    kind = words[0]
    p = {}
    for w in words[1:]:
        k, sep, v = w.partition("=")
        if not sep:
            raise ValueError("expected KEY=VALUE, got %s" % w)
        p[k] = v
    return bytes(build(kind, p)).hex()


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    if argv[1] != "-":
        print(frame_hex(argv[1:]))
        return 0
    for lineno, line in enumerate(sys.stdin, 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        try:
            print(words[0], frame_hex(words[1:]))
        except (KeyError, ValueError) as e:
            sys.stderr.write("frames.py: line %d (%s): %s\n"
                             % (lineno, words[0], e))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
