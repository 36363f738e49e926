/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "controller/ofg-metrics.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* A counter that each switch connection keeps: reported per switch as
 * "ofguard_switch_NAME" and summed as "ofguard_NAME". */
struct ofg_counter_metric {
    const char *name;
    const char *help;
    size_t offset;              /* In struct ofg_sw_counters. */
};

static const struct ofg_counter_metric counter_metrics[] = {
    { "update_rounds_total",
      "Update rounds started (each one bundle of flow mods)",
      offsetof(struct ofg_sw_counters, n_rounds) },
    { "flow_mods_total",
      "Flow mods (adds and deletes) sent in update rounds",
      offsetof(struct ofg_sw_counters, n_flow_mods) },
    { "errors_total",
      "Errors: messages and refusals from the switch, bad replies",
      offsetof(struct ofg_sw_counters, n_errors) },
    { "tampered_total",
      "Changes to ofguard's flows by others, found and repaired",
      offsetof(struct ofg_sw_counters, n_tampered) },
    { "audits_total",
      "Audits done (all flows read back and compared)",
      offsetof(struct ofg_sw_counters, n_audits) },
};

static const char *const role_names[] = {
    [OFG_SW_EQUAL] = "equal",
    [OFG_SW_PRIMARY] = "primary",
    [OFG_SW_SECONDARY] = "secondary",
};

static void put_daemon(const struct ofg_metrics *, struct ds *);
static void put_config(const struct ofg_metrics *, struct ds *);
static void put_switches(const struct ofg_metrics *, struct ds *);
static void put_switch_counts(const struct ofg_sw_stats *const *, size_t n,
                              struct ds *);
static void put_switch_series(const struct ofg_sw_stats *const *, size_t n,
                              struct ds *);
static void put_totals(const struct ofg_metrics *, struct ds *);
static void put_violations(const struct ofg_metrics *, struct ds *);
static size_t sort_switches(const struct ofg_metrics *,
                            const struct ofg_sw_stats ***sortedp);
static int compare_switches(const void *, const void *);
static void put_switch_labels(const struct ofg_sw_stats *, struct ds *);
static unsigned long long int get_counter(const struct ofg_sw_counters *,
                                          const struct ofg_counter_metric *);
static void put_family(struct ds *, const char *name, const char *type,
                       const char *help);
static void put_label(struct ds *, const char *name, const char *value);
static void put_seconds(struct ds *, long long int msec);

void
ofg_metrics_format(const struct ofg_metrics *m, struct ds *s)
{
    put_daemon(m, s);
    put_config(m, s);
    put_switches(m, s);
    put_totals(m, s);
    put_violations(m, s);
}

void
ofg_metrics_add_counters(struct ofg_sw_counters *a,
                         const struct ofg_sw_counters *b)
{
    a->n_rounds += b->n_rounds;
    a->n_flow_mods += b->n_flow_mods;
    a->n_errors += b->n_errors;
    a->n_tampered += b->n_tampered;
    a->n_audits += b->n_audits;
}

static void
put_daemon(const struct ofg_metrics *m, struct ds *s)
{
    put_family(s, "ofguard_build_info", "gauge",
               "Always 1; the labels say which ofguard runs");
    ds_put_cstr(s, "ofguard_build_info{");
    put_label(s, "version", m->version);
    ds_put_char(s, ',');
    put_label(s, "ovs_version", m->ovs_version);
    ds_put_cstr(s, "} 1\n");

    put_family(s, "ofguard_start_time_seconds", "gauge",
               "When ofguard started, in seconds since the epoch");
    ds_put_cstr(s, "ofguard_start_time_seconds ");
    put_seconds(s, m->start_time);
    ds_put_char(s, '\n');
}

static void
put_config(const struct ofg_metrics *m, struct ds *s)
{
    put_family(s, "ofguard_config_info", "gauge",
               "Always 1; the labels name the configuration file in force "
               "and the SHA-256 of its contents");
    ds_put_cstr(s, "ofguard_config_info{");
    put_label(s, "file", m->config_file);
    ds_put_char(s, ',');
    put_label(s, "sha256", m->config_sha256);
    ds_put_cstr(s, "} 1\n");

    put_family(s, "ofguard_config_containers", "gauge",
               "Containers in the configuration in force");
    ds_put_format(s, "ofguard_config_containers %"PRIuSIZE"\n",
                  m->n_containers);
    put_family(s, "ofguard_config_networks", "gauge",
               "Networks in the configuration in force");
    ds_put_format(s, "ofguard_config_networks %"PRIuSIZE"\n", m->n_networks);
    put_family(s, "ofguard_config_switches", "gauge",
               "Switches named in the configuration in force");
    ds_put_format(s, "ofguard_config_switches %"PRIuSIZE"\n",
                  m->n_config_switches);

    put_family(s, "ofguard_config_reloads_total", "counter",
               "Reloads that succeeded (the new configuration in force)");
    ds_put_format(s, "ofguard_config_reloads_total %llu\n", m->n_reloads);
    put_family(s, "ofguard_config_reload_failures_total", "counter",
               "Reloads refused (the running configuration kept)");
    ds_put_format(s, "ofguard_config_reload_failures_total %llu\n",
                  m->n_reload_failures);
    put_family(s, "ofguard_config_last_reload_successful", "gauge",
               "0 if the last reload was refused, otherwise 1");
    ds_put_format(s, "ofguard_config_last_reload_successful %d\n",
                  m->last_reload_ok);
    put_family(s, "ofguard_config_last_reload_success_timestamp_seconds",
               "gauge", "When the configuration in force was read (at "
               "start or by the last successful reload), in seconds since "
               "the epoch");
    ds_put_cstr(s, "ofguard_config_last_reload_success_timestamp_seconds ");
    put_seconds(s, m->config_time);
    ds_put_char(s, '\n');
}

