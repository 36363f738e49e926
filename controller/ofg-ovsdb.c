/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-ovsdb.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "flows/ofg-bind.h"
#include "lib/vswitch-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofg_ovsdb);

struct ofg_ovsdb {
    char *remote;
    struct ovsdb_idl *idl;
    bool logged_ready;
};

static const struct ovsrec_bridge *find_bridge(const struct ofg_ovsdb *,
                                               uint64_t dpid);

struct ofg_ovsdb *
ofg_ovsdb_create(const char *remote)
{
    struct ofg_ovsdb *db = xzalloc(sizeof *db);
    db->remote = xstrdup(remote);
    db->idl = ovsdb_idl_create(remote, &ovsrec_idl_class, false, true);

    /* Only what ofguard reads: on a host with thousands of interfaces, the
     * statistics columns alone would change every few seconds. */
    ovsdb_idl_add_table(db->idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_datapath_id);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_fail_mode);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_other_config);
    ovsdb_idl_add_column(db->idl, &ovsrec_bridge_col_controller);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_controller);
    ovsdb_idl_add_column(db->idl, &ovsrec_controller_col_connection_mode);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_port);
    ovsdb_idl_add_column(db->idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_table(db->idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(db->idl, &ovsrec_interface_col_external_ids);
    return db;
}

void
ofg_ovsdb_destroy(struct ofg_ovsdb *db)
{
    if (db) {
        ovsdb_idl_destroy(db->idl);
        free(db->remote);
        free(db);
    }
}

void
ofg_ovsdb_run(struct ofg_ovsdb *db)
{
    ovsdb_idl_run(db->idl);
    if (!db->logged_ready && ofg_ovsdb_is_ready(db)) {
        VLOG_INFO("%s: database read", db->remote);
        db->logged_ready = true;
    }
}

void
ofg_ovsdb_wait(struct ofg_ovsdb *db)
{
    ovsdb_idl_wait(db->idl);
}

const char *
ofg_ovsdb_remote(const struct ofg_ovsdb *db)
{
    return db->remote;
}

bool
ofg_ovsdb_is_ready(const struct ofg_ovsdb *db)
{
    return ovsdb_idl_has_ever_connected(db->idl);
}

unsigned int
ofg_ovsdb_seqno(const struct ofg_ovsdb *db)
{
    return ovsdb_idl_get_seqno(db->idl);
}

struct ofg_iface *
ofg_ovsdb_get_ifaces(const struct ofg_ovsdb *db, uint64_t dpid, size_t *n)
{
    *n = 0;
    const struct ovsrec_bridge *br = find_bridge(db, dpid);
    if (!br) {
        return NULL;
    }

    size_t allocated = 0;
    struct ofg_iface *ifaces = NULL;
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            if (*n >= allocated) {
                ifaces = x2nrealloc(ifaces, &allocated, sizeof *ifaces);
            }
            ifaces[(*n)++] = (struct ofg_iface) {
                .name = iface->name,
                .external_ids = &iface->external_ids,
            };
        }
    }
    return ifaces;
}

bool
ofg_ovsdb_bridge_warning(const struct ofg_ovsdb *db, uint64_t dpid,
                         struct ds *s)
{
    const struct ovsrec_bridge *br = find_bridge(db, dpid);
    if (!br) {
        return false;
    }
    size_t start = s->length;
    if (!br->fail_mode || strcmp(br->fail_mode, "secure")) {
        /* Standalone, the default: a bridge that loses its controller
         * deletes every flow and turns into a learning switch. */
        ds_put_format(s, "fail_mode=%s", (br->fail_mode ? br->fail_mode
                                          : "standalone (the default)"));
    }
    bool out_of_band = smap_get_bool(&br->other_config, "disable-in-band",
                                     false);
    for (size_t i = 0; !out_of_band && i < br->n_controller; i++) {
        const char *mode = br->controller[i]->connection_mode;
        out_of_band = mode && !strcmp(mode, "out-of-band");
    }
    if (!out_of_band) {
        /* OVS then adds hidden flows, above any priority ofguard can use,
         * that pass ARP and DHCP to and from the local port. */
        ds_put_format(s, "%sin-band control on", s->length > start ? ", "
                      : "");
    }
    return s->length > start;
}

static const struct ovsrec_bridge *
find_bridge(const struct ofg_ovsdb *db, uint64_t dpid)
{
    const struct ovsrec_bridge *br;
    OVSREC_BRIDGE_FOR_EACH (br, db->idl) {
        unsigned long long int id;
        if (br->datapath_id
            && str_to_ullong(br->datapath_id, 16, &id) && id == dpid) {
            return br;
        }
    }
    return NULL;
}
