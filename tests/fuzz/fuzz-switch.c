/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "tests/fuzz/fuzz-switch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-config.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-connection.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "byte-order.h"
#include "flow.h"
#include "simap.h"
#include "util.h"

const char *const fuzz_switch_ports[] = {
    "eth0", "p1", "p2", "p3", "p4", "LOCAL",
};
const unsigned int fuzz_switch_n_ports = ARRAY_SIZE(fuzz_switch_ports);

/* Both networks on the switch, dual-stack and IPv4-only containers, every
 * option, a container on any switch (db1) and one whose port the switch
 * does not have (vm9, until a port status adds "p9"). */
static const char config_text[] =
    "{\n"
    "  \"networks\": {\n"
    "    \"web\": {\n"
    "      \"subnet\": \"10.10.20.0/24\", \"gateway\": \"10.10.20.1\",\n"
    "      \"gateway_mac\": \"02:00:0a:0a:14:01\",\n"
    "      \"subnet6\": \"fd00:20::/64\", \"gateway6\": \"fd00:20::1\"\n"
    "    },\n"
    "    \"db\": {\n"
    "      \"subnet\": \"10.10.30.0/24\", \"gateway\": \"10.10.30.1\"\n"
    "    }\n"
    "  },\n"
    "  \"switches\": {\n"
    "    \"host1\": {\n"
    "      \"datapath_id\": \"00000000000000b0\",\n"
    "      \"trusted_ports\": [\"eth0\", \"LOCAL\"]\n"
    "    }\n"
    "  },\n"
    "  \"containers\": {\n"
    "    \"vm1\": {\n"
    "      \"switch\": \"host1\", \"port\": \"p1\", \"network\": \"web\",\n"
    "      \"mac\": \"00:16:3e:28:73:b3\",\n"
    "      \"ipv4\": [\"10.10.20.10\", \"192.0.2.0/28\"],\n"
    "      \"ipv6\": [\"fd00:20::10\"], \"allow_dhcp\": true,\n"
    "      \"cookie\": \"0x5a01\"\n"
    "    },\n"
    "    \"vm2\": {\n"
    "      \"switch\": \"host1\", \"port\": \"p2\", \"network\": \"web\",\n"
    "      \"mac\": \"00:16:3e:28:73:b4\", \"ipv4\": [\"10.10.20.20\"],\n"
    "      \"allow_multicast\": true\n"
    "    },\n"
    "    \"db1\": {\n"
    "      \"port\": \"p3\", \"network\": \"db\",\n"
    "      \"mac\": \"00:16:3e:28:73:c1\",\n"
    "      \"ipv4\": [\"10.10.30.10\"]\n"
    "    },\n"
    "    \"vm9\": {\n"
    "      \"switch\": \"host1\", \"port\": \"p9\", \"network\": \"db\",\n"
    "      \"mac\": \"00:16:3e:28:73:c9\", \"ipv4\": [\"10.10.30.90\"]\n"
    "    }\n"
    "  }\n"
    "}\n";

/* vm1 gains an address, vm2 moves to p4, db1 goes, vm5 comes on p3. */
static const char reload_text[] =
    "{\n"
    "  \"networks\": {\n"
    "    \"web\": {\n"
    "      \"subnet\": \"10.10.20.0/24\", \"gateway\": \"10.10.20.1\",\n"
    "      \"gateway_mac\": \"02:00:0a:0a:14:01\",\n"
    "      \"subnet6\": \"fd00:20::/64\", \"gateway6\": \"fd00:20::1\"\n"
    "    },\n"
    "    \"db\": {\n"
    "      \"subnet\": \"10.10.30.0/24\", \"gateway\": \"10.10.30.1\"\n"
    "    }\n"
    "  },\n"
    "  \"switches\": {\n"
    "    \"host1\": {\n"
    "      \"datapath_id\": \"00000000000000b0\",\n"
    "      \"trusted_ports\": [\"eth0\", \"LOCAL\"]\n"
    "    }\n"
    "  },\n"
    "  \"containers\": {\n"
    "    \"vm1\": {\n"
    "      \"switch\": \"host1\", \"port\": \"p1\", \"network\": \"web\",\n"
    "      \"mac\": \"00:16:3e:28:73:b3\",\n"
    "      \"ipv4\": [\"10.10.20.10\", \"10.10.20.11\", \"192.0.2.0/28\"],\n"
    "      \"ipv6\": [\"fd00:20::10\"], \"allow_dhcp\": true,\n"
    "      \"cookie\": \"0x5a01\"\n"
    "    },\n"
    "    \"vm2\": {\n"
    "      \"switch\": \"host1\", \"port\": \"p4\", \"network\": \"web\",\n"
    "      \"mac\": \"00:16:3e:28:73:b4\", \"ipv4\": [\"10.10.20.20\"],\n"
    "      \"allow_multicast\": true\n"
    "    },\n"
    "    \"vm5\": {\n"
    "      \"port\": \"p3\", \"network\": \"web\",\n"
    "      \"mac\": \"00:16:3e:28:73:b5\",\n"
    "      \"ipv4\": [\"10.10.20.50\"], \"ipv6\": [\"fd00:20::50\"]\n"
    "    },\n"
    "    \"vm9\": {\n"
    "      \"switch\": \"host1\", \"port\": \"p9\", \"network\": \"db\",\n"
    "      \"mac\": \"00:16:3e:28:73:c9\", \"ipv4\": [\"10.10.30.90\"]\n"
    "    }\n"
    "  }\n"
    "}\n";

