/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_BIND_H
#define OFG_BIND_H 1

/* Which port of a switch is a container's, for the containers that the
 * configuration selects by their interface's identity in OVSDB
 * ("iface_id", "external_ids") rather than by port name: runtimes name
 * ports at random, and a restarted container comes back on a new port.
 *
 * A container is bound to the one interface of the switch whose
 * external_ids have all of its pairs.  None: not bound (its flows wait for
 * the interface).  Several: bound to none of them, a problem.  An
 * interface whose "attached-mac" is not the container's MAC is not bound
 * either: a runtime that says the interface has another MAC is not running
 * this container there.  An interface not bound to a container is an
 * unknown port, whose frames the switch drops.
 *
 * Pure code, no I/O. */

#include <stddef.h>

struct ofg_config;
struct ofg_switch;
struct shash;
struct smap;
struct svec;

/* One interface of a switch, as OVSDB has it. */
struct ofg_iface {
    const char *name;           /* Its port's OpenFlow name. */
    const struct smap *external_ids;
};

/* Adds to 'bindings' (container name -> port name, a string the caller
 * frees) the port of each container of 'config' selected by identity that
 * may be on switch 'sw' (its configuration entry, NULL if none), among
 * 'ifaces', and to 'problems' one message per container that could not be
 * bound for a reason other than a missing interface. */
void ofg_bind(const struct ofg_config *, const struct ofg_switch *sw,
              const struct ofg_iface *ifaces, size_t n_ifaces,
              struct shash *bindings, struct svec *problems);

#endif /* flows/ofg-bind.h */
