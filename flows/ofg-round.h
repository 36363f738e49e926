/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_ROUND_H
#define OFG_ROUND_H 1

/* The changes of one update round, in the order they go to a switch: the
 * flows it should delete, then those it should add.  Flow i is sent with
 * xid 'base_xid' + i (modulo 2^32), so that an error from the switch names
 * the flow that caused it.
 *
 * The round holds its own copies of the flows: the desired table may change
 * while the round is in flight.  Pure code, no I/O. */

#include <stddef.h>
#include <stdint.h>

struct ofg_flow;
struct ofg_flow_changes;
struct ofg_flow_table;

struct ofg_round {
    struct ofg_flow **flows;    /* Deletes first, then adds. */
    size_t n_flows;
    size_t n_deletes;
    uint32_t base_xid;
};

void ofg_round_init(struct ofg_round *, const struct ofg_flow_changes *,
                    uint32_t base_xid);
void ofg_round_destroy(struct ofg_round *);

/* Returns the index in 'round->flows' of the flow sent with 'xid', or
 * SIZE_MAX if 'xid' is none of the round's. */
size_t ofg_round_find_xid(const struct ofg_round *, uint32_t xid);

/* Makes 'installed' what the switch has once it committed 'round'.  The
 * round's added flows move into 'installed'; only ofg_round_destroy() may
 * follow. */
void ofg_round_apply(struct ofg_round *, struct ofg_flow_table *installed);

#endif /* flows/ofg-round.h */
