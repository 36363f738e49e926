/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-tamper.h"

#include "config/ofg-config.h"
#include "flows/ofg-desired.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "util.h"

static void ofg_tamper_mark_key(struct ofg_desired *,
                                const struct ofg_flow *key);

const char *
ofg_tamper_event_name(enum ofg_tamper_event event)
{
    switch (event) {
    case OFG_TAMPER_ADDED:
        return "added";
    case OFG_TAMPER_MODIFIED:
        return "modified";
    case OFG_TAMPER_REMOVED:
        return "removed";
    }
    return "changed";
}

bool
ofg_tamper_is_watched(uint8_t table_id, uint64_t cookie,
                      const uint64_t *allowed, size_t n_allowed)
{
    if ((cookie & OFG_COOKIE_TAG_MASK) == OFG_COOKIE_TAG) {
        return true;
    }
    if (!ofg_flows_is_own_table(table_id)) {
        return false;
    }
    for (size_t i = 0; i < n_allowed; i++) {
        if (allowed[i] == cookie) {
            return false;
        }
    }
    return true;
}

void
ofg_tamper_apply(struct ofg_flow_table *installed,
                 struct ofg_desired *desired,
                 enum ofg_tamper_event event, struct ofg_flow *flow)
{
    ofg_tamper_mark_key(desired, flow);

    struct ofg_flow *old = ofg_flow_table_find(installed, flow);
    if (old) {
        ofg_desired_mark_dirty(desired, old->cookie);
        ofg_flow_table_remove(installed, old);
    }
    if (event == OFG_TAMPER_REMOVED) {
        ofg_flow_destroy(flow);
    } else {
        ofg_desired_mark_dirty(desired, flow->cookie);
        ofg_flow_table_insert(installed, flow);
    }
}

size_t
ofg_tamper_audit(struct ofg_flow_table *installed,
                 struct ofg_flow_table *actual,
                 struct ofg_desired *desired,
                 ofg_tamper_cb *cb, void *aux)
{
    size_t n = 0;
    struct ofg_flow *flow;

    HMAP_FOR_EACH (flow, node, &actual->flows) {
        const struct ofg_flow *old = ofg_flow_table_find(installed, flow);
        if (!old || !ofg_flow_value_equal(old, flow)) {
            cb(old, flow, aux);
            ofg_tamper_mark_key(desired, flow);
            ofg_desired_mark_dirty(desired, flow->cookie);
            if (old) {
                ofg_desired_mark_dirty(desired, old->cookie);
            }
            n++;
        }
    }
    HMAP_FOR_EACH (flow, node, &installed->flows) {
        if (!ofg_flow_table_find(actual, flow)) {
            cb(flow, NULL, aux);
            ofg_tamper_mark_key(desired, flow);
            ofg_desired_mark_dirty(desired, flow->cookie);
            n++;
        }
    }

    ofg_flow_table_swap(installed, actual);
    ofg_flow_table_clear(actual);
    return n;
}

/* The desired flow with the key of 'key', if any, must be sent again. */
static void
ofg_tamper_mark_key(struct ofg_desired *desired, const struct ofg_flow *key)
{
    const struct ofg_flow *want = ofg_flow_table_find(&desired->flows, key);
    if (want) {
        ofg_desired_mark_dirty(desired, want->cookie);
    }
}
