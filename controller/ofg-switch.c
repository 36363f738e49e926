/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-switch.h"

#include <errno.h>
#include <string.h>
#include "config/ofg-config.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "flows/ofg-round.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/rconn.h"
#include "openvswitch/shash.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "byte-order.h"
#include "flow.h"
#include "hash.h"
#include "simap.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofg_switch);

/* Connection states, in the order a fresh connection goes through them.
 *
 * S_FEATURES, S_PORTS and S_DUMP each wait for the reply to one request;
 * S_ADDING and S_COMMITTING wait for the barrier that ends each half of an
 * update round (see struct ofg_round). */
#define OFG_SW_STATES                           \
    OFG_SW_STATE(NEW, "connecting")             \
    OFG_SW_STATE(FEATURES, "features")          \
    OFG_SW_STATE(PORTS, "ports")                \
    OFG_SW_STATE(DUMP, "reading flows")         \
    OFG_SW_STATE(IDLE, "idle")                  \
    OFG_SW_STATE(ADDING, "sending flows")       \
    OFG_SW_STATE(COMMITTING, "committing")      \
    OFG_SW_STATE(BACKOFF, "waiting to resync")

enum ofg_sw_state {
#define OFG_SW_STATE(NAME, DESC) S_##NAME,
    OFG_SW_STATES
#undef OFG_SW_STATE
};

static const char *
ofg_sw_state_name(enum ofg_sw_state state)
{
    switch (state) {
#define OFG_SW_STATE(NAME, DESC) case S_##NAME: return DESC;
        OFG_SW_STATES
#undef OFG_SW_STATE
    }
    return "unknown";
}

/* Where a container's flows were placed on this switch. */
struct ofg_placement {
    ofp_port_t port;
    uint64_t cookie;            /* Full cookie of its flows. */
};

/* One update round: every change of the round (see flows/ofg-round.h) in
 * one ATOMIC|ORDERED bundle.
 *
 * The bundle is filled and then followed by a barrier: a flow that the
 * switch refuses is simply left out of a bundle, so ofguard commits only
 * when that first barrier came back without errors, and discards the bundle
 * otherwise.  The commit is followed by a second barrier, whose reply means
 * the switch now has the flows. */
struct ofg_bundle {
    uint32_t bundle_id;
    struct ofg_round changes;   /* No flows: no round in flight. */
    ovs_be32 open_xid;
    ovs_be32 commit_xid;
    ovs_be32 barrier_xid;
    bool failed;
};

/* A pending "flows" query. */
struct ofg_query {
    struct ovs_list list_node;
    ovs_be32 xid;
    struct ds flows;
    ofg_sw_query_cb *cb;
    void *aux;
};

struct ofg_sw {
    struct rconn *rconn;
    unsigned int seqno;         /* rconn connection seqno last seen. */
    enum ofg_sw_state state;
    const struct ofg_config *config;

    /* From the switch. */
    bool has_dpid;
    uint64_t dpid;
    const struct ofg_switch *sw_config;     /* Entry in 'config', or NULL. */
    struct simap ports;                     /* Port name -> number. */
    struct ofputil_port_map port_map;       /* Same, as OVS wants it. */
    bool ports_changed;

    /* Fragment handling the switch reported (OFPUTIL_FRAG_*), or -1 before
     * it answered.  ofguard asks for OFPUTIL_FRAG_NX_MATCH, under which the
     * switch shows first fragments' L4 headers to the flows. */
    int frag_handling;

    /* Flows. */
    struct shash placed;            /* Container name -> ofg_placement. */
    uint64_t *net_cookies;          /* Networks whose flows are desired. */
    size_t n_net_cookies;
    struct ofg_flow_table desired;
    struct ofg_flow_table installed;
    struct hmap dirty;              /* "struct ofg_dirty" nodes. */
    bool all_dirty;                 /* Diff everything next round. */
    struct ofg_bundle round;

    /* Outstanding requests. */
    ovs_be32 features_xid;
    ovs_be32 config_xid;
    ovs_be32 ports_xid;
    ovs_be32 dump_xid;
    struct ovs_list queries;        /* "struct ofg_query"s. */

    /* Errors and recovery. */
    char *last_error;
    long long int resync_at;
    int backoff;                    /* Milliseconds, 0 after a success. */
    uint32_t next_xid;
    uint32_t next_bundle_id;
    unsigned long long int n_rounds;
};

