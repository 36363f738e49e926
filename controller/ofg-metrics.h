/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_METRICS_H
#define OFG_METRICS_H 1

/* ofguard's metrics in Prometheus' text exposition format (version 0.0.4),
 * for "ovs-appctl -t ofguard metrics" and for node_exporter's textfile
 * collector ("--metrics-file").
 *
 * This module is pure: the daemon fills a 'struct ofg_metrics' snapshot and
 * ofg_metrics_format() turns it into text.  Every metric is named
 * "ofguard_..." and has HELP and TYPE lines; the README lists them. */

#include <stdbool.h>
#include <stddef.h>
#include "controller/ofg-switch.h"

struct ds;

/* Violations of one class by one container, counted since ofguard
 * started. */
struct ofg_metrics_violation {
    const char *container;
    const char *class_name;
    unsigned long long int count;
    long long int last_time;    /* Wall clock (ms) of the last increase,
                                 * 0 if unknown. */
};

/* Everything the metrics report, at one moment.  Times are wall-clock
 * milliseconds (time_wall_msec()). */
struct ofg_metrics {
    /* The daemon. */
    const char *version;
    const char *ovs_version;    /* Of the Open vSwitch library. */
    long long int start_time;

    /* The configuration in force and its reloads. */
    const char *config_file;
    const char *config_sha256;
    size_t n_containers;
    size_t n_networks;
    size_t n_config_switches;
    unsigned long long int n_reloads;           /* Succeeded. */
    unsigned long long int n_reload_failures;   /* Refused. */
    bool last_reload_ok;        /* False if the last reload was refused. */
    long long int config_time;  /* When the config in force was read. */

    /* The switch connections now, in any order.  Two connections of one
     * switch (a reconnection before the old one timed out) would be two
     * series with the same labels, which Prometheus refuses: only one is
     * reported, the connected one if either is. */
    const struct ofg_sw_stats *switches;
    size_t n_switches;

    /* Counters summed over every switch connection since ofguard started,
     * closed ones included, so that they never go down. */
    struct ofg_sw_counters totals;

    /* Violations, in the order to print them; each (container, class) at
     * most once.  Metrics are printed only for those given. */
    const struct ofg_metrics_violation *violations;
    size_t n_violations;
};

/* Appends 'metrics' to 's' in the text exposition format. */
void ofg_metrics_format(const struct ofg_metrics *metrics, struct ds *s);

/* Adds 'b' to 'a'. */
void ofg_metrics_add_counters(struct ofg_sw_counters *a,
                              const struct ofg_sw_counters *b);

#endif /* controller/ofg-metrics.h */
