/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Writes the seed corpus of the OpenFlow fuzz target (fuzz-openflow.c, whose
 * comment describes the input) into a directory: a switch's messages as
 * libopenvswitch encodes them, as ovs-vswitchd would send them, in the
 * sessions and states where they matter.
 *
 * Each seed is played through a session (fuzz-session.c) as it is written,
 * so that its messages name ofguard's requests by the xids the target will
 * map to them, and its state byte is the one that reaches the state
 * wanted, whatever requests ofguard makes on the way.
 *
 * Usage: gen-seeds DIR */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-config.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "openvswitch/dynamic-string.h"
#include "tests/fuzz/fuzz-session.h"
#include "tests/fuzz/fuzz-switch.h"
#include "byte-order.h"
#include "flow.h"
#include "util.h"

enum {
    QUERY = FUZZ_QUERY,
    ANSWER = FUZZ_ANSWER,
    RELOAD = FUZZ_RELOAD,
    HAS_FLOWS = FUZZ_HAS_FLOWS,
};

/* OpenFlow message and multipart types, for messages built by hand. */
enum {
    MP_PORT_DESC = 13,          /* Multipart type. */
    T_ERROR = 1,
    T_ECHO_REQUEST = 2,
    T_FEATURES_REPLY = 6,
    T_BARRIER_REPLY = 21,
};

static const char *dir;
static struct ofg_config *config;
static int n_written;

/* One seed being built. */
static struct ofpbuf seed;

/* Starts a seed, and its session, with state byte 'flags'. */
static void
seed_start(unsigned int flags)
{
    ofpbuf_init(&seed, 0);
    ofpbuf_put(&seed, &(uint8_t) { flags }, 1);
    fuzz_session_start(flags);
}

/* The state byte, 'flags' with the number of answers of the well-behaved
 * switch that brings ofguard to state 'state' (as its status names it). */
static unsigned int
in_state(unsigned int flags, const char *state)
{
    char *want = xasprintf("state=\"%s\"", state);
    for (unsigned int depth = 0; depth <= FUZZ_DEPTH_MASK; depth++) {
        struct ds s = DS_EMPTY_INITIALIZER;
        fuzz_session_start(flags | depth);
        fuzz_session_status(&s);
        fuzz_session_finish();
        bool found = strstr(ds_cstr(&s), want) != NULL;
        ds_destroy(&s);
        if (found) {
            free(want);
            return flags | depth;
        }
    }
    ovs_fatal(0, "no state byte reaches %s", want);
}

static void
seed_write(const char *name)
{
    fuzz_session_finish();
    char *file = xasprintf("%s/%s", dir, name);
    FILE *stream = fopen(file, "wb");
    if (!stream || fwrite(seed.data, 1, seed.size, stream) != seed.size
        || fclose(stream)) {
        ovs_fatal(errno, "%s: write failed", file);
    }
    free(file);
    ofpbuf_uninit(&seed);
    n_written++;
}

/* Appends 'size' bytes of 'data' to the seed and feeds them to its
 * session. */
static void
put_bytes(const void *data, size_t size)
{
    ofpbuf_put(&seed, data, size);
    fuzz_session_feed(data, size);
}

/* Appends 'msg' to the seed, feeds it to the session and frees it. */
static void
put(struct ofpbuf *msg)
{
    ofpmsg_update_length(msg);
    put_bytes(msg->data, msg->size);
    ofpbuf_delete(msg);
}

static void
put_all(struct ovs_list *msgs)
{
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, msgs) {
        put(msg);
    }
}

/* Gives 'msg' xid 'xid' and the length it has (encoders leave that to
 * vconn_send()). */
static struct ofpbuf *
with_xid(struct ofpbuf *msg, uint32_t xid)
{
    ((struct ofp_header *) msg->data)->xid = htonl(xid);
    ofpmsg_update_length(msg);
    return msg;
}

/* The xid that names ofguard's most recent request of 'type'. */
static uint32_t
sel(enum ofptype type)
{
    uint32_t xid = fuzz_session_find(type, NULL);
    if (xid > 0xff) {
        ovs_fatal(0, "ofguard sent no request of type %d lately", type);
    }
    return xid;
}

/* A copy of ofguard's most recent request of 'type', its xid the one that
 * names it. */
