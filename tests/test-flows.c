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
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "util.h"

static int n_passed, n_failed;
static char failure[1024];

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND) && !failure[0]) {                                   \
            snprintf(failure, sizeof failure, "line %d: %s", __LINE__,  \
                     #COND);                                            \
        }                                                               \
    } while (0)

static void
finish(const char *name)
{
    if (failure[0]) {
        n_failed++;
        printf("not ok %d - %s: %s\n", n_passed + n_failed, name, failure);
    } else {
        n_passed++;
        printf("ok %d - %s\n", n_passed + n_failed, name);
    }
    failure[0] = '\0';
}

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
make_ports(struct ofputil_port_map *ports)
{
    ofputil_port_map_init(ports);
    ofputil_port_map_put(ports, u16_to_ofp(1), "eth0");
    ofputil_port_map_put(ports, u16_to_ofp(2), "p1");
    ofputil_port_map_put(ports, u16_to_ofp(3), "p2");
    ofputil_port_map_put(ports, u16_to_ofp(4), "p3");
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
    struct ofputil_port_map ports;
    make_ports(&ports);
    struct ofg_flow_table table;
    ofg_flow_table_init(&table);
    ofg_flows_compile(cfg, ofg_config_find_switch(cfg, "host1"), &ports,
                      &table);
    char *flows = format_table(&table);

    /* vm1: 3 ARP, 1 DHCP guard, 3 IPv6 guards, 3 IP source, 1 delivery,
     * 2 port drops, 1 gateway, 3 destination guards, 1 routed. */
    const struct ofg_flow_group *g = ofg_flow_table_find_group(
        &table, OFG_COOKIE_TAG | 0x5a01);
    CHECK(g && ovs_list_size(&g->flows) == 18);

    /* ARP binding checks arp_sha as well as dl_src. */
    CHECK(has_flow(flows, "cookie=0xfa7000000005a01,table=0,priority=50,arp,"
                   "in_port=2,vlan_tci=0x0000/0x1fff,dl_src=00:16:3e:28:73:b3,"
                   "arp_spa=10.10.20.10,arp_sha=00:16:3e:28:73:b3"));
    CHECK(has_flow(flows, "priority=25,ip,in_port=2,vlan_tci=0x0000/0x1fff,"
                   "dl_src=00:16:3e:28:73:b3,nw_src=10.10.20.10 "
                   "actions=goto_table:2")
          || has_flow(flows, "priority=25,ip,in_port=2,vlan_tci=0x0000/0x1fff,"
                      "dl_src=00:16:3e:28:73:b3,nw_src=10.10.20.10,"
                      "actions=goto_table:2"));
    CHECK(has_flow(flows, "nw_src=192.0.2.0/28"));
    /* Gateway with gateway_mac for db1. */
    CHECK(has_flow(flows, "table=2,priority=150,ip,in_port=4,"
                   "dl_dst=02:00:0a:0a:1e:01,nw_dst=10.10.30.1,"
                   "actions=goto_table:3"));
    CHECK(has_flow(flows, "table=2,priority=100,ip,in_port=2,"
                   "nw_dst=10.10.20.0/24,actions=drop"));
    CHECK(has_flow(flows, "table=0,priority=100,udp,in_port=2,"
                   "vlan_tci=0x0000/0x1fff,dl_src=00:16:3e:28:73:b3,tp_src=67,"
                   "actions=drop"));
    CHECK(has_flow(flows, "table=3,priority=20,dl_dst=00:16:3e:28:73:b3,"
                   "actions=output:2"));
    CHECK(has_flow(flows, "table=0,priority=1,in_port=1,"
                   "actions=goto_table:3"));
    CHECK(has_flow(flows, "table=0,priority=1,in_port=LOCAL,"
                   "actions=goto_table:3"));
    /* No flow sends anything anywhere from table 0 without a goto. */
    CHECK(!has_flow(flows, "table=0,priority=5,in_port=2,actions=NORMAL"));

    free(flows);
    ofg_flow_table_destroy(&table);
    ofputil_port_map_destroy(&ports);
    ofg_config_destroy(cfg);
    finish("compile: flow layout");
}

static void
test_placement(void)
{
    struct ofg_config *cfg = parse("10.10.20.20");
    struct ofputil_port_map ports;
    make_ports(&ports);

    const struct ofg_container *db1 = ofg_config_find_container(cfg, "db1");
    const struct ofg_container *vm1 = ofg_config_find_container(cfg, "vm1");
    /* db1 is pinned to host1: not on a switch missing from the config. */
    CHECK(ofg_flows_container_port(db1, NULL, &ports) == OFPP_NONE);
    CHECK(ofg_flows_container_port(db1, ofg_config_find_switch(cfg, "host1"),
                                   &ports) == u16_to_ofp(4));
    /* vm1 is not pinned: any switch with its port. */
    CHECK(ofg_flows_container_port(vm1, NULL, &ports) == u16_to_ofp(2));

    struct ofputil_port_map empty;
    ofputil_port_map_init(&empty);
    CHECK(ofg_flows_container_port(vm1, NULL, &empty) == OFPP_NONE);
    ofputil_port_map_destroy(&empty);

    /* Two containers on one port: the second is refused whole. */
    struct ofg_flow_table table;
    ofg_flow_table_init(&table);
    const struct ofg_container *vm2 = ofg_config_find_container(cfg, "vm2");
    CHECK(ofg_flows_add_container(vm1, u16_to_ofp(2), &table));
    size_t n = ofg_flow_table_count(&table);
    CHECK(!ofg_flows_add_container(vm2, u16_to_ofp(2), &table));
    CHECK(ofg_flow_table_count(&table) == n);
    CHECK(!ofg_flow_table_find_group(&table,
                                     ofg_flows_container_cookie(vm2)));

    ofg_flow_table_destroy(&table);
    ofputil_port_map_destroy(&ports);
    ofg_config_destroy(cfg);
    finish("placement and collisions");
}

static void
test_diff(void)
{
    struct ofg_config *a = parse("10.10.20.20");
    struct ofg_config *b = parse("10.10.20.21");
    struct ofputil_port_map ports;
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
    CHECK(ofg_flows_add_container(vm2b, u16_to_ofp(3), &desired));
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
    CHECK(n_vm1 == 18);
    ofg_flow_table_remove_group(&desired, vm1_cookie);
    ofg_flow_changes_init(&ch);
    ofg_flow_table_diff_groups(&desired, &installed, &vm1_cookie, 1, &ch);
    CHECK(ch.n_deletes == n_vm1 && ch.n_adds == 0);
    ofg_flow_table_apply(&installed, &ch);
    ofg_flow_changes_destroy(&ch);
    CHECK(!ofg_flow_table_find_group(&installed, vm1_cookie));

    ofg_flow_table_destroy(&desired);
    ofg_flow_table_destroy(&installed);
    ofputil_port_map_destroy(&ports);
    ofg_config_destroy(a);
    ofg_config_destroy(b);
    finish("diff: cold start, in sync, one container changed, removed");
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
    finish("diff: key moving to another cookie");
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    set_program_name(argv[0]);
    test_compile();
    test_placement();
    test_diff();
    test_cookie_move();
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
