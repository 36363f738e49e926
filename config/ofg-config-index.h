/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_INDEX_H
#define OFG_CONFIG_INDEX_H 1

/* What the containers of a valid configuration hold that no other container
 * may share: MACs, cookies, ports, OVSDB identities, addresses; and on which
 * switches each network has containers.  A reload that changed a few
 * containers, and not the main file, asks the index whether those may join
 * the others, instead of checking every container against every other
 * (ofg-config-check.c): at 10,000 containers that is most of a reload.
 *
 * The index answers only "nothing to report": a possible conflict, or a
 * change the index cannot judge alone (a network's first container on a
 * switch, which the subnet checks must see), sends the reload through the
 * full checks, which also word the errors.  So a configuration is accepted
 * by the index only if the full checks would accept it.
 *
 * Internal to config/. */

#include <stdbool.h>
#include <stddef.h>

struct ofg_config;
struct ofg_container;

/* Indexes 'config', which must be valid: its networks and switches, and
 * every container's entries. */
struct ofg_config_index *ofg_config_index_create(const struct ofg_config *);
void ofg_config_index_destroy(struct ofg_config_index *);

/* Replaces the 'n_removed' containers 'removed' of the index by the
 * 'n_added' containers 'added' (error-free entries, on the same networks
 * and switches) and returns true, if the full checks would find nothing in
 * the result.  Otherwise returns false with the index unchanged.  A
 * container is told apart by its name pointer, which belongs to its part,
 * as what the index keeps of it does: a part must outlive its containers'
 * stay in the index. */
bool ofg_config_index_replace(struct ofg_config_index *,
                              const struct ofg_container *const *removed,
                              size_t n_removed,
                              const struct ofg_container *const *added,
                              size_t n_added);

#endif /* config/ofg-config-index.h */