static struct ofpbuf *
last(enum ofptype type)
{
    const struct ofp_header *oh;
    uint32_t xid = sel(type);
    fuzz_session_find(type, &oh);
    return with_xid(ofpbuf_clone_data(oh, ntohs(oh->length)), xid);
}

/* A copy of ofguard's oldest request not answered yet, if any, its xid the
 * one that names it. */
static struct ofpbuf *
next_request(void)
{
    const struct ofp_header *oh;
    uint32_t xid = fuzz_session_next(&oh);
    return (xid > 0xff ? NULL
            : with_xid(ofpbuf_clone_data(oh, ntohs(oh->length)), xid));
}

/* Requests of ofguard's kinds, as it encodes them, with xid 'xid': to
 * answer one request with the reply to another kind. */

static struct ofpbuf *
features_request(uint32_t xid)
{
    return with_xid(ofpraw_alloc(OFPRAW_OFPT_FEATURES_REQUEST,
                                 OFP13_VERSION, 0), xid);
}

static struct ofpbuf *
config_request(uint32_t xid)
{
    return with_xid(ofpraw_alloc(OFPRAW_OFPT_GET_CONFIG_REQUEST,
                                 OFP13_VERSION, 0), xid);
}

static struct ofpbuf *
ports_request(uint32_t xid)
{
    return with_xid(ofputil_encode_port_desc_stats_request(OFP13_VERSION,
                                                           OFPP_ANY), xid);
}




static struct ofpbuf *
bundle_request(uint32_t xid, uint16_t type)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = 1,
        .type = type,
        .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
    };
    return with_xid(ofputil_encode_bundle_ctrl_request(OFP13_VERSION, &bc),
                    xid);
}

static struct ofpbuf *
barrier_request(uint32_t xid)
{
    return with_xid(ofputil_encode_barrier_request(OFP13_VERSION), xid);
}

/* A flow mod of a round, its xid that of the round's flow 'index'. */
static struct ofpbuf *
flow_mod(size_t index)
{
    struct ofputil_flow_mod fm = {
        .priority = 25,
        .table_id = 0,
        .command = OFPFC_ADD,
        .new_cookie = htonll(OFG_COOKIE_TAG | 0x5a01),
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };
    struct match match;
    match_init_catchall(&match);
    match_set_in_port(&match, u16_to_ofp(2));
    minimatch_init(&fm.match, &match);
    struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, OFPUTIL_P_OF13_OXM);
    minimatch_destroy(&fm.match);
    return with_xid(msg, 0x80000000 + index);
}

/* The switch's messages. */

/* The well-behaved switch's answer to 'request' (freed). */
static void
answer(struct ofpbuf *request, unsigned int flags)
{
    struct ovs_list replies;
    fuzz_switch_reply(config, request->data,
                      flags & HAS_FLOWS ? FUZZ_SW_HAS_FLOWS : 0, &replies);
    put_all(&replies);
    ofpbuf_delete(request);
}

/* The size of the entry at 'ofs' in the body of multipart 'reply': OpenFlow
 * 1.3 port descriptions have 64 bytes, flow stats say their length in
 * their first 2 bytes. */
static size_t
entry_size(const struct ofpbuf *reply, size_t ofs)
{
    const uint8_t *p = reply->data;
    if (((p[8] << 8) | p[9]) == MP_PORT_DESC) {
        return 64;
    }
    return (p[ofs] << 8) | p[ofs + 1];
}

/* The same, in two parts: the first with OFPSF_REPLY_MORE and the answer's
 * first 'n' entries, the second the rest. */
static void
answer_in_parts(struct ofpbuf *request, unsigned int flags, size_t n)
{
    struct ovs_list replies;
    fuzz_switch_reply(config, request->data,
                      flags & HAS_FLOWS ? FUZZ_SW_HAS_FLOWS : 0, &replies);
    struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                        struct ofpbuf, list_node);
    put_all(&replies);

    /* OpenFlow 1.3 multipart replies: a 16-byte header, flags at 10. */
    size_t hdr = 16;
    size_t split = hdr;
    for (size_t i = 0; i < n && split < reply->size; i++) {
        split += entry_size(reply, split);
    }
    split = MIN(split, reply->size);
    struct ofpbuf *first = ofpbuf_clone_data(reply->data, split);
    struct ofpbuf *second = ofpbuf_clone_data(reply->data, hdr);
    ofpbuf_put(second, (char *) reply->data + split, reply->size - split);
    uint8_t *flags_p = (uint8_t *) first->data + 10;
    flags_p[0] = OFPSF_REPLY_MORE >> 8;
    flags_p[1] = OFPSF_REPLY_MORE & 0xff;
    put(first);
    put(second);
    ofpbuf_delete(reply);
    ofpbuf_delete(request);
}