static struct ofg_config *
parse_or_abort(const char *name, const char *text)
{
    struct ofg_config *config;
    char *error = ofg_config_parse(name, text, &config);
    if (error) {
        fprintf(stderr, "%s", error);
        abort();
    }
    return config;
}

struct ofg_config *
fuzz_switch_config(void)
{
    return parse_or_abort("fuzz-switch.json", config_text);
}

struct ofg_config *
fuzz_switch_config_reload(void)
{
    return parse_or_abort("fuzz-switch-reload.json", reload_text);
}

static ofp_port_t
port_number(unsigned int i)
{
    return (!strcmp(fuzz_switch_ports[i], "LOCAL") ? OFPP_LOCAL
            : u16_to_ofp(i + 1));
}

static void
put_features_reply(const struct ofp_header *request, struct ovs_list *replies)
{
    struct ofputil_switch_features features = {
        .datapath_id = FUZZ_SWITCH_DPID,
        .n_buffers = 0,
        .n_tables = 254,
        .capabilities = OFPUTIL_C_FLOW_STATS | OFPUTIL_C_TABLE_STATS
                        | OFPUTIL_C_PORT_STATS | OFPUTIL_C_GROUP_STATS,
    };
    struct ofpbuf *reply = ofputil_encode_switch_features(
        &features, OFPUTIL_P_OF13_OXM, request->xid);
    ovs_list_push_back(replies, &reply->list_node);
}

static void
put_config_reply(const struct ofp_header *request, struct ovs_list *replies)
{
    struct ofputil_switch_config sc = {
        .frag = OFPUTIL_FRAG_NX_MATCH,
        .invalid_ttl_to_controller = -1,
        .miss_send_len = OFP_DEFAULT_MISS_SEND_LEN,
    };
    struct ofpbuf *reply = ofputil_encode_get_config_reply(request, &sc);
    ovs_list_push_back(replies, &reply->list_node);
}

static void
put_port_desc_reply(const struct ofp_header *request,
                    struct ovs_list *replies)
{
    ofpmp_init(replies, request);
    for (unsigned int i = 0; i < fuzz_switch_n_ports; i++) {
        struct ofputil_phy_port pp = {
            .port_no = port_number(i),
            .hw_addr = { .ea = { 0xaa, 0x55, 0xaa, 0x55, 0x00, i + 1 } },
            .state = OFPUTIL_PS_LIVE,
            .curr = NETDEV_F_10GB_FD | NETDEV_F_COPPER,
            .curr_speed = 10000000,
            .max_speed = 10000000,
        };
        ovs_strlcpy(pp.name, (!strcmp(fuzz_switch_ports[i], "LOCAL") ? "br0"
                              : fuzz_switch_ports[i]), sizeof pp.name);
        ofputil_append_port_desc_stats_reply(&pp, replies);
    }
}

/* Stores in 'flows' the flows ofguard wants on the switch with 'config'. */
static void
compile_flows(const struct ofg_config *config, struct ofg_flow_table *flows)
{
    struct simap ports = SIMAP_INITIALIZER(&ports);
    for (unsigned int i = 0; i < fuzz_switch_n_ports; i++) {
        simap_put(&ports, fuzz_switch_ports[i], ofp_to_u16(port_number(i)));
    }
    ofg_flow_table_init(flows);
    ofg_flows_compile(config, ofg_config_find_switch_by_dpid(
                                  config, FUZZ_SWITCH_DPID),
                      &ports, flows);
    simap_destroy(&ports);
}

size_t
fuzz_switch_n_flows(const struct ofg_config *config)
{
    struct ofg_flow_table flows;
    compile_flows(config, &flows);
    size_t n = ofg_flow_table_count(&flows);
    ofg_flow_table_destroy(&flows);
    return n;
}

static void
append_flow_stats(const struct ofg_flow *flow, struct ovs_list *replies)
{
    struct ofputil_flow_stats fs = {
        .cookie = htonll(flow->cookie),
        .table_id = flow->table_id,
        .priority = flow->priority,
        .duration_sec = 5,
        .idle_age = -1,
        .hard_age = -1,
        .packet_count = 3,
        .byte_count = 180,
        .ofpacts = flow->ofpacts,
        .ofpacts_len = flow->ofpacts_len,
    };
    minimatch_expand(&flow->match, &fs.match);
    ofputil_append_flow_stats_reply(&fs, replies, NULL);
}

/* The flows whose cookie the request asks for, from the switch's table:
 * empty, or with FUZZ_SW_HAS_FLOWS the flows ofguard wants on the switch
 * but the first, and one stale flow of ofguard's. */