struct ofg_dirty {
    struct hmap_node node;
    uint64_t cookie;
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static int probe_interval = OFG_SW_PROBE_INTERVAL;

/* Every switch uses OpenFlow 1.3 and nothing else. */
#define OFG_OFP_VERSION OFP13_VERSION
#define OFG_PROTOCOL OFPUTIL_P_OF13_OXM

/* Backoff between failed update rounds. */
#define OFG_BACKOFF_MIN 1000
#define OFG_BACKOFF_MAX 60000

static struct ofg_sw *ofg_sw_create__(struct rconn *,
                                      const struct ofg_config *);
static void ofg_sw_reset(struct ofg_sw *);
static void ofg_sw_process(struct ofg_sw *, struct ofpbuf *);
static void ofg_sw_recv_features(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_config(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_ports(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_port_status(struct ofg_sw *,
                                    const struct ofp_header *);
static void ofg_sw_recv_flows(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_query(struct ofg_sw *, struct ofg_query *,
                              const struct ofp_header *);
static void ofg_sw_recv_barrier(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_error(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_send(struct ofg_sw *, struct ofpbuf *);
static void ofg_sw_send_dump(struct ofg_sw *);
static void ofg_sw_start_round(struct ofg_sw *);
static void ofg_sw_round_clear(struct ofg_sw *);
static void ofg_sw_round_failed(struct ofg_sw *);
static void ofg_sw_compile_all(struct ofg_sw *);
static void ofg_sw_refresh(struct ofg_sw *, const struct ofg_config *old);
static void ofg_sw_refresh_networks(struct ofg_sw *);
static void ofg_sw_mark_dirty(struct ofg_sw *, uint64_t cookie);
static void ofg_sw_clear_dirty(struct ofg_sw *);
static void ofg_sw_update_port_map(struct ofg_sw *);
static void ofg_sw_set_error(struct ofg_sw *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);
static void ofg_sw_fail_queries(struct ofg_sw *, const char *error);
static const char *ofg_sw_name(const struct ofg_sw *);
static struct ofpbuf *ofg_encode_flow_stats_request(uint64_t cookie,
                                                    uint64_t cookie_mask);

void
ofg_sw_set_probe_interval(int seconds)
{
    probe_interval = seconds;
}

struct ofg_sw *
ofg_sw_create_active(const char *target, const struct ofg_config *config)
{
    struct rconn *rconn = rconn_create(probe_interval, 8, 0,
                                       1u << OFG_OFP_VERSION);
    rconn_connect(rconn, target, target);
    return ofg_sw_create__(rconn, config);
}

struct ofg_sw *
ofg_sw_create_passive(struct vconn *vconn, const struct ofg_config *config)
{
    struct rconn *rconn = rconn_create(probe_interval, 8, 0,
                                       1u << OFG_OFP_VERSION);
    rconn_connect_unreliably(rconn, vconn, NULL);
    return ofg_sw_create__(rconn, config);
}

static struct ofg_sw *
ofg_sw_create__(struct rconn *rconn, const struct ofg_config *config)
{
    struct ofg_sw *sw = xzalloc(sizeof *sw);
    sw->rconn = rconn;
    sw->seqno = rconn_get_connection_seqno(rconn);
    sw->state = S_NEW;
    sw->config = config;
    sw->frag_handling = -1;
    simap_init(&sw->ports);
    ofputil_port_map_init(&sw->port_map);
    shash_init(&sw->placed);
    ofg_flow_table_init(&sw->desired);
    ofg_flow_table_init(&sw->installed);
    hmap_init(&sw->dirty);
    ovs_list_init(&sw->queries);
    /* Our flow mods' xids have the high bit set, apart from those that
     * alloc_xid() hands out for other requests, so that an error can be
     * traced back to its flow. */
    sw->next_xid = 0x80000000;
    sw->next_bundle_id = 1;
    return sw;
}

void
ofg_sw_destroy(struct ofg_sw *sw)
{
    if (sw) {
        ofg_sw_fail_queries(sw, "ofguard is exiting");
        rconn_destroy(sw->rconn);
        ofg_sw_round_clear(sw);
        simap_destroy(&sw->ports);
        ofputil_port_map_destroy(&sw->port_map);
        shash_destroy_free_data(&sw->placed);
        free(sw->net_cookies);
        ofg_flow_table_destroy(&sw->desired);
        ofg_flow_table_destroy(&sw->installed);
        ofg_sw_clear_dirty(sw);
        hmap_destroy(&sw->dirty);
        free(sw->last_error);
        free(sw);
    }
}

void
ofg_sw_run(struct ofg_sw *sw)
{
    rconn_run(sw->rconn);

    unsigned int seqno = rconn_get_connection_seqno(sw->rconn);
    if (seqno != sw->seqno) {
        /* A new connection, or a lost one: the switch may have restarted
         * with empty tables, so everything is read again. */
        sw->seqno = seqno;
        ofg_sw_reset(sw);
    }
    if (!rconn_is_connected(sw->rconn)) {
        return;
    }

    if (sw->state == S_NEW) {
        struct ofpbuf *msg = ofpraw_alloc(OFPRAW_OFPT_FEATURES_REQUEST,
                                          OFG_OFP_VERSION, 0);
        sw->features_xid = ((struct ofp_header *) msg->data)->xid;
        ofg_sw_send(sw, msg);
        sw->state = S_FEATURES;
    }

    /* Bounded, so that one busy switch cannot starve the others. */
    for (int i = 0; i < 50; i++) {
        struct ofpbuf *msg = rconn_recv(sw->rconn);
        if (!msg) {
            break;
        }
        ofg_sw_process(sw, msg);
        ofpbuf_delete(msg);
    }

    if (sw->state == S_BACKOFF && time_msec() >= sw->resync_at) {
        ofg_sw_send_dump(sw);
    } else if (sw->state == S_IDLE
               && (sw->all_dirty || !hmap_is_empty(&sw->dirty))) {
        ofg_sw_start_round(sw);
    }
}

void
ofg_sw_wait(struct ofg_sw *sw)
{
    rconn_run_wait(sw->rconn);
    rconn_recv_wait(sw->rconn);
    if (sw->state == S_BACKOFF) {
        poll_timer_wait_until(sw->resync_at);
    } else if (sw->state == S_IDLE
               && (sw->all_dirty || !hmap_is_empty(&sw->dirty))) {
        poll_immediate_wake();
    }
}

bool
ofg_sw_is_alive(const struct ofg_sw *sw)
{
    return rconn_is_alive(sw->rconn);
}

void
ofg_sw_set_config(struct ofg_sw *sw, const struct ofg_config *new_config)
{
    const struct ofg_config *old = sw->config;
    sw->config = new_config;
    if (!sw->has_dpid) {
        return;
    }
    sw->sw_config = ofg_config_find_switch_by_dpid(new_config, sw->dpid);
    if (sw->state == S_NEW || sw->state == S_FEATURES
        || sw->state == S_PORTS || sw->state == S_DUMP) {
        /* The full compile after the dump will use the new config. */
        return;
    }
    ofg_sw_refresh(sw, old);
}

bool
ofg_sw_is_synced(const struct ofg_sw *sw)
{
    return (rconn_is_connected(sw->rconn) && sw->state == S_IDLE
            && !sw->all_dirty && hmap_is_empty(&sw->dirty));
}

void
ofg_sw_format_status(const struct ofg_sw *sw, struct ds *s)
{
    ds_put_format(s, "switch %s", ofg_sw_name(sw));
    if (sw->has_dpid) {
        ds_put_format(s, " dpid=%016"PRIx64, sw->dpid);
    } else {
        ds_put_cstr(s, " dpid=unknown");
    }
    ds_put_format(s, " target=%s connected=%s state=\"%s\" sync=%s"
                  " flows=%"PRIuSIZE" desired=%"PRIuSIZE
                  " containers=%"PRIuSIZE" rounds=%llu frags=%s last_error=",
                  rconn_get_target(sw->rconn),
                  rconn_is_connected(sw->rconn) ? "yes" : "no",
                  ofg_sw_state_name(sw->state),
                  ofg_sw_is_synced(sw) ? "yes" : "no",
                  ofg_flow_table_count(&sw->installed),
                  ofg_flow_table_count(&sw->desired),
                  shash_count(&sw->placed), sw->n_rounds,
                  (sw->frag_handling < 0 ? "unknown"
                   : ofputil_frag_handling_to_string(sw->frag_handling)));
    if (sw->last_error) {
        ds_put_format(s, "\"%s\"", sw->last_error);
    } else {
        ds_put_cstr(s, "none");
    }
}

bool
ofg_sw_query_flows(struct ofg_sw *sw, const char *container_name,
                   ofg_sw_query_cb *cb, void *aux)
{
    const struct ofg_placement *p = shash_find_data(&sw->placed,
                                                    container_name);
    if (!p || !rconn_is_connected(sw->rconn)) {
        return false;
    }

    struct ofpbuf *msg = ofg_encode_flow_stats_request(p->cookie,
                                                       UINT64_MAX);

    struct ofg_query *q = xzalloc(sizeof *q);
    q->xid = ((struct ofp_header *) msg->data)->xid;
    ds_init(&q->flows);
    q->cb = cb;
    q->aux = aux;
    ovs_list_push_back(&sw->queries, &q->list_node);
    ofg_sw_send(sw, msg);
    return true;
}

void
ofg_sw_cancel_queries(struct ofg_sw *sw, void *aux)
{
    struct ofg_query *q;
    LIST_FOR_EACH_SAFE (q, list_node, &sw->queries) {
        if (q->aux == aux) {
            ovs_list_remove(&q->list_node);
            ds_destroy(&q->flows);
            free(q);
        }
    }
}

/* Forgets everything learned from the switch over the previous connection.
 * The desired flows are recomputed after the next dump. */
static void
ofg_sw_reset(struct ofg_sw *sw)
{
    sw->state = S_NEW;
    sw->features_xid = sw->config_xid = htonl(0);
    sw->ports_xid = sw->dump_xid = htonl(0);
    sw->frag_handling = -1;
    ofg_sw_round_clear(sw);
    ofg_flow_table_clear(&sw->installed);
    sw->backoff = 0;
    ofg_sw_fail_queries(sw, "connection to the switch was lost");
}

static void
ofg_sw_process(struct ofg_sw *sw, struct ofpbuf *msg)
{
    const struct ofp_header *oh = msg->data;
    enum ofptype type;

    if (ofptype_decode(&type, oh)) {
        VLOG_WARN_RL(&rl, "%s: received a message that cannot be decoded "
                     "(OpenFlow type %"PRIu8"); ignoring it",
                     ofg_sw_name(sw), oh->type);
        return;
    }

    switch (type) {
    case OFPTYPE_ECHO_REQUEST:
        ofg_sw_send(sw, ofputil_encode_echo_reply(oh));
        break;

    case OFPTYPE_FEATURES_REPLY:
        if (sw->state == S_FEATURES && oh->xid == sw->features_xid) {
            ofg_sw_recv_features(sw, oh);
        }
        break;

    case OFPTYPE_GET_CONFIG_REPLY:
        if (oh->xid == sw->config_xid) {
            ofg_sw_recv_config(sw, oh);
        }
        break;

    case OFPTYPE_PORT_DESC_STATS_REPLY:
        if (sw->state == S_PORTS && oh->xid == sw->ports_xid) {
            ofg_sw_recv_ports(sw, oh);
        }
        break;

    case OFPTYPE_PORT_STATUS:
        ofg_sw_recv_port_status(sw, oh);
        break;

    case OFPTYPE_FLOW_STATS_REPLY:
        if (sw->state == S_DUMP && oh->xid == sw->dump_xid) {
            ofg_sw_recv_flows(sw, oh);
        } else {
            struct ofg_query *q;
            LIST_FOR_EACH (q, list_node, &sw->queries) {
                if (q->xid == oh->xid) {
                    ofg_sw_recv_query(sw, q, oh);
                    break;
                }
            }
        }
        break;

    case OFPTYPE_BARRIER_REPLY:
        ofg_sw_recv_barrier(sw, oh);
        break;

    case OFPTYPE_ERROR:
        ofg_sw_recv_error(sw, oh);
        break;

    case OFPTYPE_HELLO:
    case OFPTYPE_ECHO_REPLY:
    case OFPTYPE_BUNDLE_CONTROL:
    case OFPTYPE_PACKET_IN:
    case OFPTYPE_FLOW_REMOVED:
    default:
        /* Nothing to do: hello and echo replies are rconn's business, a
         * bundle's commit reply is followed by our barrier, and nothing
         * ofguard installs sends packets to the controller. */
        break;
    }
}

static void
ofg_sw_recv_features(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofputil_switch_features features;
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    enum ofperr error = ofputil_pull_switch_features(&b, &features);
    if (error) {
        ofg_sw_set_error(sw, "bad features reply: %s",
                         ofperr_to_string(error));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        rconn_reconnect(sw->rconn);
        return;
    }

    sw->has_dpid = true;
    sw->dpid = features.datapath_id;
    sw->sw_config = ofg_config_find_switch_by_dpid(sw->config, sw->dpid);
    VLOG_INFO("%s: connected, datapath ID %016"PRIx64"%s",
              rconn_get_name(sw->rconn), sw->dpid,
              sw->sw_config ? "" : " (not in the config: default policy)");

    /* The guards against DHCP servers and routers match L4 headers, which
     * OVS's default fragment handling hides in every fragment, the first
     * included.  "nx-match" shows the first fragment's.  The switch
     * applies this before the flows that follow on this connection; the
     * reply to the second request says whether it took it. */
    struct ofputil_switch_config sc = {
        .frag = OFPUTIL_FRAG_NX_MATCH,
        .invalid_ttl_to_controller = -1,
        .miss_send_len = OFP_DEFAULT_MISS_SEND_LEN,
    };
    ofg_sw_send(sw, ofputil_encode_set_config(&sc, OFG_OFP_VERSION));
    struct ofpbuf *msg = ofpraw_alloc(OFPRAW_OFPT_GET_CONFIG_REQUEST,
                                      OFG_OFP_VERSION, 0);
    sw->config_xid = ((struct ofp_header *) msg->data)->xid;
    ofg_sw_send(sw, msg);

    msg = ofputil_encode_port_desc_stats_request(OFG_OFP_VERSION, OFPP_ANY);
    sw->ports_xid = ((struct ofp_header *) msg->data)->xid;
    ofg_sw_send(sw, msg);
    simap_clear(&sw->ports);
    sw->state = S_PORTS;
}

static void
ofg_sw_recv_config(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofputil_switch_config sc;
    ofputil_decode_get_config_reply(oh, &sc);
    sw->frag_handling = sc.frag;
    if (sc.frag != OFPUTIL_FRAG_NX_MATCH) {
        /* The flows still fail closed (a first fragment whose UDP or ICMPv6
         * header reads as zero is dropped), but legitimate fragmented
         * traffic suffers: say so. */
        ofg_sw_set_error(sw, "switch kept fragment handling \"%s\" instead "
                         "of \"nx-match\": first fragments of UDP are "
                         "dropped", ofputil_frag_handling_to_string(sc.frag));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
    }
}

static void
ofg_sw_recv_ports(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    ofpraw_pull_assert(&b);
    for (;;) {
        struct ofputil_phy_port pp;
        int retval = ofputil_pull_phy_port(oh->version, &b, &pp);
        if (retval) {
            if (retval != EOF) {
                VLOG_WARN_RL(&rl, "%s: bad port description: %s",
                             ofg_sw_name(sw), ofperr_to_string(retval));
            }
            break;
        }
        simap_put(&sw->ports, pp.name, ofp_to_u16(pp.port_no));
    }
    if (!(ofpmp_flags(oh) & OFPSF_REPLY_MORE)) {
        ofg_sw_update_port_map(sw);
        ofg_sw_send_dump(sw);
    }
}

static void
ofg_sw_recv_port_status(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofputil_port_status ps;
    enum ofperr error = ofputil_decode_port_status(oh, &ps);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: bad port status: %s", ofg_sw_name(sw),
                     ofperr_to_string(error));
        return;
    }

    const char *name = ps.desc.name;
    struct simap_node *node = simap_find(&sw->ports, name);
    if (ps.reason == OFPPR_DELETE) {
        if (!node || node->data != ofp_to_u16(ps.desc.port_no)) {
            return;
        }
        simap_delete(&sw->ports, node);
    } else {
        if (node && node->data == ofp_to_u16(ps.desc.port_no)) {
            return;             /* Only its state changed. */
        }
        /* A port number belongs to one port at a time: a renumbered port
         * frees its old number, which another port may now have. */
        struct simap_node *other, *next;
        SIMAP_FOR_EACH_SAFE (other, next, &sw->ports) {
            if (other->data == ofp_to_u16(ps.desc.port_no)) {
                simap_delete(&sw->ports, other);
            }
        }
        simap_put(&sw->ports, name, ofp_to_u16(ps.desc.port_no));
    }
    VLOG_INFO("%s: port %s %s (OpenFlow port %"PRIu16")", ofg_sw_name(sw),
              name, ps.reason == OFPPR_DELETE ? "removed" : "added",
              ofp_to_u16(ps.desc.port_no));

    ofg_sw_update_port_map(sw);
    if (sw->state >= S_IDLE) {
        ofg_sw_refresh(sw, sw->config);
    }
    /* Before S_IDLE, the full compile after the dump sees the new ports. */
}

/* Reads ofguard's flows (and only them) from the switch. */
static void
ofg_sw_send_dump(struct ofg_sw *sw)
{
    struct ofpbuf *msg = ofg_encode_flow_stats_request(OFG_COOKIE_TAG,
                                                       OFG_COOKIE_TAG_MASK);
    sw->dump_xid = ((struct ofp_header *) msg->data)->xid;
    ofg_flow_table_clear(&sw->installed);
    ofg_sw_send(sw, msg);
    sw->state = S_DUMP;
}

static void
ofg_sw_recv_flows(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);

    for (;;) {
        struct ofputil_flow_stats fs;
        ofpbuf_clear(&ofpacts);
        int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                     &ofpacts);
        if (retval) {
            if (retval != EOF) {
                /* A flow we cannot read is one we cannot diff: reading
                 * again later is the safe answer. */
                ofg_sw_set_error(sw, "bad flow stats reply: %s",
                                 ofperr_to_string(retval));
                VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw),
                             sw->last_error);
                ofpbuf_uninit(&ofpacts);
                ofg_sw_round_failed(sw);
                return;
            }
            break;
        }
        struct ofg_flow *flow = ofg_flow_create(fs.table_id, fs.priority,
                                                &fs.match, ntohll(fs.cookie),
                                                fs.ofpacts, fs.ofpacts_len);
        if (ofg_flow_table_insert(&sw->installed, flow)) {
            ofg_flow_destroy(flow);
        }
    }
    ofpbuf_uninit(&ofpacts);

    if (!(ofpmp_flags(oh) & OFPSF_REPLY_MORE)) {
        VLOG_INFO("%s: switch has %"PRIuSIZE" ofguard flows",
                  ofg_sw_name(sw), ofg_flow_table_count(&sw->installed));
        ofg_sw_compile_all(sw);
        sw->state = S_IDLE;
        ofg_sw_start_round(sw);
    }
}

static void
ofg_sw_recv_query(struct ofg_sw *sw, struct ofg_query *q,
                  const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    const char *error = NULL;

    for (;;) {
        struct ofputil_flow_stats fs;
        ofpbuf_clear(&ofpacts);
        int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                     &ofpacts);
        if (retval) {
            if (retval != EOF) {
                error = "bad flow stats reply";
            }
            break;
        }
        ds_put_char(&q->flows, ' ');
        ofputil_flow_stats_format(&q->flows, &fs, &sw->port_map, NULL,
                                  true);
        ds_put_char(&q->flows, '\n');
    }
    ofpbuf_uninit(&ofpacts);

