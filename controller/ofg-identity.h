/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_IDENTITY_H
#define OFG_IDENTITY_H 1

/* Containers by identity: keeps one OVSDB connection per remote the
 * configuration needs (controller/ofg-ovsdb.h), and gives each connected
 * switch the ports of its containers selected by external_ids
 * (flows/ofg-bind.h) whenever the database, the configuration or the
 * switch changes, with what its bridge settings leave unprotected.
 *
 * A switch's database is 'switches.S.ovsdb', or the default remote.  The
 * databases are read only when the configuration selects a container by
 * identity, names a switch's database, or the default remote was given
 * explicitly (--ovsdb). */

#include <stdbool.h>
#include <stddef.h>

struct ofg_config;
struct ofg_sw;

void ofg_identity_init(const char *default_remote, bool explicit);
void ofg_identity_destroy(void);

/* Opens and closes connections for 'config', the configuration in force,
 * and binds every switch again. */
void ofg_identity_set_config(const struct ofg_config *);

/* Reads the databases, and binds each of the 'n' 'switches' whose
 * bindings are out of date. */
void ofg_identity_run(struct ofg_sw **switches, size_t n);
void ofg_identity_wait(void);

#endif /* controller/ofg-identity.h */
