/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-switch.h"
#include "controller/ofg-violations.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include "config/ofg-config.h"
#include "flows/ofg-desired.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "flows/ofg-round.h"
#include "flows/ofg-tamper.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-connection.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-monitor.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "byte-order.h"
#include "coverage.h"
#include "flow.h"
#include "hash.h"
#include "simap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofg_switch);

COVERAGE_DEFINE(ofg_tamper);
COVERAGE_DEFINE(ofg_audit);
COVERAGE_DEFINE(ofg_tx_overflow);

/* Connection states, in the order a fresh connection goes through them.
 * Each state has a run_S_<state>() handler, called on every main-loop
 * iteration while the switch is in it; replies to ofguard's requests go to
 * the handler registered with the request (see struct ofg_request), which
 * moves the switch to its next state. */
#define OFG_SW_STATES                                                   \
    OFG_SW_STATE(NEW, "connecting")                                     \
    OFG_SW_STATE(FEATURES, "features")       /* Waiting for features. */ \
    OFG_SW_STATE(ROLE, "claiming role")      /* ...for the role reply. */ \
    OFG_SW_STATE(PORTS, "ports")             /* ...for the port list. */ \
    OFG_SW_STATE(DUMP, "reading flows")      /* ...for ofguard's flows. */ \
    OFG_SW_STATE(IDLE, "idle")               /* A round when needed. */  \
    OFG_SW_STATE(SENDING, "sending flows")   /* Streaming a bundle. */   \
    OFG_SW_STATE(CHECKING, "checking flows") /* Barrier after the adds. */ \
    OFG_SW_STATE(COMMITTING, "committing")   /* Barrier after commit. */ \
    OFG_SW_STATE(AUDIT, "auditing flows")    /* Reading flows back. */   \
    OFG_SW_STATE(BACKOFF, "waiting to resync")

enum ofg_sw_state {
#define OFG_SW_STATE(NAME, DESC) S_##NAME,
    OFG_SW_STATES
#undef OFG_SW_STATE
};

/* One update round in flight: its changes (flows/ofg-round.h) in one
 * ATOMIC|ORDERED bundle.
 *
 * The bundle is streamed to the switch over as many main-loop iterations as
 * the connection needs.  A flow that the switch refuses is simply left out
 * of a bundle, and a commit would install the others, so the first round
 * on a connection is followed by a barrier, and ofguard commits only when
 * that barrier came back without errors (discarding the bundle otherwise).
 * Once the switch has accepted a round, or was found to hold every desired
 * flow already, the next rounds are "pipelined": the commit follows the
 * last flow at once, which saves a round trip to a switch whose main loop
 * may take tens of milliseconds (ovs-vswitchd with thousands of ports).  A
 * flow refused in a pipelined round means the others were committed:
 * ofguard then reads the flows back, as after any failed round, and checks
 * before committing until the switch accepts a round again.  Only small
 * rounds are pipelined: in a large one the round trip is nothing beside
 * the switch's work, and an all-or-nothing commit matters more.  Either
 * way the commit is followed by a barrier, whose reply means the switch now
 * has the flows. */
#define OFG_PIPELINE_MAX 100     /* Flow mods in a pipelined round, at most. */

struct ofg_bundle {
    uint32_t bundle_id;
    struct ofg_round changes;   /* No flows: no round in flight. */
    size_t n_sent;              /* Flow mods of 'changes' sent so far. */
    bool failed;
    bool pipelined;             /* Committed without checking first. */
    bool commit_refused;        /* The switch refused the commit, so it
                                 * applied none of the bundle. */
};

/* An outstanding request: its xid and the handler of its replies.  Flow
 * mods are not requests: an error about one is found through the round's
 * xid range. */
struct ofg_request;
typedef bool ofg_reply_handler(struct ofg_sw *, struct ofg_request *,
                               const struct ofp_header *, enum ofptype);
struct ofg_request {
    struct hmap_node node;      /* In ofg_sw's 'requests', by xid. */
    ovs_be32 xid;
    enum ofptype reply_type;    /* The type its replies must have. */
    ofg_reply_handler *handler; /* Returns true when the request is done. */
    struct ofg_query *query;    /* For a "flows" query, else NULL. */
};

/* A change to a flow that the switch reported.  It waits for the switch to
 * be idle: while a dump or an audit is in progress ofguard's record of the
 * flows is about to be replaced, while a round is in flight it is about to
 * be updated.  The switch reports changes in order, so replaying them over
 * the newer record still ends with each flow's latest state, at worst
 * re-sending a flow that was right.
 *
 * It also waits OFG_UPDATE_GRACE ms: an ovs-vswitchd that is shutting down
 * reports every flow removed just before the connection drops, which is not
 * tampering; the drop discards the changes unlogged. */
struct ofg_update {
    struct ovs_list node;       /* In ofg_sw's 'deferred'. */
    long long int when;         /* Time of arrival. */
    enum ofg_tamper_event event;
    struct ofg_flow *flow;
};
#define OFG_UPDATE_GRACE 100

/* A pending "flows" query. */
struct ofg_query {
    struct ds flows;
    ofg_sw_query_cb *cb;
    void *aux;
};

struct ofg_sw {
    struct rconn *rconn;
    struct rconn_packet_counter *tx_counter;  /* Messages queued to send. */
    unsigned int seqno;         /* rconn connection seqno last seen. */
    enum ofg_sw_state state;
    const struct ofg_config *config;

    /* High availability: the role ofguard should have on the switch, and
     * whether the switch refused it (a newer primary claimed it). */
    enum ofg_sw_role role;
    uint64_t generation;        /* With OFG_SW_PRIMARY. */
    bool role_refused;
    int n_role_tries;           /* Claims refused in a row. */
    uint64_t switch_generation; /* The switch's, from the last role query. */

    /* From the switch. */
    bool has_dpid;
    uint64_t dpid;
    unsigned int dpid_seqno;    /* rconn connection the dpid came over. */
    const struct ofg_switch *sw_config;     /* Entry in 'config', or NULL. */
    struct simap ports;                     /* Port name -> number. */
    struct simap new_ports;                 /* While the list arrives. */
    int frag_handling;          /* OFPUTIL_FRAG_*, or -1 before known. */

    /* Containers selected by identity in OVSDB: their ports (container
     * name -> port name), and why others could not be bound (each logged
     * once, while it lasts). */
    struct shash bindings;
    struct sset bind_problems;
    uint64_t bind_stamp;        /* The caller's, for the last bindings; 0
                                 * after a new connection. */
    char *bridge_warning;       /* What OVSDB says is unsafe, or NULL. */

    /* Flows. */
    struct ofg_desired desired;
    struct ofg_flow_table installed;
    struct ofg_bundle round;
    bool pipeline;              /* Commit rounds without checking first? */

    /* Tampering: changes by others to the flows ofguard answers for. */
    enum { MON_OFF, MON_REQUESTED, MON_ON, MON_PAUSED, MON_REFUSED } monitor;
    struct ovs_list deferred;   /* "struct ofg_update"s, oldest first. */
    struct ofg_flow_table audit;            /* Flows read by an audit. */
    int audit_interval;         /* Milliseconds, 0 for none. */
    long long int audit_at;     /* Time of the next audit. */
    unsigned long long int n_tampered;
    unsigned long long int n_audits;

    /* Violations: counters read from the accounting flows every
     * 'stats_interval' ms, and samples of dropped frames, through a meter
     * of 'sample_rate' frames per second. */
    struct ofg_violations violations;
    int stats_interval;
    long long int stats_at;
    bool stats_pending;
    int sample_rate;
    ovs_be32 meter_xid;         /* The meter mod in flight, or 0. */

    /* Quarantine: a container that sends at least 'quarantine_rate' forged
     * frames a second has its whole port dropped by one flow until
     * 'quarantine_time' ms after the flood stops (see
     * ofg_flows_add_quarantine()). */
    uint64_t quarantine_rate;   /* 0: never. */
    int quarantine_time;
    struct shash quarantine;    /* Container name -> release time (long long
                                 * int *, monotonic msec). */
    unsigned long long int n_quarantines;

    struct hmap requests;       /* "struct ofg_request"s, by xid. */

