/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_HA_H
#define OFG_HA_H 1

/* Active/standby: which of several ofguard instances writes to the
 * switches.
 *
 * The choice comes from an OVSDB lock, as ovn-northd's active/standby does:
 * every instance asks an ovsdb-server (clustered, for real deployments) for
 * the same named lock, and the one that holds it is the primary.  On taking
 * the lock an instance raises a generation number kept in the database
 * (Open_vSwitch table, external_ids:ofguard-generation-LOCK), in a
 * transaction that the server runs only while the instance still holds the
 * lock.  It then claims the OpenFlow primary role on each switch with that
 * generation_id: a switch refuses an older one, so an instance that lost the
 * lock without noticing (stalled, cut off) cannot take the switches back,
 * and the switch itself refuses writes from secondaries. */

#include <stdbool.h>
#include <stdint.h>

struct ds;

struct ofg_ha *ofg_ha_create(const char *remote, const char *lock_name);
void ofg_ha_destroy(struct ofg_ha *);

void ofg_ha_run(struct ofg_ha *);
void ofg_ha_wait(struct ofg_ha *);

/* True once this instance holds the lock and raised the generation; then
 * '*generation' is the generation_id to claim the switches with. */
bool ofg_ha_is_primary(const struct ofg_ha *, uint64_t *generation);

/* A switch refused this primary's generation as older than its own,
 * 'generation': the lock database was recreated, or another group of
 * instances claimed the switch.  Raises the database's generation past it
 * (still under the lock), which makes a new claim. */
void ofg_ha_raise_past(struct ofg_ha *, uint64_t generation);

/* Appends one line describing the instance's standing to 's'. */
void ofg_ha_format_status(const struct ofg_ha *, struct ds *s);

#endif /* controller/ofg-ha.h */
