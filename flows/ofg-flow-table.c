/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-flow-table.h"

#include "hash.h"
#include "util.h"

static uint32_t ofg_flow_hash(const struct ofg_flow *);
static bool ofg_flow_key_equal(const struct ofg_flow *,
                               const struct ofg_flow *);
static struct ofg_flow_group *ofg_flow_group_lookup(
    const struct ofg_flow_table *, uint64_t cookie);
static void ofg_flow_changes_add(const struct ofg_flow ***, size_t *n,
                                 size_t *allocated, const struct ofg_flow *);
static void ofg_flow_diff_group(const struct ofg_flow_table *desired,
                                const struct ofg_flow_table *installed,
                                uint64_t cookie, struct ofg_flow_changes *);

void
ofg_flow_table_init(struct ofg_flow_table *table)
{
    hmap_init(&table->flows);
    hmap_init(&table->groups);
}

void
ofg_flow_table_destroy(struct ofg_flow_table *table)
{
    if (table) {
        ofg_flow_table_clear(table);
        hmap_destroy(&table->flows);
        hmap_destroy(&table->groups);
    }
}

void
ofg_flow_table_clear(struct ofg_flow_table *table)
{
    struct ofg_flow *flow;
    HMAP_FOR_EACH_POP (flow, node, &table->flows) {
        ofg_flow_destroy(flow);
    }
    struct ofg_flow_group *group;
    HMAP_FOR_EACH_POP (group, node, &table->groups) {
        free(group);
    }
}

void
ofg_flow_table_swap(struct ofg_flow_table *a, struct ofg_flow_table *b)
{
    hmap_swap(&a->flows, &b->flows);
    hmap_swap(&a->groups, &b->groups);
}

size_t
ofg_flow_table_count(const struct ofg_flow_table *table)
{
    return hmap_count(&table->flows);
}

/* Creates a flow that owns copies of 'match' (compressed into a minimatch,
 * which is what keeps 100,000s of flows per switch affordable) and of
 * 'ofpacts'. */
struct ofg_flow *
ofg_flow_create(uint8_t table_id, uint16_t priority, const struct match *match,
                uint64_t cookie, const struct ofpact *ofpacts,
                size_t ofpacts_len)
{
    struct ofg_flow *flow = xzalloc(sizeof *flow);
    flow->table_id = table_id;
    flow->priority = priority;
    minimatch_init(&flow->match, match);
    flow->cookie = cookie;
    flow->ofpacts = ofpacts_len ? xmemdup(ofpacts, ofpacts_len) : NULL;
    flow->ofpacts_len = ofpacts_len;
    flow->node.hash = ofg_flow_hash(flow);
    return flow;
}

struct ofg_flow *
ofg_flow_clone(const struct ofg_flow *old)
{
    struct ofg_flow *flow = xzalloc(sizeof *flow);
    flow->table_id = old->table_id;
    flow->priority = old->priority;
    minimatch_clone(&flow->match, &old->match);
    flow->cookie = old->cookie;
    flow->ofpacts = (old->ofpacts_len
                     ? xmemdup(old->ofpacts, old->ofpacts_len) : NULL);
    flow->ofpacts_len = old->ofpacts_len;
    flow->node.hash = old->node.hash;
    return flow;
}

void
ofg_flow_destroy(struct ofg_flow *flow)
{
    if (flow) {
        minimatch_destroy(&flow->match);
        free(flow->ofpacts);
        free(flow);
    }
}

/* Inserts 'flow' into 'table', which takes ownership, unless a flow with the
 * same key is already there.  Returns NULL on success, otherwise the flow
 * already in the table (and 'flow' is not inserted: the caller still owns
 * it). */
