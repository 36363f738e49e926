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

struct ofg_config;
struct ofg_container_meta;
struct ofg_ctx;
struct ofg_net_meta;
struct ofg_switch_meta;

void ofg_check_switches(struct ofg_ctx *, const struct ofg_config *,
                        const struct ofg_switch_meta *);
void ofg_check_containers(struct ofg_ctx *, const struct ofg_config *,
                          const struct ofg_container_meta *);
void ofg_check_networks(struct ofg_ctx *, const struct ofg_config *,
                        const struct ofg_net_meta *,
                        const struct ofg_container_meta *);

#endif /* config/ofg-config-check.h */
