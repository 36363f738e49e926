/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_FLOW_TABLE_H
#define OFG_FLOW_TABLE_H 1

/* A set of OpenFlow flows, used both for the flows ofguard wants on a switch
 * ("desired") and for the flows it believes the switch has ("installed").
 *
 * A flow is identified, as OpenFlow identifies it, by its table, priority
 * and match (its "key"); its value is its cookie and actions.  Flows are also
 * grouped by cookie, because a container's flows all carry its cookie: that
 * lets a change to one container be diffed and sent by looking at that
 * container's flows only, however many other containers the switch has.
 *
 * This module is pure: no I/O. */

#include <stddef.h>
#include <stdint.h>
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"

struct ofg_flow {
    struct hmap_node node;          /* In ofg_flow_table's 'flows'. */
    struct ovs_list group_node;     /* In ofg_flow_group's 'flows'. */

    /* Key. */
    uint8_t table_id;
    uint16_t priority;
    struct minimatch match;

    /* Value. */
    uint64_t cookie;                /* Full cookie, tag included. */
    struct ofpact *ofpacts;
    size_t ofpacts_len;             /* Size of 'ofpacts' in bytes. */
};

/* All of the flows in a table that carry one cookie. */
struct ofg_flow_group {
    struct hmap_node node;          /* In ofg_flow_table's 'groups'. */
    uint64_t cookie;
    struct ovs_list flows;          /* Contains "struct ofg_flow"s. */
};

struct ofg_flow_table {
    struct hmap flows;              /* "struct ofg_flow"s, by key. */
    struct hmap groups;             /* "struct ofg_flow_group"s, by cookie. */
};

void ofg_flow_table_init(struct ofg_flow_table *);
void ofg_flow_table_destroy(struct ofg_flow_table *);
void ofg_flow_table_clear(struct ofg_flow_table *);
void ofg_flow_table_swap(struct ofg_flow_table *, struct ofg_flow_table *);
size_t ofg_flow_table_count(const struct ofg_flow_table *);

struct ofg_flow *ofg_flow_create(uint8_t table_id, uint16_t priority,
                                 const struct match *, uint64_t cookie,
                                 const struct ofpact *, size_t ofpacts_len);
struct ofg_flow *ofg_flow_clone(const struct ofg_flow *);
void ofg_flow_destroy(struct ofg_flow *);

struct ofg_flow *ofg_flow_table_insert(struct ofg_flow_table *,
                                       struct ofg_flow *);
struct ofg_flow *ofg_flow_table_find(const struct ofg_flow_table *,
                                     const struct ofg_flow *key);
void ofg_flow_table_remove(struct ofg_flow_table *, struct ofg_flow *);
const struct ofg_flow_group *ofg_flow_table_find_group(
    const struct ofg_flow_table *, uint64_t cookie);
void ofg_flow_table_remove_group(struct ofg_flow_table *, uint64_t cookie);

bool ofg_flow_value_equal(const struct ofg_flow *, const struct ofg_flow *);

/* The changes that make a switch's installed flows equal its desired ones.
 *
 * 'deletes' point into the installed table; they are flows the switch has
 * and should not.  'adds' point into the desired table: each is missing from
 * the switch or present with another cookie or other actions (an OpenFlow
 * add replaces a flow with the same key, so no delete precedes it). */
struct ofg_flow_changes {
    const struct ofg_flow **deletes;
    size_t n_deletes, allocated_deletes;
    const struct ofg_flow **adds;
    size_t n_adds, allocated_adds;
};

void ofg_flow_changes_init(struct ofg_flow_changes *);
void ofg_flow_changes_destroy(struct ofg_flow_changes *);

void ofg_flow_table_diff(const struct ofg_flow_table *desired,
                         const struct ofg_flow_table *installed,
                         struct ofg_flow_changes *);
void ofg_flow_table_diff_groups(const struct ofg_flow_table *desired,
                                const struct ofg_flow_table *installed,
                                const uint64_t *cookies, size_t n_cookies,
                                struct ofg_flow_changes *);
void ofg_flow_table_apply(struct ofg_flow_table *installed,
                          const struct ofg_flow_changes *);

#endif /* flows/ofg-flow-table.h */
