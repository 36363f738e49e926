/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Unit tests for the pure flow code: flows/ofg-flows.c (config -> flows) and
 * flows/ofg-flow-table.c (tables, diffs).  The behaviour of the flows on a
 * real switch is tested by the *.test scripts; these check the compiler's
 * and the differ's own logic. */

#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "config/ofg-config.h"
#include "flow.h"
#include "flows/ofg-bind.h"
#include "flows/ofg-desired.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "flows/ofg-round.h"
#include "flows/ofg-tamper.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "simap.h"
#include "smap.h"
#include "svec.h"
#include "tests/ofg-test.h"
#include "util.h"


/* The actions of a drop rule that charges the class whose bits in the
 * metadata are CLASS_MD: forged source 0x8..., ARP spoof 0x10..., DHCP
 * server 0x20..., lateral 0x30..., broadcast 0x38..., encapsulation
 * 0x40... (flows/ofg-violation.h, OFG_MD_VIOLATION_SHIFT). */
#define DROP_AS(CLASS_MD) \
    "actions=write_metadata:" CLASS_MD "/0x78000000000000,goto_table:65"

static const char base_config[] =
    "{ \"networks\": {\n"
    "    \"web\": {\"subnet\": \"10.10.20.0/24\", \"gateway\": \"10.10.20.1\"},\n"
    "    \"db\": {\"subnet\": \"10.10.30.0/24\", \"gateway\": \"10.10.30.1\",\n"
    "            \"gateway_mac\": \"02:00:0a:0a:1e:01\"}},\n"
    "  \"switches\": {\"host1\": {\"datapath_id\": \"00000000000000b0\",\n"
    "                           \"trusted_ports\": [\"eth0\", \"LOCAL\"]}},\n"
    "  \"containers\": {\n"
    "    \"vm1\": {\"port\": \"p1\", \"network\": \"web\",\n"
    "            \"mac\": \"00:16:3e:28:73:b3\", \"cookie\": \"0x5a01\",\n"
    "            \"ipv4\": [\"10.10.20.10\", \"10.10.20.11\", \"192.0.2.0/28\"]},\n"
    "    \"vm2\": {\"port\": \"p2\", \"network\": \"web\",\n"
    "            \"mac\": \"00:16:3e:28:73:b4\", \"ipv4\": [\"%s\"]},\n"
    "    \"db1\": {\"port\": \"p3\", \"network\": \"db\", \"switch\": \"host1\",\n"
    "            \"mac\": \"00:16:3e:28:73:c1\", \"ipv4\": [\"10.10.30.10\"]}}}\n";

static struct ofg_config *
parse(const char *vm2_ip)
{
    char *text = xasprintf(base_config, vm2_ip);
    struct ofg_config *cfg;
    char *error = ofg_config_parse("test.json", text, &cfg);
    if (error) {
        fprintf(stderr, "%s", error);
        ovs_fatal(0, "test config does not parse");
    }
    free(text);
    free(error);
    return cfg;
}

static void
make_ports(struct simap *ports)
{
    simap_init(ports);
    simap_put(ports, "eth0", 1);
    simap_put(ports, "p1", 2);
    simap_put(ports, "p2", 3);
    simap_put(ports, "p3", 4);
}

/* Returns the flows of 'table' as sorted ovs-ofctl lines, one per line. */
static char *
format_table(const struct ofg_flow_table *table)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct ofg_flow *flow;
    HMAP_FOR_EACH (flow, node, &table->flows) {
        ofg_flow_format(flow, NULL, &s);
        ds_put_char(&s, '\n');
    }
    return ds_steal_cstr(&s);
}

static bool
has_flow(const char *flows, const char *needle)
{
    return strstr(flows, needle) != NULL;
}

