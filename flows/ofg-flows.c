/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-flows.h"
#include "flows/ofg-violation.h"

#include <string.h>
#include "byte-order.h"
#include "config/ofg-config.h"
#include "flows/ofg-flow-table.h"
#include "flow.h"
#include "nx-match.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "openvswitch/shash.h"
#include "simap.h"
#include "util.h"

/* Collects flows that carry one cookie: a container's, a network's or a
 * switch's.  A container's flows are added to a table all or nothing, so
 * that a container whose flows collide with another's can be refused
 * whole. */
struct ofg_flow_builder {
    uint64_t cookie;
    bool sample;                /* Counting flows send samples. */
    struct ofg_flow **flows;
    size_t n_flows, allocated_flows;
};

/* ICMPv6 types that ofguard's rules name. */
enum {
    OFG_ICMP6_MLD_QUERY = 130,
    OFG_ICMP6_MLD_REPORT = 131,
    OFG_ICMP6_MLD_DONE = 132,
    OFG_ICMP6_RS = 133,
    OFG_ICMP6_RA = 134,
    OFG_ICMP6_NS = 135,
    OFG_ICMP6_NA = 136,
    OFG_ICMP6_REDIRECT = 137,
    OFG_ICMP6_MLD2_REPORT = 143,
};

/* MLD reports and dones, which hosts send to join the solicited-node groups
 * that neighbour discovery needs. */
static const uint8_t mld_types[] = {
    OFG_ICMP6_MLD_REPORT, OFG_ICMP6_MLD_DONE, OFG_ICMP6_MLD2_REPORT,
};

static const struct eth_addr eth_zero = ETH_ADDR_C(00,00,00,00,00,00);
static const struct eth_addr eth_group = ETH_ADDR_C(01,00,00,00,00,00);

static void ofg_flows_add_classify(struct ofg_flow_builder *,
                                   const struct ofg_container *,
                                   ofp_port_t);
static void ofg_flows_add_ipv4_binding(struct ofg_flow_builder *,
                                       const struct ofg_container *,
                                       ofp_port_t);
static void ofg_flows_add_ipv6_binding(struct ofg_flow_builder *,
                                       const struct ofg_container *,
                                       ofp_port_t);
static void ofg_flows_add_nd_binding(struct ofg_flow_builder *,
                                     const struct ofg_container *,
                                     ofp_port_t);
static void ofg_flows_add_delivery(struct ofg_flow_builder *,
                                   const struct ofg_container *, ofp_port_t);
static bool ofg_container_has_ipv6(const struct ofg_container *);
static void ofg_container_ipv6_addrs(const struct ofg_container *,
                                     struct ofg_ipv6_prefix *addrs);

static void ofg_flows_add_gateway_rules(struct ofg_flow_builder *,
                                        const struct ofg_network *,
                                        ovs_be16 dl_type);
static void ofg_flows_add_accounting(struct ofg_flow_builder *,
                                     const struct ofg_container *,
                                     ofp_port_t);
static void ofg_flows_add_switch_violation(struct ofg_flow_builder *);
static void ofg_put_sample(const struct ofg_flow_builder *,
                           struct ofpbuf *);
static void ofg_flows_add_switch_source(struct ofg_flow_builder *);
static void ofg_flows_add_switch_guards(struct ofg_flow_builder *);
static void ofg_flows_add_switch_nd(struct ofg_flow_builder *);
static void ofg_flows_add_switch_nd_unspecified(struct ofg_flow_builder *);
static void ofg_flows_add_switch_dest(struct ofg_flow_builder *);
static void ofg_flows_add_switch_deliver(struct ofg_flow_builder *,
                                         const struct ofg_switch *,
                                         const struct simap *);

static void ofg_match_icmp6_any(struct match *);
static void ofg_match_icmp6(struct match *, uint8_t type);
static void ofg_match_dhcp_client(struct match *);
static void ofg_match_nd(struct match *, uint8_t type);
static void ofg_match_xxreg0_prefix(struct match *,
                                    const struct ofg_ipv6_prefix *);
static void ofg_match_unicast_dst(struct match *,
                                  const struct ofg_network *);
static void ofg_flow_builder_check_target(struct ofg_flow_builder *,
                                          uint16_t priority,
                                          const struct match *);

static void ofg_flow_builder_init(struct ofg_flow_builder *, uint64_t cookie);
static void ofg_flow_builder_add(struct ofg_flow_builder *, uint8_t table_id,
                                 uint16_t priority, const struct match *,
                                 const struct ofpbuf *ofpacts);
static void ofg_flow_builder_goto(struct ofg_flow_builder *, uint8_t table_id,
                                  uint16_t priority, const struct match *,
                                  uint8_t next_table);
static void ofg_flow_builder_drop(struct ofg_flow_builder *, uint8_t table_id,
                                  uint16_t priority, const struct match *,
                                  enum ofg_violation);
static void ofg_flow_builder_multicast(struct ofg_flow_builder *,
                                       uint16_t priority,
                                       const struct match *, bool allowed);
static void ofg_put_load_violation(struct ofpbuf *, enum ofg_violation);
static void ofg_match_violation(struct match *, enum ofg_violation);
static bool ofg_flow_builder_finish(struct ofg_flow_builder *,
                                    struct ofg_flow_table *, bool whole);
static struct ofg_flow *ofg_flow_create_normalized(
    uint8_t table_id, uint16_t priority, const struct match *,
    uint64_t cookie, const struct ofpbuf *ofpacts);

uint64_t
ofg_flows_container_cookie(const struct ofg_container *c)
{
    return OFG_COOKIE_TAG | (c->cookie & OFG_COOKIE_ID_MASK);
}

uint64_t
ofg_flows_network_cookie(const struct ofg_network *net)
{
    return OFG_COOKIE_TAG | (net->cookie & OFG_COOKIE_ID_MASK);
}

uint64_t
ofg_flows_switch_cookie(void)
{
    return OFG_COOKIE_TAG;
}

bool
ofg_flows_is_own_table(uint8_t table_id)
{
    switch (table_id) {
    case OFG_TABLE_CLASSIFY:
    case OFG_TABLE_SOURCE:
    case OFG_TABLE_GUARD:
    case OFG_TABLE_ND:
    case OFG_TABLE_ND_TARGET:
    case OFG_TABLE_DEST:
    case OFG_TABLE_DELIVER:
    case OFG_TABLE_VIOLATION:
    case OFG_TABLE_ACCOUNT:
        return true;
    }
    return false;
}

