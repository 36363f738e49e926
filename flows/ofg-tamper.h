/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_TAMPER_H
#define OFG_TAMPER_H 1

/* Changes that someone other than ofguard made to the flows ofguard answers
 * for on a switch ("tampering"), whether learned as they happen (flow
 * monitoring) or found by reading the switch's flows back (an audit).
 *
 * ofguard answers for every flow that carries its cookie tag and for every
 * flow in the tables it uses, whoever wrote it: a flow added to one of those
 * tables by another controller or by hand can override a drop.  Only flows
 * whose cookie the operator listed are left alone.
 *
 * Each change is recorded in ofguard's record of the switch's flows (its
 * "installed" table) and the cookies it touches are marked in the desired
 * flows, so that the next update round puts back what ofguard wants and
 * removes the rest.  Pure code, no I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofg_desired;
struct ofg_flow;
struct ofg_flow_table;

enum ofg_tamper_event {
    OFG_TAMPER_ADDED,
    OFG_TAMPER_MODIFIED,
    OFG_TAMPER_REMOVED,
};

const char *ofg_tamper_event_name(enum ofg_tamper_event);

/* True if ofguard answers for a flow in 'table_id' with 'cookie': it
 * carries ofguard's tag, or it is in one of ofguard's tables and its cookie
 * is none of the 'n_allowed' cookies in 'allowed'. */
bool ofg_tamper_is_watched(uint8_t table_id, uint64_t cookie,
                           const uint64_t *allowed, size_t n_allowed);

/* Records in 'installed' that the switch reported 'event' for 'flow' (for a
 * removal, only its key matters), and marks in 'desired' every cookie whose
 * flows the change may have made wrong.  Takes ownership of 'flow'. */
void ofg_tamper_apply(struct ofg_flow_table *installed,
                      struct ofg_desired *desired,
                      enum ofg_tamper_event event, struct ofg_flow *flow);

/* An audit: 'actual' holds the flows just read from the switch.  Calls
 * 'cb' for each flow that differs from 'installed' ('old' is NULL for a
 * flow ofguard did not know of, 'new' is NULL for one that is gone), marks
 * the cookies concerned in 'desired', and makes 'installed' hold what
 * 'actual' held ('actual' is left empty).  Returns the number of
 * differences.  Its cost is linear in the number of flows. */
typedef void ofg_tamper_cb(const struct ofg_flow *old,
                           const struct ofg_flow *new, void *aux);
size_t ofg_tamper_audit(struct ofg_flow_table *installed,
                        struct ofg_flow_table *actual,
                        struct ofg_desired *desired,
                        ofg_tamper_cb *cb, void *aux);

#endif /* flows/ofg-tamper.h */
