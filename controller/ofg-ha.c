/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-ha.h"

#include <inttypes.h>
#include <stdlib.h>
#include "lib/vswitch-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofg_ha);

enum ofg_ha_state {
    HA_SECONDARY,               /* Without the lock. */
    HA_RAISING,                 /* With it, raising the generation. */
    HA_PRIMARY,                 /* With it and a generation of its own. */
};

struct ofg_ha {
    struct ovsdb_idl *idl;
    char *remote;
    char *lock_name;
    char *key;                  /* "ofguard-generation-" + lock name. */
    enum ofg_ha_state state;
    struct ovsdb_idl_txn *txn;  /* HA_RAISING: the transaction. */
    uint64_t generation;        /* HA_RAISING: wanted; HA_PRIMARY: ours. */
    long long int retry_at;     /* After a failed raise. */
    uint64_t floor;             /* Raise the generation past this. */
};

static void ofg_ha_set_state(struct ofg_ha *, enum ofg_ha_state);
static void ofg_ha_start_raise(struct ofg_ha *);
static void ofg_ha_run_raise(struct ofg_ha *);

struct ofg_ha *
ofg_ha_create(const char *remote, const char *lock_name)
{
    struct ofg_ha *ha = xzalloc(sizeof *ha);
    /* Only the one column that holds the generation is replicated. */
    ha->idl = ovsdb_idl_create(remote, &ovsrec_idl_class, false, true);
    ovsdb_idl_add_table(ha->idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(ha->idl, &ovsrec_open_vswitch_col_external_ids);
    ovsdb_idl_set_lock(ha->idl, lock_name);
    ha->remote = xstrdup(remote);
    ha->lock_name = xstrdup(lock_name);
    ha->key = xasprintf("ofguard-generation-%s", lock_name);
    ha->state = HA_SECONDARY;
    return ha;
}

void
ofg_ha_destroy(struct ofg_ha *ha)
{
    if (ha) {
        if (ha->txn) {
            ovsdb_idl_txn_destroy(ha->txn);
        }
        ovsdb_idl_destroy(ha->idl);
        free(ha->remote);
        free(ha->lock_name);
        free(ha->key);
        free(ha);
    }
}

void
ofg_ha_run(struct ofg_ha *ha)
{
    ovsdb_idl_run(ha->idl);
    if (!ovsdb_idl_has_lock(ha->idl)) {
        /* Lost, or never had: whoever has it now raises the generation
         * past ours before claiming the switches. */
        ofg_ha_set_state(ha, HA_SECONDARY);
        return;
    }
    if (ha->state == HA_SECONDARY && time_msec() >= ha->retry_at) {
        ofg_ha_start_raise(ha);
    }
    if (ha->state == HA_RAISING) {
        ofg_ha_run_raise(ha);
    }
}

void
ofg_ha_wait(struct ofg_ha *ha)
{
    ovsdb_idl_wait(ha->idl);
    if (ha->txn) {
        ovsdb_idl_txn_wait(ha->txn);
    } else if (ha->state == HA_SECONDARY && ovsdb_idl_has_lock(ha->idl)) {
        poll_timer_wait_until(ha->retry_at);
    }
}

bool
ofg_ha_is_primary(const struct ofg_ha *ha, uint64_t *generation)
{
    if (ha->state != HA_PRIMARY) {
        return false;
    }
    *generation = ha->generation;
    return true;
}

void
ofg_ha_raise_past(struct ofg_ha *ha, uint64_t generation)
{
    if (ha->state == HA_PRIMARY && generation >= ha->generation
        && generation > ha->floor) {
        VLOG_WARN("lock %s: a switch has generation %"PRIu64", ours is %"
                  PRIu64": raising ours past it", ha->lock_name, generation,
                  ha->generation);
        ha->floor = generation;
        ha->state = HA_SECONDARY;   /* Raises again on the next run. */
    }
}

void
ofg_ha_format_status(const struct ofg_ha *ha, struct ds *s)
{
    ds_put_format(s, "ha lock=%s remote=%s role=%s", ha->lock_name,
                  ha->remote,
                  (ha->state == HA_PRIMARY ? "primary"
                   : ha->state == HA_RAISING ? "taking-over" : "secondary"));
    if (ha->state == HA_PRIMARY) {
        ds_put_format(s, " generation=%"PRIu64, ha->generation);
    }
    ds_put_format(s, " db=%s", (ovsdb_idl_is_connected(ha->idl)
                                ? "connected" : "disconnected"));
}

static void
ofg_ha_set_state(struct ofg_ha *ha, enum ofg_ha_state state)
{
    if (ha->state == state) {
        return;
    }
    if (state == HA_PRIMARY) {
        VLOG_INFO("lock %s acquired: primary, generation %"PRIu64,
                  ha->lock_name, ha->generation);
    } else if (state == HA_SECONDARY && ha->state == HA_PRIMARY) {
        VLOG_WARN("lock %s lost: secondary", ha->lock_name);
    }
    if (state != HA_RAISING && ha->txn) {
        ovsdb_idl_txn_destroy(ha->txn);
        ha->txn = NULL;
    }
    ha->state = state;
}

/* Writes generation + 1.  The IDL adds an "assert" of the lock to the
 * transaction, and "verify" makes it fail if another instance wrote the
 * key since we read it. */
static void
ofg_ha_start_raise(struct ofg_ha *ha)
{
    const struct ovsrec_open_vswitch *row = ovsrec_open_vswitch_first(ha->idl);
    if (!row && !ovsdb_idl_has_ever_connected(ha->idl)) {
        return;                 /* Contents not there yet. */
    }

    ha->txn = ovsdb_idl_txn_create(ha->idl);
    ovsdb_idl_txn_add_comment(ha->txn, "ofguard: taking over as primary");
    uint64_t current = 0;
    if (row) {
        current = smap_get_ullong(&row->external_ids, ha->key, 0);
        ovsrec_open_vswitch_verify_external_ids(row);
    } else {
        /* A database of its own for the lock, still empty. */
        row = ovsrec_open_vswitch_insert(ha->txn);
    }
    ha->generation = MAX(current, ha->floor) + 1;
    char *value = xasprintf("%"PRIu64, ha->generation);
    ovsrec_open_vswitch_update_external_ids_setkey(row, ha->key, value);
    free(value);
    ofg_ha_set_state(ha, HA_RAISING);
}

static void
ofg_ha_run_raise(struct ofg_ha *ha)
{
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(ha->txn);
    switch (status) {
    case TXN_INCOMPLETE:
        return;
    case TXN_SUCCESS:
        ofg_ha_set_state(ha, HA_PRIMARY);
        return;
    case TXN_UNCOMMITTED:
    case TXN_UNCHANGED:
    case TXN_ABORTED:
    case TXN_TRY_AGAIN:
    case TXN_NOT_LOCKED:
    case TXN_ERROR:
    default:
        /* Read the key again and retry, if we still hold the lock. */
        VLOG_INFO("lock %s: raising the generation: %s", ha->lock_name,
                  ovsdb_idl_txn_status_to_string(status));
        ofg_ha_set_state(ha, HA_SECONDARY);
        ha->retry_at = time_msec() + 1000;
        return;
    }
}
