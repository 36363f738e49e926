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
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(violation);

/* One logged event: its fields (alternately key and value, in the order
 * they are logged), its key=value text without the repeat count, which
 * identifies it, when it was logged, and how many identical events
 * followed within the second. */
struct ofg_violation_event {
    struct hmap_node node;
    struct svec fields;
    char *text;
    long long int logged;
    unsigned int repeats;
};

/* Whether log lines are JSON objects instead of key=value pairs. */
static bool log_json;

/* Events folded per second: a flood of forged frames makes one line per
 * distinct event and second, not one per frame (the meter bounds the
 * frames anyway). */
#define OFG_FOLD_MSEC 1000

static struct ofg_violation_counter *counter_find(
    const struct ofg_violations *, uint64_t cookie, enum ofg_violation);
static void event_flush(struct ofg_violations *, struct ofg_violation_event *);
static void event_log(const struct ofg_violation_event *);
static void format_fields(const struct svec *, bool json, struct ds *);
static void add_field(struct svec *, const char *key, const char *value);
static void add_fieldf(struct svec *, const char *key, const char *format,
                       ...)
    OVS_PRINTF_FORMAT(3, 4);
static void add_ipv6_field(struct svec *, const char *key,
                           const struct in6_addr *);

void
ofg_violations_set_json(bool json)
{
    log_json = json;
}