static void
error_to(struct ofpbuf *request, enum ofperr error)
{
    put(ofperr_encode_reply(error, request->data));
    ofpbuf_delete(request);
}

/* The answer to 'request' (freed) cut to 'size' bytes in all. */
static void
truncated(struct ofpbuf *request, size_t size)
{
    struct ovs_list replies;
    fuzz_switch_reply(config, request->data, FUZZ_SW_HAS_FLOWS, &replies);
    struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                        struct ofpbuf, list_node);
    put_all(&replies);
    reply->size = MIN(size, reply->size);
    put(reply);
    ofpbuf_delete(request);
}

/* The answer to 'request' (freed) with 'n' bytes of garbage appended. */
static void
with_garbage(struct ofpbuf *request, size_t n)
{
    struct ovs_list replies;
    fuzz_switch_reply(config, request->data, FUZZ_SW_HAS_FLOWS, &replies);
    struct ofpbuf *reply = CONTAINER_OF(ovs_list_pop_front(&replies),
                                        struct ofpbuf, list_node);
    put_all(&replies);
    for (size_t i = 0; i < n; i++) {
        ofpbuf_put(reply, &(uint8_t) { 0xa5 ^ i }, 1);
    }
    put(reply);
    ofpbuf_delete(request);
}

static void
port_status(enum ofp_port_reason reason, const char *name, uint16_t number)
{
    struct ofputil_port_status ps = {
        .reason = reason,
        .desc = {
            .port_no = u16_to_ofp(number),
            .hw_addr = { .ea = { 0xaa, 0x55, 0xaa, 0x55, 0x01, number } },
            .state = OFPUTIL_PS_LIVE,
            .curr = NETDEV_F_10GB_FD,
            .curr_speed = 10000000,
            .max_speed = 10000000,
        },
    };
    ovs_strlcpy(ps.desc.name, name, sizeof ps.desc.name);
    put(ofputil_encode_port_status(&ps, OFPUTIL_P_OF13_OXM));
}

static void
echo_request(void)
{
    put(ofputil_encode_echo_request(OFP13_VERSION));
}

/* A message of 'length' bytes with 'type' and 'version', zero-filled; a
 * 'length' below 8 is written as such (a header whose length drops the
 * connection). */
static void
raw(uint8_t version, uint8_t type, uint16_t length, uint32_t xid)
{
    struct ofp_header oh = {
        .version = version,
        .type = type,
        .length = htons(length),
        .xid = htonl(xid),
    };
    struct ofpbuf *msg = ofpbuf_new(MAX(length, sizeof oh));
    ofpbuf_put(msg, &oh, sizeof oh);
    if (length > sizeof oh) {
        ofpbuf_put_zeros(msg, length - sizeof oh);
    }
    put_bytes(msg->data, msg->size);
    ofpbuf_delete(msg);
}

/* An error message of 'version' whose type and code OpenFlow does not
 * define, with xid 'xid'. */
static void
undecodable_error(uint8_t version, uint32_t xid)
{
    struct ofp_header oh = {
        .version = version,
        .type = T_ERROR,
        .length = htons(sizeof oh + 4),
        .xid = htonl(xid),
    };
    uint8_t msg[sizeof oh + 4];
    memcpy(msg, &oh, sizeof oh);
    memcpy(msg + sizeof oh, "\x77\x77\x00\x01", 4);
    put_bytes(msg, sizeof msg);
}

/* Time passing: 1 s, 4 s, 16 s or 64 s for 'step' 0 to 3. */
static void
time_passes(unsigned int step)
{
    raw(0, 0, 4 + step, 0);
}

/* The well-behaved switch's answers to ofguard's requests, in order, until
 * none is left (whole handshakes and rounds). */
