/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_ENTRY_H
#define OFG_CONFIG_ENTRY_H 1

/* Validation of one entry of "networks", "switches" or "containers": its
 * keys, its values, and what it may claim given the entries before it.
 * Duplicates and conflicts between entries are ofg-config-check's job.
 *
 * Private to config/.  Includes <jansson.h>: never include it, directly or
 * not, together with OVS's "openvswitch/json.h" (see the README). */

#include <jansson.h>

struct ofg_config;
struct ofg_container;
struct ofg_container_meta;
struct ofg_ctx;
struct ofg_gateways;
struct ofg_net_meta;
struct ofg_network;
struct ofg_switch;
struct ofg_switch_meta;

void ofg_entry_parse_network(struct ofg_ctx *, const char *name, json_t *,
                             struct ofg_network *, struct ofg_net_meta *);
void ofg_entry_parse_switch(struct ofg_ctx *, const char *name, json_t *,
                            struct ofg_switch *, struct ofg_switch_meta *);
void ofg_entry_parse_container(struct ofg_ctx *, const char *name, json_t *,
                               const struct ofg_config *,
                               const struct ofg_net_meta *,
                               const struct ofg_gateways *,
                               struct ofg_container *,
                               struct ofg_container_meta *);

#endif /* config/ofg-config-entry.h */
