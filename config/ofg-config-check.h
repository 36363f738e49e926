/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_CHECK_H
#define OFG_CONFIG_CHECK_H 1

/* Checks across the entries of a configuration, once every entry has been
 * validated on its own: duplicate datapath IDs, MACs, cookies and ports,
 * addresses that two containers claim, and overlapping subnets of networks
 * that meet on a switch.  Each conflict is reported at the later of the two
 * entries in the file, naming the other.
 *
 * Private to config/.  Knows nothing of jansson. */

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

struct ofg_config;
struct ofg_container_meta;
struct ofg_ctx;
struct ofg_net_meta;
struct ofg_network;
struct ofg_prefix;
struct ofg_switch_meta;

void ofg_check_switches(struct ofg_ctx *, const struct ofg_config *,
                        const struct ofg_switch_meta *);
void ofg_check_containers(const struct ofg_config *,
                          const struct ofg_container_meta *);
void ofg_check_networks(struct ofg_ctx *, const struct ofg_config *,
                        const struct ofg_net_meta *,
                        const struct ofg_container_meta *);

/* The gateways of every network, sorted, so that the one in a container's
 * address or prefix is found by a binary search, not by comparing every
 * network's. */
struct ofg_gateway {
    struct in6_addr addr;       /* IPv4 ones mapped. */
    bool is_ipv6;
    size_t net;                 /* Index in the config's networks. */
};
struct ofg_gateways {
    const struct ofg_network *networks;
    struct ofg_gateway *gws;
    size_t n;
};

void ofg_gateways_init(struct ofg_gateways *, const struct ofg_config *,
                       const struct ofg_net_meta *);
void ofg_gateways_destroy(struct ofg_gateways *);
const struct ofg_network *ofg_gateways_find(const struct ofg_gateways *,
                                            const struct ofg_prefix *);

#endif /* config/ofg-config-check.h */
