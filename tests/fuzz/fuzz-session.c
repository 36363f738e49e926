/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "tests/fuzz/fuzz-session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-config.h"
#include "controller/ofg-switch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "tests/fuzz/fuzz-switch.h"
#include "util.h"
#include "vconn-provider.h"

/* Time, as ofguard's switch code sees it, is time_msec() plus what the
 * session was fed: the programs are linked with -Wl,--wrap=time_msec, which
 * sends that code's calls (not libopenvswitch's) to __wrap_time_msec(). */
long long int __real_time_msec(void);
long long int __wrap_time_msec(void);

/* Iterations of ofguard's main loop after each message, at most: enough
 * for a round to go through with the well-behaved switch answering. */
#define FUZZ_RUNS 8

static struct ofg_config *config;
static struct ofg_config *reload_config;
static bool verbose;
static struct ofg_sw *sw;

/* The switch's end of the connection. */
static struct {
    bool hello_sent;
    bool dropped;               /* The input asked for a disconnection. */
    struct ovs_list rxq;        /* Messages for ofguard. */
    struct ofpbuf **sent;       /* What ofguard sent (hellos apart). */
    size_t n_sent, allocated_sent;
    size_t n_answered;          /* sent[] up to here needs no answer. */
    size_t n_next;              /* For fuzz_session_next(). */
    unsigned int flags;
} peer;

static int n_query_answers;

/* Milliseconds that the input made pass. */
static long long int time_offset;

long long int
__wrap_time_msec(void)
{
    return __real_time_msec() + time_offset;
}

/* The vconn class. */

static void
fuzz_vconn_close(struct vconn *vconn)
{
    free(vconn);
}

static int
fuzz_vconn_recv(struct vconn *vconn OVS_UNUSED, struct ofpbuf **msgp)
{
    if (!peer.hello_sent) {
        peer.hello_sent = true;
        *msgp = ofputil_encode_hello(1u << OFP13_VERSION);
        return 0;
    }
    if (!ovs_list_is_empty(&peer.rxq)) {
        *msgp = CONTAINER_OF(ovs_list_pop_front(&peer.rxq), struct ofpbuf,
                             list_node);
        return 0;
    }
    return peer.dropped ? EPROTO : EAGAIN;
}

static int
fuzz_vconn_send(struct vconn *vconn OVS_UNUSED, struct ofpbuf *msg)
{
    enum ofptype type;
    if (verbose) {
        char *s = ofp_to_string(msg->data, msg->size, NULL, NULL, 1);
        fprintf(stderr, "fuzz: ofguard sent #%"PRIuSIZE": %s\n", peer.n_sent,
                s);
        free(s);
    }
    if (!ofptype_decode(&type, msg->data) && type == OFPTYPE_HELLO) {
        ofpbuf_delete(msg);
        return 0;
    }
    if (peer.n_sent >= peer.allocated_sent) {
        peer.sent = x2nrealloc(peer.sent, &peer.allocated_sent,
                               sizeof *peer.sent);
    }
    peer.sent[peer.n_sent++] = msg;
    return 0;
}

static void
fuzz_vconn_wait(struct vconn *vconn OVS_UNUSED,
                enum vconn_wait_type type OVS_UNUSED)
{
}

static const struct vconn_class fuzz_vconn_class = {
    .name = "fuzz",
    .close = fuzz_vconn_close,
    .recv = fuzz_vconn_recv,
    .send = fuzz_vconn_send,
    .wait = fuzz_vconn_wait,
};

/* The peer. */

static void
peer_init(unsigned int flags)
{
    memset(&peer, 0, sizeof peer);
    ovs_list_init(&peer.rxq);
    peer.flags = flags;
}

static void
peer_destroy(void)
{
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, &peer.rxq) {
        ofpbuf_delete(msg);
    }
    for (size_t i = 0; i < peer.n_sent; i++) {
        ofpbuf_delete(peer.sent[i]);
    }
    free(peer.sent);
}

/* Queues the well-behaved switch's answer to the first of ofguard's
 * messages that wants one and has none yet.  Returns false if there is
 * none. */
static bool
peer_answer_one(void)
{
    while (peer.n_answered < peer.n_sent) {
        const struct ofp_header *oh = peer.sent[peer.n_answered++]->data;
        if (fuzz_switch_answers(oh)) {
            struct ovs_list replies;
            fuzz_switch_reply(config, oh, (peer.flags & FUZZ_HAS_FLOWS
                                           ? FUZZ_SW_HAS_FLOWS : 0),
                              &replies);
            ovs_list_push_back_all(&peer.rxq, &replies);
            return true;
        }
    }
    return false;
}

/* Queues 'size' bytes of 'data' as one message, its length and xid
 * fixed as the comment at the top of fuzz-openflow.c says. */
static void
peer_queue(const uint8_t *data, size_t size)
{
    struct ofpbuf *msg = ofpbuf_clone_data(data, size);
    struct ofp_header *oh = msg->data;
    oh->length = htons(size);
    uint32_t xid = ntohl(oh->xid);
    if (xid < 0x100 && xid < peer.n_sent) {
        const struct ofp_header *sent = peer.sent[peer.n_sent - 1 - xid]->data;
        oh->xid = sent->xid;
    }
    if (verbose) {
        char *s = ofp_to_string(msg->data, msg->size, NULL, NULL, 1);
        fprintf(stderr, "fuzz: switch sends: %s\n", s);
        free(s);
    }
    ovs_list_push_back(&peer.rxq, &msg->list_node);
}

