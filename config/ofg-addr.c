/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* Ranges that no container (or gateway) may use, each family's in the order
 * they are checked. */
static const struct ofg_addr_special specials[] = {
    { AF_INET, "0.0.0.0/32", "the unspecified address",
      "the unspecified address 0.0.0.0" },
    { AF_INET, "255.255.255.255/32", "the broadcast address",
      "the broadcast address 255.255.255.255" },
    { AF_INET, "127.0.0.0/8", "a loopback address",
      "loopback addresses (127.0.0.0/8)" },
    { AF_INET, "224.0.0.0/4", "a multicast address",
      "multicast addresses (224.0.0.0/4)" },
    { AF_INET, "240.0.0.0/4", "a reserved (class E) address",
      "reserved class E addresses (240.0.0.0/4)" },

    { AF_INET6, "::/128", "the unspecified address",
      "the unspecified address ::" },
    { AF_INET6, "::1/128", "the loopback address",
      "the loopback address ::1" },
    { AF_INET6, "ff00::/8", "a multicast address",
      "multicast addresses (ff00::/8)" },
    { AF_INET6, "fe80::/10", "a link-local address (those are always "
      "derived from the MAC)", "link-local addresses (fe80::/10, always "
      "derived from the MAC)" },
};

static bool parse_plen(const char *, unsigned int max, unsigned int *plen);

/* Parses 's' as an address of family 'af' (AF_INET or AF_INET6), followed,
 * if 'allow_plen', by an optional "/PLEN" (without one, the prefix is a
 * single address).  On OFG_ADDR_HOST_BITS, '*p' holds the prefix with the
 * host bits cleared, for the error message.
 *
 * Deliberately stricter than the OVS parsers (which are built on sscanf()):
 * no spaces, no dotted masks, and a prefix length is plain decimal. */