    /* Errors and recovery. */
    char *last_error;
    long long int resync_at;
    int backoff;                /* Milliseconds, 0 after a success. */
    uint32_t next_xid;
    uint32_t next_bundle_id;
    unsigned long long int n_rounds;
    unsigned long long int n_flow_mods;     /* Sent in rounds' bundles. */
    unsigned long long int n_errors;        /* Calls to ofg_sw_set_error(). */
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Every switch uses OpenFlow 1.3 and nothing else. */
#define OFG_OFP_VERSION OFP13_VERSION
#define OFG_PROTOCOL OFPUTIL_P_OF13_OXM

/* Tampering is logged one line per change, up to a burst: a script that
 * rewrites flows in a loop must not fill the disk. */
static struct vlog_rate_limit tamper_rl = VLOG_RATE_LIMIT_INIT(100, 1000);

/* The id of ofguard's flow monitor, the only one on its connection. */
#define OFG_MONITOR_ID 1

/* Backoff between failed update rounds. */
#define OFG_BACKOFF_MIN 1000
#define OFG_BACKOFF_MAX 60000

/* Flow control: a round is streamed while fewer than this many messages
 * wait in the connection's queue, so that a large round neither fills
 * ofguard's memory with encoded messages nor starves the other switches;
 * and at most OFG_TX_PER_RUN are queued per main-loop iteration. */
#define OFG_TX_QUEUE_MAX 1000
#define OFG_TX_PER_RUN 5000

/* A peer that stops reading (or never did, while it keeps sending echo
 * requests) would make ofguard queue messages without end.  Rounds stay
 * far below these bounds (OFG_TX_QUEUE_MAX messages, each at most a flow
 * mod); past them the connection is dropped. */
#define OFG_TX_DROP_PACKETS 10000
#define OFG_TX_DROP_BYTES (16 * 1024 * 1024)

static const char *ofg_sw_state_name(enum ofg_sw_state);
static struct ofg_sw *ofg_sw_create__(struct rconn *,
                                      const struct ofg_config *);
#define OFG_SW_STATE(NAME, DESC) static void run_S_##NAME(struct ofg_sw *);
OFG_SW_STATES
#undef OFG_SW_STATE
static void ofg_sw_reset(struct ofg_sw *);
static void ofg_sw_start_over(struct ofg_sw *);
static bool ofg_sw_is_writer(const struct ofg_sw *);
static void ofg_sw_send_role_query(struct ofg_sw *);
static void ofg_sw_start_sync(struct ofg_sw *);
static void ofg_sw_send_meter(struct ofg_sw *, uint16_t command);
static bool ofg_sw_recv_meter_error(struct ofg_sw *,
                                    const struct ofp_header *);
static void ofg_sw_recv_sample(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_poll_violations(struct ofg_sw *);
static void ofg_sw_process(struct ofg_sw *, struct ofpbuf *);
static void ofg_sw_recv_port_status(struct ofg_sw *,
                                    const struct ofp_header *);
static void ofg_sw_recv_error(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_updates(struct ofg_sw *, const struct ofp_header *);
static void ofg_sw_recv_update(struct ofg_sw *,
                               const struct ofputil_flow_update *);
static void ofg_sw_apply_updates(struct ofg_sw *);
static long long int ofg_sw_updates_due(const struct ofg_sw *);
static void ofg_sw_discard_deferred(struct ofg_sw *);
static void ofg_sw_send_monitor(struct ofg_sw *);
static void ofg_sw_start_audit(struct ofg_sw *);
static void ofg_sw_schedule_audit(struct ofg_sw *);
static bool ofg_sw_is_watched(const struct ofg_sw *, uint8_t table_id,
                              uint64_t cookie);
static bool same_operator_cookies(const struct ofg_switch *,
                                  const struct ofg_switch *);
static void ofg_sw_bad_reply(struct ofg_sw *, struct ofg_request *,
                             const struct ofp_header *);
static ofg_reply_handler recv_features;
static ofg_reply_handler recv_config;
static ofg_reply_handler recv_ports;
static ofg_reply_handler recv_dump;
static ofg_reply_handler recv_monitor;
static ofg_reply_handler recv_role_query;
static ofg_reply_handler recv_role_set;
static ofg_reply_handler recv_audit;
static int ofg_sw_read_flows(struct ofg_sw *, const struct ofp_header *,
                             enum ofptype, const char *what);
static ofg_reply_handler recv_violation_stats;
static ofg_reply_handler recv_query;
static ofg_reply_handler recv_bundle_reply;
static ofg_reply_handler recv_checked;
static ofg_reply_handler recv_committed;
static ofg_reply_handler recv_commit_reply;
static void ofg_sw_commit_round(struct ofg_sw *);
static void ofg_sw_send_dump(struct ofg_sw *);
static void ofg_sw_start_round(struct ofg_sw *);
static void ofg_sw_send_flow_mod(struct ofg_sw *, size_t index);
static void ofg_sw_send_bundle_ctrl(struct ofg_sw *, uint16_t type,
                                    ofg_reply_handler *);
static void ofg_sw_round_failed(struct ofg_sw *);
static void ofg_sw_restart(struct ofg_sw *);
static void ofg_sw_check_floods(struct ofg_sw *);
static void ofg_sw_note_bind_problems(struct ofg_sw *,
                                      const struct svec *problems);
static bool same_bindings(const struct shash *, const struct shash *);
static void ofg_sw_update_desired(struct ofg_sw *,
                                  const struct ofg_config *old, bool all);
static struct ofg_request *ofg_sw_request(struct ofg_sw *, struct ofpbuf *,
                                          ofg_reply_handler *);
static enum ofptype ofg_reply_type(const struct ofpbuf *request);
static struct ofg_request *ofg_sw_find_request(const struct ofg_sw *,
                                               ovs_be32 xid);
static void ofg_sw_end_request(struct ofg_sw *, struct ofg_request *,
                               const char *error);
static void ofg_sw_end_requests(struct ofg_sw *, const char *error);
static void ofg_sw_send(struct ofg_sw *, struct ofpbuf *);
static void ofg_sw_set_error(struct ofg_sw *, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);
static const char *ofg_sw_name(const struct ofg_sw *);
static void ofg_sw_port_map(const struct ofg_sw *, struct ofputil_port_map *);
static void ofg_sw_port_name(const struct ofg_sw *, ofp_port_t, char *name,
                             size_t size);
static int ofg_pull_flow_stats(const struct ofp_header *,
                               void (*cb)(const struct ofputil_flow_stats *,
                                          void *aux),
                               void *aux);
static struct ofpbuf *ofg_encode_flow_stats_request(uint64_t cookie,
                                                    uint64_t cookie_mask);

struct ofg_sw *
ofg_sw_create_active(const char *target, const struct ofg_config *config,
                     int probe_interval)
{
    struct rconn *rconn = rconn_create(probe_interval, 8, 0,
                                       1u << OFG_OFP_VERSION);
    rconn_connect(rconn, target, target);
    return ofg_sw_create__(rconn, config);
}

struct ofg_sw *
ofg_sw_create_passive(struct vconn *vconn, const struct ofg_config *config,
                      int probe_interval)
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
    sw->tx_counter = rconn_packet_counter_create();
    sw->seqno = rconn_get_connection_seqno(rconn);
    sw->state = S_NEW;
    sw->config = config;
    sw->frag_handling = -1;
    simap_init(&sw->ports);
    simap_init(&sw->new_ports);
    shash_init(&sw->bindings);
    sset_init(&sw->bind_problems);
    shash_init(&sw->quarantine);
    sw->quarantine_rate = OFG_SW_QUARANTINE_RATE;
    sw->quarantine_time = OFG_SW_QUARANTINE_TIME * 1000;
    ofg_desired_init(&sw->desired);
    sw->desired.bindings = &sw->bindings;
    sw->desired.quarantined = &sw->quarantine;
    ofg_flow_table_init(&sw->installed);
    ovs_list_init(&sw->deferred);
    ofg_flow_table_init(&sw->audit);
    sw->audit_interval = OFG_SW_AUDIT_INTERVAL * 1000;
    ofg_sw_schedule_audit(sw);
    ofg_violations_init(&sw->violations);
    sw->stats_interval = OFG_SW_VIOLATION_INTERVAL * 1000;
    sw->sample_rate = OFG_SW_SAMPLE_RATE;
    hmap_init(&sw->requests);
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
        ofg_sw_end_requests(sw, "ofguard is exiting");
        hmap_destroy(&sw->requests);
        rconn_destroy(sw->rconn);
        rconn_packet_counter_destroy(sw->tx_counter);
        ofg_round_destroy(&sw->round.changes);
        simap_destroy(&sw->ports);
        simap_destroy(&sw->new_ports);
        shash_destroy_free_data(&sw->bindings);
        sset_destroy(&sw->bind_problems);
        shash_destroy_free_data(&sw->quarantine);
        free(sw->bridge_warning);
        ofg_desired_destroy(&sw->desired);
        ofg_flow_table_destroy(&sw->installed);
        ofg_sw_discard_deferred(sw);
        ofg_flow_table_destroy(&sw->audit);
        ofg_violations_destroy(&sw->violations);
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
        sw->bind_stamp = 0;
        ofg_sw_reset(sw);
    }
    if (!rconn_is_connected(sw->rconn)) {
        return;
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

    ofg_violations_run(&sw->violations, time_msec());

    switch (sw->state) {
#define OFG_SW_STATE(NAME, DESC) case S_##NAME: run_S_##NAME(sw); break;
        OFG_SW_STATES
#undef OFG_SW_STATE
    }
}

void
ofg_sw_wait(struct ofg_sw *sw)
{
    rconn_run_wait(sw->rconn);
    rconn_recv_wait(sw->rconn);
    poll_timer_wait_until(ofg_violations_next_flush(&sw->violations));
    if (sw->state == S_BACKOFF) {
        poll_timer_wait_until(sw->resync_at);
    } else if (sw->state == S_IDLE) {
        poll_timer_wait_until(MIN(sw->audit_at, ofg_sw_updates_due(sw)));
        if (ofg_sw_is_writer(sw) && sw->stats_interval) {
            poll_timer_wait_until(sw->stats_at);
        }
    }
    if ((sw->state == S_IDLE && ofg_desired_is_dirty(&sw->desired)
                && !rconn_packet_counter_n_packets(sw->tx_counter))
               || (sw->state == S_SENDING
                   && (rconn_packet_counter_n_packets(sw->tx_counter)
                       < OFG_TX_QUEUE_MAX))) {
        poll_immediate_wake();
    }
    /* Otherwise rconn_run_wait() wakes us when the queue drains. */
}

void
ofg_sw_set_audit_interval(struct ofg_sw *sw, int seconds)
{
    sw->audit_interval = seconds * 1000;
    ofg_sw_schedule_audit(sw);
}

void
ofg_sw_set_role(struct ofg_sw *sw, enum ofg_sw_role role, uint64_t generation)
{
    if (sw->role == role
        && (role != OFG_SW_PRIMARY || sw->generation == generation)) {
        return;
    }
    sw->role = role;
    sw->generation = generation;
    sw->role_refused = false;
    sw->n_role_tries = 0;
    if (rconn_is_connected(sw->rconn) && sw->state != S_NEW) {
        ofg_sw_start_over(sw);
    }
}

bool
ofg_sw_primary_refused(const struct ofg_sw *sw, uint64_t *switch_generation)
{
    if (sw->role != OFG_SW_PRIMARY || !sw->role_refused) {
        return false;
    }
    *switch_generation = sw->switch_generation;
    return true;
}

void
ofg_sw_set_violation_options(struct ofg_sw *sw, int interval,
                             int sample_rate)
{
    sw->stats_interval = interval * 1000;
    sw->stats_at = time_msec() + sw->stats_interval;
    sw->sample_rate = sample_rate;
}

const struct ofg_violations *
ofg_sw_violations(const struct ofg_sw *sw)
{
    return &sw->violations;
}

void
ofg_sw_request_audit(struct ofg_sw *sw)
{
    sw->audit_at = 0;
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
    const struct ofg_switch *old_sw = sw->sw_config;
    sw->sw_config = ofg_config_find_switch_by_dpid(new_config, sw->dpid);
    if (!same_operator_cookies(old_sw, sw->sw_config)) {
        /* Flows whose cookie is no longer listed are found by reading
         * everything back. */
        sw->audit_at = 0;
    }
    if (sw->state < S_IDLE) {
        /* The full compile after the dump will use the new config. */
        return;
    }
    ofg_sw_update_desired(sw, old, false);
}

bool
ofg_sw_get_dpid(const struct ofg_sw *sw, uint64_t *dpid)
{
    *dpid = sw->dpid;
    return sw->has_dpid;
}

const struct ofg_switch *
ofg_sw_get_config_entry(const struct ofg_sw *sw)
{
    return sw->sw_config;
}

void
ofg_sw_set_quarantine(struct ofg_sw *sw, int rate, int seconds)
{
    sw->quarantine_rate = rate;
    sw->quarantine_time = seconds * 1000;
}

uint64_t
ofg_sw_get_bind_stamp(const struct ofg_sw *sw)
{
    return sw->bind_stamp;
}

void
ofg_sw_set_bridge_warning(struct ofg_sw *sw, const char *warning)
{
    if (nullable_string_is_equal(warning, sw->bridge_warning)) {
        return;
    }
    if (warning) {
        VLOG_WARN("%s: not protected when ofguard is away: %s (ovs-vsctl "
                  "set-fail-mode BRIDGE secure; ovs-vsctl set bridge BRIDGE "
                  "other-config:disable-in-band=true)", ofg_sw_name(sw),
                  warning);
    } else {
        VLOG_INFO("%s: fail_mode=secure and in-band control off",
                  ofg_sw_name(sw));
    }
    free(sw->bridge_warning);
    sw->bridge_warning = nullable_xstrdup(warning);
}

void
ofg_sw_set_bindings(struct ofg_sw *sw, struct shash *bindings,
                    const struct svec *problems, uint64_t stamp)
{
    sw->bind_stamp = stamp;
    ofg_sw_note_bind_problems(sw, problems);
    if (same_bindings(&sw->bindings, bindings)) {
        shash_clear_free_data(bindings);
        return;
    }
    shash_swap(&sw->bindings, bindings);
    shash_clear_free_data(bindings);
    if (sw->state >= S_IDLE) {
        ofg_sw_update_desired(sw, sw->config, false);
    }
    /* Before S_IDLE, the full compile after the dump sees the bindings. */
}

/* Logs each problem in 'problems' that was not there last time, and keeps
 * them for the next time and for "status". */
static void
ofg_sw_note_bind_problems(struct ofg_sw *sw, const struct svec *problems)
{
    struct sset now = SSET_INITIALIZER(&now);
    for (size_t i = 0; i < problems->n; i++) {
        const char *p = problems->names[i];
        if (!sset_contains(&sw->bind_problems, p)) {
            VLOG_WARN("%s: %s", ofg_sw_name(sw), p);
        }
        sset_add(&now, p);
    }
    sset_swap(&sw->bind_problems, &now);
    sset_destroy(&now);
}

static bool
same_bindings(const struct shash *a, const struct shash *b)
{
    if (shash_count(a) != shash_count(b)) {
        return false;
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, a) {
        const char *port = shash_find_data(b, node->name);
        if (!port || strcmp(port, node->data)) {
            return false;
        }
    }
    return true;
}

bool
ofg_sw_is_synced(const struct ofg_sw *sw)
{
    return (rconn_is_connected(sw->rconn) && sw->state == S_IDLE
            && ofg_sw_is_writer(sw) && !ofg_desired_is_dirty(&sw->desired));
}

const char *
ofg_sw_get_name(const struct ofg_sw *sw)
{
    return ofg_sw_name(sw);
}

bool
ofg_sw_is_configured(const struct ofg_sw *sw)
{
    return sw->sw_config != NULL;
}

bool
ofg_sw_is_connected(const struct ofg_sw *sw)
{
    return rconn_is_connected(sw->rconn);
}

const char *
ofg_sw_role_name(const struct ofg_sw *sw)
{
    return (sw->role == OFG_SW_EQUAL ? "equal"
            : sw->role == OFG_SW_SECONDARY ? "secondary"
            : sw->role_refused ? "refused" : "primary");
}

bool
ofg_sw_has_container(const struct ofg_sw *sw, const char *container)
{
    return (rconn_is_connected(sw->rconn)
            && ofg_desired_find(&sw->desired, container) != NULL);
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
    ds_put_format(s, " target=%s connected=%s role=%s state=\"%s\" sync=%s"
                  " flows=%"PRIuSIZE" desired=%"PRIuSIZE
                  " containers=%"PRIuSIZE" rounds=%llu frags=%s monitor=%s"
                  " tampered=%llu audits=%llu unbound=%"PRIuSIZE
                  " quarantined=%"PRIuSIZE" ",
                  rconn_get_target(sw->rconn),
                  rconn_is_connected(sw->rconn) ? "yes" : "no",
                  ofg_sw_role_name(sw),
                  ofg_sw_state_name(sw->state),
                  (!ofg_sw_is_writer(sw) ? "standby"
                   : ofg_sw_is_synced(sw) ? "yes" : "no"),
                  ofg_flow_table_count(&sw->installed),
                  ofg_flow_table_count(&sw->desired.flows),
                  ofg_desired_n_containers(&sw->desired), sw->n_rounds,
                  (sw->frag_handling < 0 ? "unknown"
                   : ofputil_frag_handling_to_string(sw->frag_handling)),
                  (sw->monitor == MON_ON ? "yes"
                   : sw->monitor == MON_PAUSED ? "paused"
                   : sw->monitor == MON_REFUSED ? "refused"
                   : sw->monitor == MON_REQUESTED ? "requested" : "no"),
                  sw->n_tampered, sw->n_audits,
                  sset_count(&sw->bind_problems),
                  shash_count(&sw->quarantine));
    if (sw->bridge_warning) {
        ds_put_format(s, "warning=\"%s\" ", sw->bridge_warning);
    }
    ds_put_cstr(s, "last_error=");
    if (sw->last_error) {
        ds_put_format(s, "\"%s\"", sw->last_error);
    } else {
        ds_put_cstr(s, "none");
    }
}

void
ofg_sw_get_stats(const struct ofg_sw *sw, struct ofg_sw_stats *stats)
{
    *stats = (struct ofg_sw_stats) {
        .name = ofg_sw_name(sw),
        .has_dpid = sw->has_dpid,
        .dpid = sw->dpid,
        .connected = rconn_is_connected(sw->rconn),
        .synced = ofg_sw_is_synced(sw),
        .role = sw->role,
        .counters = {
            .n_rounds = sw->n_rounds,
            .n_flow_mods = sw->n_flow_mods,
            .n_errors = sw->n_errors,
            .n_tampered = sw->n_tampered,
            .n_audits = sw->n_audits,
        },
    };
}

bool
ofg_sw_query_flows(struct ofg_sw *sw, const char *container_name,
                   ofg_sw_query_cb *cb, void *aux)
{
    const struct ofg_placement *p = ofg_desired_find(&sw->desired,
                                                     container_name);
    if (!p || !rconn_is_connected(sw->rconn)) {
        return false;
    }

    struct ofg_query *q = xzalloc(sizeof *q);
    ds_init(&q->flows);
    q->cb = cb;
    q->aux = aux;
    struct ofpbuf *msg = ofg_encode_flow_stats_request(p->cookie, UINT64_MAX);
    ofg_sw_request(sw, msg, recv_query)->query = q;
    return true;
}

void
ofg_sw_cancel_queries(struct ofg_sw *sw, void *aux)
{
    struct ofg_request *req, *next;
    HMAP_FOR_EACH_SAFE (req, next, node, &sw->requests) {
        if (req->query && req->query->aux == aux) {
            ds_destroy(&req->query->flows);
            free(req->query);
            req->query = NULL;
            ofg_sw_end_request(sw, req, NULL);
        }
    }
}

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

/* State handlers. */

/* Asks for the datapath ID; its reply starts everything else. */
static void
run_S_NEW(struct ofg_sw *sw)
{
    struct ofpbuf *msg = ofpraw_alloc(OFPRAW_OFPT_FEATURES_REQUEST,
                                      OFG_OFP_VERSION, 0);
    ofg_sw_request(sw, msg, recv_features);
    sw->state = S_FEATURES;
}

static void
run_S_FEATURES(struct ofg_sw *sw OVS_UNUSED)
{
}

static void
run_S_ROLE(struct ofg_sw *sw OVS_UNUSED)
{
}

static void
run_S_PORTS(struct ofg_sw *sw OVS_UNUSED)
{
}

static void
run_S_DUMP(struct ofg_sw *sw OVS_UNUSED)
{
}

/* Starts a round when something changed and the connection is not still
 * busy with earlier messages: the changes are computed only when they can
 * be sent, so several changes in a row make one round. */
static void
run_S_IDLE(struct ofg_sw *sw)
{
    if (!ofg_sw_is_writer(sw)) {
        /* The primary answers for the flows; what changed is read again
         * on taking over. */
        ofg_sw_discard_deferred(sw);
        return;
    }
    if (time_msec() >= ofg_sw_updates_due(sw)) {
        ofg_sw_apply_updates(sw);
    }
    if (sw->stats_interval && time_msec() >= sw->stats_at
        && !sw->stats_pending) {
        ofg_sw_poll_violations(sw);
    }
    if (rconn_packet_counter_n_packets(sw->tx_counter)) {
        return;
    }
    if (ofg_desired_is_dirty(&sw->desired)) {
        ofg_sw_start_round(sw);
    } else if (time_msec() >= sw->audit_at) {
        ofg_sw_start_audit(sw);
    }
}

/* Streams the round's flow mods into the bundle, as fast as the connection
 * takes them, then asks for the barrier that says whether the switch
 * refused any. */
static void
run_S_SENDING(struct ofg_sw *sw)
{
    struct ofg_bundle *r = &sw->round;
    for (int i = 0; i < OFG_TX_PER_RUN && r->n_sent < r->changes.n_flows;
         i++) {
        if (rconn_packet_counter_n_packets(sw->tx_counter)
            >= OFG_TX_QUEUE_MAX) {
            return;
        }
        ofg_sw_send_flow_mod(sw, r->n_sent++);
    }
    if (r->n_sent < r->changes.n_flows) {
        return;
    }
    if (sw->pipeline && r->changes.n_flows <= OFG_PIPELINE_MAX) {
        r->pipelined = true;
        ofg_sw_commit_round(sw);
    } else {
        ofg_sw_request(sw, ofputil_encode_barrier_request(OFG_OFP_VERSION),
                       recv_checked);
        sw->state = S_CHECKING;
    }
}

static void
run_S_CHECKING(struct ofg_sw *sw OVS_UNUSED)
{
}

static void
run_S_COMMITTING(struct ofg_sw *sw OVS_UNUSED)
{
}

static void
run_S_AUDIT(struct ofg_sw *sw OVS_UNUSED)
{
}

/* After a failure, starts over once the backoff expired: the port list and
 * the flows are read again, since ofguard may no longer know them. */
static void
run_S_BACKOFF(struct ofg_sw *sw)
{
    if (time_msec() >= sw->resync_at) {
        run_S_NEW(sw);
    }
}

/* Forgets everything learned from the switch over the previous connection.
 * The desired flows are recomputed after the next dump. */
static void
ofg_sw_reset(struct ofg_sw *sw)
{
    ofg_sw_end_requests(sw, "connection to the switch was lost");
    ofg_sw_start_over(sw);
    sw->monitor = MON_OFF;
    sw->desired.sample = true;      /* Until this connection's meter fails. */
    sw->frag_handling = -1;
    sw->role_refused = false;
    sw->n_role_tries = 0;
}

/* Starts again from the features request on the same connection (after a
 * change of role): everything learned about the flows is forgotten.  The
 * connection keeps its flow monitor, and the request that sets it up. */
static void
ofg_sw_start_over(struct ofg_sw *sw)
{
    struct ofg_request *req, *next;
    HMAP_FOR_EACH_SAFE (req, next, node, &sw->requests) {
        if (req->handler != recv_monitor) {
            ofg_sw_end_request(sw, req, "ofguard's role changed");
        }
    }
    sw->state = S_NEW;
    ofg_round_destroy(&sw->round.changes);
    memset(&sw->round, 0, sizeof sw->round);
    ofg_flow_table_clear(&sw->installed);
    ofg_flow_table_clear(&sw->audit);
    ofg_sw_discard_deferred(sw);
    sw->backoff = 0;
    sw->pipeline = false;       /* Until this start's first round. */
}

/* True if ofguard writes to the switch: it has no role, or it is the
 * primary and the switch agreed. */
static bool
ofg_sw_is_writer(const struct ofg_sw *sw)
{
    return (sw->role == OFG_SW_EQUAL
            || (sw->role == OFG_SW_PRIMARY && !sw->role_refused));
}

/* Messages. */

static void
ofg_sw_process(struct ofg_sw *sw, struct ofpbuf *msg)
{
    const struct ofp_header *oh = msg->data;
    enum ofptype type;

    struct ofg_request *req;
    if (ofptype_decode(&type, oh)) {
        req = ofg_sw_find_request(sw, oh->xid);
        if (req) {
            /* The reply to one of our requests, which would otherwise wait
             * for good. */
            ofg_sw_bad_reply(sw, req, oh);
        } else {
            VLOG_WARN_RL(&rl, "%s: received a message that cannot be "
                         "decoded (OpenFlow type %"PRIu8"); ignoring it",
                         ofg_sw_name(sw), oh->type);
        }
        return;
    }

    switch (type) {
    case OFPTYPE_ECHO_REQUEST:
        ofg_sw_send(sw, ofputil_encode_echo_reply(oh));
        break;

    case OFPTYPE_PORT_STATUS:
        ofg_sw_recv_port_status(sw, oh);
        break;

    case OFPTYPE_ERROR:
        ofg_sw_recv_error(sw, oh);
        break;

    case OFPTYPE_FLOW_MONITOR_STATS_REPLY:
        req = ofg_sw_find_request(sw, oh->xid);
        if (!req) {
            /* Changes come with xid 0, only the reply to the monitor
             * request itself with its xid. */
            ofg_sw_recv_updates(sw, oh);
        } else if (type != req->reply_type) {
            ofg_sw_bad_reply(sw, req, oh);
        } else if (req->handler(sw, req, oh, type)) {
            ofg_sw_end_request(sw, req, NULL);
        }
        break;

    case OFPTYPE_FEATURES_REPLY:
    case OFPTYPE_ROLE_REPLY:
    case OFPTYPE_GET_CONFIG_REPLY:
    case OFPTYPE_PORT_DESC_STATS_REPLY:
    case OFPTYPE_FLOW_STATS_REPLY:
    case OFPTYPE_BUNDLE_CONTROL:
    case OFPTYPE_BARRIER_REPLY:
        req = ofg_sw_find_request(sw, oh->xid);
        if (req && type != req->reply_type) {
            /* Another kind of reply than the request's, which its handler
             * could not decode. */
            ofg_sw_bad_reply(sw, req, oh);
        } else if (req && req->handler(sw, req, oh, type)) {
            ofg_sw_end_request(sw, req, NULL);
        }
        /* A reply to no request of ours (a late answer to an earlier
         * connection's request) is ignored. */
        break;

    case OFPTYPE_PACKET_IN:
        ofg_sw_recv_sample(sw, oh);
        break;

    case OFPTYPE_HELLO:
    case OFPTYPE_ECHO_REPLY:
    case OFPTYPE_FLOW_REMOVED:
    default:
        /* Nothing to do: hello and echo replies are rconn's business, and
         * nothing ofguard installs sends packets to the controller. */
        break;
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
    unsigned int number = ofp_to_u16(ps.desc.port_no);
    struct simap_node *node = simap_find(&sw->ports, name);
    const char *what;
    if (ps.reason == OFPPR_DELETE) {
        if (!node || node->data != number) {
            return;
        }
        simap_delete(&sw->ports, node);
        what = "removed";
    } else {
        if (node && node->data == number) {
            return;             /* Only its state changed. */
        }
        what = node ? "renumbered" : "added";
        /* A port number belongs to one port at a time: a renumbered port
         * frees its old number, which another port may now have. */
        struct simap_node *other, *next;
        SIMAP_FOR_EACH_SAFE (other, next, &sw->ports) {
            if (other->data == number) {
                simap_delete(&sw->ports, other);
            }
        }
        simap_put(&sw->ports, name, number);
    }
    VLOG_INFO("%s: port %s %s (OpenFlow port %u)", ofg_sw_name(sw), name,
              what, number);

    if (sw->state >= S_IDLE) {
        ofg_sw_update_desired(sw, sw->config, false);
    }
    /* Before S_IDLE, the full compile after the dump sees the new ports. */
}

/* A reply to 'req' that does not decode: a "flows" query ends with an
 * error; any other request means ofguard no longer knows where it stands
 * with the switch, so it starts over. */
static void
ofg_sw_bad_reply(struct ofg_sw *sw, struct ofg_request *req,
                 const struct ofp_header *oh)
{
    bool query = req->query != NULL;
    ofg_sw_end_request(sw, req, "bad reply from the switch");
    if (!query) {
        ofg_sw_set_error(sw, "bad reply to a request (OpenFlow type %"PRIu8
                         ")", oh->type);
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        ofg_sw_restart(sw);
    }
}

/* An error from the switch: about a flow of the round in flight (found by
 * its xid), about one of ofguard's requests, or about nothing ofguard
 * waits for. */
static void
ofg_sw_recv_error(struct ofg_sw *sw, const struct ofp_header *oh)
{
    enum ofperr error = ofperr_decode_msg(oh, NULL);
    const char *error_name = error ? ofperr_to_string(error) : "unknown";
    struct ofg_bundle *r = &sw->round;
    size_t index = (r->changes.flows
                    ? ofg_round_find_xid(&r->changes, ntohl(oh->xid))
                    : SIZE_MAX);

    if (index != SIZE_MAX) {
        struct ofputil_port_map map;
        ofg_sw_port_map(sw, &map);
        struct ds s = DS_EMPTY_INITIALIZER;
        ofg_flow_format(r->changes.flows[index], &map, &s);
        ofg_sw_set_error(sw, "%s refused %s: %s", error_name,
                         index < r->changes.n_deletes ? "delete" : "add",
                         ds_cstr(&s));
        ds_destroy(&s);
        ofputil_port_map_destroy(&map);
        r->failed = true;
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        return;
    }

    if (ofg_sw_recv_meter_error(sw, oh)) {
        return;
    }
    struct ofg_request *req = ofg_sw_find_request(sw, oh->xid);
    if (!req) {
        /* A late answer to an earlier connection's request, or a confused
         * switch: noted, not acted on. */
        VLOG_WARN_RL(&rl, "%s: ignoring error %s with unknown xid %#"PRIx32,
                     ofg_sw_name(sw), error_name, ntohl(oh->xid));
        return;
    }
    if (!error) {
        /* An error that does not decode says nothing a handler could act
         * on (they all take an error as one that decodes). */
        ofg_sw_bad_reply(sw, req, oh);
        return;
    }
    if (req->handler(sw, req, oh, OFPTYPE_ERROR)) {
        ofg_sw_end_request(sw, req, error_name);
    }
}

/* The datapath ID, then the fragment handling and the port list. */
static bool
recv_features(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
              const struct ofp_header *oh, enum ofptype type)
{
    struct ofputil_switch_features features;
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    enum ofperr error = (type == OFPTYPE_ERROR ? ofperr_decode_msg(oh, NULL)
                         : ofputil_pull_switch_features(&b, &features));
    if (error) {
        ofg_sw_set_error(sw, "%s features: %s",
                         type == OFPTYPE_ERROR ? "switch refused to send its"
                         : "bad", ofperr_to_string(error));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        rconn_reconnect(sw->rconn);
        return true;
    }

    /* A resync asks again on the same connection: that is no news. */
    unsigned int seqno = rconn_get_connection_seqno(sw->rconn);
    bool again = (sw->has_dpid && sw->dpid_seqno == seqno
                  && sw->dpid == features.datapath_id);
    sw->has_dpid = true;
    sw->dpid = features.datapath_id;
    sw->dpid_seqno = seqno;
    sw->sw_config = ofg_config_find_switch_by_dpid(sw->config, sw->dpid);
    VLOG(again ? VLL_DBG : VLL_INFO, "%s: %s, datapath ID %016"PRIx64"%s",
         rconn_get_name(sw->rconn), again ? "resynchronizing" : "connected",
         sw->dpid,
         sw->sw_config ? "" : " (not in the config: default policy)");

    if (sw->role == OFG_SW_EQUAL) {
        ofg_sw_start_sync(sw);
    } else {
        ofg_sw_send_role_query(sw);
    }
    return true;
}

/* Asks for the switch's current role and generation: a secondary claims
 * its role with the switch's own generation, which can never be stale. */
static void
ofg_sw_send_role_query(struct ofg_sw *sw)
{
    struct ofpbuf *msg = ofpraw_alloc(OFPRAW_OFPT12_ROLE_REQUEST,
                                      OFG_OFP_VERSION, 0);
    struct ofp12_role_request *rr = ofpbuf_put_zeros(msg, sizeof *rr);
    rr->role = htonl(OFPCR12_ROLE_NOCHANGE);
    ofg_sw_request(sw, msg, recv_role_query);
    sw->state = S_ROLE;
}

static bool
recv_role_query(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
                const struct ofp_header *oh, enum ofptype type)
{
    struct ofputil_role_request reply;
    enum ofperr error = (type == OFPTYPE_ERROR ? ofperr_decode_msg(oh, NULL)
                         : ofputil_decode_role_message(oh, &reply));
    if (error) {
        ofg_sw_set_error(sw, "role query: %s", ofperr_to_string(error));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        ofg_sw_restart(sw);
        return true;
    }

    bool primary = ofg_sw_is_writer(sw);
    uint64_t switch_gen = reply.have_generation_id ? reply.generation_id : 0;
    sw->switch_generation = switch_gen;
    struct ofpbuf *msg = ofpraw_alloc(OFPRAW_OFPT12_ROLE_REQUEST,
                                      OFG_OFP_VERSION, 0);
    struct ofp12_role_request *rr = ofpbuf_put_zeros(msg, sizeof *rr);
    rr->role = htonl(primary ? OFPCR12_ROLE_PRIMARY : OFPCR12_ROLE_SECONDARY);
    rr->generation_id = htonll(primary ? sw->generation : switch_gen);
    ofg_sw_request(sw, msg, recv_role_set);
    return true;
}

/* The switch's answer to ofguard's claim.  A primary refused as stale has
 * lost the lock without knowing it yet: it goes on as a secondary. */
static bool
recv_role_set(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
              const struct ofp_header *oh, enum ofptype type)
{
    if (type != OFPTYPE_ERROR) {
        VLOG_INFO("%s: role %s%s", ofg_sw_name(sw),
                  ofg_sw_is_writer(sw) ? "primary" : "secondary",
                  sw->role_refused ? " (primary role refused)" : "");
        sw->n_role_tries = 0;
        ofg_sw_start_sync(sw);
        return true;
    }

    enum ofperr error = ofperr_decode_msg(oh, NULL);
    if (error == OFPERR_OFPRRFC_STALE && ++sw->n_role_tries < 3) {
        if (ofg_sw_is_writer(sw)) {
            sw->role_refused = true;
            ofg_sw_set_error(sw, "switch refused the primary role: "
                             "generation %"PRIu64" is older than another "
                             "controller's", sw->generation);
            VLOG_WARN("%s: %s", ofg_sw_name(sw), sw->last_error);
        }
        ofg_sw_send_role_query(sw);
        return true;
    }
    ofg_sw_set_error(sw, "role request: %s", ofperr_to_string(error));
    VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
    ofg_sw_restart(sw);
    return true;
}

/* Reads the switch's fragment handling, ports and flows, after which the
 * desired flows are computed and, for a writer, the first round sent. */
static void
ofg_sw_start_sync(struct ofg_sw *sw)
{
    if (ofg_sw_is_writer(sw)) {
        /* The guards against DHCP servers and routers match L4 headers,
         * which OVS's default fragment handling hides in every fragment,
         * the first included.  "nx-match" shows the first fragment's.  The
         * switch applies this before the flows that follow on this
         * connection; the reply to the next request says whether it took
         * it. */
        struct ofputil_switch_config sc = {
            .frag = OFPUTIL_FRAG_NX_MATCH,
            .invalid_ttl_to_controller = -1,
            .miss_send_len = OFP_DEFAULT_MISS_SEND_LEN,
        };
        ofg_sw_send(sw, ofputil_encode_set_config(&sc, OFG_OFP_VERSION));

        /* Before any flow that uses it: a flow added before its meter
         * would send every sample unmetered. */
        ofg_sw_send_meter(sw, OFPMC13_ADD);
    }
    ofg_sw_request(sw, ofpraw_alloc(OFPRAW_OFPT_GET_CONFIG_REQUEST,
                                    OFG_OFP_VERSION, 0), recv_config);

    /* Before the dump, so that no change falls between the two. */
    ofg_sw_send_monitor(sw);

    simap_clear(&sw->new_ports);
    ofg_sw_request(sw, ofputil_encode_port_desc_stats_request(
                       OFG_OFP_VERSION, OFPP_ANY), recv_ports);
    sw->state = S_PORTS;
}

static bool
recv_config(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
            const struct ofp_header *oh, enum ofptype type)
{
    if (type == OFPTYPE_ERROR) {
        /* Not needed to go on: status shows "frags=unknown". */
        return true;
    }
    struct ofputil_switch_config sc;
    ofputil_decode_get_config_reply(oh, &sc);
    sw->frag_handling = sc.frag;
    if (sc.frag != OFPUTIL_FRAG_NX_MATCH && ofg_sw_is_writer(sw)) {
        /* The flows still fail closed (a first fragment whose UDP or ICMPv6
         * header reads as zero is dropped), but legitimate fragmented
         * traffic suffers: say so. */
        ofg_sw_set_error(sw, "switch kept fragment handling \"%s\" instead "
                         "of \"nx-match\": first fragments of UDP are "
                         "dropped", ofputil_frag_handling_to_string(sc.frag));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
    }
    return true;
}

/* The port list, in one or more parts.  A list ofguard cannot read whole
 * is one it cannot place containers by: it starts over. */
static bool
recv_ports(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
           const struct ofp_header *oh, enum ofptype type)
{
    if (type == OFPTYPE_ERROR) {
        ofg_sw_set_error(sw, "switch refused to list its ports: %s",
                         ofperr_to_string(ofperr_decode_msg(oh, NULL)));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        ofg_sw_restart(sw);
        return true;
    }

    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    ofpraw_pull_assert(&b);
    for (;;) {
        struct ofputil_phy_port pp;
        int retval = ofputil_pull_phy_port(oh->version, &b, &pp);
        if (retval == EOF) {
            break;
        } else if (retval) {
            ofg_sw_set_error(sw, "bad port description: %s",
                             ofperr_to_string(retval));
            VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
            ofg_sw_restart(sw);
            return true;
        }
        simap_put(&sw->new_ports, pp.name, ofp_to_u16(pp.port_no));
    }
    if (ofpmp_flags(oh) & OFPSF_REPLY_MORE) {
        return false;
    }
    simap_swap(&sw->ports, &sw->new_ports);
    simap_clear(&sw->new_ports);
    ofg_sw_send_dump(sw);
    return true;
}

/* Reads the flows ofguard answers for from the switch: its own and any
 * other in its tables.  The switch cannot filter on "either", so all of them
 * are read. */
static void
ofg_sw_send_dump(struct ofg_sw *sw)
{
    ofg_flow_table_clear(&sw->installed);
    ofg_sw_request(sw, ofg_encode_flow_stats_request(0, 0), recv_dump);
    sw->state = S_DUMP;
}

/* Adds a flow the switch listed to the table being read: 'installed' for a
 * dump, 'audit' for an audit. */
static void
add_installed(const struct ofputil_flow_stats *fs, void *sw_)
{
    struct ofg_sw *sw = sw_;
    if (!ofg_sw_is_watched(sw, fs->table_id, ntohll(fs->cookie))) {
        return;
    }
    struct ofg_flow_table *table = (sw->state == S_AUDIT ? &sw->audit
                                    : &sw->installed);
    struct ofg_flow *flow = ofg_flow_create(fs->table_id, fs->priority,
                                            &fs->match, ntohll(fs->cookie),
                                            fs->ofpacts, fs->ofpacts_len);
    if (ofg_flow_table_insert(table, flow)) {
        ofg_flow_destroy(flow);
    }
}

/* One part of a listing of the flows ofguard answers for, a dump or an
 * audit ('what' prefixes its errors), added to the table being read.
 * Returns EAGAIN while more parts are to come, 0 after the last, or another
 * error, after which the switch starts over: a flow ofguard cannot read is
 * one it cannot diff. */
static int
ofg_sw_read_flows(struct ofg_sw *sw, const struct ofp_header *oh,
                  enum ofptype type, const char *what)
{
    int retval = (type == OFPTYPE_ERROR ? ofperr_decode_msg(oh, NULL)
                  : ofg_pull_flow_stats(oh, add_installed, sw));
    if (retval) {
        ofg_sw_set_error(sw, "%s%s flows: %s", what,
                         type == OFPTYPE_ERROR ? "switch refused to list its"
                         : "bad reply listing", ofperr_to_string(retval));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        ofg_sw_restart(sw);
        return retval == EAGAIN ? EPROTO : retval;
    }
    return ofpmp_flags(oh) & OFPSF_REPLY_MORE ? EAGAIN : 0;
}

/* ofguard's flows as the switch has them, in one or more parts; then the
 * desired flows are computed and the first round can start. */
static bool
recv_dump(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
          const struct ofp_header *oh, enum ofptype type)
{
    int retval = ofg_sw_read_flows(sw, oh, type, "");
    if (retval) {
        return retval != EAGAIN;
    }
    VLOG_INFO("%s: switch has %"PRIuSIZE" ofguard flows",
              ofg_sw_name(sw), ofg_flow_table_count(&sw->installed));
    ofg_sw_update_desired(sw, sw->config, true);
    sw->state = S_IDLE;
    ofg_sw_schedule_audit(sw);
    return true;
}

static void
add_query_line(const struct ofputil_flow_stats *fs, void *ctx_)
{
    struct { struct ds *s; const struct ofputil_port_map *map; } *ctx = ctx_;
    ds_put_char(ctx->s, ' ');
    ofputil_flow_stats_format(ctx->s, fs, ctx->map, NULL, true);
    ds_put_char(ctx->s, '\n');
}

/* A "flows" query's answer, in one or more parts, or the switch's refusal:
 * either way the query ends with it. */
static bool
recv_query(struct ofg_sw *sw, struct ofg_request *req,
           const struct ofp_header *oh, enum ofptype type)
{
    if (type == OFPTYPE_ERROR) {
        return true;            /* ofg_sw_end_request() reports it. */
    }
    struct ofputil_port_map map;
    ofg_sw_port_map(sw, &map);
    struct { struct ds *s; const struct ofputil_port_map *map; } ctx = {
        &req->query->flows, &map
    };
    int retval = ofg_pull_flow_stats(oh, add_query_line, &ctx);
    ofputil_port_map_destroy(&map);
    if (retval) {
        /* Ended here, with its error; "false" keeps the caller from ending
         * it again. */
        ofg_sw_end_request(sw, req, "bad flow stats reply");
        return false;
    }
    return !(ofpmp_flags(oh) & OFPSF_REPLY_MORE);
}

/* Starts an update round with every change that is due, or does nothing if
 * the switch already has every desired flow. */
static void
ofg_sw_start_round(struct ofg_sw *sw)
{
    struct ofg_flow_changes changes;
    ofg_flow_changes_init(&changes);
    ofg_desired_take_changes(&sw->desired, &sw->installed, &changes);
    size_t n = changes.n_deletes + changes.n_adds;
    if (!n) {
        /* The switch has every flow ofguard wants (read back after a
         * restart, say): it accepted them, as a round would show. */
        sw->pipeline = true;
        ofg_flow_changes_destroy(&changes);
        return;
    }

    /* Flow mods' xids stay in the upper half, apart from the xids that
     * other requests get: a round that would wrap past 2^32 starts over. */
    if (sw->next_xid < 0x80000000 || UINT32_MAX - sw->next_xid < n) {
        sw->next_xid = 0x80000000;
    }
    struct ofg_bundle *r = &sw->round;
    ofg_round_init(&r->changes, &changes, sw->next_xid);
    ofg_flow_changes_destroy(&changes);
    sw->next_xid += n;
    r->bundle_id = sw->next_bundle_id++;
    r->n_sent = 0;
    r->failed = false;
    r->pipelined = false;
    r->commit_refused = false;

    ofg_sw_send_bundle_ctrl(sw, OFPBCT_OPEN_REQUEST, recv_bundle_reply);
    sw->state = S_SENDING;
    sw->n_rounds++;
    VLOG_INFO("%s: update round %llu: %"PRIuSIZE" deletes, %"PRIuSIZE
              " adds%s", ofg_sw_name(sw), sw->n_rounds, r->changes.n_deletes,
              n - r->changes.n_deletes,
              (sw->pipeline && n <= OFG_PIPELINE_MAX ? ", pipelined"
               : ", checked before commit"));
}

/* Adds flow mod 'index' of the round to the bundle. */
static void
ofg_sw_send_flow_mod(struct ofg_sw *sw, size_t index)
{
    const struct ofg_bundle *r = &sw->round;
    const struct ofg_flow *flow = r->changes.flows[index];
    bool delete = index < r->changes.n_deletes;
    struct ofputil_flow_mod fm = {
        .match = flow->match,
        .priority = flow->priority,
        .table_id = flow->table_id,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };
    if (delete) {
        /* The cookie match keeps a delete from ever touching a flow that is
         * not ofguard's. */
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
        ofg_flow_format(flow, NULL, &s);
        VLOG_DBG("%s: round %llu: %s %s", ofg_sw_name(sw), sw->n_rounds,
                 delete ? "delete" : "add", ds_cstr(&s));
        ds_destroy(&s);
    }
    struct ofpbuf *fm_msg = ofputil_encode_flow_mod(&fm, OFG_PROTOCOL);
    ((struct ofp_header *) fm_msg->data)->xid
        = htonl(r->changes.base_xid + index);
    ofpmsg_update_length(fm_msg);

    struct ofputil_bundle_add_msg bam = {
        .bundle_id = r->bundle_id,
        .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
        .msg = fm_msg->data,
    };
    ofg_sw_send(sw, ofputil_encode_bundle_add(OFG_OFP_VERSION, &bam));
    ofpbuf_delete(fm_msg);
    sw->n_flow_mods++;
}

static void
ofg_sw_send_bundle_ctrl(struct ofg_sw *sw,
                        uint16_t type,
                        ofg_reply_handler *handler)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = sw->round.bundle_id,
        .type = type,
        .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
    };
    ofg_sw_request(sw, ofputil_encode_bundle_ctrl_request(OFG_OFP_VERSION,
                                                          &bc), handler);
}

/* The replies to the bundle's open and commit requests: only a refusal
 * matters (the barriers that follow say when to go on). */
static bool
recv_bundle_reply(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
                  const struct ofp_header *oh, enum ofptype type)
{
    struct ofg_bundle *r = &sw->round;
    if (type == OFPTYPE_ERROR && r->changes.flows && !r->failed) {
        /* A refused flow also fails the commit; the flow's error, logged
         * first, is the one worth keeping. */
        ofg_sw_set_error(sw, "bundle %s failed: %s",
                         sw->state == S_COMMITTING ? "commit" : "open",
                         ofperr_to_string(ofperr_decode_msg(oh, NULL)));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        r->failed = true;
    }
    return true;
}

/* The reply to the commit: a refusal means the switch applied none of the
 * bundle (ATOMIC). */
static bool
recv_commit_reply(struct ofg_sw *sw, struct ofg_request *req,
                  const struct ofp_header *oh, enum ofptype type)
{
    if (type == OFPTYPE_ERROR) {
        sw->round.commit_refused = true;
    }
    return recv_bundle_reply(sw, req, oh, type);
}

/* The barrier after the bundle's last flow: every error about its flows
 * has arrived.  Commit if there was none, discard otherwise. */
static bool
recv_checked(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
             const struct ofp_header *oh OVS_UNUSED, enum ofptype type)
{
    struct ofg_bundle *r = &sw->round;
    if (!r->changes.flows) {
        return true;            /* The round was given up. */
    }
    if (type == OFPTYPE_ERROR) {
        r->failed = true;
    }
    if (r->failed) {
        ofg_sw_send_bundle_ctrl(sw, OFPBCT_DISCARD_REQUEST,
                                recv_bundle_reply);
        ofg_sw_round_failed(sw);
        return true;
    }
    ofg_sw_commit_round(sw);
    return true;
}

/* Commits the round's bundle, then asks for the barrier that says it is
 * applied. */
static void
ofg_sw_commit_round(struct ofg_sw *sw)
{
    ofg_sw_send_bundle_ctrl(sw, OFPBCT_COMMIT_REQUEST, recv_commit_reply);
    ofg_sw_request(sw, ofputil_encode_barrier_request(OFG_OFP_VERSION),
                   recv_committed);
    sw->state = S_COMMITTING;
}

/* The barrier after the commit: the switch has the round's flows. */
static bool
recv_committed(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
               const struct ofp_header *oh OVS_UNUSED, enum ofptype type)
{
    struct ofg_bundle *r = &sw->round;
    if (!r->changes.flows) {
        return true;            /* The round was given up. */
    }
    if (type == OFPTYPE_ERROR || r->failed) {
        ofg_sw_round_failed(sw);
        return true;
    }
    ofg_round_apply(&r->changes, &sw->installed);
    ofg_round_destroy(&r->changes);
    sw->backoff = 0;
    sw->pipeline = true;
    sw->state = S_IDLE;
    VLOG_INFO("%s: in sync, %"PRIuSIZE" flows", ofg_sw_name(sw),
              ofg_flow_table_count(&sw->installed));
    return true;
}

/* The round failed: nothing of it is on the switch (the bundle was
 * discarded or its commit refused), but ofguard may no longer know what the
 * switch has, so it starts over after a backoff. */
static void
ofg_sw_round_failed(struct ofg_sw *sw)
{
    const struct ofg_bundle *r = &sw->round;
    if (r->pipelined && !r->commit_refused) {
        /* The switch left the refused flows out and committed the rest. */
        VLOG_WARN_RL(&rl, "%s: a pipelined round failed, so the switch may "
                     "have the flows it accepted: reading them back, and "
                     "checking each round before its commit from now on",
                     ofg_sw_name(sw));
    }
    sw->pipeline = false;
    ofg_round_destroy(&sw->round.changes);
    ofg_sw_restart(sw);
}

/* Starts over, reading the ports and flows again, after a backoff that
 * doubles with each failure in a row.  A round still in flight is given
 * up: its bundle discarded, the replies still to come about it ignored. */
static void
ofg_sw_restart(struct ofg_sw *sw)
{
    if (sw->round.changes.flows) {
        struct ofputil_bundle_ctrl_msg bc = {
            .bundle_id = sw->round.bundle_id,
            .type = OFPBCT_DISCARD_REQUEST,
            .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
        };
        ofg_sw_send(sw, ofputil_encode_bundle_ctrl_request(OFG_OFP_VERSION,
                                                           &bc));
        ofg_round_destroy(&sw->round.changes);
    }
    sw->backoff = (!sw->backoff ? OFG_BACKOFF_MIN
                   : MIN(sw->backoff * 2, OFG_BACKOFF_MAX));
    sw->resync_at = time_msec() + sw->backoff;
    ofg_desired_mark_all_dirty(&sw->desired);
    ofg_sw_discard_deferred(sw);
    ofg_flow_table_clear(&sw->audit);
    sw->state = S_BACKOFF;
    VLOG_WARN_RL(&rl, "%s: will read flows again in %d ms",
                 ofg_sw_name(sw), sw->backoff);
}

/* Brings the desired flows in line with 'sw->config', which replaced 'old'
 * (the same, for a change of ports), or, with 'all', recomputes them all
 * (after a dump). */
static void
ofg_sw_update_desired(struct ofg_sw *sw, const struct ofg_config *old,
                      bool all)
{
    struct svec refused = SVEC_EMPTY_INITIALIZER;
    if (all) {
        ofg_desired_compile(&sw->desired, sw->config, sw->sw_config,
                            &sw->ports, &refused);
    } else {
        ofg_desired_update(&sw->desired, old, sw->config, sw->sw_config,
                           &sw->ports, &refused);
    }
    for (size_t i = 0; i < refused.n; i++) {
        const struct ofg_container *c
            = ofg_config_find_container(sw->config, refused.names[i]);
        const char *port = (c->port ? c->port
                            : shash_find_data(&sw->bindings, c->name));
        VLOG_WARN_RL(&rl, "%s: container %s: its flows collide with "
                     "another container's on port %s; not installed",
                     ofg_sw_name(sw), c->name, port ? port : "?");
    }
    svec_destroy(&refused);
}

/* Tampering. */

/* Asks the switch to report every change to its flows that ofguard did not
 * make, as it happens, with the new actions: ofguard itself gets only an
 * abbreviated note of its own changes, which it ignores.  A connection
 * keeps its monitor across restarts of the state machine. */
static void
ofg_sw_send_monitor(struct ofg_sw *sw)
{
    if (sw->monitor != MON_OFF) {
        return;
    }
    struct ofputil_flow_monitor_request fmr = {
        .id = OFG_MONITOR_ID,
        .flags = OFPFMF_ADD | OFPFMF_REMOVED | OFPFMF_MODIFY
                 | OFPFMF_INSTRUCTIONS,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0xff,
    };
    match_init_catchall(&fmr.match);
    struct ofpbuf *msg = ofpbuf_new(0);
    ofputil_append_flow_monitor_request(&fmr, msg, OFG_PROTOCOL);
    ofpmsg_update_length(msg);
    ofg_sw_request(sw, msg, recv_monitor);
    sw->monitor = MON_REQUESTED;
}

/* The switch's answer to the monitor request.  A switch that refuses it is
 * still served: audits find what monitoring would have. */
static bool
recv_monitor(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
             const struct ofp_header *oh, enum ofptype type)
{
    if (type == OFPTYPE_ERROR) {
        sw->monitor = MON_REFUSED;
        ofg_sw_set_error(sw, "switch refused flow monitoring (%s): changes "
                         "by others are found by audits only",
                         ofperr_to_string(ofperr_decode_msg(oh, NULL)));
        VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
        return true;
    }
    sw->monitor = MON_ON;
    return !(ofpmp_flags(oh) & OFPSF_REPLY_MORE);
}

static void
ofg_sw_recv_updates(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    for (;;) {
        struct ofputil_flow_update fu;
        int retval = ofputil_decode_flow_update(&fu, &b, &ofpacts);
        if (retval == EOF) {
            break;
        } else if (retval) {
            /* What changed is unknown: read everything back. */
            VLOG_WARN_RL(&rl, "%s: bad flow update (%s): auditing",
                         ofg_sw_name(sw), ofperr_to_string(retval));
            sw->audit_at = 0;
            break;
        }
        ofg_sw_recv_update(sw, &fu);
    }
    ofpbuf_uninit(&ofpacts);
}

static void
ofg_sw_recv_update(struct ofg_sw *sw, const struct ofputil_flow_update *fu)
{
    enum ofg_tamper_event event;
    switch (fu->event) {
    case OFPFME_ADDED:
        event = OFG_TAMPER_ADDED;
        break;
    case OFPFME_MODIFIED:
        event = OFG_TAMPER_MODIFIED;
        break;
    case OFPFME_REMOVED:
        event = OFG_TAMPER_REMOVED;
        break;
    case OFPFME_PAUSED:
        /* The switch stops reporting while its queue to ofguard is full;
         * what it did not report is found by an audit on resumption. */
        VLOG_WARN_RL(&rl, "%s: switch paused flow monitoring",
                     ofg_sw_name(sw));
        sw->monitor = MON_PAUSED;
        return;
    case OFPFME_RESUMED:
        sw->monitor = MON_ON;
        sw->audit_at = 0;
        return;
    case OFPFME_ABBREV:     /* One of ofguard's own changes. */
    case OFPFME_INITIAL:
    default:
        return;
    }
    if (!ofg_sw_is_watched(sw, fu->table_id, ntohll(fu->cookie))) {
        return;
    }

    struct ofg_update *u = xmalloc(sizeof *u);
    u->when = time_msec();
    u->event = event;
    u->flow = ofg_flow_create(fu->table_id, fu->priority, &fu->match,
                              ntohll(fu->cookie), fu->ofpacts,
                              fu->ofpacts_len);
    ovs_list_push_back(&sw->deferred, &u->node);
}

/* When the changes the switch reported are due, LLONG_MAX if none is. */
static long long int
ofg_sw_updates_due(const struct ofg_sw *sw)
{
    if (ovs_list_is_empty(&sw->deferred)) {
        return LLONG_MAX;
    }
    const struct ofg_update *u = CONTAINER_OF(ovs_list_front(&sw->deferred),
                                              struct ofg_update, node);
    return u->when + OFG_UPDATE_GRACE;
}

/* Logs and records in 'installed' each change the switch reported; the
 * round that follows puts back what ofguard wants. */
static void
ofg_sw_apply_updates(struct ofg_sw *sw)
{
    struct ofg_update *u;
    LIST_FOR_EACH_POP (u, node, &sw->deferred) {
        sw->n_tampered++;
        COVERAGE_INC(ofg_tamper);
        if (!VLOG_DROP_WARN(&tamper_rl)) {
            struct ds s = DS_EMPTY_INITIALIZER;
            ofg_flow_format(u->flow, NULL, &s);
            VLOG_WARN("%s: tampering: flow %s by another controller: %s",
                      ofg_sw_name(sw), ofg_tamper_event_name(u->event),
                      ds_cstr(&s));
            ds_destroy(&s);
        }
        ofg_tamper_apply(&sw->installed, &sw->desired, u->event, u->flow);
        free(u);
    }
}

static void
ofg_sw_discard_deferred(struct ofg_sw *sw)
{
    struct ofg_update *u;
    LIST_FOR_EACH_POP (u, node, &sw->deferred) {
        ofg_flow_destroy(u->flow);
        free(u);
    }
}

/* The next audit is due after the audit interval (never, without one).
 * Setting 'audit_at' to 0 asks for one as soon as the switch is idle. */
static void
ofg_sw_schedule_audit(struct ofg_sw *sw)
{
    sw->audit_at = (sw->audit_interval ? time_msec() + sw->audit_interval
                    : LLONG_MAX);
}

/* Reads back every flow ofguard answers for and compares it with its
 * record: a backstop for changes monitoring could not report (a switch that
 * refuses it or paused it, a lost update). */
static void
ofg_sw_start_audit(struct ofg_sw *sw)
{
    ofg_flow_table_clear(&sw->audit);
    ofg_sw_request(sw, ofg_encode_flow_stats_request(0, 0), recv_audit);
    sw->state = S_AUDIT;
}

static void
log_audit_difference(const struct ofg_flow *old, const struct ofg_flow *new,
                     void *sw_)
{
    struct ofg_sw *sw = sw_;
    if (!VLOG_DROP_WARN(&tamper_rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofg_flow_format(new ? new : old, NULL, &s);
        VLOG_WARN("%s: audit: flow %s: %s", ofg_sw_name(sw),
                  !old ? "added" : !new ? "removed" : "modified",
                  ds_cstr(&s));
        ds_destroy(&s);
    }
}

static bool
recv_audit(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
           const struct ofp_header *oh, enum ofptype type)
{
    int retval = ofg_sw_read_flows(sw, oh, type, "audit: ");
    if (retval) {
        return retval != EAGAIN;
    }

    size_t n = ofg_tamper_audit(&sw->installed, &sw->audit, &sw->desired,
                                log_audit_difference, sw);
    sw->n_audits++;
    sw->n_tampered += n;
    COVERAGE_INC(ofg_audit);
    COVERAGE_ADD(ofg_tamper, n);
    VLOG_DBG("%s: audit %llu: %"PRIuSIZE" differences", ofg_sw_name(sw),
             sw->n_audits, n);
    sw->state = S_IDLE;
    ofg_sw_schedule_audit(sw);
    return true;
}

static bool
ofg_sw_is_watched(const struct ofg_sw *sw, uint8_t table_id, uint64_t cookie)
{
    const struct ofg_switch *c = sw->sw_config;
    return ofg_tamper_is_watched(table_id, cookie,
                                 c ? c->operator_cookies : NULL,
                                 c ? c->n_operator_cookies : 0);
}

/* True if 'a' and 'b' (switch entries, or NULL) leave the same operator
 * flows alone. */
static bool
same_operator_cookies(const struct ofg_switch *a, const struct ofg_switch *b)
{
    size_t na = a ? a->n_operator_cookies : 0;
    size_t nb = b ? b->n_operator_cookies : 0;
    return na == nb && (!na || !memcmp(a->operator_cookies,
                                       b->operator_cookies,
                                       na * sizeof *a->operator_cookies));
}

/* Violations. */

/* The meter that bounds the samples of dropped frames.  A meter mod has no
 * reply: only an error says it failed, found by its xid. */
static void
ofg_sw_send_meter(struct ofg_sw *sw, uint16_t command)
{
    struct ofputil_meter_band band = {
        .type = OFPMBT13_DROP,
        .rate = sw->sample_rate,
        .burst_size = sw->sample_rate,
    };
    struct ofputil_meter_mod mm = {
        .command = command,
        .meter = {
            .meter_id = OFG_SAMPLE_METER_ID,
            .flags = OFPMF13_PKTPS | OFPMF13_BURST,
            .n_bands = 1,
            .bands = &band,
        },
    };
    struct ofpbuf *msg = ofputil_encode_meter_mod(OFG_OFP_VERSION, &mm);
    sw->meter_xid = ((struct ofp_header *) msg->data)->xid;
    ofg_sw_send(sw, msg);
}

/* An error about the meter: one that exists already (an earlier
 * connection's) is modified to this rate; a switch without meters gets
 * accounting flows that count but send no samples.  Returns false if 'oh'
 * is about something else. */
static bool
ofg_sw_recv_meter_error(struct ofg_sw *sw, const struct ofp_header *oh)
{
    if (!sw->meter_xid || oh->xid != sw->meter_xid) {
        return false;
    }
    sw->meter_xid = 0;
    enum ofperr error = ofperr_decode_msg(oh, NULL);
    if (error == OFPERR_OFPMMFC_METER_EXISTS) {
        ofg_sw_send_meter(sw, OFPMC13_MODIFY);
        return true;
    }
    sw->desired.sample = false;
    ofg_sw_set_error(sw, "switch refused the sampling meter (%s): "
                     "violations are counted but not logged",
                     error ? ofperr_to_string(error) : "unknown error");
    VLOG_WARN_RL(&rl, "%s: %s", ofg_sw_name(sw), sw->last_error);
    if (sw->state >= S_IDLE) {
        ofg_sw_update_desired(sw, sw->config, true);
    }
    return true;
}

/* A sampled dropped frame: the flow that sent it names the container (by
 * its cookie) and the class (in the register). */
static void
ofg_sw_recv_sample(struct ofg_sw *sw, const struct ofp_header *oh)
{
    struct ofputil_packet_in pin;
    enum ofperr error = ofputil_decode_packet_in(oh, true, NULL, NULL, &pin,
                                                 NULL, NULL, NULL);
    if (error || pin.table_id != OFG_TABLE_ACCOUNT) {
        VLOG_WARN_RL(&rl, "%s: ignoring a packet-in that is not a sample%s%s",
                     ofg_sw_name(sw), error ? ": " : "",
                     error ? ofperr_to_string(error) : "");
        return;
    }
    enum ofg_violation class
        = ((ntohll(pin.flow_metadata.flow.metadata) & OFG_MD_VIOLATION_MASK)
           >> OFG_MD_VIOLATION_SHIFT);
    ofp_port_t port = pin.flow_metadata.flow.in_port.ofp_port;
    const char *container = ofg_desired_find_by_cookie(&sw->desired,
                                                       ntohll(pin.cookie));
    char port_name[OFP_MAX_PORT_NAME_LEN + 16];
    ofg_sw_port_name(sw, port, port_name, sizeof port_name);
    ofg_violations_log(&sw->violations, ofg_sw_name(sw), port_name,
                       container, class, pin.packet, pin.packet_len,
                       time_msec());
}

/* Reads the accounting flows' counters. */
static void
ofg_sw_poll_violations(struct ofg_sw *sw)
{
    struct ofputil_flow_stats_request fsr = {
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = OFG_TABLE_ACCOUNT,
    };
    match_init_catchall(&fsr.match);
    ofg_sw_request(sw, ofputil_encode_flow_stats_request(&fsr, OFG_PROTOCOL),
                   recv_violation_stats);
    sw->stats_pending = true;
    sw->stats_at = time_msec() + sw->stats_interval;
}

static void
add_violation_stats(const struct ofputil_flow_stats *fs, void *sw_)
{
    struct ofg_sw *sw = sw_;
    uint32_t class = ((ntohll(fs->match.flow.metadata) & OFG_MD_VIOLATION_MASK)
                      >> OFG_MD_VIOLATION_SHIFT);
    if (class && class < OFG_N_VIOLATIONS
        && (ntohll(fs->cookie) & OFG_COOKIE_TAG_MASK) == OFG_COOKIE_TAG) {
        ofg_violations_update(&sw->violations, ntohll(fs->cookie), class,
                              fs->packet_count, time_wall_msec());
    }
}

static bool
recv_violation_stats(struct ofg_sw *sw, struct ofg_request *req OVS_UNUSED,
                     const struct ofp_header *oh, enum ofptype type)
{
    int retval = (type == OFPTYPE_ERROR ? ofperr_decode_msg(oh, NULL)
                  : ofg_pull_flow_stats(oh, add_violation_stats, sw));
    if (retval || !(ofpmp_flags(oh) & OFPSF_REPLY_MORE)) {
        /* Counters are best effort: a failed read waits for the next. */
        sw->stats_pending = false;
        if (!retval) {
            ofg_sw_check_floods(sw);
        }
        return true;
    }
    return false;
}

/* After a poll of the counters: quarantines the containers that sent
 * forged frames at 'quarantine_rate' or more since the last poll, and
 * releases those that have not for 'quarantine_time'. */
static void
ofg_sw_check_floods(struct ofg_sw *sw)
{
    long long int now = time_msec();
    uint64_t *cookies;
    size_t n = ofg_violations_end_poll(&sw->violations,
                                       OFG_VIOLATION_FORGED_SOURCE,
                                       sw->quarantine_rate, now, &cookies);
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        const char *name = ofg_desired_find_by_cookie(&sw->desired,
                                                      cookies[i]);
        if (!name) {
            continue;
        }
        long long int *until = shash_find_data(&sw->quarantine, name);
        if (!until) {
            until = xmalloc(sizeof *until);
            shash_add(&sw->quarantine, name, until);
            sw->n_quarantines++;
            changed = true;
            VLOG_WARN("%s: container %s quarantined: %"PRIu64" or more "
                      "forged frames a second; its port is dropped whole "
                      "until %d s after the flood stops", ofg_sw_name(sw),
                      name, sw->quarantine_rate, sw->quarantine_time / 1000);
        }
        *until = now + sw->quarantine_time;
    }
    free(cookies);

    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &sw->quarantine) {
        long long int *until = node->data;
        if (now >= *until) {
            VLOG_INFO("%s: container %s released from quarantine",
                      ofg_sw_name(sw), node->name);
            free(until);
            shash_delete(&sw->quarantine, node);
            changed = true;
        }
    }
    if (changed && sw->state >= S_IDLE) {
        ofg_sw_update_desired(sw, sw->config, false);
    }
}

