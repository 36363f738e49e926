/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-violations.h"

#include <limits.h>
#include <string.h>
#include "dp-packet.h"
#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(violation);

/* One logged event: its text without the repeat count, when it was logged,
 * and how many identical events followed within the second. */
struct ofg_violation_event {
    struct hmap_node node;
    char *text;
    long long int logged;
    unsigned int repeats;
};

/* Events folded per second: a flood of forged frames makes one line per
 * distinct event and second, not one per frame (the meter bounds the
 * frames anyway). */
#define OFG_FOLD_MSEC 1000

static struct ofg_violation_counter *counter_find(
    const struct ofg_violations *, uint64_t cookie, enum ofg_violation);
static void event_flush(struct ofg_violations *, struct ofg_violation_event *);

void
ofg_violations_init(struct ofg_violations *v)
{
    hmap_init(&v->counters);
    hmap_init(&v->recent);
}

void
ofg_violations_destroy(struct ofg_violations *v)
{
    struct ofg_violation_counter *c;
    HMAP_FOR_EACH_POP (c, node, &v->counters) {
        free(c);
    }
    hmap_destroy(&v->counters);

    struct ofg_violation_event *e;
    HMAP_FOR_EACH_POP (e, node, &v->recent) {
        free(e->text);
        free(e);
    }
    hmap_destroy(&v->recent);
}

void
ofg_violations_update(struct ofg_violations *v, uint64_t cookie,
                      enum ofg_violation class, uint64_t n_packets,
                      long long int now)
{
    struct ofg_violation_counter *c = counter_find(v, cookie, class);
    if (!c) {
        if (!n_packets) {
            return;         /* Nothing to say about a clean container. */
        }
        c = xzalloc(sizeof *c);
        c->cookie = cookie;
        c->class = class;
        hmap_insert(&v->counters, &c->node, hash_uint64_basis(cookie, class));
    }
    if (n_packets < c->last_packets) {
        /* The flow was deleted and added again (a restarted switch, a
         * moved container): its count started over. */
        c->base += c->last_packets;
        c->last_packets = 0;
    }
    if (n_packets > c->last_packets) {
        if (!c->first_seen) {
            c->first_seen = now;
        }
        c->last_grew = now;
        c->last_packets = n_packets;
    }
}

void
ofg_violations_log(struct ofg_violations *v, const char *switch_name,
                   const char *port, const char *container,
                   enum ofg_violation class,
                   const void *packet, size_t len, long long int now)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "switch=%s port=%s container=%s class=%s ",
                  switch_name, port, container ? container : "-",
                  ofg_violation_name(class));
    ofg_violations_format_packet(packet, len, &s);

    uint32_t hash = hash_string(ds_cstr(&s), 0);
    struct ofg_violation_event *e;
    HMAP_FOR_EACH_WITH_HASH (e, node, hash, &v->recent) {
        if (!strcmp(e->text, ds_cstr(&s))) {
            e->repeats++;
            ds_destroy(&s);
            return;
        }
    }
    VLOG_INFO("%s", ds_cstr(&s));
    e = xmalloc(sizeof *e);
    e->text = ds_steal_cstr(&s);
    e->logged = now;
    e->repeats = 0;
    hmap_insert(&v->recent, &e->node, hash);
}

void
ofg_violations_run(struct ofg_violations *v, long long int now)
{
    struct ofg_violation_event *e;
    HMAP_FOR_EACH_SAFE (e, node, &v->recent) {
        if (now >= e->logged + OFG_FOLD_MSEC) {
            event_flush(v, e);
        }
    }
}

long long int
ofg_violations_next_flush(const struct ofg_violations *v)
{
    long long int next = LLONG_MAX;
    const struct ofg_violation_event *e;
    HMAP_FOR_EACH (e, node, &v->recent) {
        next = MIN(next, e->logged + OFG_FOLD_MSEC);
    }
    return next;
}

void
ofg_violations_format_packet(const void *packet, size_t len, struct ds *s)
{
    struct dp_packet p;
    struct flow flow;
    dp_packet_use_const(&p, packet, len);
    flow_extract(&p, &flow);

    ds_put_format(s, "src_mac="ETH_ADDR_FMT" dst_mac="ETH_ADDR_FMT,
                  ETH_ADDR_ARGS(flow.dl_src), ETH_ADDR_ARGS(flow.dl_dst));
    if (flow.vlans[0].tci & htons(VLAN_CFI)) {
        ds_put_format(s, " vlan=%d", vlan_tci_to_vid(flow.vlans[0].tci));
    }
    ds_put_format(s, " eth_type=0x%04"PRIx16, ntohs(flow.dl_type));
    if (flow.dl_type == htons(ETH_TYPE_ARP)) {
        ds_put_format(s, " arp_op=%"PRIu8" arp_spa="IP_FMT" arp_sha="
                      ETH_ADDR_FMT" arp_tpa="IP_FMT, flow.nw_proto,
                      IP_ARGS(flow.nw_src), ETH_ADDR_ARGS(flow.arp_sha),
                      IP_ARGS(flow.nw_dst));
    } else if (flow.dl_type == htons(ETH_TYPE_IP)) {
        ds_put_format(s, " src_ip="IP_FMT" dst_ip="IP_FMT" proto=%"PRIu8,
                      IP_ARGS(flow.nw_src), IP_ARGS(flow.nw_dst),
                      flow.nw_proto);
    } else if (flow.dl_type == htons(ETH_TYPE_IPV6)) {
        ds_put_cstr(s, " src_ip=");
        ipv6_format_addr(&flow.ipv6_src, s);
        ds_put_cstr(s, " dst_ip=");
        ipv6_format_addr(&flow.ipv6_dst, s);
        ds_put_format(s, " proto=%"PRIu8, flow.nw_proto);
        if (flow.nw_proto == IPPROTO_ICMPV6
            && (flow.tp_src == htons(135) || flow.tp_src == htons(136))) {
            ds_put_cstr(s, " nd_target=");
            ipv6_format_addr(&flow.nd_target, s);
        }
    }
    if (flow.dl_type != htons(ETH_TYPE_IP)
        && flow.dl_type != htons(ETH_TYPE_IPV6)) {
        /* No transport header. */
    } else if (flow.nw_proto == IPPROTO_ICMP
               || flow.nw_proto == IPPROTO_ICMPV6) {
        ds_put_format(s, " icmp_type=%"PRIu16, ntohs(flow.tp_src));
    } else if (flow.nw_proto == IPPROTO_UDP || flow.nw_proto == IPPROTO_TCP) {
        ds_put_format(s, " src_port=%"PRIu16" dst_port=%"PRIu16,
                      ntohs(flow.tp_src), ntohs(flow.tp_dst));
    }
    if (flow.nw_frag & FLOW_NW_FRAG_ANY) {
        ds_put_cstr(s, flow.nw_frag & FLOW_NW_FRAG_LATER ? " frag=later"
                    : " frag=first");
    }
}

static struct ofg_violation_counter *
counter_find(const struct ofg_violations *v, uint64_t cookie,
             enum ofg_violation class)
{
    struct ofg_violation_counter *c;
    HMAP_FOR_EACH_WITH_HASH (c, node, hash_uint64_basis(cookie, class),
                             &v->counters) {
        if (c->cookie == cookie && c->class == class) {
            return c;
        }
    }
    return NULL;
}

static void
event_flush(struct ofg_violations *v, struct ofg_violation_event *e)
{
    if (e->repeats) {
        VLOG_INFO("%s repeated=%u", e->text, e->repeats);
    }
    hmap_remove(&v->recent, &e->node);
    free(e->text);
    free(e);
}
