/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_ADDR_H
#define OFG_ADDR_H 1

/* Addresses in ofguard's configuration: IPv4 and IPv6 prefixes and MAC
 * addresses, parsed strictly, compared and formatted.
 *
 * This module is pure and knows nothing of JSON. */

#include <stdbool.h>
#include <netinet/in.h>
#include "openvswitch/types.h"

struct ds;

/* An IPv4 address with a prefix length: "10.0.0.1" is 10.0.0.1/32. */
struct ofg_ipv4_prefix {
    ovs_be32 addr;              /* Network byte order, host bits zero. */
    unsigned int plen;          /* 1...32. */
};

/* An IPv6 address with a prefix length. */
struct ofg_ipv6_prefix {
    struct in6_addr addr;       /* Host bits zero. */
    unsigned int plen;          /* 1...128. */
};

/* An IPv4 or an IPv6 prefix, for the code that treats both families alike.
 * An IPv4 prefix A.B.C.D/N is held as the IPv4-mapped IPv6 prefix
 * ::ffff:A.B.C.D/(96 + N), so that one comparison, one mask and one range
 * serve both families; 'is_ipv4' keeps the two families apart. */
struct ofg_prefix {
    struct in6_addr addr;       /* Host bits zero. */
    unsigned int plen;          /* In IPv6 terms: 96...128 for IPv4. */
    bool is_ipv4;
};

/* What ofg_prefix_parse() found. */
enum ofg_addr_result {
    OFG_ADDR_OK,
    OFG_ADDR_MALFORMED,         /* Not an address (or prefix) at all. */
    OFG_ADDR_HOST_BITS,         /* A prefix with host bits set. */
};

/* A range of addresses that no container or gateway may use. */
struct ofg_addr_special {
    int af;                     /* AF_INET or AF_INET6. */
    const char *prefix;         /* The range, as ofg_prefix_parse() reads. */
    const char *one;            /* Names a single address in the range. */
    const char *many;           /* Names the range, for a prefix in it. */
};

enum ofg_addr_result ofg_prefix_parse(const char *, int af, bool allow_plen,
                                      struct ofg_prefix *);

struct ofg_prefix ofg_prefix_from_ipv4(ovs_be32 addr, unsigned int plen);
struct ofg_prefix ofg_prefix_from_ipv6(const struct in6_addr *,
                                       unsigned int plen);
struct ofg_ipv4_prefix ofg_prefix_to_ipv4(const struct ofg_prefix *);
struct ofg_ipv6_prefix ofg_prefix_to_ipv6(const struct ofg_prefix *);

unsigned int ofg_prefix_plen(const struct ofg_prefix *);
bool ofg_prefix_is_host(const struct ofg_prefix *);
bool ofg_prefix_overlap(const struct ofg_prefix *, const struct ofg_prefix *);
bool ofg_prefix_contains(const struct ofg_prefix *,
                         const struct ofg_prefix *);
struct in6_addr ofg_prefix_last(const struct ofg_prefix *);
void ofg_prefix_format(const struct ofg_prefix *, struct ds *);
const struct ofg_addr_special *ofg_prefix_find_special(
    const struct ofg_prefix *);

bool ofg_mac_parse(const char *, struct eth_addr *);

#endif /* config/ofg-addr.h */
