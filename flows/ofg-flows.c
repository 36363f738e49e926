/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-flows.h"

#include <string.h>
#include "config/ofg-config.h"
#include "flows/ofg-flow-table.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* Builds the flows of one container.  'flows' collects them so that a
 * container whose flows collide with another's can be refused whole. */
struct ofg_flow_builder {
    const struct ofg_container *c;
    ofp_port_t port;
    uint64_t cookie;
    struct ofg_flow **flows;
    size_t n_flows, allocated_flows;
};

static void ofg_flows_add_ipv4(struct ofg_flow_builder *);
static void ofg_flows_add_ipv4_dest(struct ofg_flow_builder *);
static void ofg_flows_add_ipv6_guards(struct ofg_flow_builder *);
static void ofg_flows_add_ipv6(struct ofg_flow_builder *);
static void ofg_flows_add_ipv6_dest(struct ofg_flow_builder *);
static void ofg_flows_add_icmp6(struct ofg_flow_builder *);
static void ofg_flows_add_routed(struct ofg_flow_builder *, ovs_be16 dl_type);
static void ofg_match_icmp6(struct match *, ofp_port_t, uint8_t type);
static void ofg_flow_builder_add(struct ofg_flow_builder *, uint8_t table_id,
                                 uint16_t priority, const struct match *,
                                 const struct ofpbuf *ofpacts);
static void ofg_match_port(struct match *, const struct ofg_container *,
                           ofp_port_t, ovs_be16 dl_type);
static void ofg_put_goto(struct ofpbuf *, uint8_t table_id);
static struct ofg_flow *ofg_flow_create_normalized(
    uint8_t table_id, uint16_t priority, const struct match *,
    uint64_t cookie, const struct ofpbuf *ofpacts);
static void ofg_add_table_flow(struct ofg_flow_table *, uint8_t table_id,
                               uint16_t priority, const struct match *,
                               uint64_t cookie, const struct ofpbuf *);

void
ofg_flows_link_local(const struct eth_addr mac, struct in6_addr *lla)
{
    /* RFC 4291 appendix A: flip the universal/local bit, insert ff:fe. */
    memset(lla, 0, sizeof *lla);
    lla->s6_addr[0] = 0xfe;
    lla->s6_addr[1] = 0x80;
    lla->s6_addr[8] = mac.ea[0] ^ 0x02;
    lla->s6_addr[9] = mac.ea[1];
    lla->s6_addr[10] = mac.ea[2];
    lla->s6_addr[11] = 0xff;
    lla->s6_addr[12] = 0xfe;
    lla->s6_addr[13] = mac.ea[3];
    lla->s6_addr[14] = mac.ea[4];
    lla->s6_addr[15] = mac.ea[5];
}

uint64_t
ofg_flows_container_cookie(const struct ofg_container *c)
{
    return OFG_COOKIE_TAG | (c->cookie & OFG_COOKIE_ID_MASK);
}

uint64_t
ofg_flows_switch_cookie(void)
{
    return OFG_COOKIE_TAG;
}

ofp_port_t
ofg_flows_container_port(const struct ofg_container *c,
                         const struct ofg_switch *sw,
                         const struct ofputil_port_map *ports)
{
    /* A container pinned to a switch goes nowhere else, even to a switch
     * that happens to have a port of the same name. */
    if (c->switch_name && (!sw || strcmp(c->switch_name, sw->name))) {
        return OFPP_NONE;
    }
    ofp_port_t port = ofputil_port_map_get_number(ports, c->port);
    if (port == OFPP_NONE || ofp_to_u16(port) >= ofp_to_u16(OFPP_MAX)) {
        /* Reserved ports (LOCAL...) are never container ports. */
        return OFPP_NONE;
    }
    return port;
}

bool
ofg_flows_add_container(const struct ofg_container *c, ofp_port_t port,
                        struct ofg_flow_table *table)
{
    struct ofg_flow_builder b = {
        .c = c,
        .port = port,
        .cookie = ofg_flows_container_cookie(c),
    };
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    if (c->n_ipv4) {
        ofg_flows_add_ipv4(&b);
        ofg_flows_add_ipv4_dest(&b);
    }
    /* The guards against rogue servers and routers hold whatever the
     * container's addresses, so they come first and unconditionally. */
    ofg_flows_add_ipv6_guards(&b);
    if (c->n_ipv6 && c->network->has_ipv6) {
        ofg_flows_add_ipv6(&b);
        ofg_flows_add_ipv6_dest(&b);
        ofg_flows_add_icmp6(&b);
    }

