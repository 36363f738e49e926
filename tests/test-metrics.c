/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Unit tests for controller/ofg-metrics.c: the text it makes of a snapshot.
 * tests/metrics.test checks the daemon's values and that a real Prometheus
 * parser accepts the text. */

#include <config.h>

#include <string.h>
#include "controller/ofg-metrics.h"
#include "openvswitch/dynamic-string.h"
#include "tests/ofg-test.h"
#include "util.h"

static const struct ofg_sw_stats test_switches[] = {
    { .name = "host2", .has_dpid = true, .dpid = 0xb2, .connected = true,
      .synced = false, .role = OFG_SW_SECONDARY,
      .counters = { .n_rounds = 1, .n_flow_mods = 2, .n_errors = 3,
                    .n_tampered = 4, .n_audits = 5 } },
    /* A stale connection of host1, then the live one: only the live one is
     * reported. */
    { .name = "host1", .has_dpid = true, .dpid = 0xb1, .connected = false,
      .counters = { .n_rounds = 99 } },
    { .name = "host1", .has_dpid = true, .dpid = 0xb1, .connected = true,
      .synced = true, .role = OFG_SW_EQUAL,
      .counters = { .n_rounds = 7, .n_flow_mods = 70 } },
    { .name = "tcp:127.0.0.1:6653", .connected = false },
};

static struct ofg_metrics
test_metrics(void)
{
    return (struct ofg_metrics) {
        .version = "1.0",
        .ovs_version = "3.1.0",
        .start_time = 1700000000123LL,
        .config_file = "/etc/a \"b\"\\c\nd.json",
        .config_sha256 = "00ff",
        .n_containers = 3,
        .n_networks = 2,
        .n_config_switches = 1,
        .n_reloads = 4,
        .n_reload_failures = 1,
        .last_reload_ok = false,
        .config_time = 1700000001005LL,
        .switches = test_switches,
        .n_switches = ARRAY_SIZE(test_switches),
        .totals = { .n_rounds = 120, .n_audits = 6 },
    };
}

static bool
has_line(const char *text, const char *line)
{
    size_t len = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++) {
        if ((p == text || p[-1] == '\n') && p[len] == '\n') {
            return true;
        }
    }
    return false;
}

static size_t
count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) {
        n++;
    }
    return n;
}

static void
test_daemon_and_config(void)
{
    struct ofg_metrics m = test_metrics();
    struct ds s = DS_EMPTY_INITIALIZER;
    ofg_metrics_format(&m, &s);
    const char *text = ds_cstr(&s);

    CHECK(has_line(text, "# TYPE ofguard_build_info gauge"));
    CHECK(has_line(text, "ofguard_build_info{version=\"1.0\","
                   "ovs_version=\"3.1.0\"} 1"));
    CHECK(has_line(text, "ofguard_start_time_seconds 1700000000.123"));
    CHECK(has_line(text, "ofguard_config_info{file=\"/etc/a \\\"b\\\"\\\\c"
                   "\\nd.json\",sha256=\"00ff\"} 1"));
    CHECK(has_line(text, "ofguard_config_containers 3"));
    CHECK(has_line(text, "ofguard_config_networks 2"));
    CHECK(has_line(text, "ofguard_config_switches 1"));
    CHECK(has_line(text, "# TYPE ofguard_config_reloads_total counter"));
    CHECK(has_line(text, "ofguard_config_reloads_total 4"));
    CHECK(has_line(text, "ofguard_config_reload_failures_total 1"));
    CHECK(has_line(text, "ofguard_config_last_reload_successful 0"));
    CHECK(has_line(text, "ofguard_config_last_reload_success_timestamp_"
                   "seconds 1700000001.005"));
    ds_destroy(&s);
    ofg_test_finish("daemon and config metrics, labels escaped");
}