static void
test_compile(void)
{
    struct ofg_config *cfg = parse("10.10.20.20");
    struct simap ports;
    make_ports(&ports);
    struct ofg_flow_table table;
    ofg_flow_table_init(&table);
    ofg_flows_compile(cfg, ofg_config_find_switch(cfg, "host1"), &ports,
                      &table);
    char *flows = format_table(&table);

    /* vm1: classification and port drop, 3 ARP, 3 IP source, delivery,
     * and 6 accounting flows (one per class of violation an IPv4-only
     * container can commit).  Everything else its network and the switch
     * share. */
    const struct ofg_flow_group *g = ofg_flow_table_find_group(
        &table, OFG_COOKIE_TAG | 0x5a01);
    CHECK(g && ovs_list_size(&g->flows) == 9 + 6);

    /* Classification: port, MAC, no VLAN tag; the metadata carries the
     * network's cookie. */
    const struct ofg_network *web = ofg_config_find_container(cfg, "vm1")
                                    ->network;
    char *classify = xasprintf("cookie=0xfa7000000005a01,table=0,priority=25,"
                               "in_port=2,vlan_tci=0x0000/0x1fff,"
                               "dl_src=00:16:3e:28:73:b3,actions="
                               "write_metadata:%#"PRIx64",goto_table:10",
                               OFG_MD_CONTAINER | web->cookie);
    CHECK(has_flow(flows, classify));
    free(classify);
    CHECK(has_flow(flows, "cookie=0xfa7000000005a01,table=0,priority=5,"
                   "in_port=2," DROP_AS("0x8000000000000")));
    /* ARP binding checks arp_sha; the MAC was checked in table 0. */
    CHECK(has_flow(flows, "cookie=0xfa7000000005a01,table=10,priority=50,arp,"
                   "in_port=2,arp_spa=10.10.20.10,arp_sha=00:16:3e:28:73:b3,"
                   "actions=goto_table:60"));
    CHECK(has_flow(flows, "table=10,priority=25,ip,in_port=2,"
                   "nw_src=10.10.20.10,actions=goto_table:20"));
    CHECK(has_flow(flows, "table=10,priority=10,ip,in_port=2,"
                   "nw_src=192.0.2.0/28,actions=goto_table:20"));
    /* The network's rules carry its cookie; db's gateway MAC is pinned,
     * web's gateway must be reached at a unicast MAC. */
    char *gw = xasprintf("cookie=%#"PRIx64",table=40,priority=150,ip,"
                         "metadata=%#"PRIx64"/0xffffffffffff,"
                         "dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,"
                         "nw_dst=10.10.20.1,actions=goto_table:60",
                         OFG_COOKIE_TAG | web->cookie, web->cookie);
    CHECK(has_flow(flows, gw));
    free(gw);
    CHECK(has_flow(flows, "dl_dst=02:00:0a:0a:1e:01,nw_dst=10.10.30.1,"
                   "actions=goto_table:60"));
    CHECK(has_flow(flows, "/0xffffffffffff,nw_dst=10.10.20.0/24,"
                   DROP_AS("0x30000000000000")));
    /* Guards shared by every container, on the victim's side too. */
    CHECK(has_flow(flows, "cookie=0xfa7000000000000,table=20,priority=100,"
                   "udp,tp_dst=68," DROP_AS("0x20000000000000")));
    CHECK(has_flow(flows, "table=20,priority=100,udp,tp_src=67,"
                   DROP_AS("0x20000000000000")));
    CHECK(has_flow(flows, "table=20,priority=100,udp6,tp_dst=546,"
                   DROP_AS("0x20000000000000")));
    CHECK(has_flow(flows, "table=20,priority=100,ipv6,nw_proto=0,"
                   DROP_AS("0x40000000000000")));
    CHECK(has_flow(flows, "table=40,priority=100,"
                   "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
                   DROP_AS("0x38000000000000")));
    /* Each class of violation counted per container, the frame sampled
     * through the meter. */
    CHECK(has_flow(flows, "cookie=0xfa7000000005a01,table=70,priority=10,"
                   "metadata=0x10000000000000/0x78000000000000,in_port=2,"
                   "actions=controller(max_len=160,meter_id=1)"));
    /* Delivery: only from trusted ports (metadata without the container
     * bit) to a container's MAC. */
    CHECK(has_flow(flows, "table=60,priority=20,metadata=0/0x8000000000000000,"
                   "dl_dst=00:16:3e:28:73:b3,actions=output:2"));
    CHECK(has_flow(flows, "table=0,priority=1,in_port=1,"
                   "actions=goto_table:60"));
    CHECK(has_flow(flows, "table=0,priority=1,in_port=LOCAL,"
                   "actions=goto_table:60"));
    CHECK(has_flow(flows, "table=60,priority=0,actions=output:1,LOCAL")
          || has_flow(flows, "table=60,priority=0,actions=LOCAL,output:1"));
    /* Nothing outputs from the checking tables. */
    CHECK(!strstr(flows, "table=0,priority=5,in_port=2,actions=NORMAL"));

    free(flows);
    ofg_flow_table_destroy(&table);
    simap_destroy(&ports);
    ofg_config_destroy(cfg);
    ofg_test_finish("compile: flow layout");
}