    /* Priority 20, table 3: frames for the container's MAC go to its port,
     * whatever the switch has learned.  Only checked frames get here. */
    match_init_catchall(&match);
    match_set_dl_dst(&match, c->mac);
    ofpbuf_clear(&ofpacts);
    ofpact_put_OUTPUT(&ofpacts)->port = port;
    ofg_flow_builder_add(&b, OFG_TABLE_DELIVER, OFG_PRIO_DELIVER, &match,
                         &ofpacts);

    /* Priority 5, tables 0 to 2: whatever the container sends that no
     * rule above allowed is dropped, including all IPv6 until the IPv6
     * policy allows some of it, VLAN-tagged frames and foreign MACs. */
    match_init_catchall(&match);
    match_set_in_port(&match, port);
    ofpbuf_clear(&ofpacts);
    ofg_flow_builder_add(&b, OFG_TABLE_SOURCE, OFG_PRIO_PORT_DROP, &match,
                         &ofpacts);
    ofg_flow_builder_add(&b, OFG_TABLE_DEST, OFG_PRIO_PORT_DROP, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);

    /* All or nothing: one collision means a misconfiguration that validation
     * could not see (two containers on one port), and half a policy for a
     * port would be worse than none. */
    bool ok = true;
    for (size_t i = 0; i < b.n_flows && ok; i++) {
        if (ofg_flow_table_find(table, b.flows[i])) {
            ok = false;
        }
    }
    for (size_t i = 0; i < b.n_flows; i++) {
        if (!ok || ofg_flow_table_insert(table, b.flows[i])) {
            ofg_flow_destroy(b.flows[i]);
        }
    }
    free(b.flows);
    return ok;
}

void
ofg_flows_add_switch(const struct ofg_switch *sw,
                     const struct ofputil_port_map *ports,
                     struct ofg_flow_table *table)
{
    uint64_t cookie = ofg_flows_switch_cookie();
    uint64_t stub[128 / 8], stub2[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    /* Table defaults.  OpenFlow 1.3's table-miss would drop too, but
     * explicit flows make the drops visible, with counters, in
     * "ovs-ofctl dump-flows", and do not depend on the table-miss
     * configuration of the switch. */
    match_init_catchall(&match);
    ofg_add_table_flow(table, OFG_TABLE_SOURCE, OFG_PRIO_DEFAULT, &match,
                       cookie, &ofpacts);
    ofg_add_table_flow(table, OFG_TABLE_DEST, OFG_PRIO_DEFAULT, &match,
                       cookie, &ofpacts);

    /* Broadcast and multicast that passed the checks are flooded. */
    struct eth_addr mc = ETH_ADDR_C(01,00,00,00,00,00);
    match_set_dl_dst_masked(&match, mc, mc);
    ofpact_put_OUTPUT(&ofpacts)->port = OFPP_NORMAL;
    ofg_add_table_flow(table, OFG_TABLE_DELIVER, OFG_PRIO_TRUSTED, &match,
                       cookie, &ofpacts);

    /* Trusted ports skip the checks.  Their priority is below every
     * container flow, so a port that is both trusted and a container's
     * port gets the container's checks. */
    struct ofpbuf trusted_out = OFPBUF_STUB_INITIALIZER(stub2);
    static const char *default_trusted[] = { "LOCAL" };
    const char *const *names = default_trusted;
    size_t n_names = ARRAY_SIZE(default_trusted);
    if (sw) {
        names = (const char *const *) sw->trusted_ports;
        n_names = sw->n_trusted_ports;
    }
    for (size_t i = 0; i < n_names; i++) {
        ofp_port_t port = (!strcmp(names[i], "LOCAL")
                           ? OFPP_LOCAL
                           : ofputil_port_map_get_number(ports, names[i]));
        if (port == OFPP_NONE) {
            continue;
        }
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
        ofg_add_table_flow(table, OFG_TABLE_SOURCE, OFG_PRIO_TRUSTED, &match,
                           cookie, &ofpacts);
        ofpact_put_OUTPUT(&trusted_out)->port = port;
    }

    /* Unicast to a MAC that is no container's (the gateway's, a router's,
     * or one nobody has) goes to the trusted ports only.  NORMAL would
     * flood it to every port until it learned where the MAC is, and the
     * gateway's MAC it may never learn, since its replies to containers
     * leave through the per-container flows: every container would see its
     * neighbours' routed traffic.  (Output to the input port is dropped, so
     * a trusted port never gets its own frames back.) */
    match_init_catchall(&match);
    ofg_add_table_flow(table, OFG_TABLE_DELIVER, OFG_PRIO_DEFAULT, &match,
                       cookie, &trusted_out);
    ofpbuf_uninit(&trusted_out);
    ofpbuf_uninit(&ofpacts);
}

void
ofg_flows_compile(const struct ofg_config *config, const struct ofg_switch *sw,
                  const struct ofputil_port_map *ports,
                  struct ofg_flow_table *table)
{
    ofg_flows_add_switch(sw, ports, table);
    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        ofp_port_t port = ofg_flows_container_port(c, sw, ports);
        if (port != OFPP_NONE) {
            ofg_flows_add_container(c, port, table);
        }
    }
}