    if (error || !(ofpmp_flags(oh) & OFPSF_REPLY_MORE)) {
        ovs_list_remove(&q->list_node);
        q->cb(ofg_sw_name(sw), ds_cstr(&q->flows), error, q->aux);
        ds_destroy(&q->flows);
        free(q);
    }
}

/* Starts an update round with every change that is due, or does nothing if
 * the switch already has every desired flow. */
static void
ofg_sw_start_round(struct ofg_sw *sw)
{
    struct ofg_flow_changes changes;
    ofg_flow_changes_init(&changes);
    if (sw->all_dirty) {
        ofg_flow_table_diff(&sw->desired, &sw->installed, &changes);
    } else {
        size_t n = hmap_count(&sw->dirty), i = 0;
        uint64_t *cookies = xmalloc(n * sizeof *cookies);
        struct ofg_dirty *d;
        HMAP_FOR_EACH (d, node, &sw->dirty) {
            cookies[i++] = d->cookie;
        }
        ofg_flow_table_diff_groups(&sw->desired, &sw->installed,
                                   cookies, n, &changes);
        free(cookies);
    }
    ofg_sw_clear_dirty(sw);

    if (!changes.n_deletes && !changes.n_adds) {
        ofg_flow_changes_destroy(&changes);
        return;
    }

    /* Flow mods' xids stay in the upper half, apart from the xids that
     * other requests get: a round that would wrap past 2^32 starts over. */
    size_t n = changes.n_deletes + changes.n_adds;
    if (sw->next_xid < 0x80000000 || UINT32_MAX - sw->next_xid < n) {
        sw->next_xid = 0x80000000;
    }
    struct ofg_bundle *r = &sw->round;
    ofg_round_init(&r->changes, &changes, sw->next_xid);
    ofg_flow_changes_destroy(&changes);
    sw->next_xid += n;
    r->bundle_id = sw->next_bundle_id++;
    r->failed = false;

    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = r->bundle_id,
        .type = OFPBCT_OPEN_REQUEST,
        .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
    };
    struct ofpbuf *msg = ofputil_encode_bundle_ctrl_request(OFG_OFP_VERSION,
                                                            &bc);
    r->open_xid = ((struct ofp_header *) msg->data)->xid;
    ofg_sw_send(sw, msg);

    for (size_t i = 0; i < r->changes.n_flows; i++) {
        const struct ofg_flow *flow = r->changes.flows[i];
        bool delete = i < r->changes.n_deletes;
        struct ofputil_flow_mod fm = {
            .match = flow->match,
            .priority = flow->priority,
            .table_id = flow->table_id,
            .buffer_id = UINT32_MAX,
            .out_port = OFPP_ANY,
            .out_group = OFPG_ANY,
        };
        if (delete) {
            /* The cookie match keeps a delete from ever touching a flow
             * that is not ofguard's. */
            fm.command = OFPFC_DELETE_STRICT;
            fm.cookie = htonll(flow->cookie);
            fm.cookie_mask = OVS_BE64_MAX;
            fm.new_cookie = OVS_BE64_MAX;
        } else {
            fm.command = OFPFC_ADD;
            fm.new_cookie = htonll(flow->cookie);
            fm.ofpacts = flow->ofpacts;
            fm.ofpacts_len = flow->ofpacts_len;
        }
        if (VLOG_IS_DBG_ENABLED()) {
            struct ds s = DS_EMPTY_INITIALIZER;
            ofg_flow_format(flow, &sw->port_map, &s);
            VLOG_DBG("%s: round %llu: %s %s", ofg_sw_name(sw),
                     sw->n_rounds + 1, delete ? "delete" : "add",
                     ds_cstr(&s));
            ds_destroy(&s);
        }
        struct ofpbuf *fm_msg = ofputil_encode_flow_mod(&fm, OFG_PROTOCOL);
        ((struct ofp_header *) fm_msg->data)->xid
            = htonl(r->changes.base_xid + i);
        ofpmsg_update_length(fm_msg);

        struct ofputil_bundle_add_msg bam = {
            .bundle_id = r->bundle_id,
            .flags = bc.flags,
            .msg = fm_msg->data,
        };
        ofg_sw_send(sw, ofputil_encode_bundle_add(OFG_OFP_VERSION, &bam));
        ofpbuf_delete(fm_msg);
    }

    msg = ofputil_encode_barrier_request(OFG_OFP_VERSION);
    r->barrier_xid = ((struct ofp_header *) msg->data)->xid;
    ofg_sw_send(sw, msg);
    sw->state = S_ADDING;
    sw->n_rounds++;
    VLOG_INFO("%s: update round %llu: %"PRIuSIZE" deletes, %"PRIuSIZE
              " adds", ofg_sw_name(sw), sw->n_rounds, r->changes.n_deletes,
              r->changes.n_flows - r->changes.n_deletes);
}