static void
put_switches(const struct ofg_metrics *m, struct ds *s)
{
    const struct ofg_sw_stats **sorted;
    size_t n = sort_switches(m, &sorted);
    put_switch_counts(sorted, n, s);
    put_switch_series(sorted, n, s);
    free(sorted);
}

/* The number of switches, connected ones and synced ones. */
static void
put_switch_counts(const struct ofg_sw_stats *const *sws, size_t n,
                  struct ds *s)
{
    size_t n_connected = 0;
    size_t n_synced = 0;
    for (size_t i = 0; i < n; i++) {
        n_connected += sws[i]->connected;
        n_synced += sws[i]->synced;
    }
    put_family(s, "ofguard_switches", "gauge",
               "Switch connections (listened for or dialled)");
    ds_put_format(s, "ofguard_switches %"PRIuSIZE"\n", n);
    put_family(s, "ofguard_switches_connected", "gauge",
               "Switch connections that are up");
    ds_put_format(s, "ofguard_switches_connected %"PRIuSIZE"\n",
                  n_connected);
    put_family(s, "ofguard_switches_synced", "gauge",
               "Switches that have every flow ofguard wants (a secondary "
               "in high availability never counts)");
    ds_put_format(s, "ofguard_switches_synced %"PRIuSIZE"\n", n_synced);
}

/* Every per-switch metric, one series per switch. */
static void
put_switch_series(const struct ofg_sw_stats *const *sws, size_t n,
                  struct ds *s)
{
    struct ds labels = DS_EMPTY_INITIALIZER;

    put_family(s, "ofguard_switch_up", "gauge",
               "1 if the switch is connected, otherwise 0");
    for (size_t i = 0; i < n; i++) {
        ds_clear(&labels);
        put_switch_labels(sws[i], &labels);
        ds_put_format(s, "ofguard_switch_up{%s} %d\n", ds_cstr(&labels),
                      sws[i]->connected);
    }

    put_family(s, "ofguard_switch_synced", "gauge",
               "1 if the switch has every flow ofguard wants, otherwise 0");
    for (size_t i = 0; i < n; i++) {
        ds_clear(&labels);
        put_switch_labels(sws[i], &labels);
        ds_put_format(s, "ofguard_switch_synced{%s} %d\n", ds_cstr(&labels),
                      sws[i]->synced);
    }

    put_family(s, "ofguard_switch_role", "gauge",
               "1 for the OpenFlow role ofguard takes on the switch, 0 for "
               "the others");
    for (size_t i = 0; i < n; i++) {
        ds_clear(&labels);
        put_switch_labels(sws[i], &labels);
        for (size_t r = 0; r < ARRAY_SIZE(role_names); r++) {
            ds_put_format(s, "ofguard_switch_role{%s,role=\"%s\"} %d\n",
                          ds_cstr(&labels), role_names[r],
                          (size_t) sws[i]->role == r);
        }
    }

    for (size_t c = 0; c < ARRAY_SIZE(counter_metrics); c++) {
        const struct ofg_counter_metric *cm = &counter_metrics[c];
        char *name = xasprintf("ofguard_switch_%s", cm->name);
        char *help = xasprintf("%s, by this switch connection", cm->help);
        put_family(s, name, "counter", help);
        for (size_t i = 0; i < n; i++) {
            ds_clear(&labels);
            put_switch_labels(sws[i], &labels);
            ds_put_format(s, "%s{%s} %llu\n", name, ds_cstr(&labels),
                          get_counter(&sws[i]->counters, cm));
        }
        free(help);
        free(name);
    }
    ds_destroy(&labels);
}

static void
put_totals(const struct ofg_metrics *m, struct ds *s)
{
    for (size_t c = 0; c < ARRAY_SIZE(counter_metrics); c++) {
        const struct ofg_counter_metric *cm = &counter_metrics[c];
        char *name = xasprintf("ofguard_%s", cm->name);
        char *help = xasprintf("%s, by every switch connection since "
                               "ofguard started", cm->help);
        put_family(s, name, "counter", help);
        ds_put_format(s, "%s %llu\n", name, get_counter(&m->totals, cm));
        free(help);
        free(name);
    }
}