void
ofg_flow_format(const struct ofg_flow *flow,
                const struct ofputil_port_map *ports, struct ds *s)
{
    struct match match;
    minimatch_expand(&flow->match, &match);

    ds_put_format(s, "cookie=%#"PRIx64",table=%"PRIu8",",
                  flow->cookie, flow->table_id);
    /* match_format() omits the priority when it is OpenFlow's default. */
    ds_put_format(s, "priority=%"PRIu16",", flow->priority);
    size_t start = s->length;
    match_format(&match, ports, s, OFP_DEFAULT_PRIORITY);
    if (s->length > start) {
        ds_put_char(s, ',');
    }
    ds_put_cstr(s, "actions=");
    if (flow->ofpacts_len) {
        struct ofpact_format_params fp = { .port_map = ports, .s = s };
        ofpacts_format(flow->ofpacts, flow->ofpacts_len, &fp);
    } else {
        ds_put_cstr(s, "drop");
    }
}

/* IPv4 and ARP source binding (table 0). */
static void
ofg_flows_add_ipv4(struct ofg_flow_builder *b)
{
    const struct ofg_container *c = b->c;
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    /* Priority 100: a container is never a DHCP server, whatever address it
     * sends from.  UDP source port 67 is what a server's offers and acks
     * carry. */
    ofg_match_port(&match, c, b->port, htons(ETH_TYPE_IP));
    match_set_nw_proto(&match, IPPROTO_UDP);
    match_set_tp_src(&match, htons(67));
    ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_GUARD, &match,
                         &ofpacts);

    for (size_t i = 0; i < c->n_ipv4; i++) {
        const struct ofg_ipv4_prefix *a = &c->ipv4[i];
        ovs_be32 mask = be32_prefix_mask(a->plen);

        /* Priority 50: ARP binding.  Both the Ethernet source and the
         * sender hardware address must be the container's, or a container
         * could poison caches with another MAC behind its own address.
         * ARP is broadcast or aimed at any neighbour, so it skips the
         * destination checks. */
        ofg_match_port(&match, c, b->port, htons(ETH_TYPE_ARP));
        match_set_arp_sha(&match, c->mac);
        match_set_nw_src_masked(&match, a->addr, mask);
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
        ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                             &ofpacts);

        /* Priority 25 (primary) or 10 (additional): IPv4 source binding;
         * the destination is checked in table 2. */
        ofg_match_port(&match, c, b->port, htons(ETH_TYPE_IP));
        match_set_nw_src_masked(&match, a->addr, mask);
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_DEST);
        ofg_flow_builder_add(b, OFG_TABLE_SOURCE,
                             i == 0 ? OFG_PRIO_PRIMARY : OFG_PRIO_ADDRESS,
                             &match, &ofpacts);
    }

    if (c->allow_dhcp) {
        /* Priority 50: a DHCP client has no address yet: DISCOVER and
         * REQUEST come from 0.0.0.0 to the broadcast address.  They are
         * bound to the container's MAC like everything else. */
        ofg_match_port(&match, c, b->port, htons(ETH_TYPE_IP));
        match_set_nw_proto(&match, IPPROTO_UDP);
        match_set_nw_src(&match, htonl(0));
        match_set_nw_dst(&match, htonl(0xffffffff));
        match_set_tp_src(&match, htons(68));
        match_set_tp_dst(&match, htons(67));
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
        ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                             &ofpacts);
    }
    ofpbuf_uninit(&ofpacts);
}