static void
ofg_sw_recv_barrier(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofg_bundle *r = &sw->round;
    if (oh->xid != r->barrier_xid) {
        return;
    }

    if (sw->state == S_ADDING) {
        struct ofputil_bundle_ctrl_msg bc = {
            .bundle_id = r->bundle_id,
            .type = (r->failed ? OFPBCT_DISCARD_REQUEST
                     : OFPBCT_COMMIT_REQUEST),
            .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
        };
        struct ofpbuf *msg = ofputil_encode_bundle_ctrl_request(
            OFG_OFP_VERSION, &bc);
        r->commit_xid = ((struct ofp_header *) msg->data)->xid;
        ofg_sw_send(sw, msg);
        if (r->failed) {
            ofg_sw_round_failed(sw);
            return;
        }
        msg = ofputil_encode_barrier_request(OFG_OFP_VERSION);
        r->barrier_xid = ((struct ofp_header *) msg->data)->xid;
        ofg_sw_send(sw, msg);
        sw->state = S_COMMITTING;
    } else if (sw->state == S_COMMITTING) {
        if (r->failed) {
            ofg_sw_round_failed(sw);
            return;
        }
        /* The switch has the round's flows now. */
        ofg_round_apply(&r->changes, &sw->installed);
        ofg_sw_round_clear(sw);
        sw->backoff = 0;
        sw->state = S_IDLE;
        VLOG_INFO("%s: in sync, %"PRIuSIZE" flows", ofg_sw_name(sw),
                  ofg_flow_table_count(&sw->installed));
    }
}