static void
answer_all(unsigned int flags)
{
    struct ofpbuf *request;
    while ((request = next_request())) {
        answer(request, flags);
    }
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc != 2) {
        ovs_fatal(0, "usage: %s DIR", argv[0]);
    }
    dir = argv[1];
    fuzz_session_init(false);
    config = fuzz_switch_config();

    /* Whole sessions: a switch that restarted (empty), one that kept
     * ofguard's flows (ofguard restarted), replies in several parts. */
    seed_start(0);
    answer_all(0);
    seed_write("session");

    seed_start(HAS_FLOWS);
    answer_all(HAS_FLOWS);
    seed_write("session-restart");

    seed_start(in_state(0, "ports"));
    answer_in_parts(last(OFPTYPE_PORT_DESC_STATS_REQUEST), 0, 2);
    answer_in_parts(last(OFPTYPE_FLOW_STATS_REQUEST), HAS_FLOWS, 40);
    seed_write("session-multipart");

    seed_start(in_state(RELOAD | ANSWER, "idle"));
    echo_request();
    seed_write("reload");

    seed_start(in_state(RELOAD | ANSWER | HAS_FLOWS, "reading flows"));
    answer(last(OFPTYPE_FLOW_STATS_REQUEST), HAS_FLOWS);
    seed_write("reload-before-dump");

    /* Each request refused. */
    seed_start(in_state(0, "features"));
    error_to(last(OFPTYPE_FEATURES_REQUEST), OFPERR_OFPBRC_BAD_TYPE);
    seed_write("error-features");

    seed_start(in_state(0, "ports"));
    error_to(last(OFPTYPE_GET_CONFIG_REQUEST), OFPERR_OFPBRC_BAD_TYPE);
    answer_all(0);
    seed_write("error-config");

    seed_start(in_state(0, "ports"));
    error_to(last(OFPTYPE_PORT_DESC_STATS_REQUEST), OFPERR_OFPBRC_BAD_STAT);
    seed_write("error-ports");

    seed_start(in_state(0, "reading flows"));
    error_to(last(OFPTYPE_FLOW_STATS_REQUEST), OFPERR_OFPBRC_EPERM);
    seed_write("error-dump");

    seed_start(in_state(0, "sending flows"));
    error_to(last(OFPTYPE_BUNDLE_CONTROL), OFPERR_OFPBFC_BAD_FLAGS);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    seed_write("error-bundle-open");

    seed_start(in_state(0, "checking flows"));
    error_to(flow_mod(0), OFPERR_OFPFMFC_TABLE_FULL);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    seed_write("error-flow-mod");

    seed_start(in_state(0, "checking flows"));
    error_to(flow_mod(3), OFPERR_OFPBFC_MSG_FAILED);
    error_to(flow_mod(1000), OFPERR_OFPBAC_BAD_OUT_PORT);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    seed_write("error-flow-mod-bundle");

    seed_start(in_state(0, "checking flows"));
    error_to(last(OFPTYPE_BARRIER_REQUEST), OFPERR_OFPBRC_BAD_TYPE);
    seed_write("error-barrier-checked");

    seed_start(in_state(0, "committing"));
    error_to(last(OFPTYPE_BUNDLE_CONTROL), OFPERR_OFPBFC_MSG_FAILED);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    seed_write("error-commit");

    seed_start(in_state(0, "committing"));
    answer(last(OFPTYPE_BUNDLE_CONTROL), 0);
    error_to(last(OFPTYPE_BARRIER_REQUEST), OFPERR_OFPBRC_BAD_TYPE);
    seed_write("error-barrier-committed");

    seed_start(in_state(QUERY, "idle"));
    error_to(last(OFPTYPE_FLOW_STATS_REQUEST), OFPERR_OFPBRC_EPERM);
    seed_write("error-query");

    seed_start(in_state(0, "idle"));
    error_to(with_xid(ofputil_encode_echo_request(OFP13_VERSION), 0x12345678),
             OFPERR_OFPBRC_BAD_TYPE);
    seed_write("error-unknown-xid");

    seed_start(in_state(0, "features"));
    put(with_xid(ofperr_encode_hello(OFPERR_OFPHFC_INCOMPATIBLE,
                                     OFP10_VERSION, "no common version"),
                 sel(OFPTYPE_FEATURES_REQUEST)));
    seed_write("error-of10");

    /* Errors that do not decode (ofguard went on with an undecoded
     * features reply, or aborted). */
    seed_start(in_state(0, "features"));
    undecodable_error(OFP13_VERSION, sel(OFPTYPE_FEATURES_REQUEST));
    seed_write("error-undecodable-features");

    seed_start(in_state(0, "ports"));
    undecodable_error(OFP13_VERSION, sel(OFPTYPE_PORT_DESC_STATS_REQUEST));
    seed_write("error-undecodable-ports");

    seed_start(in_state(0, "reading flows"));
    undecodable_error(0x0c, sel(OFPTYPE_FLOW_STATS_REQUEST));
    seed_write("error-undecodable-dump");

    /* Replies that do not decode. */
    seed_start(in_state(0, "features"));
    truncated(last(OFPTYPE_FEATURES_REQUEST), 20);
    seed_write("bad-features");

    seed_start(in_state(0, "ports"));
    truncated(last(OFPTYPE_GET_CONFIG_REQUEST), 10);
    answer_all(0);
    seed_write("bad-config");

    seed_start(in_state(0, "ports"));
    with_garbage(last(OFPTYPE_PORT_DESC_STATS_REQUEST), 20);
    seed_write("bad-ports");

    seed_start(in_state(0, "reading flows"));
    with_garbage(last(OFPTYPE_FLOW_STATS_REQUEST), 30);
    seed_write("bad-dump");

    seed_start(in_state(QUERY | HAS_FLOWS, "idle"));
    with_garbage(last(OFPTYPE_FLOW_STATS_REQUEST), 12);
    seed_write("bad-query");

    seed_start(in_state(0, "features"));
    raw(OFP13_VERSION, 200, 8, sel(OFPTYPE_FEATURES_REQUEST));
    seed_write("bad-type");

    seed_start(in_state(0, "features"));
    raw(OFP10_VERSION, T_FEATURES_REPLY, 32, sel(OFPTYPE_FEATURES_REQUEST));
    seed_write("bad-version");

    /* Replies of another kind than the request's (their handlers' decoders
     * aborted ofguard). */
    seed_start(in_state(0, "features"));
    answer(barrier_request(sel(OFPTYPE_FEATURES_REQUEST)), 0);
    seed_write("wrong-reply-features");

    seed_start(in_state(0, "ports"));
    answer(barrier_request(sel(OFPTYPE_GET_CONFIG_REQUEST)), 0);
    seed_write("wrong-reply-config");

    seed_start(in_state(0, "ports"));
    answer(features_request(sel(OFPTYPE_PORT_DESC_STATS_REQUEST)), 0);
    seed_write("wrong-reply-ports");

    seed_start(in_state(0, "reading flows"));
    answer(ports_request(sel(OFPTYPE_FLOW_STATS_REQUEST)), 0);
    seed_write("wrong-reply-dump");

    seed_start(in_state(0, "sending flows"));
    answer(barrier_request(sel(OFPTYPE_BUNDLE_CONTROL)), 0);
    seed_write("wrong-reply-bundle");

    seed_start(in_state(0, "checking flows"));
    answer(bundle_request(sel(OFPTYPE_BARRIER_REQUEST),
                          OFPBCT_OPEN_REQUEST), 0);
    seed_write("wrong-reply-barrier");

    seed_start(in_state(QUERY, "idle"));
    answer(config_request(sel(OFPTYPE_FLOW_STATS_REQUEST)), 0);
    seed_write("wrong-reply-query");

    /* A "flows" query answered, whole and in parts. */
    seed_start(in_state(QUERY | HAS_FLOWS, "idle"));
    answer(last(OFPTYPE_FLOW_STATS_REQUEST), HAS_FLOWS);
    seed_write("query");

    seed_start(in_state(QUERY | HAS_FLOWS, "idle"));
    answer_in_parts(last(OFPTYPE_FLOW_STATS_REQUEST), HAS_FLOWS, 3);
    seed_write("query-multipart");

    /* Ports coming, going and renumbered, in sync and in every phase. */
    seed_start(in_state(ANSWER, "idle"));
    port_status(OFPPR_ADD, "p9", 9);
    seed_write("port-add");

    seed_start(in_state(ANSWER, "idle"));
    port_status(OFPPR_DELETE, "p1", 2);
    port_status(OFPPR_DELETE, "p3", 7);
    seed_write("port-delete");

    seed_start(in_state(ANSWER, "idle"));
    port_status(OFPPR_MODIFY, "p2", 12);
    port_status(OFPPR_ADD, "p9", 2);
    port_status(OFPPR_MODIFY, "p2", 12);
    seed_write("port-renumber");

    seed_start(in_state(ANSWER, "reading flows"));
    port_status(OFPPR_ADD, "p9", 9);
    answer(last(OFPTYPE_FLOW_STATS_REQUEST), 0);
    seed_write("port-during-dump");

    seed_start(in_state(ANSWER, "sending flows"));
    port_status(OFPPR_ADD, "p9", 9);
    answer(last(OFPTYPE_BUNDLE_CONTROL), 0);
    seed_write("port-during-round");

    seed_start(in_state(0, "ports"));
    port_status(OFPPR_ADD, "p9", 9);
    port_status(OFPPR_DELETE, "p2", 3);
    answer_all(0);
    seed_write("port-during-ports");

    /* Failures, then the backoff expires and ofguard reads everything
     * again. */
    seed_start(in_state(ANSWER, "reading flows"));
    error_to(last(OFPTYPE_FLOW_STATS_REQUEST), OFPERR_OFPBRC_EPERM);
    time_passes(0);
    seed_write("backoff-dump");

    seed_start(in_state(ANSWER | HAS_FLOWS, "checking flows"));
    error_to(flow_mod(0), OFPERR_OFPFMFC_TABLE_FULL);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    time_passes(1);
    seed_write("backoff-round");

    seed_start(in_state(0, "ports"));
    error_to(last(OFPTYPE_PORT_DESC_STATS_REQUEST), OFPERR_OFPBRC_BAD_STAT);
    time_passes(0);
    answer(last(OFPTYPE_FEATURES_REQUEST), 0);
    error_to(last(OFPTYPE_PORT_DESC_STATS_REQUEST), OFPERR_OFPBRC_BAD_STAT);
    time_passes(3);
    port_status(OFPPR_ADD, "p9", 9);
    seed_write("backoff-twice");

    /* A round given up when a reply to one of its requests does not
     * decode (ofguard leaked the round, and a late barrier reply committed
     * it from the backoff). */
    seed_start(in_state(ANSWER, "sending flows"));
    answer(barrier_request(sel(OFPTYPE_BUNDLE_CONTROL)), 0);
    time_passes(0);
    seed_write("restart-while-sending");

    seed_start(in_state(0, "sending flows"));
    echo_request();
    answer(barrier_request(sel(OFPTYPE_BUNDLE_CONTROL)), 0);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    time_passes(0);
    seed_write("restart-while-checking");

    seed_start(in_state(0, "committing"));
    answer(barrier_request(sel(OFPTYPE_BUNDLE_CONTROL)), 0);
    answer(last(OFPTYPE_BARRIER_REQUEST), 0);
    time_passes(0);
    seed_write("restart-while-committing");

    /* Messages ofguard has nothing to do with, and a lost connection. */
    seed_start(in_state(0, "features"));
    echo_request();
    struct ofpbuf *echo = with_xid(ofputil_encode_echo_request(OFP13_VERSION),
                                   0x99);
    put(ofputil_encode_echo_reply(echo->data));
    ofpbuf_delete(echo);
    put(ofputil_encode_hello(1u << OFP13_VERSION));
    answer(barrier_request(0x4242), 0);
    answer(last(OFPTYPE_FEATURES_REQUEST), 0);
    answer(last(OFPTYPE_FEATURES_REQUEST), 0);
    seed_write("misc");

    seed_start(in_state(QUERY, "idle"));
    raw(OFP13_VERSION, T_ECHO_REQUEST, 0, 0);
    seed_write("disconnect-query");

    seed_start(in_state(0, "checking flows"));
    raw(OFP13_VERSION, T_BARRIER_REPLY, 4, 0);
    seed_write("disconnect-round");

    printf("%d seeds written to %s\n", n_written, dir);
    ofg_config_destroy(config);
    return 0;
}