/* IPv4 destination checks (table 2): "gateway-only egress". */
static void
ofg_flows_add_ipv4_dest(struct ofg_flow_builder *b)
{
    const struct ofg_container *c = b->c;
    const struct ofg_network *net = c->network;
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    if (!net->has_ipv4) {
        return;
    }

    /* Priority 150: to the gateway.  The source was checked in table 0;
     * with a gateway MAC, the frame must also be addressed to it. */
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    match_set_nw_dst(&match, net->gateway);
    if (net->has_gateway_mac) {
        match_set_dl_dst(&match, net->gateway_mac);
    }
    ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &match,
                         &ofpacts);

    /* Priority 100: no direct traffic to neighbours in the subnet, and no
     * broadcast or multicast unless allowed.  (The subnet rule comes first
     * in the code but the subnet and multicast ranges never overlap.) */
    ofpbuf_clear(&ofpacts);
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    match_set_nw_dst_masked(&match, net->subnet.addr,
                            be32_prefix_mask(net->subnet.plen));
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                         &ofpacts);
    if (c->allow_dhcp) {
        /* Priority 150: a bound client renews by broadcast when its server
         * does not answer (REBINDING), from its own address. */
        struct match dhcp = match;
        match_set_nw_dst(&dhcp, htonl(0xffffffff));
        match_set_nw_proto(&dhcp, IPPROTO_UDP);
        match_set_tp_src(&dhcp, htons(68));
        match_set_tp_dst(&dhcp, htons(67));
        ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
        ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &dhcp,
                             &ofpacts);
        ofpbuf_clear(&ofpacts);
    }
    /* Broadcast and multicast are dropped, or, where allowed, sent on
     * here whatever the gateway MAC (they are not addressed to it). */
    if (c->allow_multicast) {
        ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
    }
    match_set_nw_dst(&match, htonl(0xffffffff));
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                         &ofpacts);
    match_set_nw_dst_masked(&match, htonl(0xe0000000), htonl(0xf0000000));
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                         &ofpacts);
    ofpbuf_clear(&ofpacts);

    ofg_flows_add_routed(b, htons(ETH_TYPE_IP));
    ofpbuf_uninit(&ofpacts);
}

/* Priority 10, table 2: whatever of 'dl_type' passed the destination checks
 * above is routed, so it goes to the gateway's MAC when the config knows
 * it. */
static void
ofg_flows_add_routed(struct ofg_flow_builder *b, ovs_be16 dl_type)
{
    const struct ofg_network *net = b->c->network;
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, dl_type);
    if (net->has_gateway_mac) {
        match_set_dl_dst(&match, net->gateway_mac);
    }
    ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_ADDRESS, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* IPv6 guards (table 0, priority 100): a container never acts as a router
 * or a DHCPv6 server. */
static void
ofg_flows_add_ipv6_guards(struct ofg_flow_builder *b)
{
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    /* Router advertisements (134) and redirects (137), from any source
     * MAC or address: they would reroute or renumber the neighbours. */
    static const uint8_t types[] = { 134, 137 };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        ofg_match_icmp6(&match, b->port, types[i]);
        ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_GUARD, &match,
                             &ofpacts);
    }

    /* DHCPv6 server and relay messages come from UDP port 547. */
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(&match, IPPROTO_UDP);
    match_set_tp_src(&match, htons(547));
    ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_GUARD, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* IPv6 source binding (table 0): the container's addresses and prefixes,
 * and the link-local address derived from its MAC.  ICMPv6 from them goes
 * to table 1 for the neighbour discovery checks. */