static void
test_placement(void)
{
    struct ofg_config *cfg = parse("10.10.20.20");
    struct simap ports;
    make_ports(&ports);

    const struct ofg_container *db1 = ofg_config_find_container(cfg, "db1");
    const struct ofg_container *vm1 = ofg_config_find_container(cfg, "vm1");
    /* db1 is pinned to host1: not on a switch missing from the config. */
    CHECK(ofg_flows_container_port(db1, NULL, &ports, NULL) == OFPP_NONE);
    CHECK(ofg_flows_container_port(db1, ofg_config_find_switch(cfg, "host1"),
                                   &ports, NULL) == u16_to_ofp(4));
    /* vm1 is not pinned: any switch with its port. */
    CHECK(ofg_flows_container_port(vm1, NULL, &ports, NULL) == u16_to_ofp(2));

    struct simap empty = SIMAP_INITIALIZER(&empty);
    CHECK(ofg_flows_container_port(vm1, NULL, &empty, NULL) == OFPP_NONE);
    simap_destroy(&empty);

    /* Two containers on one port: the second is refused whole. */
    struct ofg_flow_table table;
    ofg_flow_table_init(&table);
    const struct ofg_container *vm2 = ofg_config_find_container(cfg, "vm2");
    CHECK(ofg_flows_add_container(vm1, u16_to_ofp(2), true, &table));
    size_t n = ofg_flow_table_count(&table);
    CHECK(!ofg_flows_add_container(vm2, u16_to_ofp(2), true, &table));
    CHECK(ofg_flow_table_count(&table) == n);
    CHECK(!ofg_flow_table_find_group(&table,
                                     ofg_flows_container_cookie(vm2)));

    ofg_flow_table_destroy(&table);
    simap_destroy(&ports);
    ofg_config_destroy(cfg);
    ofg_test_finish("placement and collisions");
}

static void
test_diff(void)
{
    struct ofg_config *a = parse("10.10.20.20");
    struct ofg_config *b = parse("10.10.20.21");
    struct simap ports;
    make_ports(&ports);
    const struct ofg_switch *sw = ofg_config_find_switch(a, "host1");

    struct ofg_flow_table desired, installed;
    ofg_flow_table_init(&desired);
    ofg_flow_table_init(&installed);
    ofg_flows_compile(a, sw, &ports, &desired);

    /* Cold start: everything is an add. */
    struct ofg_flow_changes ch;
    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff(&desired, &installed, &ch);
    CHECK(ch.n_deletes == 0);
    CHECK(ch.n_adds == ofg_flow_table_count(&desired));
    ofg_flow_table_apply(&installed, &ch);
    ofg_flow_changes_destroy(&ch);
    CHECK(ofg_flow_table_count(&installed) == ofg_flow_table_count(&desired));

    /* In sync: nothing to do. */
    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff(&desired, &installed, &ch);
    CHECK(ch.n_deletes == 0 && ch.n_adds == 0);
    ofg_flow_changes_destroy(&ch);

    /* vm2 changes its address: only vm2's group is recomputed and only
     * the flows that mention its address change. */
    const struct ofg_container *vm2b = ofg_config_find_container(b, "vm2");
    uint64_t cookie = ofg_flows_container_cookie(vm2b);
    ofg_flow_table_remove_group(&desired, cookie);
    CHECK(ofg_flows_add_container(vm2b, u16_to_ofp(3), true, &desired));
    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff_groups(&desired, &installed, &cookie, 1, &ch);
    /* ARP and IP source flows: 2 deletes, 2 adds. */
    CHECK(ch.n_deletes == 2);
    CHECK(ch.n_adds == 2);
    for (size_t i = 0; i < ch.n_adds; i++) {
        CHECK(ch.adds[i]->cookie == cookie);
    }
    /* The full diff agrees with the per-group one. */
    struct ofg_flow_changes full;
    ofg_flow_changes_init(&full);
    ofg_flow_table_diff(&desired, &installed, &full);
    CHECK(full.n_deletes == ch.n_deletes && full.n_adds == ch.n_adds);
    ofg_flow_changes_destroy(&full);
    ofg_flow_table_apply(&installed, &ch);
    ofg_flow_changes_destroy(&ch);

    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff(&desired, &installed, &ch);
    CHECK(ch.n_deletes == 0 && ch.n_adds == 0);
    ofg_flow_changes_destroy(&ch);

    /* A container removed: its flows are deleted, nothing added. */
    const struct ofg_container *vm1 = ofg_config_find_container(b, "vm1");
    uint64_t vm1_cookie = ofg_flows_container_cookie(vm1);
    const struct ofg_flow_group *g = ofg_flow_table_find_group(&installed,
                                                               vm1_cookie);
    size_t n_vm1 = g ? ovs_list_size(&g->flows) : 0;
    CHECK(n_vm1 == 9 + 6);
    ofg_flow_table_remove_group(&desired, vm1_cookie);
    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff_groups(&desired, &installed, &vm1_cookie, 1, &ch);
    CHECK(ch.n_deletes == n_vm1 && ch.n_adds == 0);
    ofg_flow_table_apply(&installed, &ch);
    ofg_flow_changes_destroy(&ch);
    CHECK(!ofg_flow_table_find_group(&installed, vm1_cookie));

    ofg_flow_table_destroy(&desired);
    ofg_flow_table_destroy(&installed);
    simap_destroy(&ports);
    ofg_config_destroy(a);
    ofg_config_destroy(b);
    ofg_test_finish("diff: cold start, in sync, one container changed, removed");
}

/* Returns how many flows of its own the only container of a config gets,
 * with 'ipv4' and 'ipv6' (JSON arrays' contents) as addresses. */