/* Requests. */

/* Sends 'msg' and registers 'handler' for its replies; returns the request,
 * which lives until the handler says it is done. */
static struct ofg_request *
ofg_sw_request(struct ofg_sw *sw, struct ofpbuf *msg,
               ofg_reply_handler *handler)
{
    struct ofg_request *req = xzalloc(sizeof *req);
    req->xid = ((struct ofp_header *) msg->data)->xid;
    req->reply_type = ofg_reply_type(msg);
    req->handler = handler;
    hmap_insert(&sw->requests, &req->node, hash_int(ntohl(req->xid), 0));
    ofg_sw_send(sw, msg);
    return req;
}

/* The type of the replies to 'request', one of ofguard's requests. */
static enum ofptype
ofg_reply_type(const struct ofpbuf *request)
{
    const struct ofp_header *oh = request->data;
    enum ofpraw raw;
    ovs_assert(!ofpraw_decode_partial(&raw, oh, request->size));
    if (ofpmsg_is_stat_request(oh)) {
        return ofptype_from_ofpraw(ofpraw_stats_request_to_reply(
                                       raw, oh->version));
    }
    switch (ofptype_from_ofpraw(raw)) {
    case OFPTYPE_FEATURES_REQUEST:
        return OFPTYPE_FEATURES_REPLY;
    case OFPTYPE_GET_CONFIG_REQUEST:
        return OFPTYPE_GET_CONFIG_REPLY;
    case OFPTYPE_BARRIER_REQUEST:
        return OFPTYPE_BARRIER_REPLY;
    case OFPTYPE_BUNDLE_CONTROL:
        return OFPTYPE_BUNDLE_CONTROL;
    case OFPTYPE_ROLE_REQUEST:
        return OFPTYPE_ROLE_REPLY;
    default:
        OVS_NOT_REACHED();
    }
}