static void
ofg_sw_recv_error(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofpbuf payload;
    enum ofperr error = ofperr_decode_msg(oh, &payload);
    const char *error_name = error ? ofperr_to_string(error) : "unknown";
    struct ofg_bundle *r = &sw->round;
    size_t index = (r->changes.flows
                    ? ofg_round_find_xid(&r->changes, ntohl(oh->xid))
                    : SIZE_MAX);

    if (index != SIZE_MAX) {
        const struct ofg_flow *flow = r->changes.flows[index];
        struct ds s = DS_EMPTY_INITIALIZER;
        ofg_flow_format(flow, &sw->port_map, &s);
        ofg_sw_set_error(sw, "%s refused %s: %s", error_name,
                         index < r->changes.n_deletes ? "delete" : "add",
                         ds_cstr(&s));
        ds_destroy(&s);
        r->failed = true;
    } else if (r->changes.flows && (oh->xid == r->open_xid
                            || oh->xid == r->commit_xid)) {
        /* A refused flow also fails the commit; the flow's error, logged
         * first, is the one worth keeping. */
        if (!r->failed) {
            ofg_sw_set_error(sw, "bundle %s failed: %s",
                             oh->xid == r->open_xid ? "open" : "commit",
                             error_name);
            r->failed = true;
        }
    } else if ((sw->state == S_FEATURES && oh->xid == sw->features_xid)
               || (sw->state == S_PORTS && oh->xid == sw->ports_xid)
               || (sw->state == S_DUMP && oh->xid == sw->dump_xid)) {
        /* Without the answer we cannot go on; start over later. */
        ofg_sw_set_error(sw, "switch refused a request: %s", error_name);
        ofg_sw_round_failed(sw);
    } else {
        /* Not about anything ofguard is waiting for (a late answer to an
         * earlier connection's request, or a confused switch): noted, not
         * acted on. */
        VLOG_WARN_RL(&rl, "%s: ignoring error %s with unknown xid %#"PRIx32,
                     ofg_sw_name(sw), error_name, ntohl(oh->xid));
        if (error) {
            ofpbuf_uninit(&payload);
        }
        return;
    }
    VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
    if (error) {
        ofpbuf_uninit(&payload);
    }
}