static void
ofg_flows_add_ipv6(struct ofg_flow_builder *b)
{
    const struct ofg_container *c = b->c;
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    struct ofg_ipv6_prefix lla = { .plen = 128 };
    ofg_flows_link_local(c->mac, &lla.addr);

    for (size_t i = 0; i <= c->n_ipv6; i++) {
        const struct ofg_ipv6_prefix *a = i < c->n_ipv6 ? &c->ipv6[i] : &lla;
        struct in6_addr mask = ipv6_create_mask(a->plen);

        /* Priority 50: ICMPv6, to be checked in table 1. */
        ofg_match_port(&match, c, b->port, htons(ETH_TYPE_IPV6));
        match_set_ipv6_src_masked(&match, &a->addr, &mask);
        match_set_nw_proto(&match, IPPROTO_ICMPV6);
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_ICMP6);
        ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                             &ofpacts);

        /* Priority 25 (primary) or 10: the rest, to the destination
         * checks. */
        ofg_match_port(&match, c, b->port, htons(ETH_TYPE_IPV6));
        match_set_ipv6_src_masked(&match, &a->addr, &mask);
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_DEST);
        ofg_flow_builder_add(b, OFG_TABLE_SOURCE,
                             i == 0 ? OFG_PRIO_PRIMARY : OFG_PRIO_ADDRESS,
                             &match, &ofpacts);
    }

    /* Priority 50: duplicate address detection sends neighbour
     * solicitations, and MLD reports, from the unspecified address before
     * the container owns any address.  Table 1 checks them. */
    ofg_match_port(&match, c, b->port, htons(ETH_TYPE_IPV6));
    match_set_ipv6_src(&match, &in6addr_any);
    match_set_nw_proto(&match, IPPROTO_ICMPV6);
    ofpbuf_clear(&ofpacts);
    ofg_put_goto(&ofpacts, OFG_TABLE_ICMP6);
    ofg_flow_builder_add(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* IPv6 destination checks (table 2), as for IPv4. */
static void
ofg_flows_add_ipv6_dest(struct ofg_flow_builder *b)
{
    const struct ofg_container *c = b->c;
    const struct ofg_network *net = c->network;
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    /* Priority 150: to the gateway. */
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    match_set_ipv6_dst(&match, &net->gateway6);
    if (net->has_gateway_mac) {
        match_set_dl_dst(&match, net->gateway_mac);
    }
    ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &match,
                         &ofpacts);

    if (c->allow_dhcp) {
        /* Priority 150: DHCPv6 client messages go to the
         * All_DHCP_Relay_Agents_and_Servers group, ff02::1:2. */
        static const struct in6_addr servers = { { {
            0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02
        } } };
        match_init_catchall(&match);
        match_set_in_port(&match, b->port);
        match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
        match_set_ipv6_dst(&match, &servers);
        match_set_nw_proto(&match, IPPROTO_UDP);
        match_set_tp_src(&match, htons(546));
        match_set_tp_dst(&match, htons(547));
        ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &match,
                             &ofpacts);
    }

    /* Priority 100: no direct traffic to neighbours, whether by their
     * subnet or their link-local addresses, and no multicast unless
     * allowed (neighbour discovery and MLD went through table 1). */
    ofpbuf_clear(&ofpacts);
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    struct in6_addr mask = ipv6_create_mask(net->subnet6.plen);
    match_set_ipv6_dst_masked(&match, &net->subnet6.addr, &mask);
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                         &ofpacts);

    struct in6_addr ll = IN6ADDR_ANY_INIT;
    ll.s6_addr[0] = 0xfe;
    ll.s6_addr[1] = 0x80;
    mask = ipv6_create_mask(10);
    match_set_ipv6_dst_masked(&match, &ll, &mask);
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                         &ofpacts);

    struct in6_addr mc = IN6ADDR_ANY_INIT;
    mc.s6_addr[0] = 0xff;
    mask = ipv6_create_mask(8);
    match_set_ipv6_dst_masked(&match, &mc, &mask);
    if (c->allow_multicast) {
        ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);
    }
    ofg_flow_builder_add(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                         &ofpacts);
    ofpbuf_clear(&ofpacts);

    ofg_flows_add_routed(b, htons(ETH_TYPE_IPV6));
    ofpbuf_uninit(&ofpacts);
}