static void
put_violations(const struct ofg_metrics *m, struct ds *s)
{
    if (!m->n_violations) {
        return;
    }

    put_family(s, "ofguard_violations_total", "counter",
               "Frames dropped as violations, by container and class");
    for (size_t i = 0; i < m->n_violations; i++) {
        const struct ofg_metrics_violation *v = &m->violations[i];
        ds_put_cstr(s, "ofguard_violations_total{");
        put_label(s, "container", v->container);
        ds_put_char(s, ',');
        put_label(s, "class", v->class_name);
        ds_put_format(s, "} %llu\n", v->count);
    }

    put_family(s, "ofguard_violation_last_timestamp_seconds", "gauge",
               "When the container's violations of the class last grew, in "
               "seconds since the epoch");
    for (size_t i = 0; i < m->n_violations; i++) {
        const struct ofg_metrics_violation *v = &m->violations[i];
        if (v->last_time) {
            ds_put_cstr(s, "ofguard_violation_last_timestamp_seconds{");
            put_label(s, "container", v->container);
            ds_put_char(s, ',');
            put_label(s, "class", v->class_name);
            ds_put_cstr(s, "} ");
            put_seconds(s, v->last_time);
            ds_put_char(s, '\n');
        }
    }
}

/* Stores in '*sortedp' the switches of 'm' sorted by name and datapath ID,
 * one per pair of labels (see struct ofg_metrics), and returns how many.
 * The caller must free '*sortedp'. */
static size_t
sort_switches(const struct ofg_metrics *m,
              const struct ofg_sw_stats ***sortedp)
{
    const struct ofg_sw_stats **sorted = xmalloc(MAX(m->n_switches, 1)
                                                 * sizeof *sorted);
    for (size_t i = 0; i < m->n_switches; i++) {
        sorted[i] = &m->switches[i];
    }
    qsort(sorted, m->n_switches, sizeof *sorted, compare_switches);

    size_t n = 0;
    for (size_t i = 0; i < m->n_switches; i++) {
        const struct ofg_sw_stats *sw = sorted[i];
        const struct ofg_sw_stats *prev = n ? sorted[n - 1] : NULL;
        if (!prev || strcmp(prev->name, sw->name)
            || prev->has_dpid != sw->has_dpid || prev->dpid != sw->dpid) {
            sorted[n++] = sw;
        }
    }
    *sortedp = sorted;
    return n;
}

/* Orders by name, then datapath ID (unknown first), then connected ones
 * first, so that sort_switches() keeps the connected one of duplicates. */
static int
compare_switches(const void *a_, const void *b_)
{
    const struct ofg_sw_stats *a = *(const struct ofg_sw_stats *const *) a_;
    const struct ofg_sw_stats *b = *(const struct ofg_sw_stats *const *) b_;
    int cmp = strcmp(a->name, b->name);
    if (cmp) {
        return cmp;
    } else if (a->has_dpid != b->has_dpid) {
        return a->has_dpid ? 1 : -1;
    } else if (a->dpid != b->dpid) {
        return a->dpid < b->dpid ? -1 : 1;
    } else {
        return (int) b->connected - (int) a->connected;
    }
}

/* Appends the labels that identify 'sw': its name in the configuration (or
 * the connection's name, for a switch not in it) and its datapath ID, empty
 * until the switch has told it. */
static void
put_switch_labels(const struct ofg_sw_stats *sw, struct ds *s)
{
    put_label(s, "switch", sw->name);
    if (sw->has_dpid) {
        ds_put_format(s, ",dpid=\"%016"PRIx64"\"", sw->dpid);
    } else {
        ds_put_cstr(s, ",dpid=\"\"");
    }
}

static unsigned long long int
get_counter(const struct ofg_sw_counters *counters,
            const struct ofg_counter_metric *cm)
{
    const char *base = (const char *) counters;
    return *(const unsigned long long int *) (base + cm->offset);
}

/* Appends the HELP and TYPE lines of metric family 'name'.  'help' must
 * need no escaping (no backslash, no newline). */
static void
put_family(struct ds *s, const char *name, const char *type,
           const char *help)
{
    ds_put_format(s, "# HELP %s %s.\n# TYPE %s %s\n", name, help, name, type);
}

/* Appends name="value", with 'value' escaped as the format wants: a
 * backslash, a double quote and a newline as \\, \" and \n. */
static void
put_label(struct ds *s, const char *name, const char *value)
{
    ds_put_format(s, "%s=\"", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"') {
            ds_put_char(s, '\\');
            ds_put_char(s, *p);
        } else if (*p == '\n') {
            ds_put_cstr(s, "\\n");
        } else {
            ds_put_char(s, *p);
        }
    }
    ds_put_char(s, '"');
}

/* Appends 'msec' milliseconds as seconds, with three decimals. */
static void
put_seconds(struct ds *s, long long int msec)
{
    ds_put_format(s, "%lld.%03lld", msec / 1000, msec % 1000);
}
