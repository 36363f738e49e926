/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-round.h"

#include <stdlib.h>
#include <string.h>
#include "flows/ofg-flow-table.h"
#include "sort.h"
#include "util.h"

static int ofg_round_compare(size_t a, size_t b, void *round);
static void ofg_round_swap(size_t a, size_t b, void *round);

void
ofg_round_init(struct ofg_round *round, const struct ofg_flow_changes *ch,
               uint32_t base_xid)
{
    round->n_deletes = ch->n_deletes;
    round->n_flows = ch->n_deletes + ch->n_adds;
    round->flows = xmalloc(MAX(round->n_flows, 1) * sizeof *round->flows);
    round->base_xid = base_xid;
    for (size_t i = 0; i < ch->n_deletes; i++) {
        round->flows[i] = ofg_flow_clone(ch->deletes[i]);
    }
    for (size_t i = 0; i < ch->n_adds; i++) {
        round->flows[ch->n_deletes + i] = ofg_flow_clone(ch->adds[i]);
    }

    /* Hash order scatters each container's flows across the bundle; the
     * switch installs flows grouped by cookie and table faster. */
    sort(round->n_flows - round->n_deletes, ofg_round_compare,
         ofg_round_swap, round);
}

void
ofg_round_destroy(struct ofg_round *round)
{
    if (round) {
        for (size_t i = 0; i < round->n_flows; i++) {
            ofg_flow_destroy(round->flows[i]);
        }
        free(round->flows);
        memset(round, 0, sizeof *round);
    }
}

size_t
ofg_round_find_xid(const struct ofg_round *round, uint32_t xid)
{
    /* Unsigned arithmetic: a round whose xids wrap past 2^32 still finds
     * its flows (comparing 'xid' with 'base_xid' would not). */
    uint32_t index = xid - round->base_xid;
    return index < round->n_flows ? index : SIZE_MAX;
}

void
ofg_round_apply(struct ofg_round *round, struct ofg_flow_table *installed)
{
    for (size_t i = 0; i < round->n_flows; i++) {
        struct ofg_flow *flow = round->flows[i];
        struct ofg_flow *old = ofg_flow_table_find(installed, flow);
        if (old) {
            ofg_flow_table_remove(installed, old);
        }
        if (i >= round->n_deletes) {
            /* Handed over, not copied: the round is done with it. */
            ofg_flow_table_insert(installed, flow);
            round->flows[i] = NULL;
        }
    }
}

/* Orders the adds (indexes 'a' and 'b' past the deletes) by cookie, table
 * and priority. */
static int
ofg_round_compare(size_t a_, size_t b_, void *round_)
{
    const struct ofg_round *round = round_;
    const struct ofg_flow *a = round->flows[round->n_deletes + a_];
    const struct ofg_flow *b = round->flows[round->n_deletes + b_];
    if (a->cookie != b->cookie) {
        return a->cookie < b->cookie ? -1 : 1;
    } else if (a->table_id != b->table_id) {
        return a->table_id < b->table_id ? -1 : 1;
    }
    return a->priority < b->priority ? -1 : a->priority > b->priority;
}

static void
ofg_round_swap(size_t a, size_t b, void *round_)
{
    struct ofg_round *round = round_;
    struct ofg_flow **adds = round->flows + round->n_deletes;
    struct ofg_flow *tmp = adds[a];
    adds[a] = adds[b];
    adds[b] = tmp;
}