/* ICMPv6 checks (table 1), for ICMPv6 whose source table 0 accepted. */
static void
ofg_flows_add_icmp6(struct ofg_flow_builder *b)
{
    const struct ofg_container *c = b->c;
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;
    ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);

    /* Priority 150 and 100: from the unspecified address, a container
     * may only probe its own addresses (duplicate address detection: a
     * solicitation without link-layer option), solicit routers and send
     * MLD reports.  A
     * probe for a neighbour's address would let it answer the neighbour's
     * own probe and keep it from ever using its address. */
    struct ofg_ipv6_prefix lla = { .plen = 128 };
    ofg_flows_link_local(c->mac, &lla.addr);
    static const struct eth_addr zero = ETH_ADDR_C(00,00,00,00,00,00);
    for (size_t i = 0; i <= c->n_ipv6; i++) {
        const struct ofg_ipv6_prefix *a = i < c->n_ipv6 ? &c->ipv6[i] : &lla;
        struct in6_addr mask = ipv6_create_mask(a->plen);
        ofg_match_icmp6(&match, b->port, 135);
        match_set_ipv6_src(&match, &in6addr_any);
        match_set_icmp_code(&match, 0);
        match_set_nw_ttl(&match, 255);
        match_set_arp_sha(&match, zero);
        match_set_nd_target_masked(&match, &a->addr, &mask);
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_GATEWAY, &match,
                             &ofpacts);
    }
    static const uint8_t mld[] = { 131, 132, 143 };
    for (size_t i = 0; i <= ARRAY_SIZE(mld); i++) {
        /* The extra round is for router solicitations, which RFC 4861
         * 6.3.7 lets a host send before it has an address. */
        bool rs = i == ARRAY_SIZE(mld);
        ofg_match_icmp6(&match, b->port, rs ? 133 : mld[i]);
        match_set_ipv6_src(&match, &in6addr_any);
        match_set_icmp_code(&match, 0);
        if (rs) {
            match_set_nw_ttl(&match, 255);
        }
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_GATEWAY, &match,
                             &ofpacts);
    }
    ofpbuf_clear(&ofpacts);
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    match_set_ipv6_src(&match, &in6addr_any);
    ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_GUARD, &match,
                         &ofpacts);

    /* Priority 100: OVS reports a malformed solicitation or advertisement
     * (one with two link-layer options, say) with target and options all
     * zero, which the rules below would take for "no option".  Hosts may
     * still use the first option, so such a message could bind a foreign
     * MAC; no valid one targets the unspecified address. */
    for (uint8_t type = 135; type <= 136; type++) {
        ofg_match_icmp6(&match, b->port, type);
        match_set_nd_target(&match, &in6addr_any);
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_GUARD, &match,
                             &ofpacts);
    }
    ofg_put_goto(&ofpacts, OFG_TABLE_DELIVER);

    /* Priority 50: neighbour solicitations with the container's own
     * link-layer address as source option, or none.
     * Hop limit 255 proves they were not routed (RFC 4861 7.1.1). */
    const struct eth_addr *llas[] = { &c->mac, &zero };
    for (size_t i = 0; i < ARRAY_SIZE(llas); i++) {
        ofg_match_icmp6(&match, b->port, 135);
        match_set_icmp_code(&match, 0);
        match_set_nw_ttl(&match, 255);
        match_set_arp_sha(&match, *llas[i]);
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_ARP, &match,
                             &ofpacts);
    }

    /* Priority 50: neighbour advertisements only for addresses the
     * container owns, with its own link-layer address or none. */
    for (size_t i = 0; i <= c->n_ipv6; i++) {
        const struct ofg_ipv6_prefix *a = i < c->n_ipv6 ? &c->ipv6[i] : &lla;
        struct in6_addr mask = ipv6_create_mask(a->plen);
        for (size_t j = 0; j < ARRAY_SIZE(llas); j++) {
            ofg_match_icmp6(&match, b->port, 136);
            match_set_icmp_code(&match, 0);
            match_set_nw_ttl(&match, 255);
            match_set_nd_target_masked(&match, &a->addr, &mask);
            match_set_arp_tha(&match, *llas[j]);
            ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_ARP, &match,
                                 &ofpacts);
        }
    }

    /* Priority 50: router solicitations (hop limit 255) and MLD reports
     * and dones (131, 132, 143), which hosts must send to join the
     * solicited-node groups neighbour discovery needs. */
    ofg_match_icmp6(&match, b->port, 133);
    match_set_icmp_code(&match, 0);
    match_set_nw_ttl(&match, 255);
    ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_ARP, &match, &ofpacts);
    for (size_t i = 0; i < ARRAY_SIZE(mld); i++) {
        ofg_match_icmp6(&match, b->port, mld[i]);
        match_set_icmp_code(&match, 0);
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_ARP, &match,
                             &ofpacts);
    }

    /* Priority 25: any other neighbour-discovery message, of any code,
     * fails the checks above and is dropped: solicitations and
     * advertisements with foreign link-layer addresses or targets, or
     * routed ones; MLD queries (130). */
    ofpbuf_clear(&ofpacts);
    static const uint8_t nd[] = { 130, 133, 135, 136 };
    for (size_t i = 0; i < ARRAY_SIZE(nd); i++) {
        ofg_match_icmp6(&match, b->port, nd[i]);
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_PRIMARY, &match,
                             &ofpacts);
    }

    /* Priority 10: other ICMPv6 (echo, errors) is ordinary traffic, only
     * from a bound source address (the unspecified address may send
     * nothing else), to the destination checks. */
    for (size_t i = 0; i <= c->n_ipv6; i++) {
        const struct ofg_ipv6_prefix *a = i < c->n_ipv6 ? &c->ipv6[i] : &lla;
        struct in6_addr mask = ipv6_create_mask(a->plen);
        match_init_catchall(&match);
        match_set_in_port(&match, b->port);
        match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
        match_set_nw_proto(&match, IPPROTO_ICMPV6);
        match_set_ipv6_src_masked(&match, &a->addr, &mask);
        ofpbuf_clear(&ofpacts);
        ofg_put_goto(&ofpacts, OFG_TABLE_DEST);
        ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_ADDRESS, &match,
                             &ofpacts);
    }

    /* Priority 5: the rest. */
    ofpbuf_clear(&ofpacts);
    match_init_catchall(&match);
    match_set_in_port(&match, b->port);
    ofg_flow_builder_add(b, OFG_TABLE_ICMP6, OFG_PRIO_PORT_DROP, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Initializes 'match' to ICMPv6 of 'type' on 'port'. */
static void
ofg_match_icmp6(struct match *match, ofp_port_t port, uint8_t type)
{
    match_init_catchall(match);
    match_set_in_port(match, port);
    match_set_dl_type(match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(match, IPPROTO_ICMPV6);
    match_set_icmp_type(match, type);
}

static void
ofg_flow_builder_add(struct ofg_flow_builder *b, uint8_t table_id,
                     uint16_t priority, const struct match *match,
                     const struct ofpbuf *ofpacts)
{
    if (b->n_flows >= b->allocated_flows) {
        b->flows = x2nrealloc(b->flows, &b->allocated_flows,
                              sizeof *b->flows);
    }
    b->flows[b->n_flows++] = ofg_flow_create_normalized(table_id, priority,
                                                        match, b->cookie,
                                                        ofpacts);
}

/* Initializes 'match' to frames from 'c' on 'port': its MAC as source, no
 * VLAN tag, EtherType 'dl_type'. */
static void
ofg_match_port(struct match *match, const struct ofg_container *c,
               ofp_port_t port, ovs_be16 dl_type)
{
    match_init_catchall(match);
    match_set_in_port(match, port);
    match_set_dl_src(match, c->mac);
    /* vlan_tci=0 matches only frames without an 802.1Q header: a tagged
     * frame could otherwise leak into another VLAN past a trusted port. */
    match_set_dl_tci_masked(match, htons(0), htons(VLAN_VID_MASK | VLAN_CFI));
    match_set_dl_type(match, dl_type);
}

static void
ofg_put_goto(struct ofpbuf *ofpacts, uint8_t table_id)
{
    ofpact_put_GOTO_TABLE(ofpacts)->table_id = table_id;
}

static void
ofg_add_table_flow(struct ofg_flow_table *table, uint8_t table_id,
                   uint16_t priority, const struct match *match,
                   uint64_t cookie, const struct ofpbuf *ofpacts)
{
    struct ofg_flow *flow = ofg_flow_create_normalized(table_id, priority,
                                                       match, cookie,
                                                       ofpacts);
    if (ofg_flow_table_insert(table, flow)) {
        ofg_flow_destroy(flow);
    }
}

/* Creates a flow whose match is the one the switch will report back.
 *
 * A switch decoding an OpenFlow match adds "packet_type=Ethernet" as soon as
 * any field beyond in_port is matched (every such field has a prerequisite).
 * Flows read back from the switch must compare equal to the desired ones,
 * or every reconnection would delete and re-add them all. */
static struct ofg_flow *
ofg_flow_create_normalized(uint8_t table_id, uint16_t priority,
                           const struct match *match, uint64_t cookie,
                           const struct ofpbuf *ofpacts)
{
    struct match m = *match;
    struct match rest = *match;
    rest.wc.masks.in_port.ofp_port = 0;
    rest.flow.in_port.ofp_port = 0;
    if (!flow_wildcards_is_catchall(&rest.wc)) {
        match_set_default_packet_type(&m);
    }
    return ofg_flow_create(table_id, priority, &m, cookie, ofpacts->data,
                           ofpacts->size);
}
