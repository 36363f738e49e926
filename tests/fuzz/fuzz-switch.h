/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef FUZZ_SWITCH_H
#define FUZZ_SWITCH_H 1

/* A well-behaved OpenFlow 1.3 switch, for the OpenFlow fuzz target
 * (fuzz-openflow.c) and the program that writes its seeds (gen-seeds.c):
 * the configuration ofguard runs with, the switch's ports, and the switch's
 * answers to ofguard's requests, built with libopenvswitch's encoders as
 * ovs-vswitchd builds them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofg_config;
struct ofp_header;
struct ovs_list;

/* The switch's datapath ID: "host1" in the configuration. */
#define FUZZ_SWITCH_DPID UINT64_C(0xb0)

/* The switch's ports: "eth0" (trusted), the containers' ports and the local
 * port, numbered from 1 in this order. */
extern const char *const fuzz_switch_ports[];
extern const unsigned int fuzz_switch_n_ports;

/* Two configurations: the one ofguard starts with, and a reload of it that
 * moves, changes, adds and removes containers.  Each parse aborts on an
 * error; the caller destroys the result. */
struct ofg_config *fuzz_switch_config(void);
struct ofg_config *fuzz_switch_config_reload(void);

/* The number of flows ofguard wants on the switch with 'config' and every
 * port: those of its first round after a switch restart. */
size_t fuzz_switch_n_flows(const struct ofg_config *config);

/* How the switch answers. */
enum fuzz_switch_flags {
    /* The flow dump holds ofguard's flows but one, and a stale flow of
     * ofguard's, as after an ofguard restart (otherwise it is empty, as
     * after a switch restart). */
    FUZZ_SW_HAS_FLOWS = 1 << 0,
};

/* Initializes 'replies' to the switch's answer to 'request' (a list of
 * "struct ofpbuf"s, with the request's xid): empty for a message that wants
 * none.  'config' is the configuration ofguard runs with. */
void fuzz_switch_reply(const struct ofg_config *config,
                       const struct ofp_header *request, unsigned int flags,
                       struct ovs_list *replies);

/* Returns true if 'request' is one of the messages that the switch
 * answers. */
bool fuzz_switch_answers(const struct ofp_header *request);

#endif /* tests/fuzz/fuzz-switch.h */