static void
test_switches_metrics(void)
{
    struct ofg_metrics m = test_metrics();
    struct ds s = DS_EMPTY_INITIALIZER;
    ofg_metrics_format(&m, &s);
    const char *text = ds_cstr(&s);

    CHECK(has_line(text, "ofguard_switches 3"));
    CHECK(has_line(text, "ofguard_switches_connected 2"));
    CHECK(has_line(text, "ofguard_switches_synced 1"));
    CHECK(has_line(text, "ofguard_switch_up{switch=\"host1\","
                   "dpid=\"00000000000000b1\"} 1"));
    CHECK(has_line(text, "ofguard_switch_up{switch=\"tcp:127.0.0.1:6653\","
                   "dpid=\"\"} 0"));
    CHECK(has_line(text, "ofguard_switch_synced{switch=\"host2\","
                   "dpid=\"00000000000000b2\"} 0"));
    CHECK(has_line(text, "ofguard_switch_role{switch=\"host2\","
                   "dpid=\"00000000000000b2\",role=\"secondary\"} 1"));
    CHECK(has_line(text, "ofguard_switch_role{switch=\"host2\","
                   "dpid=\"00000000000000b2\",role=\"equal\"} 0"));
    CHECK(has_line(text, "ofguard_switch_update_rounds_total{switch="
                   "\"host1\",dpid=\"00000000000000b1\"} 7"));
    CHECK(!strstr(text, "} 99\n"));
    CHECK(count(text, "ofguard_switch_up{") == 3);
    CHECK(has_line(text, "ofguard_switch_flow_mods_total{switch=\"host1\","
                   "dpid=\"00000000000000b1\"} 70"));
    CHECK(has_line(text, "ofguard_switch_errors_total{switch=\"host2\","
                   "dpid=\"00000000000000b2\"} 3"));
    CHECK(has_line(text, "ofguard_switch_tampered_total{switch=\"host2\","
                   "dpid=\"00000000000000b2\"} 4"));
    CHECK(has_line(text, "ofguard_switch_audits_total{switch=\"host2\","
                   "dpid=\"00000000000000b2\"} 5"));
    /* Sorted by name. */
    CHECK(strstr(text, "ofguard_switch_up{switch=\"host1\"")
          < strstr(text, "ofguard_switch_up{switch=\"host2\""));

    CHECK(has_line(text, "ofguard_update_rounds_total 120"));
    CHECK(has_line(text, "ofguard_audits_total 6"));
    CHECK(has_line(text, "# TYPE ofguard_flow_mods_total counter"));
    CHECK(has_line(text, "ofguard_flow_mods_total 0"));
    CHECK(!strstr(text, "violation"));
    ds_destroy(&s);
    ofg_test_finish("switch metrics: one series per switch, totals");
}

static void
test_violations(void)
{
    static const struct ofg_metrics_violation violations[] = {
        { "c1", "forged_source", 12, 1700000002000LL },
        { "c\"2", "arp_spoof", 1, 0 },
    };
    struct ofg_metrics m = test_metrics();
    m.violations = violations;
    m.n_violations = ARRAY_SIZE(violations);
    struct ds s = DS_EMPTY_INITIALIZER;
    ofg_metrics_format(&m, &s);
    const char *text = ds_cstr(&s);

    CHECK(has_line(text, "# TYPE ofguard_violations_total counter"));
    CHECK(has_line(text, "ofguard_violations_total{container=\"c1\","
                   "class=\"forged_source\"} 12"));
    CHECK(has_line(text, "ofguard_violations_total{container=\"c\\\"2\","
                   "class=\"arp_spoof\"} 1"));
    CHECK(has_line(text, "ofguard_violation_last_timestamp_seconds{"
                   "container=\"c1\",class=\"forged_source\"} "
                   "1700000002.000"));
    CHECK(count(text, "ofguard_violation_last_timestamp_seconds{") == 1);
    ds_destroy(&s);
    ofg_test_finish("violations by container and class");
}

/* Every line is a comment or "NAME[{LABELS}] VALUE", and every sample's
 * family has had its TYPE line. */
static void
test_shape(void)
{
    struct ofg_metrics m = test_metrics();
    m.n_switches = 0;
    struct ds s = DS_EMPTY_INITIALIZER;
    ofg_metrics_format(&m, &s);
    const char *text = ds_cstr(&s);

    CHECK(s.length > 0 && text[s.length - 1] == '\n');
    CHECK(has_line(text, "ofguard_switches 0"));
    CHECK(!strstr(text, "ofguard_switch_up{"));
    char *copy = xstrdup(text);
    char *save = NULL;
    char *family = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strncmp(line, "# TYPE ", 7)) {
            free(family);
            family = xmemdup0(line + 7, strcspn(line + 7, " "));
        } else if (line[0] != '#') {
            CHECK(family && !strncmp(line, family, strlen(family)));
            CHECK(strchr(line, ' ') && strrchr(line, ' ')[1]);
        }
    }
    free(family);
    free(copy);
    ds_destroy(&s);
    ofg_test_finish("every sample under its family's TYPE line");
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    set_program_name(argv[0]);
    test_daemon_and_config();
    test_switches_metrics();
    test_violations();
    test_shape();
    return ofg_test_summary();
}