struct ofg_flow *
ofg_flow_table_insert(struct ofg_flow_table *table, struct ofg_flow *flow)
{
    struct ofg_flow *old = ofg_flow_table_find(table, flow);
    if (old) {
        return old;
    }

    hmap_insert(&table->flows, &flow->node, flow->node.hash);

    struct ofg_flow_group *group = ofg_flow_group_lookup(table, flow->cookie);
    if (!group) {
        group = xmalloc(sizeof *group);
        group->cookie = flow->cookie;
        ovs_list_init(&group->flows);
        hmap_insert(&table->groups, &group->node, hash_uint64(flow->cookie));
    }
    ovs_list_push_back(&group->flows, &flow->group_node);
    return NULL;
}

/* Returns the flow in 'table' with the same key as 'key', or NULL. */
struct ofg_flow *
ofg_flow_table_find(const struct ofg_flow_table *table,
                    const struct ofg_flow *key)
{
    struct ofg_flow *flow;
    HMAP_FOR_EACH_WITH_HASH (flow, node, key->node.hash, &table->flows) {
        if (ofg_flow_key_equal(flow, key)) {
            return flow;
        }
    }
    return NULL;
}

/* Removes 'flow' from 'table' and destroys it. */
void
ofg_flow_table_remove(struct ofg_flow_table *table, struct ofg_flow *flow)
{
    hmap_remove(&table->flows, &flow->node);
    ovs_list_remove(&flow->group_node);

    struct ofg_flow_group *group = ofg_flow_group_lookup(table, flow->cookie);
    if (group && ovs_list_is_empty(&group->flows)) {
        hmap_remove(&table->groups, &group->node);
        free(group);
    }
    ofg_flow_destroy(flow);
}

const struct ofg_flow_group *
ofg_flow_table_find_group(const struct ofg_flow_table *table, uint64_t cookie)
{
    return ofg_flow_group_lookup(table, cookie);
}

/* Removes and destroys every flow in 'table' that carries 'cookie'. */
void
ofg_flow_table_remove_group(struct ofg_flow_table *table, uint64_t cookie)
{
    struct ofg_flow_group *group = ofg_flow_group_lookup(table, cookie);
    if (group) {
        struct ofg_flow *flow;
        LIST_FOR_EACH_POP (flow, group_node, &group->flows) {
            hmap_remove(&table->flows, &flow->node);
            ofg_flow_destroy(flow);
        }
        hmap_remove(&table->groups, &group->node);
        free(group);
    }
}

/* True if 'a' and 'b' have the same cookie and actions.  Their keys are
 * assumed equal. */
bool
ofg_flow_value_equal(const struct ofg_flow *a, const struct ofg_flow *b)
{
    return (a->cookie == b->cookie
            && ofpacts_equal(a->ofpacts, a->ofpacts_len,
                             b->ofpacts, b->ofpacts_len));
}

void
ofg_flow_changes_init(struct ofg_flow_changes *changes)
{
    memset(changes, 0, sizeof *changes);
}

void
ofg_flow_changes_destroy(struct ofg_flow_changes *changes)
{
    if (changes) {
        free(changes->deletes);
        free(changes->adds);
        ofg_flow_changes_init(changes);
    }
}

/* Appends to 'changes' what it takes to make 'installed' equal 'desired'. */
void
ofg_flow_table_diff(const struct ofg_flow_table *desired,
                    const struct ofg_flow_table *installed,
                    struct ofg_flow_changes *changes)
{
    const struct ofg_flow *flow;

    HMAP_FOR_EACH (flow, node, &installed->flows) {
        if (!ofg_flow_table_find(desired, flow)) {
            ofg_flow_changes_add(&changes->deletes, &changes->n_deletes,
                                 &changes->allocated_deletes, flow);
        }
    }
    HMAP_FOR_EACH (flow, node, &desired->flows) {
        const struct ofg_flow *old = ofg_flow_table_find(installed, flow);
        if (!old || !ofg_flow_value_equal(old, flow)) {
            ofg_flow_changes_add(&changes->adds, &changes->n_adds,
                                 &changes->allocated_adds, flow);
        }
    }
}

