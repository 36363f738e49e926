/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_FLOWS_H
#define OFG_FLOWS_H 1

/* The port policy, compiled: configuration plus one switch's ports in,
 * desired OpenFlow flows out.  Pure code, no I/O.
 *
 * The pipeline classifies each frame once, by input port, source MAC and
 * the absence of a VLAN tag (table 0), and carries the container's network
 * and options in the OpenFlow metadata to the tables after it.  The rules
 * that do not depend on the container itself (subnet and gateway checks,
 * the routed rule, guards against DHCP servers and routers, multicast)
 * are shared: per network (with the network's cookie) or per switch (with
 * the switch's).  A container's own flows are its classification, its
 * address bindings and its delivery flow.
 *
 * Unicast from a container goes to the trusted ports only, never to another
 * container's port: the gateway is always behind a trusted port.  A
 * container's port receives what came in on a trusted port, and from other
 * containers only the broadcast and multicast that passed their checks.
 *
 *   table  0 OFG_TABLE_CLASSIFY:  who is sending (container or trusted).
 *   table 10 OFG_TABLE_SOURCE:    source address binding (IP, ARP).
 *   table 20 OFG_TABLE_GUARD:     what no container may send, whatever
 *                                 its addresses: DHCP/DHCPv6 server
 *                                 messages (and anything to the clients'
 *                                 ports), RAs, redirects, headers the
 *                                 switch could not parse.
 *   table 30 OFG_TABLE_ND:        ICMPv6: neighbour discovery, RS, MLD.
 *   table 31 OFG_TABLE_ND_TARGET: the target of an NA or a DAD probe is
 *                                 one of the container's addresses.
 *   table 40 OFG_TABLE_DEST:      where a container may send IP
 *                                 (gateway-only egress, multicast).
 *   table 60 OFG_TABLE_DELIVER:   where a checked frame goes.
 *   table 65 OFG_TABLE_VIOLATION: a dropped frame's class of violation.
 *   table 70 OFG_TABLE_ACCOUNT:   counting (and sampling) drops, per
 *                                 container and class.
 *
 * The gaps between table numbers are kept for later stages (a connection
 * tracking stage before delivery, logging).  OpenFlow's goto_table only
 * goes forward, so no frame reaches delivery without the checks of the
 * port it came in on.  See the README for the full layout. */

#include <stdbool.h>
#include <netinet/in.h>
#include "openvswitch/types.h"

struct ds;
struct ofg_config;
struct ofg_container;
struct ofg_flow;
struct ofg_flow_table;
struct ofg_network;
struct ofg_switch;
struct ofputil_port_map;
struct shash;
struct simap;

enum ofg_table {
    OFG_TABLE_CLASSIFY = 0,
    OFG_TABLE_SOURCE = 10,
    OFG_TABLE_GUARD = 20,
    OFG_TABLE_ND = 30,
    OFG_TABLE_ND_TARGET = 31,
    OFG_TABLE_DEST = 40,
    OFG_TABLE_DELIVER = 60,
    OFG_TABLE_VIOLATION = 65,
    OFG_TABLE_ACCOUNT = 70,
};

/* Every drop rule notes its class of violation (flows/ofg-violation.h) in
 * bits 51-54 of the metadata and goes to table 65, which refines the class where one
 * rule covers several (a tagged frame from a container's port is not a
 * forged source), then to table 70, which counts and drops: one flow per
 * container and class it can commit, whose statistics are the violation
 * counters, and which sends a copy of the frame to ofguard through meter
 * OFG_SAMPLE_METER_ID, for the log.  The meter works in the datapath: a
 * flood of forged frames costs the switch no more upcalls than the meter's
 * rate, and the frames themselves are dropped as before. */
#define OFG_MD_VIOLATION_SHIFT 51
#define OFG_MD_VIOLATION_MASK (UINT64_C(0xf) << OFG_MD_VIOLATION_SHIFT)
#define OFG_SAMPLE_METER_ID 1
/* Bytes of each dropped frame sent to ofguard: enough for every header
 * the log shows. */
#define OFG_SAMPLE_MAX_LEN 160

/* True if 'table_id' is one of the tables above.  ofguard owns them: any
 * flow in them that ofguard did not put there is removed. */
bool ofg_flows_is_own_table(uint8_t table_id);