static size_t
count_container_flows(const char *ipv4, const char *ipv6,
                      size_t *n_accounting)
{
    *n_accounting = 0;
    char *text = xasprintf(
        "{\"networks\": {\"n\": {\"subnet\": \"10.0.0.0/24\", "
        "\"gateway\": \"10.0.0.1\", \"subnet6\": \"fd00::/64\", "
        "\"gateway6\": \"fd00::1\"}},\n"
        " \"containers\": {\"c\": {\"port\": \"p1\", \"network\": \"n\", "
        "\"mac\": \"00:16:3e:00:00:01\", \"allow_dhcp\": true, "
        "\"allow_multicast\": true, \"ipv4\": [%s], \"ipv6\": [%s]}}}\n",
        ipv4, ipv6);
    struct ofg_config *cfg;
    char *error = ofg_config_parse("count.json", text, &cfg);
    free(text);
    if (error) {
        fprintf(stderr, "%s", error);
        free(error);
        return SIZE_MAX;
    }
    struct ofg_flow_table table;
    ofg_flow_table_init(&table);
    ofg_flows_add_container(&cfg->containers[0], u16_to_ofp(1), true,
                            &table);
    /* The pipeline's flows; the accounting ones are counted apart. */
    size_t n = 0;
    const struct ofg_flow *flow;
    HMAP_FOR_EACH (flow, node, &table.flows) {
        if (flow->table_id == OFG_TABLE_ACCOUNT) {
            (*n_accounting)++;
        } else {
            n++;
        }
    }
    ofg_flow_table_destroy(&table);
    ofg_config_destroy(cfg);
    return n;
}

static void
test_flow_counts(void)
{
    /* The bounds the pipeline was designed for: at most 5 flows of its own
     * for an IPv4-only container, 12 for a dual-stack one, 2 more for each
     * further address or prefix, whatever the options. */
    size_t a4, a4x, ads, adsx;
    size_t v4 = count_container_flows("\"10.0.0.10\"", "", &a4);
    size_t v4x = count_container_flows("\"10.0.0.10\", \"10.0.0.11\", "
                                       "\"192.0.2.0/28\"", "", &a4x);
    size_t ds = count_container_flows("\"10.0.0.10\"", "\"fd00::10\"",
                                      &ads);
    size_t dsx = count_container_flows("\"10.0.0.10\", \"10.0.0.11\"",
                                       "\"fd00::10\", \"2001:db8:1::/64\"",
                                       &adsx);
    printf("# flows per container: IPv4 %"PRIuSIZE", IPv4 + 2 more %"PRIuSIZE
           ", dual-stack %"PRIuSIZE", dual-stack + 2 more %"PRIuSIZE
           "; accounting flows: IPv4 %"PRIuSIZE", dual-stack %"PRIuSIZE"\n",
           v4, v4x, ds, dsx, a4, ads);
    CHECK(v4 <= 5);
    CHECK(v4x <= v4 + 2 * 2);
    CHECK(ds <= 12);
    CHECK(dsx <= ds + 2 * 2);
    /* One accounting flow per class the container can commit, whatever
     * its addresses. */
    CHECK(a4 == 6 && a4x == 6 && ads == 8 && adsx == 8);
    ofg_test_finish("flows per container within the bounds");
}

static void
test_cookie_move(void)
{
    /* A key that moves from one cookie to another is one add, which
     * replaces the flow on the switch, and no delete. */
    struct ofg_flow_table desired, installed;
    ofg_flow_table_init(&desired);
    ofg_flow_table_init(&installed);
    struct match m;
    match_init_catchall(&m);
    match_set_in_port(&m, u16_to_ofp(7));
    uint64_t a = OFG_COOKIE_TAG | 1, b = OFG_COOKIE_TAG | 2;
    ofg_flow_table_insert(&installed, ofg_flow_create(0, 5, &m, a, NULL, 0));
    ofg_flow_table_insert(&desired, ofg_flow_create(0, 5, &m, b, NULL, 0));

    uint64_t cookies[] = { a, b };
    struct ofg_flow_changes ch;
    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff_groups(&desired, &installed, cookies, 2, &ch);
    CHECK(ch.n_deletes == 0 && ch.n_adds == 1);
    ofg_flow_table_apply(&installed, &ch);
    ofg_flow_changes_destroy(&ch);
    CHECK(!ofg_flow_table_find_group(&installed, a));
    CHECK(ofg_flow_table_find_group(&installed, b));

    ofg_flow_table_destroy(&desired);
    ofg_flow_table_destroy(&installed);
    ofg_test_finish("diff: key moving to another cookie");
}

