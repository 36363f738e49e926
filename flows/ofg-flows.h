/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_FLOWS_H
#define OFG_FLOWS_H 1

/* The port policy, compiled: configuration plus one switch's ports in,
 * desired OpenFlow flows out.  Pure code, no I/O.
 *
 * The flows live in four tables, so that no frame reaches a port before it
 * has passed every check of the port it came in on:
 *
 *   table 0  OFG_TABLE_SOURCE:  who may send (per input port).
 *   table 1  OFG_TABLE_ICMP6:   ICMPv6 from a container: neighbour
 *                               discovery binding, router solicitations,
 *                               MLD reports (per port).
 *   table 2  OFG_TABLE_DEST:    where a container may send IP (per port).
 *   table 3  OFG_TABLE_DELIVER: where a checked frame goes.
 *
 * Table 3 is reached only through goto_table from the tables before it, so
 * no flow in it can carry an unchecked frame.  (OpenFlow only lets a flow
 * go to a later table, hence the order.)  See the README for the full
 * layout and how it differs from the seed slide's. */

#include <stdbool.h>
#include <netinet/in.h>
#include "openvswitch/types.h"

struct ds;
struct ofg_config;
struct ofg_container;
struct ofg_flow;
struct ofg_flow_table;
struct ofg_switch;
struct ofputil_port_map;

enum ofg_table {
    OFG_TABLE_SOURCE = 0,
    OFG_TABLE_ICMP6 = 1,
    OFG_TABLE_DEST = 2,
    OFG_TABLE_DELIVER = 3,
};

/* Priorities.  The container roles keep the seed slide's numbers. */
enum ofg_priority {
    OFG_PRIO_GATEWAY = 150,     /* Table 2: to the gateway. */
    OFG_PRIO_GUARD = 100,       /* Drops: own subnet, DHCP/RA servers... */
    OFG_PRIO_ARP = 50,          /* Table 0: ARP/ND binding. */
    OFG_PRIO_PRIMARY = 25,      /* Table 0: primary address binding. */
    OFG_PRIO_DELIVER = 20,      /* Table 3: frames to the container. */
    OFG_PRIO_ADDRESS = 10,      /* Table 0: additional addresses; table 2:
                                 * routed destinations. */
    OFG_PRIO_PORT_DROP = 5,     /* Tables 0-2: everything else. */
    OFG_PRIO_TRUSTED = 1,       /* Table 0: trusted ports (switch flows). */
    OFG_PRIO_DEFAULT = 0,       /* Table defaults (switch flows). */
};

/* Stores in '*lla' the IPv6 link-local address derived (EUI-64) from
 * 'mac'. */
void ofg_flows_link_local(const struct eth_addr mac, struct in6_addr *lla);

/* Full cookie of a container's flows, and of a switch's own flows. */
uint64_t ofg_flows_container_cookie(const struct ofg_container *);
uint64_t ofg_flows_switch_cookie(void);

/* Returns the OpenFlow port of 'container' on a switch whose configuration
 * entry is 'sw' (NULL if the config does not list the switch) and whose
 * ports are 'ports', or OFPP_NONE if the container does not belong there. */
ofp_port_t ofg_flows_container_port(const struct ofg_container *,
                                    const struct ofg_switch *sw,
                                    const struct ofputil_port_map *ports);

/* Adds the flows of 'container', whose port is 'port', to 'flows'.
 * Returns false, adding nothing, if one of its flows is already in 'flows'
 * (two containers on one port). */
bool ofg_flows_add_container(const struct ofg_container *, ofp_port_t port,
                             struct ofg_flow_table *flows);

/* Adds a switch's own flows (table defaults, trusted ports) to 'flows'. */
void ofg_flows_add_switch(const struct ofg_switch *sw,
                          const struct ofputil_port_map *ports,
                          struct ofg_flow_table *flows);

/* Adds every flow 'config' wants on a switch ('sw', 'ports' as above). */
void ofg_flows_compile(const struct ofg_config *, const struct ofg_switch *sw,
                       const struct ofputil_port_map *ports,
                       struct ofg_flow_table *flows);

/* Appends 'flow' to 's' in ovs-ofctl add-flows syntax, naming ports through
 * 'ports' if nonnull. */
void ofg_flow_format(const struct ofg_flow *, const struct ofputil_port_map *,
                     struct ds *s);

#endif /* flows/ofg-flows.h */