/* The round failed: nothing of it is on the switch (the bundle was
 * discarded or its commit refused), but ofguard may no longer know what the
 * switch has, so it reads the flows again after a backoff. */
static void
ofg_sw_round_failed(struct ofg_sw *sw)
{
    ofg_sw_round_clear(sw);
    sw->backoff = (!sw->backoff ? OFG_BACKOFF_MIN
                   : MIN(sw->backoff * 2, OFG_BACKOFF_MAX));
    sw->resync_at = time_msec() + sw->backoff;
    sw->all_dirty = true;
    sw->state = S_BACKOFF;
    VLOG_WARN_RL(&rl, "%s: will read flows again in %d ms",
                 ofg_sw_name(sw), sw->backoff);
}

static void
ofg_sw_round_clear(struct ofg_sw *sw)
{
    struct ofg_bundle *r = &sw->round;
    ofg_round_destroy(&r->changes);
    memset(r, 0, sizeof *r);
}

/* Recomputes every desired flow (after a dump). */
static void
ofg_sw_compile_all(struct ofg_sw *sw)
{
    ofg_flow_table_clear(&sw->desired);
    shash_clear_free_data(&sw->placed);
    sw->n_net_cookies = 0;
    ofg_flows_add_switch(sw->sw_config, &sw->port_map, &sw->desired);
    ofg_sw_refresh(sw, sw->config);
    ofg_sw_clear_dirty(sw);
    sw->all_dirty = true;
}