static struct ofg_request *
ofg_sw_find_request(const struct ofg_sw *sw, ovs_be32 xid)
{
    struct ofg_request *req;
    HMAP_FOR_EACH_WITH_HASH (req, node, hash_int(ntohl(xid), 0),
                             &sw->requests) {
        if (req->xid == xid) {
            return req;
        }
    }
    return NULL;
}

/* Forgets 'req'.  A "flows" query still attached gets its answer: the
 * flows, or 'error' if nonnull. */
static void
ofg_sw_end_request(struct ofg_sw *sw, struct ofg_request *req,
                   const char *error)
{
    struct ofg_query *q = req->query;
    if (q) {
        q->cb(ofg_sw_name(sw), ds_cstr(&q->flows), error, q->aux);
        ds_destroy(&q->flows);
        free(q);
    }
    hmap_remove(&sw->requests, &req->node);
    free(req);
}

static void
ofg_sw_end_requests(struct ofg_sw *sw, const char *error)
{
    struct ofg_request *req, *next;
    HMAP_FOR_EACH_SAFE (req, next, node, &sw->requests) {
        ofg_sw_end_request(sw, req, error);
    }
}

/* Helpers. */

static void
ofg_sw_send(struct ofg_sw *sw, struct ofpbuf *msg)
{
    /* On failure rconn_send() frees 'msg'; the reconnection that follows
     * resets the state machine. */
    rconn_send(sw->rconn, msg, sw->tx_counter);

    unsigned int n = rconn_packet_counter_n_packets(sw->tx_counter);
    unsigned int bytes = rconn_packet_counter_n_bytes(sw->tx_counter);
    if (n > OFG_TX_DROP_PACKETS || bytes > OFG_TX_DROP_BYTES) {
        VLOG_WARN("%s: %u messages (%u bytes) wait to be sent: the peer is "
                  "not reading; dropping the connection", ofg_sw_name(sw),
                  n, bytes);
        COVERAGE_INC(ofg_tx_overflow);
        ofg_sw_set_error(sw, "dropped: the switch stopped reading");
        rconn_reconnect(sw->rconn);
    }
}