static void
test_round(void)
{
    /* Three flows of two cookies: one delete, two adds. */
    struct ofg_flow_table installed;
    ofg_flow_table_init(&installed);
    struct match m;
    match_init_catchall(&m);
    match_set_in_port(&m, u16_to_ofp(1));
    struct ofg_flow *old = ofg_flow_create(0, 5, &m, OFG_COOKIE_TAG | 9,
                                           NULL, 0);
    ofg_flow_table_insert(&installed, old);
    match_set_in_port(&m, u16_to_ofp(2));
    struct ofg_flow *b = ofg_flow_create(10, 5, &m, OFG_COOKIE_TAG | 2,
                                         NULL, 0);
    match_set_in_port(&m, u16_to_ofp(3));
    struct ofg_flow *a = ofg_flow_create(0, 5, &m, OFG_COOKIE_TAG | 1,
                                         NULL, 0);
    const struct ofg_flow *deletes[] = { old };
    const struct ofg_flow *adds[] = { b, a };
    struct ofg_flow_changes ch = {
        .deletes = deletes, .n_deletes = 1, .adds = adds, .n_adds = 2,
    };

    /* The xids wrap past 2^32 inside the round: every flow is still
     * found, and nothing else is. */
    struct ofg_round round;
    ofg_round_init(&round, &ch, UINT32_MAX - 1);
    CHECK(round.n_flows == 3 && round.n_deletes == 1);
    CHECK(ofg_round_find_xid(&round, UINT32_MAX - 1) == 0);
    CHECK(ofg_round_find_xid(&round, UINT32_MAX) == 1);
    CHECK(ofg_round_find_xid(&round, 0) == 2);
    CHECK(ofg_round_find_xid(&round, 1) == SIZE_MAX);
    CHECK(ofg_round_find_xid(&round, UINT32_MAX - 2) == SIZE_MAX);

    /* Deletes first; adds grouped by cookie. */
    CHECK(round.flows[0]->cookie == (OFG_COOKIE_TAG | 9));
    CHECK(round.flows[1]->cookie == (OFG_COOKIE_TAG | 1));
    CHECK(round.flows[2]->cookie == (OFG_COOKIE_TAG | 2));

    /* Applied: the delete is gone, the adds are in: the round's own copies,
     * handed over. */
    const struct ofg_flow *round_a = round.flows[1];
    ofg_round_apply(&round, &installed);
    CHECK(ofg_flow_table_count(&installed) == 2);
    CHECK(!ofg_flow_table_find_group(&installed, OFG_COOKIE_TAG | 9));
    CHECK(ofg_flow_table_find(&installed, a) == round_a);
    CHECK(round.flows[1] == NULL && round.flows[2] == NULL);
    ofg_round_destroy(&round);

    ofg_flow_destroy(a);
    ofg_flow_destroy(b);
    ofg_flow_table_destroy(&installed);
    ofg_test_finish("round: order, xids across 2^32, apply");
}

/* Takes the changes 'd' has for 'installed', applies them and returns how
 * many deletes and adds there were, as "D/A". */
static char *
take_and_apply(struct ofg_desired *d, struct ofg_flow_table *installed)
{
    struct ofg_flow_changes ch;
    ofg_flow_changes_init(&ch);
    ofg_desired_take_changes(d, installed, &ch);
    char *s = xasprintf("%"PRIuSIZE"/%"PRIuSIZE, ch.n_deletes, ch.n_adds);
    ofg_flow_table_apply(installed, &ch);
    ofg_flow_changes_destroy(&ch);
    return s;
}