ofp_port_t
ofg_flows_container_port(const struct ofg_container *c,
                         const struct ofg_switch *sw,
                         const struct simap *ports,
                         const struct shash *bindings)
{
    /* A container pinned to a switch goes nowhere else, even to a switch
     * that happens to have a port of the same name. */
    if (c->switch_name && (!sw || strcmp(c->switch_name, sw->name))) {
        return OFPP_NONE;
    }
    const char *name = (!c->n_ids ? c->port
                        : bindings ? shash_find_data(bindings, c->name)
                        : NULL);
    if (!name) {
        return OFPP_NONE;
    }
    const struct simap_node *node = simap_find(ports, name);
    ofp_port_t port = node ? u16_to_ofp(node->data) : OFPP_NONE;
    if (port == OFPP_NONE || ofp_to_u16(port) >= ofp_to_u16(OFPP_MAX)) {
        /* Reserved ports (LOCAL...) are never container ports. */
        return OFPP_NONE;
    }
    return port;
}

bool
ofg_flows_add_container(const struct ofg_container *c, ofp_port_t port,
                        bool sample, struct ofg_flow_table *table)
{
    struct ofg_flow_builder b;
    ofg_flow_builder_init(&b, ofg_flows_container_cookie(c));
    b.sample = sample;

    ofg_flows_add_classify(&b, c, port);
    if (c->n_ipv4) {
        ofg_flows_add_ipv4_binding(&b, c, port);
    }
    if (ofg_container_has_ipv6(c)) {
        ofg_flows_add_ipv6_binding(&b, c, port);
        ofg_flows_add_nd_binding(&b, c, port);
    }
    ofg_flows_add_delivery(&b, c, port);
    ofg_flows_add_accounting(&b, c, port);

    /* All or nothing: one collision means a misconfiguration that validation
     * could not see (two containers on one port), and half a policy for a
     * port would be worse than none. */
    return ofg_flow_builder_finish(&b, table, true);
}

void
ofg_flows_add_network(const struct ofg_network *net,
                      struct ofg_flow_table *table)
{
    struct ofg_flow_builder b;
    ofg_flow_builder_init(&b, ofg_flows_network_cookie(net));
    if (net->has_ipv4) {
        ofg_flows_add_gateway_rules(&b, net, htons(ETH_TYPE_IP));
    }
    if (net->has_ipv6) {
        ofg_flows_add_gateway_rules(&b, net, htons(ETH_TYPE_IPV6));
    }
    ofg_flow_builder_finish(&b, table, false);
}

void
ofg_flows_add_switch(const struct ofg_switch *sw,
                     const struct simap *ports, bool sample,
                     struct ofg_flow_table *table)
{
    struct ofg_flow_builder b;
    ofg_flow_builder_init(&b, ofg_flows_switch_cookie());
    b.sample = sample;

    /* Explicit default drops, although OpenFlow 1.3's table-miss drops too:
     * they make the drops visible, with counters, in "ovs-ofctl
     * dump-flows", and do not depend on the switch's table-miss
     * configuration. */
    static const struct {
        uint8_t table_id;
        enum ofg_violation why;
    } defaults[] = {
        { OFG_TABLE_CLASSIFY, OFG_VIOLATION_UNKNOWN_PORT },
        { OFG_TABLE_SOURCE, OFG_VIOLATION_ENCAP },
        { OFG_TABLE_ND_TARGET, OFG_VIOLATION_ND_SPOOF },
        { OFG_TABLE_DEST, OFG_VIOLATION_LATERAL },
    };
    struct match match;
    match_init_catchall(&match);
    for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
        ofg_flow_builder_drop(&b, defaults[i].table_id, OFG_PRIO_DEFAULT,
                              &match, defaults[i].why);
    }

    ofg_flows_add_switch_source(&b);
    ofg_flows_add_switch_guards(&b);
    ofg_flows_add_switch_nd(&b);
    ofg_flows_add_switch_dest(&b);
    ofg_flows_add_switch_deliver(&b, sw, ports);
    ofg_flows_add_switch_violation(&b);
    ofg_flow_builder_finish(&b, table, false);
}

void
ofg_flows_compile(const struct ofg_config *config, const struct ofg_switch *sw,
                  const struct simap *ports,
                  struct ofg_flow_table *table)
{
    bool *used = xcalloc(config->n_networks + 1, sizeof *used);

    ofg_flows_add_switch(sw, ports, true, table);
    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        ofp_port_t port = ofg_flows_container_port(c, sw, ports, NULL);
        if (port != OFPP_NONE && ofg_flows_add_container(c, port, true, table)) {
            used[c->network - config->networks] = true;
        }
    }
    for (size_t i = 0; i < config->n_networks; i++) {
        if (used[i]) {
            ofg_flows_add_network(&config->networks[i], table);
        }
    }
    free(used);
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

/* Container flows. */

void
ofg_flows_add_quarantine(const struct ofg_container *c, ofp_port_t port,
                         bool sample, struct ofg_flow_table *table)
{
    struct ofg_flow_builder b;
    ofg_flow_builder_init(&b, ofg_flows_container_cookie(c));
    b.sample = sample;
    struct match match;
    match_init_catchall(&match);
    match_set_in_port(&match, port);
    ofg_flow_builder_drop(&b, OFG_TABLE_CLASSIFY, OFG_PRIO_QUARANTINE, &match,
                          OFG_VIOLATION_FORGED_SOURCE);
    ofg_flow_builder_finish(&b, table, false);
}

/* Table 0: the container's frames, with its MAC as source and no VLAN tag,
 * carry its network and options on to the checks (priority 25); anything
 * else from its port (a foreign or group MAC, a tag, a priority tag) is
 * dropped (priority 5).  The drop also keeps a trusted port that is a
 * container's port from passing unchecked, and makes two containers on
 * one port collide. */