static void
ofg_sw_set_error(struct ofg_sw *sw, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    free(sw->last_error);
    sw->last_error = xvasprintf(format, args);
    va_end(args);
    /* Every error the switch sends or causes goes through here. */
    sw->n_errors++;
}

static const char *
ofg_sw_name(const struct ofg_sw *sw)
{
    return sw->sw_config ? sw->sw_config->name : rconn_get_name(sw->rconn);
}

/* The name of 'port' on the switch, or its number. */
static void
ofg_sw_port_name(const struct ofg_sw *sw, ofp_port_t port, char *name,
                 size_t size)
{
    struct simap_node *node;
    SIMAP_FOR_EACH (node, &sw->ports) {
        if (node->data == ofp_to_u16(port)) {
            ovs_strlcpy(name, node->name, size);
            return;
        }
    }
    snprintf(name, size, "%"PRIu32, ofp_to_u16(port));
}

/* Initializes 'map' to the switch's ports, for formatting flows with port
 * names.  The caller must destroy it. */
static void
ofg_sw_port_map(const struct ofg_sw *sw, struct ofputil_port_map *map)
{
    ofputil_port_map_init(map);
    struct simap_node *node;
    SIMAP_FOR_EACH (node, &sw->ports) {
        ofputil_port_map_put(map, u16_to_ofp(node->data), node->name);
    }
}

/* Calls 'cb' for each flow of the flow stats reply 'oh'.  Returns 0, or the
 * error that stopped decoding. */
static int
ofg_pull_flow_stats(const struct ofp_header *oh,
                    void (*cb)(const struct ofputil_flow_stats *, void *aux),
                    void *aux)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    int retval;
    for (;;) {
        struct ofputil_flow_stats fs;
        ofpbuf_clear(&ofpacts);
        retval = ofputil_decode_flow_stats_reply(&fs, &b, false, &ofpacts);
        if (retval) {
            break;
        }
        cb(&fs, aux);
    }
    ofpbuf_uninit(&ofpacts);
    return retval == EOF ? 0 : retval;
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
