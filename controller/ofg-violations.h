/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_VIOLATIONS_H
#define OFG_VIOLATIONS_H 1

/* What one switch has seen its containers attempt: counters per container
 * (by cookie) and class, from the statistics of the accounting flows
 * (flows/ofg-flows.h, table 70), and the log of sampled dropped frames,
 * one line per event, the same event repeated within a second folded into
 * one line with a count. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "flows/ofg-violation.h"
#include "openvswitch/hmap.h"

struct svec;

struct ofg_violations {
    struct hmap counters;       /* "struct ofg_violation_counter"s. */
    struct hmap recent;         /* Logged events, for folding repeats. */
    long long int last_poll;    /* Monotonic msec of the last poll's end,
                                 * 0 before the first. */
};

struct ofg_violation_counter {
    struct hmap_node node;
    uint64_t cookie;            /* The container's full cookie, or the
                                 * switch's for OFG_VIOLATION_UNKNOWN_PORT. */
    enum ofg_violation class;
    uint64_t base;              /* Counted before the flow was re-added. */
    uint64_t last_packets;      /* The flow's n_packets when last read. */
    long long int first_seen;   /* Wall-clock msec when it first grew. */
    long long int last_grew;    /* Wall-clock msec when it last grew. */
    uint64_t at_last_poll;      /* The total when the last poll ended. */
};

void ofg_violations_init(struct ofg_violations *);
void ofg_violations_destroy(struct ofg_violations *);

/* Records that the accounting flow of 'cookie' and 'class' has counted
 * 'n_packets' by wall-clock time 'now'. */
void ofg_violations_update(struct ofg_violations *, uint64_t cookie,
                           enum ofg_violation class, uint64_t n_packets,
                           long long int now);

static inline uint64_t
ofg_violation_counter_total(const struct ofg_violation_counter *c)
{
    return c->base + c->last_packets;
}

/* Ends a poll of the counters, at monotonic time 'now': stores in
 * '*cookiesp' (an array the caller frees) the cookies whose counter of
 * 'class' grew by at least 'min_rate' a second since the last poll ended,
 * and returns how many.  The first poll only notes the totals. */
size_t ofg_violations_end_poll(struct ofg_violations *, enum ofg_violation,
                               uint64_t min_rate, long long int now,
                               uint64_t **cookiesp);

/* Logs a sampled dropped frame, 'packet' ('len' bytes, possibly cut short)
 * from 'port' of 'switch_name', charged to 'container' (NULL if none) as
 * 'class', unless the same event was logged less than a second ago ('now',
 * monotonic msec), in which case it is only counted. */
void ofg_violations_log(struct ofg_violations *, const char *switch_name,
                        const char *port, const char *container,
                        enum ofg_violation class,
                        const void *packet, size_t len, long long int now);

/* Logs the repeat counts of events whose second is over. */
void ofg_violations_run(struct ofg_violations *, long long int now);
long long int ofg_violations_next_flush(const struct ofg_violations *);

/* Appends the headers of 'packet' to 'fields', alternately key and
 * value. */
void ofg_violations_packet_fields(const void *packet, size_t len,
                                  struct svec *fields);

/* Makes every log line a JSON object instead of key=value pairs. */
void ofg_violations_set_json(bool json);

#endif /* controller/ofg-violations.h */