/* Brings the desired flows in line with 'sw->config', which replaced 'old'
 * (the same, for a change of ports), touching only containers whose entry or
 * port changed. */
static void
ofg_sw_refresh(struct ofg_sw *sw, const struct ofg_config *old)
{
    const struct ofg_config *new = sw->config;

    /* The switch's own flows are few: recompute them every time. */
    uint64_t sw_cookie = ofg_flows_switch_cookie();
    ofg_flow_table_remove_group(&sw->desired, sw_cookie);
    ofg_flows_add_switch(sw->sw_config, &sw->port_map, &sw->desired);
    ofg_sw_mark_dirty(sw, sw_cookie);

    /* First take out every container that left or changed, so that a
     * container moving onto a port another container left finds it free. */
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &sw->placed) {
        struct ofg_placement *p = node->data;
        const struct ofg_container *nc
            = ofg_config_find_container(new, node->name);
        const struct ofg_container *oc
            = ofg_config_find_container(old, node->name);
        if (nc && oc && (oc == nc || ofg_container_equal(oc, nc))
            && ofg_flows_container_port(nc, sw->sw_config, &sw->port_map)
               == p->port) {
            continue;
        }
        ofg_flow_table_remove_group(&sw->desired, p->cookie);
        ofg_sw_mark_dirty(sw, p->cookie);
        free(p);
        shash_delete(&sw->placed, node);
    }

    for (size_t i = 0; i < new->n_containers; i++) {
        const struct ofg_container *c = &new->containers[i];
        if (shash_find(&sw->placed, c->name)) {
            continue;
        }
        ofp_port_t port = ofg_flows_container_port(c, sw->sw_config,
                                                   &sw->port_map);
        if (port == OFPP_NONE) {
            continue;
        }
        if (!ofg_flows_add_container(c, port, &sw->desired)) {
            VLOG_WARN_RL(&rl, "%s: container %s: its flows collide with "
                         "another container's on port %s; not installed",
                         ofg_sw_name(sw), c->name, c->port);
            continue;
        }
        struct ofg_placement *p = xmalloc(sizeof *p);
        p->port = port;
        p->cookie = ofg_flows_container_cookie(c);
        shash_add(&sw->placed, c->name, p);
        ofg_sw_mark_dirty(sw, p->cookie);
    }
    ofg_sw_refresh_networks(sw);
}