/* Like ofg_flow_table_diff(), but looks only at the flows that carry one of
 * the 'n_cookies' cookies in 'cookies' (which must be distinct), in either
 * table.  Its cost is proportional to the number of those flows, not to the
 * size of the tables. */
void
ofg_flow_table_diff_groups(const struct ofg_flow_table *desired,
                           const struct ofg_flow_table *installed,
                           const uint64_t *cookies, size_t n_cookies,
                           struct ofg_flow_changes *changes)
{
    for (size_t i = 0; i < n_cookies; i++) {
        ofg_flow_diff_group(desired, installed, cookies[i], changes);
    }
}

/* Updates 'installed' as if the switch had carried out 'changes', which must
 * have been computed against 'installed' and be otherwise untouched since. */
void
ofg_flow_table_apply(struct ofg_flow_table *installed,
                     const struct ofg_flow_changes *changes)
{
    for (size_t i = 0; i < changes->n_deletes; i++) {
        /* 'deletes' point into 'installed' itself. */
        ofg_flow_table_remove(installed,
                              CONST_CAST(struct ofg_flow *,
                                         changes->deletes[i]));
    }
    for (size_t i = 0; i < changes->n_adds; i++) {
        const struct ofg_flow *add = changes->adds[i];
        struct ofg_flow *old = ofg_flow_table_find(installed, add);
        if (old) {
            ofg_flow_table_remove(installed, old);
        }
        ofg_flow_table_insert(installed, ofg_flow_clone(add));
    }
}

static void
ofg_flow_diff_group(const struct ofg_flow_table *desired,
                    const struct ofg_flow_table *installed,
                    uint64_t cookie, struct ofg_flow_changes *changes)
{
    const struct ofg_flow_group *group;
    const struct ofg_flow *flow;

    group = ofg_flow_group_lookup(installed, cookie);
    if (group) {
        LIST_FOR_EACH (flow, group_node, &group->flows) {
            /* A key that moved to another cookie is replaced by that
             * cookie's add, so it needs no delete. */
            if (!ofg_flow_table_find(desired, flow)) {
                ofg_flow_changes_add(&changes->deletes, &changes->n_deletes,
                                     &changes->allocated_deletes, flow);
            }
        }
    }

    group = ofg_flow_group_lookup(desired, cookie);
    if (group) {
        LIST_FOR_EACH (flow, group_node, &group->flows) {
            const struct ofg_flow *old = ofg_flow_table_find(installed, flow);
            if (!old || !ofg_flow_value_equal(old, flow)) {
                ofg_flow_changes_add(&changes->adds, &changes->n_adds,
                                     &changes->allocated_adds, flow);
            }
        }
    }
}

static void
ofg_flow_changes_add(const struct ofg_flow ***flows, size_t *n,
                     size_t *allocated, const struct ofg_flow *flow)
{
    if (*n >= *allocated) {
        *flows = x2nrealloc(*flows, allocated, sizeof **flows);
    }
    (*flows)[(*n)++] = flow;
}

static uint32_t
ofg_flow_hash(const struct ofg_flow *flow)
{
    uint32_t basis = hash_2words(flow->table_id, flow->priority);
    return minimatch_hash(&flow->match, basis);
}

static bool
ofg_flow_key_equal(const struct ofg_flow *a, const struct ofg_flow *b)
{
    return (a->table_id == b->table_id
            && a->priority == b->priority
            && minimatch_equal(&a->match, &b->match));
}

static struct ofg_flow_group *
ofg_flow_group_lookup(const struct ofg_flow_table *table, uint64_t cookie)
{
    struct ofg_flow_group *group;
    HMAP_FOR_EACH_WITH_HASH (group, node, hash_uint64(cookie),
                             &table->groups) {
        if (group->cookie == cookie) {
            return group;
        }
    }
    return NULL;
}
