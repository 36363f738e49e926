/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_META_H
#define OFG_CONFIG_META_H 1

/* What validating each entry learned beyond the result: its path, its
 * position, and which of its parts are valid.  The entries validated later
 * and the checks across entries use it; the result does not keep it.
 *
 * Private to config/.  Knows nothing of jansson. */

#include <stdbool.h>
#include "config/ofg-addr.h"
#include "config/ofg-config.h"
#include "config/ofg-config-scan.h"

struct ofg_ctx;

/* "networks": { NAME: {...} } */
struct ofg_net_meta {
    char *path;
    bool want_ipv4, want_ipv6;  /* Any of the IPv4 / IPv6 keys present. */
    bool ipv4_ok, ipv6_ok;      /* Subnet and gateway parsed and valid. */
    bool cookie_ok;
    bool cookie_explicit;
};

/* "switches": { NAME: {...} } */
struct ofg_switch_meta {
    char *path;
    bool dpid_ok;
};

/* "containers": { NAME: {...} } */
struct ofg_container_meta {
    char *path;
    struct ofg_pos pos;
    struct ofg_ctx *ctx;        /* The context of the container's file, where
                                 * its conflicts with others are reported. */
    unsigned int file;          /* The file's rank in the configuration: 0
                                 * for the main file, then the drop-ins. */
    bool mac_ok;
    bool port_ok;
    bool ids_ok;                /* 'external_ids' valid and nonempty. */
    bool switch_ok;             /* No "switch", or it names a switch. */
    bool cookie_ok;
    bool cookie_explicit;
    int *ipv4_idx;              /* JSON array index of each ipv4[] entry. */
    int *ipv6_idx;              /* JSON array index of each ipv6[] entry. */
};

/* True if the network that 'meta' describes has a valid subnet and gateway
 * of the family 'is_ipv4' selects. */
static inline bool
ofg_net_meta_ok(const struct ofg_net_meta *meta, bool is_ipv4)
{
    return is_ipv4 ? meta->ipv4_ok : meta->ipv6_ok;
}

/* Returns the subnet of 'net' of the family 'is_ipv4' selects, for the code
 * that treats both families alike. */
static inline struct ofg_prefix
ofg_network_subnet(const struct ofg_network *net, bool is_ipv4)
{
    return (is_ipv4
            ? ofg_prefix_from_ipv4(net->subnet.addr, net->subnet.plen)
            : ofg_prefix_from_ipv6(&net->subnet6.addr, net->subnet6.plen));
}

/* Returns the gateway of 'net' of the family 'is_ipv4' selects, as a single
 * address, for the code that treats both families alike. */
static inline struct ofg_prefix
ofg_network_gateway(const struct ofg_network *net, bool is_ipv4)
{
    return (is_ipv4
            ? ofg_prefix_from_ipv4(net->gateway, 32)
            : ofg_prefix_from_ipv6(&net->gateway6, 128));
}

#endif /* config/ofg-config-meta.h */