static void
test_desired(void)
{
    struct ofg_config *a = parse("10.10.20.20");
    struct ofg_config *b = parse("10.10.20.21");
    const struct ofg_switch *sw = ofg_config_find_switch(a, "host1");
    struct simap ports;
    make_ports(&ports);
    struct svec refused = SVEC_EMPTY_INITIALIZER;
    struct ofg_flow_table installed;
    ofg_flow_table_init(&installed);
    struct ofg_desired d;
    ofg_desired_init(&d);

    /* Everything: the same flows as ofg_flows_compile(). */
    ofg_desired_compile(&d, a, sw, &ports, &refused);
    struct ofg_flow_table all;
    ofg_flow_table_init(&all);
    ofg_flows_compile(a, sw, &ports, &all);
    CHECK(ofg_flow_table_count(&d.flows) == ofg_flow_table_count(&all));
    CHECK(ofg_desired_n_containers(&d) == 3 && refused.n == 0);
    CHECK(ofg_desired_is_dirty(&d));
    char *r = take_and_apply(&d, &installed);
    char *want = xasprintf("0/%"PRIuSIZE, ofg_flow_table_count(&all));
    CHECK(!strcmp(r, want));
    free(want);
    free(r);
    CHECK(!ofg_desired_is_dirty(&d));

    /* vm2 changes its address: 2 deletes, 2 adds, nothing else. */
    ofg_desired_update(&d, a, b, ofg_config_find_switch(b, "host1"), &ports,
                       &refused);
    r = take_and_apply(&d, &installed);
    CHECK(!strcmp(r, "2/2"));
    free(r);

    /* p3 (db1, the db network's only container) goes: its flows and the db
     * network's go with it. */
    simap_find_and_delete(&ports, "p3");
    ofg_desired_update(&d, b, b, ofg_config_find_switch(b, "host1"), &ports,
                       &refused);
    const struct ofg_container *db1 = ofg_config_find_container(b, "db1");
    CHECK(!ofg_desired_find(&d, "db1"));
    CHECK(!ofg_flow_table_find_group(&d.flows,
                                     ofg_flows_container_cookie(db1)));
    CHECK(!ofg_flow_table_find_group(&d.flows,
                                     ofg_flows_network_cookie(db1->network)));
    /* 5 flows of db1's own (one IPv4 address) and 6 accounting flows, 3
     * of its network's. */
    r = take_and_apply(&d, &installed);
    CHECK(!strcmp(r, "14/0"));
    free(r);

    /* vm2 moves onto p1, vm1's port: refused whole, vm1 keeps it. */
    simap_put(&ports, "p2", 2);
    simap_find_and_delete(&ports, "p1");
    ofg_desired_update(&d, b, b, ofg_config_find_switch(b, "host1"), &ports,
                       &refused);
    CHECK(!ofg_desired_find(&d, "vm1"));
    CHECK(ofg_desired_find(&d, "vm2")
          && ofg_desired_find(&d, "vm2")->port == u16_to_ofp(2));
    simap_put(&ports, "p1", 2);
    ofg_desired_compile(&d, b, ofg_config_find_switch(b, "host1"), &ports,
                        &refused);
    CHECK(refused.n == 1);

    svec_destroy(&refused);
    ofg_desired_destroy(&d);
    ofg_flow_table_destroy(&all);
    ofg_flow_table_destroy(&installed);
    simap_destroy(&ports);
    ofg_config_destroy(a);
    ofg_config_destroy(b);
    ofg_test_finish("desired flows: compile, one container changed, a "
                    "port gone, two containers on one port");
}

/* A copy of 'flow' with other actions ("NORMAL") or another cookie. */
static struct ofg_flow *
tampered(const struct ofg_flow *flow, uint64_t cookie, bool normal)
{
    struct match match;
    minimatch_expand(&flow->match, &match);
    uint64_t stub[64 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    if (normal) {
        ofpact_put_OUTPUT(&ofpacts)->port = OFPP_NORMAL;
    } else {
        ofpbuf_put(&ofpacts, flow->ofpacts, flow->ofpacts_len);
    }
    struct ofg_flow *f = ofg_flow_create(flow->table_id, flow->priority,
                                         &match, cookie, ofpacts.data,
                                         ofpacts.size);
    ofpbuf_uninit(&ofpacts);
    return f;
}

static void
count_difference(const struct ofg_flow *old OVS_UNUSED,
                 const struct ofg_flow *new OVS_UNUSED, void *n_)
{
    (*(size_t *) n_)++;
}

/* Switch "host1" with the containers of parse("10.10.20.20"), their flows
 * compiled and installed: what the tamper and quarantine cases start
 * from. */
struct installed_switch {
    struct ofg_config *cfg;
    const struct ofg_switch *sw;
    struct simap ports;
    struct svec refused;
    struct ofg_flow_table installed;
    struct ofg_desired d;
};

static void
installed_switch_init(struct installed_switch *is,
                      const struct shash *quarantined)
{
    is->cfg = parse("10.10.20.20");
    is->sw = ofg_config_find_switch(is->cfg, "host1");
    make_ports(&is->ports);
    svec_init(&is->refused);
    ofg_flow_table_init(&is->installed);
    ofg_desired_init(&is->d);
    is->d.quarantined = quarantined;
    ofg_desired_compile(&is->d, is->cfg, is->sw, &is->ports, &is->refused);
    free(take_and_apply(&is->d, &is->installed));
}

static void
installed_switch_destroy(struct installed_switch *is)
{
    ofg_desired_destroy(&is->d);
    ofg_flow_table_destroy(&is->installed);
    svec_destroy(&is->refused);
    simap_destroy(&is->ports);
    ofg_config_destroy(is->cfg);
}

static void
test_tamper(void)
{
    struct installed_switch is;
    installed_switch_init(&is, NULL);
    size_t n_all = ofg_flow_table_count(&is.installed);

    /* Which flows ofguard answers for. */
    uint64_t allowed[] = { 0x5555 };
    CHECK(ofg_tamper_is_watched(0, 0, allowed, 1));
    CHECK(ofg_tamper_is_watched(60, 0x1234, allowed, 1));
    CHECK(!ofg_tamper_is_watched(60, 0x5555, allowed, 1));
    CHECK(!ofg_tamper_is_watched(5, 0x1234, allowed, 1));
    CHECK(ofg_tamper_is_watched(5, OFG_COOKIE_TAG | 7, allowed, 1));

    const struct ofg_container *vm1 = ofg_config_find_container(is.cfg, "vm1");
    uint64_t vm1_cookie = ofg_flows_container_cookie(vm1);
    const struct ofg_flow_group *g = ofg_flow_table_find_group(&is.d.flows,
                                                               vm1_cookie);
    const struct ofg_flow *victim = CONTAINER_OF(ovs_list_front(&g->flows),
                                                 struct ofg_flow, group_node);

    /* Modified into NORMAL: one add puts it back. */
    ofg_tamper_apply(&is.installed, &is.d, OFG_TAMPER_MODIFIED,
                     tampered(victim, victim->cookie, true));
    char *r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "0/1"));
    free(r);

    /* Replaced under a foreign cookie: one add replaces it, no delete. */
    ofg_tamper_apply(&is.installed, &is.d, OFG_TAMPER_MODIFIED,
                     tampered(victim, 0x42, true));
    r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "0/1"));
    free(r);

    /* Removed: put back. */
    ofg_tamper_apply(&is.installed, &is.d, OFG_TAMPER_REMOVED,
                     tampered(victim, victim->cookie, false));
    CHECK(ofg_flow_table_count(&is.installed) == n_all - 1);
    r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "0/1"));
    free(r);

    /* A foreign flow at a key ofguard does not use: deleted. */
    struct match m;
    match_init_catchall(&m);
    struct ofg_flow *key = ofg_flow_create(0, 6, &m, 0, NULL, 0);
    ofg_tamper_apply(&is.installed, &is.d, OFG_TAMPER_ADDED,
                     tampered(key, 0, true));
    r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "1/0"));
    free(r);
    CHECK(ofg_flow_table_count(&is.installed) == n_all);

    /* An audit that finds the switch as ofguard left it: nothing.  One
     * that finds a foreign flow and a missing one: both repaired. */
    struct ofg_flow_table actual;
    ofg_flow_table_init(&actual);
    struct ofg_flow *f;
    HMAP_FOR_EACH (f, node, &is.installed.flows) {
        ofg_flow_table_insert(&actual, ofg_flow_clone(f));
    }
    size_t n = 0;
    CHECK(ofg_tamper_audit(&is.installed, &actual, &is.d, count_difference, &n)
          == 0 && n == 0);
    CHECK(!ofg_desired_is_dirty(&is.d));
    CHECK(ofg_flow_table_count(&is.installed) == n_all);
    CHECK(ofg_flow_table_count(&actual) == 0);
    const struct ofg_flow *gone = ofg_flow_table_find(&is.installed, victim);
    HMAP_FOR_EACH (f, node, &is.installed.flows) {
        if (f != gone) {
            ofg_flow_table_insert(&actual, ofg_flow_clone(f));
        }
    }
    ofg_flow_table_insert(&actual, tampered(key, 0x99, true));
    CHECK(ofg_tamper_audit(&is.installed, &actual, &is.d, count_difference, &n)
          == 2 && n == 2);
    r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "1/1"));
    free(r);

    ofg_flow_destroy(key);
    ofg_flow_table_destroy(&actual);
    installed_switch_destroy(&is);
    ofg_test_finish("tampering: modified, re-cookied, removed, foreign "
                    "flows repaired; audits find exactly the differences");
}