static void
ofg_flows_add_classify(struct ofg_flow_builder *b,
                       const struct ofg_container *c, ofp_port_t port)
{
    uint64_t md = (OFG_MD_CONTAINER
                   | (c->network->cookie & OFG_MD_NETWORK_MASK)
                   | (c->allow_dhcp ? OFG_MD_DHCP : 0)
                   | (c->allow_multicast ? OFG_MD_MULTICAST : 0)
                   | (ofg_container_has_ipv6(c) ? OFG_MD_IPV6 : 0));
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct ofpact_metadata *wm = ofpact_put_WRITE_METADATA(&ofpacts);
    wm->metadata = htonll(md);
    wm->mask = OVS_BE64_MAX;
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = OFG_TABLE_SOURCE;

    struct match match;
    match_init_catchall(&match);
    match_set_in_port(&match, port);
    ofg_flow_builder_drop(b, OFG_TABLE_CLASSIFY, OFG_PRIO_PORT, &match,
                          OFG_VIOLATION_FORGED_SOURCE);

    match_set_dl_src(&match, c->mac);
    /* vlan_tci=0/0x1fff matches only frames without an 802.1Q header: a
     * tagged frame could otherwise leak into another VLAN past a trusted
     * port. */
    match_set_dl_tci_masked(&match, htons(0), htons(VLAN_VID_MASK | VLAN_CFI));
    ofg_flow_builder_add(b, OFG_TABLE_CLASSIFY, OFG_PRIO_PRIMARY, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Table 10: IPv4 and ARP source binding, one pair of flows per address or
 * prefix.  ARP needs nothing more (its sender fields are the binding); IP
 * goes on to the guards. */
static void
ofg_flows_add_ipv4_binding(struct ofg_flow_builder *b,
                           const struct ofg_container *c, ofp_port_t port)
{
    for (size_t i = 0; i < c->n_ipv4; i++) {
        const struct ofg_ipv4_prefix *a = &c->ipv4[i];
        ovs_be32 mask = be32_prefix_mask(a->plen);
        struct match match;

        /* Priority 50: requests, replies and gratuitous ARP, for its own
         * addresses with its own MAC. */
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        match_set_dl_type(&match, htons(ETH_TYPE_ARP));
        match_set_arp_sha(&match, c->mac);
        match_set_nw_src_masked(&match, a->addr, mask);
        ofg_flow_builder_goto(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                              OFG_TABLE_DELIVER);

        /* Priority 25 (primary) or 10 (additional). */
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        match_set_dl_type(&match, htons(ETH_TYPE_IP));
        match_set_nw_src_masked(&match, a->addr, mask);
        ofg_flow_builder_goto(b, OFG_TABLE_SOURCE,
                              i == 0 ? OFG_PRIO_PRIMARY : OFG_PRIO_ADDRESS,
                              &match, OFG_TABLE_GUARD);
    }
}

/* Table 10: IPv6 source binding: the container's addresses and prefixes,
 * and the link-local address derived from its MAC. */
static void
ofg_flows_add_ipv6_binding(struct ofg_flow_builder *b,
                           const struct ofg_container *c, ofp_port_t port)
{
    struct ofg_ipv6_prefix *addrs = xmalloc((c->n_ipv6 + 1) * sizeof *addrs);
    ofg_container_ipv6_addrs(c, addrs);
    for (size_t i = 0; i <= c->n_ipv6; i++) {
        struct in6_addr mask = ipv6_create_mask(addrs[i].plen);
        struct match match;
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
        match_set_ipv6_src_masked(&match, &addrs[i].addr, &mask);
        ofg_flow_builder_goto(b, OFG_TABLE_SOURCE,
                              i == 0 ? OFG_PRIO_PRIMARY : OFG_PRIO_ADDRESS,
                              &match, OFG_TABLE_GUARD);
    }
    free(addrs);
}

/* Neighbour discovery binding, with the link-layer option and target
 * checks that need the container's MAC and addresses.  The switch's shared
 * rules (table 30) accept solicitations and advertisements without a
 * link-layer option; these accept the container's own. */
static void
ofg_flows_add_nd_binding(struct ofg_flow_builder *b,
                         const struct ofg_container *c, ofp_port_t port)
{
    struct match match;

    /* Priority 50: solicitations with its own source link-layer option. */
    ofg_match_nd(&match, OFG_ICMP6_NS);
    match_set_in_port(&match, port);
    match_set_arp_sha(&match, c->mac);
    ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_ARP, &match,
                          OFG_TABLE_DELIVER);

    /* Priority 50: advertisements with its own target link-layer option;
     * their target is checked next. */
    ofg_match_nd(&match, OFG_ICMP6_NA);
    match_set_in_port(&match, port);
    match_set_arp_tha(&match, c->mac);
    ofg_flow_builder_check_target(b, OFG_PRIO_ARP, &match);

    /* Priority 50, table 31: an advertisement, or a duplicate address
     * detection probe, only for an address the container owns.  (A probe
     * for a neighbour's address would let it answer the neighbour's own
     * probe and keep it from ever using its address.) */
    struct ofg_ipv6_prefix *addrs = xmalloc((c->n_ipv6 + 1) * sizeof *addrs);
    ofg_container_ipv6_addrs(c, addrs);
    for (size_t i = 0; i <= c->n_ipv6; i++) {
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        ofg_match_xxreg0_prefix(&match, &addrs[i]);
        ofg_flow_builder_goto(b, OFG_TABLE_ND_TARGET, OFG_PRIO_ARP, &match,
                              OFG_TABLE_DELIVER);
    }
    free(addrs);
}

/* Priority 20, table 60: frames for the container's MAC that came in on a
 * trusted port go to its port, whatever the switch has learned.  Unicast
 * from another container never matches: it goes to the trusted ports. */
static void
ofg_flows_add_delivery(struct ofg_flow_builder *b,
                       const struct ofg_container *c, ofp_port_t port)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    ofpact_put_OUTPUT(&ofpacts)->port = port;

    struct match match;
    match_init_catchall(&match);
    match_set_metadata_masked(&match, htonll(0), htonll(OFG_MD_CONTAINER));
    match_set_dl_dst(&match, c->mac);
    ofg_flow_builder_add(b, OFG_TABLE_DELIVER, OFG_PRIO_DELIVER, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* A container has an IPv6 policy when it has IPv6 addresses in a network
 * with an IPv6 subnet; otherwise every IPv6 frame it sends is dropped. */
static bool
ofg_container_has_ipv6(const struct ofg_container *c)
{
    return c->n_ipv6 && c->network->has_ipv6;
}

/* Stores in 'addrs' (room for n_ipv6 + 1) the container's IPv6 addresses
 * and prefixes, then its EUI-64 link-local address. */
static void
ofg_container_ipv6_addrs(const struct ofg_container *c,
                         struct ofg_ipv6_prefix *addrs)
{
    memcpy(addrs, c->ipv6, c->n_ipv6 * sizeof *addrs);
    in6_generate_lla(c->mac, &addrs[c->n_ipv6].addr);
    addrs[c->n_ipv6].plen = 128;
}

/* Network flows. */

/* Table 40, for the containers of 'net' (its cookie in the metadata), in
 * the family 'dl_type': gateway-only egress. */
static void
ofg_flows_add_gateway_rules(struct ofg_flow_builder *b,
                            const struct ofg_network *net, ovs_be16 dl_type)
{
    bool v4 = dl_type == htons(ETH_TYPE_IP);
    struct match base;
    match_init_catchall(&base);
    match_set_metadata_masked(&base, htonll(net->cookie),
                              htonll(OFG_MD_NETWORK_MASK));
    match_set_dl_type(&base, dl_type);

    /* Priority 150: to the gateway, at layer 2 to its MAC if known and in
     * any case to a unicast one (a broadcast would reach every port). */
    struct match match = base;
    if (v4) {
        match_set_nw_dst(&match, net->gateway);
    } else {
        match_set_ipv6_dst(&match, &net->gateway6);
    }
    ofg_match_unicast_dst(&match, net);
    ofg_flow_builder_goto(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &match,
                          OFG_TABLE_DELIVER);

    /* Priority 100: no direct talk to neighbours in the subnet. */
    match = base;
    if (v4) {
        match_set_nw_dst_masked(&match, net->subnet.addr,
                                be32_prefix_mask(net->subnet.plen));
    } else {
        struct in6_addr mask = ipv6_create_mask(net->subnet6.plen);
        match_set_ipv6_dst_masked(&match, &net->subnet6.addr, &mask);
    }
    ofg_flow_builder_drop(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                          OFG_VIOLATION_LATERAL);

    /* Priority 10: what passed the checks above is routed: to the gateway
     * too. */
    match = base;
    ofg_match_unicast_dst(&match, net);
    ofg_flow_builder_goto(b, OFG_TABLE_DEST, OFG_PRIO_ADDRESS, &match,
                          OFG_TABLE_DELIVER);
}

/* Switch flows. */

/* Table 10, priority 50: the two sources a container may use before it owns
 * an address, if its options allow: 0.0.0.0 for a DHCP client's DISCOVER
 * and REQUEST (broadcast, RFC 2131 4.1), and :: for ICMPv6 (duplicate
 * address detection, router solicitations, MLD; table 30 allows only
 * those). */
static void
ofg_flows_add_switch_source(struct ofg_flow_builder *b)
{
    struct match match;
    ofg_match_dhcp_client(&match);
    match_set_nw_src(&match, htonl(0));
    ofg_flow_builder_goto(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                          OFG_TABLE_GUARD);

    ofg_match_icmp6_any(&match);
    match_set_metadata_masked(&match, htonll(OFG_MD_IPV6),
                              htonll(OFG_MD_IPV6));
    match_set_ipv6_src(&match, &in6addr_any);
    ofg_flow_builder_goto(b, OFG_TABLE_SOURCE, OFG_PRIO_ARP, &match,
                          OFG_TABLE_GUARD);

    /* Priority 1: what the container's own flows did not pass, by what it
     * claimed to be; the table's default takes the other EtherTypes. */
    match_init_catchall(&match);
    match_set_dl_type(&match, htons(ETH_TYPE_ARP));
    ofg_flow_builder_drop(b, OFG_TABLE_SOURCE, OFG_PRIO_TRUSTED, &match,
                          OFG_VIOLATION_ARP_SPOOF);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    ofg_flow_builder_drop(b, OFG_TABLE_SOURCE, OFG_PRIO_TRUSTED, &match,
                          OFG_VIOLATION_FORGED_SOURCE);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    ofg_flow_builder_drop(b, OFG_TABLE_SOURCE, OFG_PRIO_TRUSTED, &match,
                          OFG_VIOLATION_FORGED_SOURCE);
}

/* Table 70: one counting flow per class of violation 'c' can commit from
 * 'port'.  Without IPv6 a container's IPv6 frames are all forged sources,
 * so neither neighbour discovery nor router classes apply. */
static void
ofg_flows_add_accounting(struct ofg_flow_builder *b,
                         const struct ofg_container *c, ofp_port_t port)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    ofg_put_sample(b, &ofpacts);
    bool ipv6 = ofg_container_has_ipv6(c);
    for (int v = 0; v < OFG_N_VIOLATIONS; v++) {
        if (!ofg_violation_is_container(v)
            || (!ipv6 && (v == OFG_VIOLATION_ND_SPOOF
                          || v == OFG_VIOLATION_ROGUE_RA))) {
            continue;
        }
        struct match match;
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        ofg_match_violation(&match, v);
        ofg_flow_builder_add(b, OFG_TABLE_ACCOUNT, OFG_PRIO_ADDRESS, &match,
                             &ofpacts);
    }
    ofpbuf_uninit(&ofpacts);
}

/* Tables 65 and 70, shared: a frame dropped by a container's port rule
 * because it carried a VLAN tag is an encapsulation, not a forgery; frames
 * from unknown ports are counted (and sampled) for the switch as a whole;
 * whatever else reaches table 70 is dropped uncounted. */
static void
ofg_flows_add_switch_violation(struct ofg_flow_builder *b)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct match match;

    match_init_catchall(&match);
    ofg_match_violation(&match, OFG_VIOLATION_FORGED_SOURCE);
    match_set_dl_tci_masked(&match, htons(VLAN_CFI), htons(VLAN_CFI));
    ofg_put_load_violation(&ofpacts, OFG_VIOLATION_ENCAP);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = OFG_TABLE_ACCOUNT;
    ofg_flow_builder_add(b, OFG_TABLE_VIOLATION, OFG_PRIO_ADDRESS, &match,
                         &ofpacts);
    match_init_catchall(&match);
    ofg_flow_builder_goto(b, OFG_TABLE_VIOLATION, OFG_PRIO_DEFAULT, &match,
                          OFG_TABLE_ACCOUNT);

    ofpbuf_clear(&ofpacts);
    ofg_put_sample(b, &ofpacts);
    ofg_match_violation(&match, OFG_VIOLATION_UNKNOWN_PORT);
    ofg_flow_builder_add(b, OFG_TABLE_ACCOUNT, OFG_PRIO_PORT, &match,
                         &ofpacts);
    ofpbuf_clear(&ofpacts);
    match_init_catchall(&match);
    ofg_flow_builder_add(b, OFG_TABLE_ACCOUNT, OFG_PRIO_DEFAULT, &match,
                         &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Table 20: what no container may send, whatever its addresses.  These
 * rules see every IP frame from a container after source binding, first
 * fragments included: ofguard asks the switch to match fragments' L4
 * headers ("nx-match" fragment handling). */
static void
ofg_flows_add_switch_guards(struct ofg_flow_builder *b)
{
    struct match match;

    /* Priority 100: DHCP and DHCPv6 are the gateway side's business.
     * Nothing from a container goes to the clients' ports (68, 546), from
     * whatever source port, nor comes from the servers' (67, 547). */
    static const struct {
        uint16_t dl_type;
        uint16_t client, server;
    } dhcp[] = {
        { ETH_TYPE_IP, 68, 67 },
        { ETH_TYPE_IPV6, 546, 547 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(dhcp); i++) {
        match_init_catchall(&match);
        match_set_dl_type(&match, htons(dhcp[i].dl_type));
        match_set_nw_proto(&match, IPPROTO_UDP);
        match_set_tp_dst(&match, htons(dhcp[i].client));
        ofg_flow_builder_drop(b, OFG_TABLE_GUARD, OFG_PRIO_GUARD, &match,
                              OFG_VIOLATION_ROGUE_DHCP);

        match_init_catchall(&match);
        match_set_dl_type(&match, htons(dhcp[i].dl_type));
        match_set_nw_proto(&match, IPPROTO_UDP);
        match_set_tp_src(&match, htons(dhcp[i].server));
        ofg_flow_builder_drop(b, OFG_TABLE_GUARD, OFG_PRIO_GUARD, &match,
                              OFG_VIOLATION_ROGUE_DHCP);

        /* A first fragment (or a whole datagram) whose UDP header the
         * switch could not read shows destination port 0: its real ports
         * would arrive in a later fragment, past the two rules above.
         * Port 0 is never a valid destination anyway.  (Later fragments
         * carry no header, so they pass; without their first fragment
         * they are never reassembled.) */
        static const uint8_t not_later[] = { 0, FLOW_NW_FRAG_ANY };
        for (size_t k = 0; k < ARRAY_SIZE(not_later); k++) {
            /* One flow for whole datagrams, one for first fragments: OVS
             * does not report a partial fragment mask ("not_later") back
             * as it was sent. */
            match_init_catchall(&match);
            match_set_dl_type(&match, htons(dhcp[i].dl_type));
            match_set_nw_proto(&match, IPPROTO_UDP);
            match_set_nw_frag_masked(&match, not_later[k], FLOW_NW_FRAG_MASK);
            match_set_tp_dst(&match, htons(0));
            ofg_flow_builder_drop(b, OFG_TABLE_GUARD, OFG_PRIO_GUARD, &match,
                                  OFG_VIOLATION_ENCAP);
        }
    }

    /* Priority 100: router advertisements and redirects, in any fragment
     * and from any source: they would reroute or renumber the neighbours.
     * ICMPv6 type 0, which does not exist, is what the switch reports
     * when the ICMPv6 header is cut off in a first fragment. */
    static const uint8_t types[] = { OFG_ICMP6_RA, OFG_ICMP6_REDIRECT, 0 };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        ofg_match_icmp6(&match, types[i]);
        ofg_flow_builder_drop(b, OFG_TABLE_GUARD, OFG_PRIO_GUARD, &match,
                              (types[i] ? OFG_VIOLATION_ROGUE_RA
                               : OFG_VIOLATION_ENCAP));
    }

    /* Priority 100: IPv6 whose extension header chain the switch could not
     * follow to its end (say, a first fragment whose Destination Options
     * push the upper-layer header into the next fragment, RFC 7113): the
     * switch reports it with protocol 0, and no rule could tell what it
     * carries. */
    match_init_catchall(&match);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(&match, 0);
    ofg_flow_builder_drop(b, OFG_TABLE_GUARD, OFG_PRIO_GUARD, &match,
                          OFG_VIOLATION_ENCAP);

    /* Priority 50: ICMPv6 to the neighbour discovery checks; priority 0:
     * the rest to the destination checks. */
    ofg_match_icmp6_any(&match);
    ofg_flow_builder_goto(b, OFG_TABLE_GUARD, OFG_PRIO_ARP, &match,
                          OFG_TABLE_ND);
    match_init_catchall(&match);
    ofg_flow_builder_goto(b, OFG_TABLE_GUARD, OFG_PRIO_DEFAULT, &match,
                          OFG_TABLE_DEST);
}

/* Table 30: ICMPv6 from a container.  Neighbour discovery must be whole
 * (never fragmented, RFC 6980), unrouted (hop limit 255, RFC 4861) and
 * carry no link-layer option or the container's own (its per-container
 * flows accept its own). */
static void
ofg_flows_add_switch_nd(struct ofg_flow_builder *b)
{
    struct match match;

    ofg_flows_add_switch_nd_unspecified(b);

    /* Priority 100: OVS reports a malformed solicitation or advertisement
     * (one with two link-layer options, say) with target and options all
     * zero, which the rules below would take for "no option".  Hosts may
     * still use the first option, so such a message could bind a foreign
     * MAC; no valid one targets the unspecified address. */
    for (uint8_t type = OFG_ICMP6_NS; type <= OFG_ICMP6_NA; type++) {
        ofg_match_icmp6(&match, type);
        match_set_nd_target(&match, &in6addr_any);
        ofg_flow_builder_drop(b, OFG_TABLE_ND, OFG_PRIO_GUARD, &match,
                              OFG_VIOLATION_ND_SPOOF);
    }

    /* Priority 50: solicitations without a source link-layer option, and
     * router solicitations. */
    ofg_match_nd(&match, OFG_ICMP6_NS);
    match_set_arp_sha(&match, eth_zero);
    ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_ARP, &match,
                          OFG_TABLE_DELIVER);
    ofg_match_nd(&match, OFG_ICMP6_RS);
    ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_ARP, &match,
                          OFG_TABLE_DELIVER);

    /* Priority 50: advertisements without a target link-layer option, to
     * the target check (table 31). */
    ofg_match_nd(&match, OFG_ICMP6_NA);
    match_set_arp_tha(&match, eth_zero);
    ofg_flow_builder_check_target(b, OFG_PRIO_ARP, &match);

    /* Priority 50: MLD reports and dones. */
    for (size_t i = 0; i < ARRAY_SIZE(mld_types); i++) {
        ofg_match_icmp6(&match, mld_types[i]);
        match_set_icmp_code(&match, 0);
        ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_ARP, &match,
                              OFG_TABLE_DELIVER);
    }

    /* Priority 25: any other neighbour discovery message, of any code,
     * failed the checks above: foreign link-layer addresses, routed or
     * fragmented messages; and MLD queries, which only routers send. */
    static const uint8_t nd[] = {
        OFG_ICMP6_MLD_QUERY, OFG_ICMP6_RS, OFG_ICMP6_NS, OFG_ICMP6_NA,
    };
    for (size_t i = 0; i < ARRAY_SIZE(nd); i++) {
        ofg_match_icmp6(&match, nd[i]);
        ofg_flow_builder_drop(b, OFG_TABLE_ND, OFG_PRIO_PRIMARY, &match,
                              (nd[i] == OFG_ICMP6_MLD_QUERY
                               ? OFG_VIOLATION_ROGUE_RA
                               : OFG_VIOLATION_ND_SPOOF));
    }

    /* Priority 10: other ICMPv6 (echo, errors) is ordinary traffic. */
    ofg_match_icmp6_any(&match);
    ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_ADDRESS, &match,
                          OFG_TABLE_DEST);
}

