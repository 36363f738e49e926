/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_OVSDB_H
#define OFG_OVSDB_H 1

/* One switch host's OVSDB, read through libopenvswitch's IDL: the bridges'
 * datapath IDs, their interfaces' names and external_ids (which identify
 * the containers that runtimes attach under random port names), and the
 * bridge settings that decide whether ofguard's flows protect anything
 * (fail_mode, in-band control).  Read only: ofguard writes nothing here. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct ofg_iface;

struct ofg_ovsdb *ofg_ovsdb_create(const char *remote);
void ofg_ovsdb_destroy(struct ofg_ovsdb *);
void ofg_ovsdb_run(struct ofg_ovsdb *);
void ofg_ovsdb_wait(struct ofg_ovsdb *);

const char *ofg_ovsdb_remote(const struct ofg_ovsdb *);

/* True once the whole database has been read at least once: until then,
 * the lack of an interface says nothing. */
bool ofg_ovsdb_is_ready(const struct ofg_ovsdb *);

/* Changes whenever the database's contents change. */
unsigned int ofg_ovsdb_seqno(const struct ofg_ovsdb *);

/* Returns the interfaces of the bridge whose datapath ID is 'dpid' (an
 * array the caller frees, pointing into the database's rows, valid until
 * the next ofg_ovsdb_run()), storing their number in '*n'.  Returns NULL
 * with '*n' 0 if there is no such bridge. */
struct ofg_iface *ofg_ovsdb_get_ifaces(const struct ofg_ovsdb *,
                                       uint64_t dpid, size_t *n);

/* Appends to 's' what makes the bridge of 'dpid' unsafe to protect
 * ("fail_mode=standalone", "in-band control on"), separated by ", ".
 * Returns false if there is nothing to say. */
bool ofg_ovsdb_bridge_warning(const struct ofg_ovsdb *, uint64_t dpid,
                              struct ds *s);

#endif /* controller/ofg-ovsdb.h */