/* Priorities.  The container roles keep the seed slide's numbers. */
enum ofg_priority {
    OFG_PRIO_QUARANTINE = 30,   /* Table 0: a flooding container's port,
                                 * above its MAC binding (see
                                 * ofg_flows_add_quarantine()). */
    OFG_PRIO_GATEWAY = 150,     /* To the gateway, and allowed exceptions
                                 * (DHCP clients, multicast, DAD). */
    OFG_PRIO_GUARD = 100,       /* Drops: own subnet, DHCP/RA servers... */
    OFG_PRIO_ARP = 50,          /* ARP/ND binding. */
    OFG_PRIO_PRIMARY = 25,      /* Source MAC and primary address binding;
                                 * other ND. */
    OFG_PRIO_DELIVER = 20,      /* Table 60: frames to the container. */
    OFG_PRIO_ADDRESS = 10,      /* Additional addresses; routed traffic. */
    OFG_PRIO_PORT = 5,          /* Table 0: the rest of the container's
                                 * port's frames. */
    OFG_PRIO_TRUSTED = 1,       /* Table 0: trusted ports (switch flows). */
    OFG_PRIO_DEFAULT = 0,       /* Table defaults (switch flows). */
};

/* The OpenFlow metadata that table 0 writes for a frame from a container.
 * Frames from trusted ports keep metadata 0. */
#define OFG_MD_NETWORK_MASK UINT64_C(0x0000ffffffffffff) /* Network cookie. */
#define OFG_MD_DHCP (UINT64_C(1) << 48)         /* "allow_dhcp". */
#define OFG_MD_MULTICAST (UINT64_C(1) << 49)    /* "allow_multicast". */
#define OFG_MD_IPV6 (UINT64_C(1) << 50)         /* Has an IPv6 policy. */
#define OFG_MD_CONTAINER (UINT64_C(1) << 63)    /* From a container. */

/* Full cookie of a container's flows, of a network's and of a switch's own
 * flows. */
uint64_t ofg_flows_container_cookie(const struct ofg_container *);
uint64_t ofg_flows_network_cookie(const struct ofg_network *);
uint64_t ofg_flows_switch_cookie(void);

/* Returns the OpenFlow port of 'container' on a switch whose configuration
 * entry is 'sw' (NULL if the config does not list the switch) and whose
 * ports are 'ports' (port name -> OpenFlow port number), or OFPP_NONE if the
 * container does not belong there.  A container selected by identity
 * (external_ids) has the port that 'bindings' (container name -> port
 * name, from flows/ofg-bind.h; NULL if none) gives it. */
ofp_port_t ofg_flows_container_port(const struct ofg_container *,
                                    const struct ofg_switch *sw,
                                    const struct simap *ports,
                                    const struct shash *bindings);

/* Adds to 'flows' a flow that drops every frame from 'port', the port of
 * 'container', as a forged source (counted and sampled as such), above the
 * container's MAC binding.  For a container flooding forged frames: every
 * frame with a new source MAC that reaches the binding costs the switch a
 * datapath miss (the binding puts the whole source MAC in the megaflow),
 * while this flow needs only the port, so one datapath flow drops the
 * whole flood. */
void ofg_flows_add_quarantine(const struct ofg_container *, ofp_port_t port,
                              bool sample, struct ofg_flow_table *flows);

/* Adds the flows of 'container', whose port is 'port', to 'flows'.
 * Returns false, adding nothing, if one of its flows is already in 'flows'
 * (two containers on one port). */
/* With 'sample', the counting flows send ofguard samples (through the
 * meter OFG_SAMPLE_METER_ID).  Without, for a switch that refused the
 * meter: an unmetered copy of every dropped frame would let a flood of
 * forged frames load the switch and ofguard. */
bool ofg_flows_add_container(const struct ofg_container *, ofp_port_t port,
                             bool sample, struct ofg_flow_table *flows);

/* Adds the flows that the containers of 'network' share (gateway, subnet
 * and routed rules) to 'flows'.  A switch needs them while it has at
 * least one of the network's containers. */
void ofg_flows_add_network(const struct ofg_network *,
                           struct ofg_flow_table *flows);

/* Adds a switch's own flows (table defaults, trusted ports, the guards
 * every container shares) to 'flows'. */
void ofg_flows_add_switch(const struct ofg_switch *sw,
                          const struct simap *ports, bool sample,
                          struct ofg_flow_table *flows);

/* Adds every flow 'config' wants on a switch ('sw', 'ports' as above). */
void ofg_flows_compile(const struct ofg_config *, const struct ofg_switch *sw,
                       const struct simap *ports,
                       struct ofg_flow_table *flows);

/* Appends 'flow' to 's' in ovs-ofctl add-flows syntax, naming ports through
 * 'ports' if nonnull. */
void ofg_flow_format(const struct ofg_flow *, const struct ofputil_port_map *,
                     struct ds *s);

#endif /* flows/ofg-flows.h */