/* Table 30: from the unspecified address, a container may only probe its
 * own addresses (duplicate address detection: a solicitation without
 * link-layer option, whose target table 31 checks), solicit routers and
 * send MLD reports (RFC 4861 6.3.7, RFC 3810 5.2.13). */
static void
ofg_flows_add_switch_nd_unspecified(struct ofg_flow_builder *b)
{
    struct match match;

    ofg_match_nd(&match, OFG_ICMP6_NS);
    match_set_ipv6_src(&match, &in6addr_any);
    match_set_arp_sha(&match, eth_zero);
    ofg_flow_builder_check_target(b, OFG_PRIO_GATEWAY, &match);

    ofg_match_nd(&match, OFG_ICMP6_RS);
    match_set_ipv6_src(&match, &in6addr_any);
    ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_GATEWAY, &match,
                          OFG_TABLE_DELIVER);
    for (size_t i = 0; i < ARRAY_SIZE(mld_types); i++) {
        ofg_match_icmp6(&match, mld_types[i]);
        match_set_icmp_code(&match, 0);
        match_set_ipv6_src(&match, &in6addr_any);
        ofg_flow_builder_goto(b, OFG_TABLE_ND, OFG_PRIO_GATEWAY, &match,
                              OFG_TABLE_DELIVER);
    }

    ofg_match_icmp6_any(&match);
    match_set_ipv6_src(&match, &in6addr_any);
    ofg_flow_builder_drop(b, OFG_TABLE_ND, OFG_PRIO_GUARD, &match,
                          OFG_VIOLATION_ND_SPOOF);
}