void
ofg_violations_init(struct ofg_violations *v)
{
    hmap_init(&v->counters);
    hmap_init(&v->recent);
    v->last_poll = 0;
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
        svec_destroy(&e->fields);
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

size_t
ofg_violations_end_poll(struct ofg_violations *v, enum ofg_violation class,
                        uint64_t min_rate, long long int now,
                        uint64_t **cookiesp)
{
    long long int elapsed = v->last_poll ? now - v->last_poll : 0;
    size_t n = 0, allocated = 0;
    *cookiesp = NULL;

    struct ofg_violation_counter *c;
    HMAP_FOR_EACH (c, node, &v->counters) {
        uint64_t total = ofg_violation_counter_total(c);
        uint64_t grew = total - MIN(total, c->at_last_poll);
        c->at_last_poll = total;
        /* grew / (elapsed / 1000) >= min_rate, without dividing. */
        if (c->class == class && elapsed > 0 && min_rate
            && grew * 1000 >= min_rate * (uint64_t) elapsed) {
            if (n >= allocated) {
                *cookiesp = x2nrealloc(*cookiesp, &allocated,
                                       sizeof **cookiesp);
            }
            (*cookiesp)[n++] = c->cookie;
        }
    }
    v->last_poll = now;
    return n;
}

void
ofg_violations_log(struct ofg_violations *v, const char *switch_name,
                   const char *port, const char *container,
                   enum ofg_violation class,
                   const void *packet, size_t len, long long int now)
{
    struct svec fields = SVEC_EMPTY_INITIALIZER;
    add_field(&fields, "switch", switch_name);
    add_field(&fields, "port", port);
    add_field(&fields, "container", container ? container : "-");
    add_field(&fields, "class", ofg_violation_name(class));
    ofg_violations_packet_fields(packet, len, &fields);

    struct ds s = DS_EMPTY_INITIALIZER;
    format_fields(&fields, false, &s);
    uint32_t hash = hash_string(ds_cstr(&s), 0);
    struct ofg_violation_event *e;
    HMAP_FOR_EACH_WITH_HASH (e, node, hash, &v->recent) {
        if (!strcmp(e->text, ds_cstr(&s))) {
            e->repeats++;
            ds_destroy(&s);
            svec_destroy(&fields);
            return;
        }
    }
    e = xmalloc(sizeof *e);
    e->fields = fields;
    e->text = ds_steal_cstr(&s);
    e->logged = now;
    e->repeats = 0;
    hmap_insert(&v->recent, &e->node, hash);
    event_log(e);
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
ofg_violations_packet_fields(const void *packet, size_t len,
                             struct svec *fields)
{
    struct dp_packet p;
    struct flow flow;
    dp_packet_use_const(&p, packet, len);
    flow_extract(&p, &flow);

    add_fieldf(fields, "src_mac", ETH_ADDR_FMT, ETH_ADDR_ARGS(flow.dl_src));
    add_fieldf(fields, "dst_mac", ETH_ADDR_FMT, ETH_ADDR_ARGS(flow.dl_dst));
    if (flow.vlans[0].tci & htons(VLAN_CFI)) {
        add_fieldf(fields, "vlan", "%d", vlan_tci_to_vid(flow.vlans[0].tci));
    }
    add_fieldf(fields, "eth_type", "0x%04"PRIx16, ntohs(flow.dl_type));
    if (flow.dl_type == htons(ETH_TYPE_ARP)) {
        add_fieldf(fields, "arp_op", "%"PRIu8, flow.nw_proto);
        add_fieldf(fields, "arp_spa", IP_FMT, IP_ARGS(flow.nw_src));
        add_fieldf(fields, "arp_sha", ETH_ADDR_FMT,
                   ETH_ADDR_ARGS(flow.arp_sha));
        add_fieldf(fields, "arp_tpa", IP_FMT, IP_ARGS(flow.nw_dst));
        return;
    } else if (flow.dl_type == htons(ETH_TYPE_IP)) {
        add_fieldf(fields, "src_ip", IP_FMT, IP_ARGS(flow.nw_src));
        add_fieldf(fields, "dst_ip", IP_FMT, IP_ARGS(flow.nw_dst));
    } else if (flow.dl_type == htons(ETH_TYPE_IPV6)) {
        add_ipv6_field(fields, "src_ip", &flow.ipv6_src);
        add_ipv6_field(fields, "dst_ip", &flow.ipv6_dst);
    } else {
        return;                 /* No IP header. */
    }
    add_fieldf(fields, "proto", "%"PRIu8, flow.nw_proto);
    if (flow.nw_proto == IPPROTO_ICMPV6
        && (flow.tp_src == htons(135) || flow.tp_src == htons(136))) {
        add_ipv6_field(fields, "nd_target", &flow.nd_target);
    }
    if (flow.nw_proto == IPPROTO_ICMP || flow.nw_proto == IPPROTO_ICMPV6) {
        add_fieldf(fields, "icmp_type", "%"PRIu16, ntohs(flow.tp_src));
    } else if (flow.nw_proto == IPPROTO_UDP || flow.nw_proto == IPPROTO_TCP) {
        add_fieldf(fields, "src_port", "%"PRIu16, ntohs(flow.tp_src));
        add_fieldf(fields, "dst_port", "%"PRIu16, ntohs(flow.tp_dst));
    }
    if (flow.nw_frag & FLOW_NW_FRAG_ANY) {
        add_field(fields, "frag",
                  flow.nw_frag & FLOW_NW_FRAG_LATER ? "later" : "first");
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
        add_fieldf(&e->fields, "repeated", "%u", e->repeats);
        event_log(e);
    }
    hmap_remove(&v->recent, &e->node);
    svec_destroy(&e->fields);
    free(e->text);
    free(e);
}

static void
event_log(const struct ofg_violation_event *e)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    format_fields(&e->fields, log_json, &s);
    VLOG_INFO("%s", ds_cstr(&s));
    ds_destroy(&s);
}

/* A value that must be quoted in key=value form: empty, or with a space,
 * quote or '=' that would make the line ambiguous.  Port and container
 * names come from the switch and the config and may hold anything. */
static bool
needs_quotes(const char *value)
{
    return !*value || value[strcspn(value, " \t\"=\\")];
}

/* A value written as a JSON number: decimal digits without a leading zero
 * (counts, ports, protocol numbers), never an address. */
static bool
is_json_number(const char *value)
{
    size_t n = strspn(value, "0123456789");
    return n && !value[n] && (value[0] != '0' || n == 1) && n < 16;
}

static void
format_fields(const struct svec *fields, bool json, struct ds *s)
{
    if (json) {
        ds_put_char(s, '{');
    }
    for (size_t i = 0; i + 1 < fields->n; i += 2) {
        const char *key = fields->names[i];
        const char *value = fields->names[i + 1];
        if (json) {
            ds_put_format(s, "%s\"%s\":", i ? "," : "", key);
            if (is_json_number(value)) {
                ds_put_cstr(s, value);
            } else {
                json_string_escape(value, s);
            }
        } else {
            ds_put_format(s, "%s%s=", i ? " " : "", key);
            if (needs_quotes(value)) {
                json_string_escape(value, s);
            } else {
                ds_put_cstr(s, value);
            }
        }
    }
    if (json) {
        ds_put_char(s, '}');
    }
}

static void
add_field(struct svec *fields, const char *key, const char *value)
{
    svec_add(fields, key);
    svec_add(fields, value);
}

static void
add_fieldf(struct svec *fields, const char *key, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    svec_add(fields, key);
    svec_add_nocopy(fields, xvasprintf(format, args));
    va_end(args);
}

/* Adds 'addr' in IPv6 notation even when it is IPv4-mapped: a frame that
 * claims "::ffff:10.0.0.5" should be logged as what it claims. */
static void
add_ipv6_field(struct svec *fields, const char *key,
               const struct in6_addr *addr)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ipv6_format_addr(addr, &s);
    svec_add(fields, key);
    svec_add_nocopy(fields, ds_steal_cstr(&s));
}