/* ofguard's side. */

static void
query_cb(const char *switch_name, const char *flows, const char *error,
         void *aux)
{
    int *n = aux;
    /* Touch every byte, so that the sanitizer sees a bad string. */
    size_t len = strlen(switch_name) + strlen(flows);
    if (error) {
        len += strlen(error);
    }
    if (verbose) {
        fprintf(stderr, "fuzz: query answered (%"PRIuSIZE" bytes): %s%s",
                len, error ? error : "", flows);
    }
    ++*n;
}

static void
run_switch(void)
{
    ofg_sw_run(sw);
    ofg_sw_wait(sw);
    if (verbose) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofg_sw_format_status(sw, &s);
        fprintf(stderr, "fuzz: %s\n", ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* Lets ofguard take in what is queued and, with 'answer', the
 * well-behaved switch answer what ofguard asks, a few main-loop iterations
 * long. */
static void
run_and_answer(bool answer)
{
    for (int i = 0; i < FUZZ_RUNS && ofg_sw_is_alive(sw); i++) {
        run_switch();
        if (answer) {
            while (peer_answer_one()) {
                continue;
            }
        }
        if (ovs_list_is_empty(&peer.rxq) && !peer.dropped) {
            break;
        }
    }
}

void
fuzz_session_init(bool verbose_)
{
    verbose = verbose_;
    if (verbose) {
        vlog_set_levels(NULL, VLF_CONSOLE, VLL_INFO);
        vlog_set_levels(vlog_module_from_name("ofg_switch"), VLF_CONSOLE,
                        VLL_DBG);
    } else {
        /* Every log message is still formatted (ofguard's debug messages
         * included), then thrown away. */
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
        vlog_set_log_file("/dev/null");
        vlog_set_levels(vlog_module_from_name("ofg_switch"), VLF_FILE,
                        VLL_DBG);
    }
    config = fuzz_switch_config();
    reload_config = fuzz_switch_config_reload();
}

void
fuzz_session_start(unsigned int flags)
{
    peer_init(flags);
    n_query_answers = 0;
    time_offset = 0;
    struct vconn *vconn = xmalloc(sizeof *vconn);
    vconn_init(vconn, &fuzz_vconn_class, 0, "fuzz:switch",
               1u << OFP13_VERSION);
    sw = ofg_sw_create_passive(vconn, config, OFG_SW_PROBE_INTERVAL);

    /* Connect, then let the well-behaved switch answer as many requests as
     * 'flags' says, one at a time. */
    run_switch();
    unsigned int depth = flags & FUZZ_DEPTH_MASK;
    for (unsigned int i = 0; i < depth && peer_answer_one(); i++) {
        run_switch();
    }
    peer.n_next = peer.n_answered;
    peer.n_answered = peer.n_sent;
    if (flags & FUZZ_QUERY) {
        ofg_sw_query_flows(sw, "vm1", query_cb, &n_query_answers);
    }
    if (flags & FUZZ_RELOAD) {
        ofg_sw_set_config(sw, reload_config);
    }
}

size_t
fuzz_session_feed(const uint8_t *data, size_t size)
{
    if (size < sizeof(struct ofp_header) || !ofg_sw_is_alive(sw)) {
        return 0;
    }

    /* The input is not aligned. */
    size_t length = (data[2] << 8) | data[3];
    bool answer = peer.flags & FUZZ_ANSWER;
    if (length < 4) {
        peer.dropped = true;
        run_and_answer(false);
        return 0;
    } else if (length < sizeof(struct ofp_header)) {
        time_offset += 1000LL << (2 * (length - 4));
        length = sizeof(struct ofp_header);
    } else {
        length = MIN(length, size);
        peer_queue(data, length);
    }
    run_and_answer(answer);
    return length;
}

void
fuzz_session_finish(void)
{
    if (peer.flags & FUZZ_ANSWER) {
        /* A round the messages started goes through. */
        run_and_answer(true);
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ofg_sw_format_status(sw, &s);
    ofg_sw_is_synced(sw);
    ds_destroy(&s);

    ofg_sw_destroy(sw);
    sw = NULL;
    peer_destroy();
}

uint32_t
fuzz_session_find(enum ofptype type, const struct ofp_header **msgp)
{
    for (size_t i = peer.n_sent; i-- > 0;) {
        const struct ofp_header *oh = peer.sent[i]->data;
        enum ofptype sent_type;
        if (!ofptype_decode(&sent_type, oh) && sent_type == type) {
            if (msgp) {
                *msgp = oh;
            }
            return peer.n_sent - 1 - i;
        }
    }
    return UINT32_MAX;
}

uint32_t
fuzz_session_next(const struct ofp_header **msgp)
{
    while (peer.n_next < peer.n_sent) {
        size_t i = peer.n_next++;
        const struct ofp_header *oh = peer.sent[i]->data;
        if (fuzz_switch_answers(oh)) {
            if (msgp) {
                *msgp = oh;
            }
            return peer.n_sent - 1 - i;
        }
    }
    return UINT32_MAX;
}

void
fuzz_session_status(struct ds *s)
{
    ofg_sw_format_status(sw, s);
}