/* Table 40: destination rules every container shares.  Broadcast and
 * multicast only where the container's options allow it; an IP frame to a
 * group MAC counts as broadcast whatever its IP destination (the network
 * rules accept only unicast MACs). */
static void
ofg_flows_add_switch_dest(struct ofg_flow_builder *b)
{
    static const struct in6_addr dhcp6_servers = { { {
        0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02
    } } };
    static const struct ofg_ipv6_prefix mc6 = {
        .addr = { { { 0xff } } }, .plen = 8
    };
    static const struct ofg_ipv6_prefix ll6 = {
        .addr = { { { 0xfe, 0x80 } } }, .plen = 10
    };
    struct in6_addr mask;
    struct match match;

    /* Priority 150: DHCP clients (DISCOVER, REQUEST, REBINDING) broadcast
     * to the servers, and DHCPv6 clients send to ff02::1:2. */
    ofg_match_dhcp_client(&match);
    ofg_flow_builder_goto(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &match,
                          OFG_TABLE_DELIVER);
    match_init_catchall(&match);
    match_set_metadata_masked(&match, htonll(OFG_MD_DHCP),
                              htonll(OFG_MD_DHCP));
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(&match, IPPROTO_UDP);
    match_set_ipv6_dst(&match, &dhcp6_servers);
    match_set_tp_src(&match, htons(546));
    match_set_tp_dst(&match, htons(547));
    ofg_flow_builder_goto(b, OFG_TABLE_DEST, OFG_PRIO_GATEWAY, &match,
                          OFG_TABLE_DELIVER);

    /* Priority 150 with "allow_multicast", 100 otherwise: IPv4 broadcast
     * and multicast, IPv6 multicast. */
    for (int allowed = 1; allowed >= 0; allowed--) {
        uint16_t prio = allowed ? OFG_PRIO_GATEWAY : OFG_PRIO_GUARD;
        match_init_catchall(&match);
        if (allowed) {
            match_set_metadata_masked(&match, htonll(OFG_MD_MULTICAST),
                                      htonll(OFG_MD_MULTICAST));
        }
        match_set_dl_type(&match, htons(ETH_TYPE_IP));
        match_set_nw_dst(&match, htonl(0xffffffff));
        ofg_flow_builder_multicast(b, prio, &match, allowed);
        match_set_nw_dst_masked(&match, htonl(0xe0000000),
                                htonl(0xf0000000));
        ofg_flow_builder_multicast(b, prio, &match, allowed);
        match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
        mask = ipv6_create_mask(mc6.plen);
        match_set_ipv6_dst_masked(&match, &mc6.addr, &mask);
        ofg_flow_builder_multicast(b, prio, &match, allowed);
    }

    /* Priority 100: link-local unicast reaches only neighbours; and any
     * other IP to a group MAC (a directed broadcast, or unicast IP in a
     * broadcast frame) would be flooded to every port. */
    match_init_catchall(&match);
    match_set_dl_type(&match, htons(ETH_TYPE_IPV6));
    mask = ipv6_create_mask(ll6.plen);
    match_set_ipv6_dst_masked(&match, &ll6.addr, &mask);
    ofg_flow_builder_drop(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                          OFG_VIOLATION_LATERAL);
    match_init_catchall(&match);
    match_set_dl_dst_masked(&match, eth_group, eth_group);
    ofg_flow_builder_drop(b, OFG_TABLE_DEST, OFG_PRIO_GUARD, &match,
                          OFG_VIOLATION_BROADCAST);
}