/* A quarantined container gets one flow more, which drops its port above
 * its MAC binding; a release takes it back; nothing else changes. */
static void
test_quarantine(void)
{
    struct shash quarantined = SHASH_INITIALIZER(&quarantined);
    struct installed_switch is;
    installed_switch_init(&is, &quarantined);

    shash_add(&quarantined, "vm1", NULL);
    ofg_desired_update(&is.d, is.cfg, is.cfg, is.sw, &is.ports, &is.refused);
    char *r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "0/1"));
    free(r);
    bool found = false;
    const struct ofg_flow *flow;
    HMAP_FOR_EACH (flow, node, &is.installed.flows) {
        found |= (flow->table_id == 0 && flow->priority == 30
                  && flow->cookie == ofg_flows_container_cookie(
                      ofg_config_find_container(is.cfg, "vm1")));
    }
    CHECK(found);

    shash_clear(&quarantined);
    ofg_desired_update(&is.d, is.cfg, is.cfg, is.sw, &is.ports, &is.refused);
    r = take_and_apply(&is.d, &is.installed);
    CHECK(!strcmp(r, "1/0"));
    free(r);

    installed_switch_destroy(&is);
    shash_destroy(&quarantined);
    ofg_test_finish("quarantine: one flow more, at priority 30, and back");
}

/* Containers selected by identity: bound to the one interface with their
 * external_ids, not to two, not to one attached with another MAC, not on a
 * switch they are not pinned to. */
