/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_DESIRED_H
#define OFG_DESIRED_H 1

/* The flows one switch should have: where each container is placed (which
 * OpenFlow port), its flows, its networks' and the switch's own, kept up to
 * date incrementally as the configuration and the switch's ports change,
 * with a record of which cookies changed since the switch was last brought
 * in line.
 *
 * A change to one container recomputes and marks that container only, so
 * that a round diffs only its flows, however many containers the switch
 * has.  Pure code, no I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "flows/ofg-flow-table.h"
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/types.h"

struct ofg_config;
struct ofg_switch;
struct simap;
struct svec;

/* Where a container's flows were placed. */
struct ofg_placement {
    ofp_port_t port;
    uint64_t cookie;            /* Full cookie of its flows. */
    size_t net;                 /* Index of its network in the config. */
    bool quarantined;           /* With ofg_flows_add_quarantine()'s flow. */
};

struct ofg_desired {
    struct ofg_flow_table flows;
    struct shash placed;        /* Container name -> struct ofg_placement. */
    uint64_t *net_cookies;      /* Networks whose flows are in 'flows'. */
    size_t n_net_cookies;
    struct hmap dirty;          /* Cookies whose flows may have changed. */
    bool all_dirty;             /* Everything may have changed. */
    size_t n_refused;           /* Containers left out for their flows'
                                 * collisions with others'. */
    bool sample;                /* Counting flows send samples (true
                                 * unless the switch refused the meter). */
    const struct shash *bindings;   /* Ports of the containers selected by
                                     * identity (flows/ofg-bind.h), or NULL:
                                     * the owner's, kept up to date with an
                                     * update after each change. */
    const struct shash *quarantined;    /* Names of the containers whose
                                         * port is quarantined, or NULL:
                                         * the owner's, likewise. */
};

void ofg_desired_init(struct ofg_desired *);
void ofg_desired_destroy(struct ofg_desired *);

/* Recomputes every flow for 'config' on a switch whose configuration entry
 * is 'sw' (NULL if the config does not list it) and whose ports are
 * 'ports', and marks everything as changed.  Adds to 'refused' the names of
 * containers whose flows collide with another's (two containers on one
 * port). */
void ofg_desired_compile(struct ofg_desired *, const struct ofg_config *,
                         const struct ofg_switch *sw,
                         const struct simap *ports,
                         struct svec *refused);

/* Brings the flows in line with 'new', which replaced 'old' (the same
 * config, for a change of ports), touching only the containers whose entry
 * or port changed.  'old' must stay valid during the call. */
void ofg_desired_update(struct ofg_desired *, const struct ofg_config *old,
                        const struct ofg_config *new,
                        const struct ofg_switch *sw,
                        const struct simap *ports,
                        struct svec *refused);

/* True if some flows changed since the last ofg_desired_take_changes(). */
bool ofg_desired_is_dirty(const struct ofg_desired *);

/* Marks the flows of 'cookie' (a full cookie) as changed, on the desired
 * side or on the switch's: the next changes diff them. */
void ofg_desired_mark_dirty(struct ofg_desired *, uint64_t cookie);

/* Marks everything as changed: the next changes are a full diff. */
void ofg_desired_mark_all_dirty(struct ofg_desired *);

/* Stores in 'changes' what would make 'installed' equal the desired flows,
 * looking only at what changed, and forgets that it changed. */
void ofg_desired_take_changes(struct ofg_desired *,
                              const struct ofg_flow_table *installed,
                              struct ofg_flow_changes *changes);

const struct ofg_placement *ofg_desired_find(const struct ofg_desired *,
                                             const char *container);
size_t ofg_desired_n_containers(const struct ofg_desired *);

/* The name of the container placed with full cookie 'cookie', or NULL.
 * Linear in the containers placed: for sampled frames, which a meter
 * bounds. */
const char *ofg_desired_find_by_cookie(const struct ofg_desired *,
                                       uint64_t cookie);

#endif /* flows/ofg-desired.h */