/* Table 60: trusted ports' frames, and containers' frames that passed the
 * checks.  Containers' own delivery flows (priority 20) take unicast from
 * trusted ports to them. */
static void
ofg_flows_add_switch_deliver(struct ofg_flow_builder *b,
                             const struct ofg_switch *sw,
                             const struct simap *ports)
{
    uint64_t stub[128 / 8], stub2[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct ofpbuf trusted_out = OFPBUF_STUB_INITIALIZER(stub2);
    struct match match;

    /* Priority 1: broadcast and multicast that passed the checks are
     * flooded. */
    match_init_catchall(&match);
    match_set_dl_dst_masked(&match, eth_group, eth_group);
    ofpact_put_OUTPUT(&ofpacts)->port = OFPP_NORMAL;
    ofg_flow_builder_add(b, OFG_TABLE_DELIVER, OFG_PRIO_TRUSTED, &match,
                         &ofpacts);

    /* Table 0, priority 1: trusted ports skip the checks.  Their priority
     * is below every container flow, so a port that is both trusted and a
     * container's port gets the container's checks. */
    static const char *default_trusted[] = { "LOCAL" };
    const char *const *names = default_trusted;
    size_t n_names = ARRAY_SIZE(default_trusted);
    if (sw) {
        names = (const char *const *) sw->trusted_ports;
        n_names = sw->n_trusted_ports;
    }
    for (size_t i = 0; i < n_names; i++) {
        const struct simap_node *node = simap_find(ports, names[i]);
        ofp_port_t port = (!strcmp(names[i], "LOCAL") ? OFPP_LOCAL
                           : node ? u16_to_ofp(node->data) : OFPP_NONE);
        if (port == OFPP_NONE) {
            continue;
        }
        match_init_catchall(&match);
        match_set_in_port(&match, port);
        ofg_flow_builder_goto(b, OFG_TABLE_CLASSIFY, OFG_PRIO_TRUSTED, &match,
                              OFG_TABLE_DELIVER);
        ofpact_put_OUTPUT(&trusted_out)->port = port;
    }

    /* Priority 0: any other unicast goes to the trusted ports only: from a
     * container whatever its destination MAC, and from a trusted port to a
     * MAC that is no container's.  NORMAL would flood it until it learned
     * where the MAC is, and the gateway's MAC it may never learn.  (Output
     * to the input port is dropped, so a trusted port never gets its own
     * frames back.) */
    match_init_catchall(&match);
    ofg_flow_builder_add(b, OFG_TABLE_DELIVER, OFG_PRIO_DEFAULT, &match,
                         &trusted_out);
    ofpbuf_uninit(&trusted_out);
    ofpbuf_uninit(&ofpacts);
}

/* Matches. */

/* Initializes 'match' to ICMPv6 of any type. */
static void
ofg_match_icmp6_any(struct match *match)
{
    match_init_catchall(match);
    match_set_dl_type(match, htons(ETH_TYPE_IPV6));
    match_set_nw_proto(match, IPPROTO_ICMPV6);
}

/* Initializes 'match' to ICMPv6 of 'type'. */
static void
ofg_match_icmp6(struct match *match, uint8_t type)
{
    ofg_match_icmp6_any(match);
    match_set_icmp_type(match, type);
}

/* Initializes 'match' to what a DHCP client with "allow_dhcp" broadcasts to
 * the servers: UDP 68 -> 67 to 255.255.255.255. */
static void
ofg_match_dhcp_client(struct match *match)
{
    match_init_catchall(match);
    match_set_metadata_masked(match, htonll(OFG_MD_DHCP), htonll(OFG_MD_DHCP));
    match_set_dl_type(match, htons(ETH_TYPE_IP));
    match_set_nw_proto(match, IPPROTO_UDP);
    match_set_nw_dst(match, htonl(0xffffffff));
    match_set_tp_src(match, htons(68));
    match_set_tp_dst(match, htons(67));
}

/* Initializes 'match' to a neighbour discovery message of 'type' that is
 * well formed as RFC 4861 and RFC 6980 require: code 0, hop limit 255, not
 * fragmented. */
static void
ofg_match_nd(struct match *match, uint8_t type)
{
    ofg_match_icmp6(match, type);
    match_set_icmp_code(match, 0);
    match_set_nw_ttl(match, 255);
    match_set_nw_frag_masked(match, 0, FLOW_NW_FRAG_MASK);
}

/* Matches xxreg0, where the ND target was moved, against 'p'. */
static void
ofg_match_xxreg0_prefix(struct match *match, const struct ofg_ipv6_prefix *p)
{
    struct in6_addr mask6 = ipv6_create_mask(p->plen);
    ovs_be128 value, mask;
    memcpy(&value, &p->addr, sizeof value);
    memcpy(&mask, &mask6, sizeof mask);
    match_set_xxreg_masked(match, 0, ntoh128(value), ntoh128(mask));
}

/* Restricts 'match' to frames for the gateway MAC of 'net', if it has one,
 * or to unicast MACs otherwise. */
static void
ofg_match_unicast_dst(struct match *match, const struct ofg_network *net)
{
    if (net->has_gateway_mac) {
        match_set_dl_dst(match, net->gateway_mac);
    } else {
        match_set_dl_dst_masked(match, eth_zero, eth_group);
    }
}

/* Adds a table 30 flow for 'match' that copies the ND target into xxreg0
 * and goes to table 31, so that one flow per address there checks the
 * target of both advertisements and duplicate address detection probes. */
static void
ofg_flow_builder_check_target(struct ofg_flow_builder *b, uint16_t priority,
                              const struct match *match)
{
    uint64_t stub[128 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct ofpact_reg_move *move = ofpact_put_REG_MOVE(&ofpacts);
    move->src.field = mf_from_id(MFF_ND_TARGET);
    move->src.ofs = 0;
    move->src.n_bits = 128;
    move->dst.field = mf_from_id(MFF_XXREG0);
    move->dst.ofs = 0;
    move->dst.n_bits = 128;
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = OFG_TABLE_ND_TARGET;
    ofg_flow_builder_add(b, OFG_TABLE_ND, priority, match, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Builders. */

static void
ofg_flow_builder_init(struct ofg_flow_builder *b, uint64_t cookie)
{
    memset(b, 0, sizeof *b);
    b->cookie = cookie;
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

/* Adds a flow whose only action is to go to 'next_table'. */
static void
ofg_flow_builder_goto(struct ofg_flow_builder *b, uint8_t table_id,
                      uint16_t priority, const struct match *match,
                      uint8_t next_table)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = next_table;
    ofg_flow_builder_add(b, table_id, priority, match, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Adds a flow that drops, by way of the violation tables: it notes 'why' in
 * the metadata, where the accounting flows find it. */
static void
ofg_flow_builder_drop(struct ofg_flow_builder *b, uint8_t table_id,
                      uint16_t priority, const struct match *match,
                      enum ofg_violation why)
{
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    ofg_put_load_violation(&ofpacts, why);
    ofpact_put_GOTO_TABLE(&ofpacts)->table_id = OFG_TABLE_VIOLATION;
    ofg_flow_builder_add(b, table_id, priority, match, &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

/* Broadcast and multicast: to delivery if 'allowed', else dropped. */
static void
ofg_flow_builder_multicast(struct ofg_flow_builder *b, uint16_t priority,
                           const struct match *match, bool allowed)
{
    if (allowed) {
        ofg_flow_builder_goto(b, OFG_TABLE_DEST, priority, match,
                              OFG_TABLE_DELIVER);
    } else {
        ofg_flow_builder_drop(b, OFG_TABLE_DEST, priority, match,
                              OFG_VIOLATION_BROADCAST);
    }
}

static void
ofg_put_load_violation(struct ofpbuf *ofpacts, enum ofg_violation why)
{
    struct ofpact_metadata *wm = ofpact_put_WRITE_METADATA(ofpacts);
    wm->metadata = htonll((uint64_t) why << OFG_MD_VIOLATION_SHIFT);
    wm->mask = htonll(OFG_MD_VIOLATION_MASK);
}

static void
ofg_match_violation(struct match *match, enum ofg_violation why)
{
    match_set_metadata_masked(match,
                              htonll((uint64_t) why << OFG_MD_VIOLATION_SHIFT),
                              htonll(OFG_MD_VIOLATION_MASK));
}

/* A copy of the frame to ofguard, rate-limited by the sampling meter, if
 * the builder's flows send samples. */
static void
ofg_put_sample(const struct ofg_flow_builder *b, struct ofpbuf *ofpacts)
{
    if (!b->sample) {
        return;
    }
    struct ofpact_controller *oc = ofpact_put_CONTROLLER(ofpacts);
    oc->max_len = OFG_SAMPLE_MAX_LEN;
    oc->controller_id = 0;
    oc->reason = OFPR_ACTION;
    oc->meter_id = OFG_SAMPLE_METER_ID;
    ofpact_finish_CONTROLLER(ofpacts, &oc);
}

/* Moves the builder's flows into 'table' and frees the builder.  With
 * 'whole', adds nothing and returns false if any flow's key is already in
 * 'table'; otherwise skips such flows and returns true. */
static bool
ofg_flow_builder_finish(struct ofg_flow_builder *b,
                        struct ofg_flow_table *table, bool whole)
{
    bool ok = true;
    for (size_t i = 0; whole && ok && i < b->n_flows; i++) {
        if (ofg_flow_table_find(table, b->flows[i])) {
            ok = false;
        }
    }
    for (size_t i = 0; i < b->n_flows; i++) {
        if (!ok || ofg_flow_table_insert(table, b->flows[i])) {
            ofg_flow_destroy(b->flows[i]);
        }
    }
    free(b->flows);
    return ok;
}

/* Creates a flow whose match and actions are the ones the switch will report
 * back.
 *
 * A switch decoding an OpenFlow match adds "packet_type=Ethernet" as soon as
 * a field with a prerequisite is matched, and decoded actions remember the
 * encoding they came in (the 'raw' member that ofpacts_equal() compares).
 * Flows read back from the switch must compare equal to the desired ones, or
 * every reconnection would delete and re-add them all, so the match and the
 * actions make the same round trip through OpenFlow 1.3's encoding here. */
static struct ofg_flow *
ofg_flow_create_normalized(uint8_t table_id, uint16_t priority,
                           const struct match *match, uint64_t cookie,
                           const struct ofpbuf *ofpacts)
{
    uint64_t stub[512 / 8], acts_stub[512 / 8];
    struct ofpbuf buf = OFPBUF_STUB_INITIALIZER(stub);
    struct ofpbuf acts = OFPBUF_STUB_INITIALIZER(acts_stub);
    struct match m;

    oxm_put_match(&buf, match, OFP13_VERSION);
    enum ofperr error = oxm_pull_match(&buf, false, NULL, NULL, &m);
    ovs_assert(!error);

    ofpbuf_clear(&buf);
    ofpacts_put_openflow_instructions(ofpacts->data, ofpacts->size, &buf,
                                      OFP13_VERSION);
    error = ofpacts_pull_openflow_instructions(&buf, buf.size, OFP13_VERSION,
                                               NULL, NULL, &acts);
    ovs_assert(!error);

    struct ofg_flow *flow = ofg_flow_create(table_id, priority, &m, cookie,
                                            acts.data, acts.size);
    ofpbuf_uninit(&buf);
    ofpbuf_uninit(&acts);
    return flow;
}