enum ofg_addr_result
ofg_prefix_parse(const char *s, int af, bool allow_plen, struct ofg_prefix *p)
{
    unsigned int max = af == AF_INET ? 32 : 128;
    char buf[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(s, '/');
    size_t len = slash ? (size_t) (slash - s) : strlen(s);
    if (len >= sizeof buf || (slash && !allow_plen)) {
        return OFG_ADDR_MALFORMED;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';

    unsigned int plen = max;
    if (slash && !parse_plen(slash + 1, max, &plen)) {
        return OFG_ADDR_MALFORMED;
    }
    if (af == AF_INET) {
        struct in_addr in;
        if (inet_pton(AF_INET, buf, &in) != 1) {
            return OFG_ADDR_MALFORMED;
        }
        *p = ofg_prefix_from_ipv4(in.s_addr, plen);
    } else {
        struct in6_addr in6;
        if (inet_pton(AF_INET6, buf, &in6) != 1) {
            return OFG_ADDR_MALFORMED;
        }
        *p = ofg_prefix_from_ipv6(&in6, plen);
    }

    struct in6_addr mask = ipv6_create_mask(p->plen);
    struct in6_addr masked = ipv6_addr_bitand(&p->addr, &mask);
    if (!ipv6_addr_equals(&masked, &p->addr)) {
        p->addr = masked;
        return OFG_ADDR_HOST_BITS;
    }
    return OFG_ADDR_OK;
}

/* Returns 'addr'/'plen' (plen 0...32) as a prefix of either family. */
struct ofg_prefix
ofg_prefix_from_ipv4(ovs_be32 addr, unsigned int plen)
{
    struct ofg_prefix p = { .plen = 96 + plen, .is_ipv4 = true };
    in6_addr_set_mapped_ipv4(&p.addr, addr);
    return p;
}

/* Returns 'addr'/'plen' (plen 0...128) as a prefix of either family. */
struct ofg_prefix
ofg_prefix_from_ipv6(const struct in6_addr *addr, unsigned int plen)
{
    return (struct ofg_prefix) { .addr = *addr, .plen = plen };
}

/* Returns IPv4 prefix 'p' in the form the configuration keeps. */
struct ofg_ipv4_prefix
ofg_prefix_to_ipv4(const struct ofg_prefix *p)
{
    ovs_assert(p->is_ipv4);
    return (struct ofg_ipv4_prefix) {
        .addr = in6_addr_get_mapped_ipv4(&p->addr),
        .plen = ofg_prefix_plen(p),
    };
}

/* Returns IPv6 prefix 'p' in the form the configuration keeps. */
struct ofg_ipv6_prefix
ofg_prefix_to_ipv6(const struct ofg_prefix *p)
{
    ovs_assert(!p->is_ipv4);
    return (struct ofg_ipv6_prefix) { .addr = p->addr, .plen = p->plen };
}

/* Returns the prefix length of 'p' in its own family (0...32 for IPv4), the
 * one the user wrote and messages show. */
unsigned int
ofg_prefix_plen(const struct ofg_prefix *p)
{
    return p->is_ipv4 ? p->plen - 96 : p->plen;
}

/* True if 'p' is a single address. */
bool
ofg_prefix_is_host(const struct ofg_prefix *p)
{
    return p->plen == 128;
}

/* True if 'a' and 'b' have an address in common.  Prefixes of different
 * families never do. */
bool
ofg_prefix_overlap(const struct ofg_prefix *a, const struct ofg_prefix *b)
{
    if (a->is_ipv4 != b->is_ipv4) {
        return false;
    }
    struct in6_addr mask = ipv6_create_mask(MIN(a->plen, b->plen));
    struct in6_addr diff = ipv6_addr_bitxor(&a->addr, &b->addr);
    struct in6_addr masked = ipv6_addr_bitand(&diff, &mask);
    return ipv6_is_zero(&masked);
}

/* True if every address of 'inner' is in 'outer'. */
bool
ofg_prefix_contains(const struct ofg_prefix *outer,
                    const struct ofg_prefix *inner)
{
    return inner->plen >= outer->plen && ofg_prefix_overlap(outer, inner);
}

/* Returns the last address of 'p' (for IPv4, IPv4-mapped): with the first,
 * 'p->addr', it bounds the range of addresses 'p' covers. */
struct in6_addr
ofg_prefix_last(const struct ofg_prefix *p)
{
    struct in6_addr mask = ipv6_create_mask(p->plen);
    struct in6_addr last = p->addr;
    for (int i = 0; i < 16; i++) {
        last.s6_addr[i] |= (uint8_t) ~mask.s6_addr[i];
    }
    return last;
}

/* Appends 'p' to 's' as the user would write it: "A.B.C.D" or "X::Y" for a
 * single address, otherwise with "/PLEN". */
void
ofg_prefix_format(const struct ofg_prefix *p, struct ds *s)
{
    if (p->is_ipv4) {
        ds_put_format(s, IP_FMT, IP_ARGS(in6_addr_get_mapped_ipv4(&p->addr)));
    } else {
        ipv6_format_addr(&p->addr, s);
    }
    if (!ofg_prefix_is_host(p)) {
        ds_put_format(s, "/%u", ofg_prefix_plen(p));
    }
}

/* Returns the first special range (see 'specials') that 'p' overlaps, or
 * NULL if it overlaps none. */
const struct ofg_addr_special *
ofg_prefix_find_special(const struct ofg_prefix *p)
{
    for (size_t i = 0; i < ARRAY_SIZE(specials); i++) {
        const struct ofg_addr_special *sp = &specials[i];
        if ((sp->af == AF_INET) != p->is_ipv4) {
            continue;
        }

        struct ofg_prefix range;
        ovs_assert(ofg_prefix_parse(sp->prefix, sp->af, true, &range)
                   == OFG_ADDR_OK);
        if (ofg_prefix_overlap(p, &range)) {
            return sp;
        }
    }
    return NULL;
}

/* Parses 's' as a MAC address in the strict form "xx:xx:xx:xx:xx:xx" (hex
 * digits of either case) into '*mac'.  Returns false if it is not one. */
bool
ofg_mac_parse(const char *s, struct eth_addr *mac)
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *p = &s[i * 3];
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])
            || (i < 5 && p[2] != ':')) {
            return false;
        }
        char hex[3] = { p[0], p[1], '\0' };
        mac->ea[i] = strtoul(hex, NULL, 16);
    }
    return true;
}

/* Parses 's' as a prefix length of at most 'max': plain decimal, no sign,
 * no leading zero. */
static bool
parse_plen(const char *s, unsigned int max, unsigned int *plen)
{
    if (!s[0] || strlen(s) > 3 || (s[0] == '0' && s[1])) {
        return false;
    }
    unsigned int value = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        value = value * 10 + (*p - '0');
    }
    if (value > max) {
        return false;
    }
    *plen = value;
    return true;
}
