/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-identity.h"

#include <stdlib.h>
#include <string.h>
#include "config/ofg-config.h"
#include "controller/ofg-ovsdb.h"
#include "controller/ofg-switch.h"
#include "flows/ofg-bind.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofg_identity);

static char *default_remote;
static bool default_explicit;
static const struct ofg_config *config;
static struct shash dbs = SHASH_INITIALIZER(&dbs);  /* Remote -> db. */

/* Changes whenever what bindings depend on changes: a database's contents
 * or the configuration.  A switch is bound again when its stamp differs
 * (a newly connected switch has stamp 0). */
static uint64_t stamp = 1;
static unsigned int *seqnos;    /* Each database's, as last seen. */

static bool needs_databases(const struct ofg_config *);
static const char *switch_remote(const struct ofg_switch *);
static void bind_switch(struct ofg_sw *);

void
ofg_identity_init(const char *remote, bool explicit)
{
    default_remote = xstrdup(remote);
    default_explicit = explicit;
}

void
ofg_identity_destroy(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &dbs) {
        ofg_ovsdb_destroy(node->data);
    }
    shash_destroy(&dbs);
    free(seqnos);
    seqnos = NULL;
    free(default_remote);
    default_remote = NULL;
}

void
ofg_identity_set_config(const struct ofg_config *new_config)
{
    config = new_config;
    stamp++;

    struct shash wanted = SHASH_INITIALIZER(&wanted);
    if (needs_databases(config)) {
        shash_add_once(&wanted, default_remote, NULL);
        for (size_t i = 0; i < config->n_switches; i++) {
            shash_add_once(&wanted, switch_remote(&config->switches[i]), NULL);
        }
    }

    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &dbs) {
        if (!shash_find(&wanted, node->name)) {
            VLOG_INFO("%s: database no longer needed", node->name);
            ofg_ovsdb_destroy(node->data);
            shash_delete(&dbs, node);
        }
    }
    SHASH_FOR_EACH (node, &wanted) {
        if (!shash_find(&dbs, node->name)) {
            VLOG_INFO("%s: reading the interfaces' identities", node->name);
            shash_add(&dbs, node->name, ofg_ovsdb_create(node->name));
        }
    }
    shash_destroy(&wanted);
    free(seqnos);
    seqnos = xcalloc(MAX(shash_count(&dbs), 1), sizeof *seqnos);
}

void
ofg_identity_run(struct ofg_sw **switches, size_t n)
{
    if (shash_is_empty(&dbs)) {
        return;
    }

    size_t i = 0;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &dbs) {
        ofg_ovsdb_run(node->data);
        unsigned int seqno = ofg_ovsdb_seqno(node->data);
        if (seqno != seqnos[i]) {
            seqnos[i] = seqno;
            stamp++;
        }
        i++;
    }
    for (i = 0; i < n; i++) {
        if (ofg_sw_get_bind_stamp(switches[i]) != stamp) {
            bind_switch(switches[i]);
        }
    }
}

void
ofg_identity_wait(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &dbs) {
        ofg_ovsdb_wait(node->data);
    }
}

static bool
needs_databases(const struct ofg_config *cfg)
{
    if (default_explicit) {
        return true;
    }
    for (size_t i = 0; i < cfg->n_switches; i++) {
        if (cfg->switches[i].ovsdb) {
            return true;
        }
    }
    for (size_t i = 0; i < cfg->n_containers; i++) {
        if (cfg->containers[i].n_ids) {
            return true;
        }
    }
    return false;
}

static const char *
switch_remote(const struct ofg_switch *sw)
{
    return sw && sw->ovsdb ? sw->ovsdb : default_remote;
}

/* Binds 'sw' from its database, unless that has not been read yet: until
 * then, the bindings it has (none, on a new switch) stand, so that a
 * database that is slow to answer never unbinds a running container. */
static void
bind_switch(struct ofg_sw *sw)
{
    uint64_t dpid;
    if (!ofg_sw_get_dpid(sw, &dpid)) {
        return;
    }
    const struct ofg_switch *entry = ofg_sw_get_config_entry(sw);
    struct ofg_ovsdb *db = shash_find_data(&dbs, switch_remote(entry));
    if (!db || !ofg_ovsdb_is_ready(db)) {
        return;
    }

    size_t n_ifaces;
    struct ofg_iface *ifaces = ofg_ovsdb_get_ifaces(db, dpid, &n_ifaces);
    struct shash bindings = SHASH_INITIALIZER(&bindings);
    struct svec problems = SVEC_EMPTY_INITIALIZER;
    ofg_bind(config, entry, ifaces, n_ifaces, &bindings, &problems);
    ofg_sw_set_bindings(sw, &bindings, &problems, stamp);
    shash_destroy(&bindings);
    svec_destroy(&problems);
    free(ifaces);

    struct ds warning = DS_EMPTY_INITIALIZER;
    ofg_sw_set_bridge_warning(sw, (ofg_ovsdb_bridge_warning(db, dpid, &warning)
                                   ? ds_cstr(&warning) : NULL));
    ds_destroy(&warning);
}