static void
test_bind(void)
{
    static const char text[] =
        "{\"networks\": {\"web\": {\"subnet\": \"10.1.0.0/24\", "
        "\"gateway\": \"10.1.0.1\"}},\n"
        " \"switches\": {\"h1\": {\"datapath_id\": \"1\"}, "
        "\"h2\": {\"datapath_id\": \"2\"}},\n"
        " \"containers\": {\n"
        "  \"a\": {\"iface_id\": \"a\", \"network\": \"web\", "
        "\"mac\": \"00:16:3e:00:00:01\", \"ipv4\": [\"10.1.0.2\"]},\n"
        "  \"b\": {\"external_ids\": {\"container_id\": \"x\", "
        "\"container_iface\": \"eth1\"}, \"network\": \"web\", "
        "\"mac\": \"00:16:3e:00:00:02\", \"ipv4\": [\"10.1.0.3\"]},\n"
        "  \"c\": {\"iface_id\": \"c\", \"network\": \"web\", "
        "\"mac\": \"00:16:3e:00:00:03\", \"ipv4\": [\"10.1.0.4\"]},\n"
        "  \"d\": {\"iface_id\": \"d\", \"network\": \"web\", "
        "\"mac\": \"00:16:3e:00:00:04\", \"ipv4\": [\"10.1.0.5\"]},\n"
        "  \"e\": {\"iface_id\": \"e\", \"switch\": \"h2\", "
        "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:05\", "
        "\"ipv4\": [\"10.1.0.6\"]},\n"
        "  \"f\": {\"port\": \"p1\", \"network\": \"web\", "
        "\"mac\": \"00:16:3e:00:00:06\", \"ipv4\": [\"10.1.0.7\"]}}}\n";
    struct ofg_config *cfg;
    char *error = ofg_config_parse("bind.json", text, &cfg);
    CHECK(!error);
    if (error) {
        fputs(error, stderr);
        free(error);
        ofg_test_finish("bindings");
        return;
    }

    struct smap ids[7];
    static const char *const names[7] = {
        "vethA", "vethB", "vethC", "tap1", "tap2", "vethE", "veth0",
    };
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        smap_init(&ids[i]);
    }
    smap_add(&ids[0], "iface-id", "a");
    smap_add(&ids[0], "attached-mac", "00:16:3E:00:00:01");
    smap_add(&ids[1], "container_id", "x");
    smap_add(&ids[1], "container_iface", "eth1");
    smap_add(&ids[2], "iface-id", "c");
    smap_add(&ids[2], "attached-mac", "52:54:00:00:00:03");
    smap_add(&ids[3], "iface-id", "d");
    smap_add(&ids[4], "iface-id", "d");
    smap_add(&ids[5], "iface-id", "e");
    smap_add(&ids[6], "container_id", "x");
    smap_add(&ids[6], "container_iface", "eth0");
    struct ofg_iface ifaces[7];
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        ifaces[i] = (struct ofg_iface) { names[i], &ids[i] };
    }

    struct shash bindings = SHASH_INITIALIZER(&bindings);
    struct svec problems = SVEC_EMPTY_INITIALIZER;
    ofg_bind(cfg, ofg_config_find_switch(cfg, "h1"), ifaces, 7, &bindings,
             &problems);
    CHECK(shash_count(&bindings) == 2);
    CHECK(!strcmp(shash_find_data(&bindings, "a") ?: "", "vethA"));
    CHECK(!strcmp(shash_find_data(&bindings, "b") ?: "", "vethB"));
    CHECK(problems.n == 2);
    svec_sort(&problems);
    CHECK(problems.n == 2 && strstr(problems.names[0], "container c: "
                                    "interface vethC has attached-mac"));
    CHECK(problems.n == 2 && strstr(problems.names[1], "container d: "
                                    "interfaces tap1 and tap2 both match"));

    /* "e" is pinned to h2, where it is bound. */
    shash_clear_free_data(&bindings);
    svec_clear(&problems);
    ofg_bind(cfg, ofg_config_find_switch(cfg, "h2"), ifaces, 7, &bindings,
             &problems);
    CHECK(!strcmp(shash_find_data(&bindings, "e") ?: "", "vethE"));

    /* The bound port is where the flows go. */
    struct simap ports = SIMAP_INITIALIZER(&ports);
    simap_put(&ports, "vethE", 7);
    CHECK(ofg_flows_container_port(ofg_config_find_container(cfg, "e"),
                                   ofg_config_find_switch(cfg, "h2"), &ports,
                                   &bindings) == u16_to_ofp(7));
    CHECK(ofg_flows_container_port(ofg_config_find_container(cfg, "e"),
                                   ofg_config_find_switch(cfg, "h2"), &ports,
                                   NULL) == OFPP_NONE);
    simap_destroy(&ports);

    shash_destroy_free_data(&bindings);
    svec_destroy(&problems);
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        smap_destroy(&ids[i]);
    }
    ofg_config_destroy(cfg);
    ofg_test_finish("bindings: one interface, not two, not another MAC's, "
                    "only on the pinned switch");
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    set_program_name(argv[0]);
    test_compile();
    test_placement();
    test_diff();
    test_flow_counts();
    test_cookie_move();
    test_round();
    test_desired();
    test_bind();
    test_quarantine();
    test_tamper();
    return ofg_test_summary();
}