/* Recomputes the flows of the networks that have containers on the switch.
 * They are few, so all of them are recomputed and diffed each time; only
 * those that changed are sent. */
static void
ofg_sw_refresh_networks(struct ofg_sw *sw)
{
    for (size_t i = 0; i < sw->n_net_cookies; i++) {
        ofg_flow_table_remove_group(&sw->desired, sw->net_cookies[i]);
        ofg_sw_mark_dirty(sw, sw->net_cookies[i]);
    }
    sw->n_net_cookies = 0;

    const struct ofg_config *config = sw->config;
    bool *used = xcalloc(config->n_networks + 1, sizeof *used);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &sw->placed) {
        const struct ofg_container *c
            = ofg_config_find_container(config, node->name);
        used[c->network - config->networks] = true;
    }
    sw->net_cookies = xrealloc(sw->net_cookies, (config->n_networks + 1)
                                                * sizeof *sw->net_cookies);
    for (size_t i = 0; i < config->n_networks; i++) {
        if (used[i]) {
            const struct ofg_network *net = &config->networks[i];
            uint64_t cookie = ofg_flows_network_cookie(net);
            ofg_flows_add_network(net, &sw->desired);
            ofg_sw_mark_dirty(sw, cookie);
            sw->net_cookies[sw->n_net_cookies++] = cookie;
        }
    }
    free(used);
}

static void
ofg_sw_mark_dirty(struct ofg_sw *sw, uint64_t cookie)
{
    struct ofg_dirty *d;
    uint32_t hash = hash_uint64(cookie);
    HMAP_FOR_EACH_WITH_HASH (d, node, hash, &sw->dirty) {
        if (d->cookie == cookie) {
            return;
        }
    }
    d = xmalloc(sizeof *d);
    d->cookie = cookie;
    hmap_insert(&sw->dirty, &d->node, hash);
}

static void
ofg_sw_clear_dirty(struct ofg_sw *sw)
{
    struct ofg_dirty *d;
    HMAP_FOR_EACH_POP (d, node, &sw->dirty) {
        free(d);
    }
    sw->all_dirty = false;
}

static void
ofg_sw_update_port_map(struct ofg_sw *sw)
{
    ofputil_port_map_destroy(&sw->port_map);
    ofputil_port_map_init(&sw->port_map);
    struct simap_node *node;
    SIMAP_FOR_EACH (node, &sw->ports) {
        ofputil_port_map_put(&sw->port_map, u16_to_ofp(node->data),
                             node->name);
    }
}

static void
ofg_sw_send(struct ofg_sw *sw, struct ofpbuf *msg)
{
    /* On failure rconn_send() frees 'msg'; the reconnection that follows
     * resets the state machine. */
    rconn_send(sw->rconn, msg, NULL);
}

static void
ofg_sw_set_error(struct ofg_sw *sw, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    free(sw->last_error);
    sw->last_error = xvasprintf(format, args);
    va_end(args);
}

static void
ofg_sw_fail_queries(struct ofg_sw *sw, const char *error)
{
    struct ofg_query *q;
    LIST_FOR_EACH_POP (q, list_node, &sw->queries) {
        q->cb(ofg_sw_name(sw), ds_cstr(&q->flows), error, q->aux);
        ds_destroy(&q->flows);
        free(q);
    }
}

static const char *
ofg_sw_name(const struct ofg_sw *sw)
{
    return sw->sw_config ? sw->sw_config->name : rconn_get_name(sw->rconn);
}

/* A request for the flows, in every table, whose cookie matches 'cookie' in
 * the bits set in 'cookie_mask'. */
static struct ofpbuf *
ofg_encode_flow_stats_request(uint64_t cookie, uint64_t cookie_mask)
{
    struct ofputil_flow_stats_request fsr = {
        .cookie = htonll(cookie),
        .cookie_mask = htonll(cookie_mask),
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0xff,
    };
    match_init_catchall(&fsr.match);
    return ofputil_encode_flow_stats_request(&fsr, OFG_PROTOCOL);
}