static void
put_flow_stats_reply(const struct ofg_config *config,
                     const struct ofp_header *request, unsigned int flags,
                     struct ovs_list *replies)
{
    struct ofputil_flow_stats_request fsr;
    enum ofperr error = ofputil_decode_flow_stats_request(&fsr, request, NULL,
                                                          NULL);
    ofpmp_init(replies, request);
    if (error || !(flags & FUZZ_SW_HAS_FLOWS)) {
        return;
    }
    uint64_t cookie = ntohll(fsr.cookie);
    uint64_t mask = ntohll(fsr.cookie_mask);

    struct ofg_flow_table flows;
    compile_flows(config, &flows);
    const struct ofg_flow *flow;
    bool first = true;
    HMAP_FOR_EACH (flow, node, &flows.flows) {
        if (!first && !((flow->cookie ^ cookie) & mask)) {
            append_flow_stats(flow, replies);
        }
        first = false;
    }
    ofg_flow_table_destroy(&flows);

    struct match match;
    match_init_catchall(&match);
    match_set_in_port(&match, u16_to_ofp(7));
    struct ofg_flow *stale = ofg_flow_create(0, 5, &match,
                                             OFG_COOKIE_TAG | 0x999, NULL, 0);
    if (!((stale->cookie ^ cookie) & mask)) {
        append_flow_stats(stale, replies);
    }
    ofg_flow_destroy(stale);
}

static void
put_bundle_reply(const struct ofp_header *request, struct ovs_list *replies)
{
    struct ofputil_bundle_ctrl_msg bc;
    if (ofputil_decode_bundle_ctrl(request, &bc)) {
        return;
    }
    bc.type++;                  /* OFPBCT_*_REQUEST -> OFPBCT_*_REPLY. */
    struct ofpbuf *reply = ofputil_encode_bundle_ctrl_reply(request, &bc);
    ovs_list_push_back(replies, &reply->list_node);
}

/* A role request's answer: the role asked for ("no change": equal). */
static void
put_role_reply(const struct ofp_header *request, struct ovs_list *replies)
{
    struct ofputil_role_request rr;
    if (ofputil_decode_role_message(request, &rr)) {
        return;
    }
    if (rr.role == OFPCR12_ROLE_NOCHANGE) {
        rr.role = OFPCR12_ROLE_EQUAL;
    }
    struct ofpbuf *reply = ofputil_encode_role_reply(request, &rr);
    ovs_list_push_back(replies, &reply->list_node);
}

static void
put_reply(struct ofpbuf *reply, struct ovs_list *replies)
{
    ovs_list_push_back(replies, &reply->list_node);
}

bool
fuzz_switch_answers(const struct ofp_header *request)
{
    enum ofptype type;
    if (ofptype_decode(&type, request)) {
        return false;
    }
    switch (type) {
    case OFPTYPE_FEATURES_REQUEST:
    case OFPTYPE_GET_CONFIG_REQUEST:
    case OFPTYPE_PORT_DESC_STATS_REQUEST:
    case OFPTYPE_FLOW_STATS_REQUEST:
    case OFPTYPE_BUNDLE_CONTROL:
    case OFPTYPE_BARRIER_REQUEST:
    case OFPTYPE_ECHO_REQUEST:
    case OFPTYPE_ROLE_REQUEST:
    case OFPTYPE_FLOW_MONITOR_STATS_REQUEST:
        return true;
    default:
        return false;
    }
}

void
fuzz_switch_reply(const struct ofg_config *config,
                  const struct ofp_header *request, unsigned int flags,
                  struct ovs_list *replies)
{
    ovs_list_init(replies);
    enum ofptype type;
    if (ofptype_decode(&type, request)) {
        return;
    }
    switch (type) {
    case OFPTYPE_FEATURES_REQUEST:
        put_features_reply(request, replies);
        break;
    case OFPTYPE_GET_CONFIG_REQUEST:
        put_config_reply(request, replies);
        break;
    case OFPTYPE_PORT_DESC_STATS_REQUEST:
        put_port_desc_reply(request, replies);
        break;
    case OFPTYPE_FLOW_STATS_REQUEST:
        put_flow_stats_reply(config, request, flags, replies);
        break;
    case OFPTYPE_BUNDLE_CONTROL:
        put_bundle_reply(request, replies);
        break;
    case OFPTYPE_BARRIER_REQUEST:
        put_reply(ofpraw_alloc_reply(OFPRAW_OFPT11_BARRIER_REPLY, request, 0),
                  replies);
        break;
    case OFPTYPE_ECHO_REQUEST:
        put_reply(ofputil_encode_echo_reply(request), replies);
        break;
    case OFPTYPE_ROLE_REQUEST:
        put_role_reply(request, replies);
        break;
    case OFPTYPE_FLOW_MONITOR_STATS_REQUEST:
        /* Monitoring starts; nothing changed yet. */
        ofpmp_init(replies, request);
        break;
    default:
        break;
    }

    /* The lengths, as vconn_send() would set them. */
    struct ofpbuf *reply;
    LIST_FOR_EACH (reply, list_node, replies) {
        ofpmsg_update_length(reply);
    }
}
