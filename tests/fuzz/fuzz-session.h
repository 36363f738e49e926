/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef FUZZ_SESSION_H
#define FUZZ_SESSION_H 1

/* One session of ofguard's switch connection code (controller/ofg-switch.c,
 * through its public API) with a switch played by this program: the engine
 * of the OpenFlow fuzz target (fuzz-openflow.c, whose comment describes the
 * input) and of the program that writes its seeds (gen-seeds.c), which
 * plays its seeds through it to find the xids they must name.
 *
 * ofguard's end of the connection is a vconn of a class of this module
 * (OVS's lib/vconn-provider.h) under libopenvswitch's rconn and vconn
 * layers, as in the daemon.  Its other end hands ofguard what the session
 * is fed, records what ofguard sends, and can answer ofguard's requests as
 * a well-behaved switch (fuzz-switch.c) would.  One session at a time. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/ofp-msgs.h"

struct ds;
struct ofp_header;

/* The state byte: how many of ofguard's requests the well-behaved switch
 * answers first, and options. */
enum {
    FUZZ_DEPTH_MASK = 0x0f,
    FUZZ_QUERY = 0x10,          /* A "flows" query once it can be made. */
    FUZZ_ANSWER = 0x20,         /* The switch goes on answering. */
    FUZZ_RELOAD = 0x40,         /* A reload to another configuration. */
    FUZZ_HAS_FLOWS = 0x80,      /* The switch holds ofguard's flows. */
};

/* Once per process: the configurations, and logging ('verbose': to the
 * console, with each step). */
void fuzz_session_init(bool verbose);

/* Starts a session in the state 'flags' says. */
void fuzz_session_start(unsigned int flags);

/* Feeds the session 'size' bytes of 'data' from the switch, which start
 * with an OpenFlow header (see fuzz-openflow.c): a message, made at most
 * 'size' bytes long, time passing or the connection dropping.  Returns the
 * number of bytes used, 0 if the session is over. */
size_t fuzz_session_feed(const uint8_t *data, size_t size);

/* Ends the session. */
void fuzz_session_finish(void);

/* For writing seeds: the xid that names the most recent message of 'type'
 * that ofguard sent (0 for the last message), or UINT32_MAX if there is
 * none; if 'msgp' is nonnull, stores the message in '*msgp'. */
uint32_t fuzz_session_find(enum ofptype type, const struct ofp_header **msgp);

/* For writing seeds: the xid that names the oldest of ofguard's requests
 * that the well-behaved switch answers and that this function did not
 * return yet (nor the switch answer), or UINT32_MAX if there is none; if
 * 'msgp' is nonnull, stores the request in '*msgp'. */
uint32_t fuzz_session_next(const struct ofp_header **msgp);

/* Appends ofguard's status line of the session's switch to 's'. */
void fuzz_session_status(struct ds *s);

#endif /* tests/fuzz/fuzz-session.h */
