/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Unit tests for config/ofg-config.c.  Prints one TAP-like line per case and
 * a summary, and exits with status 1 if any case failed. */

#include <config.h>

#include "config/ofg-config.h"
#include "config/ofg-config-scan.h"
#include "openvswitch/dynamic-string.h"
#include "tests/ofg-test.h"
#include "util.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* Common beginning of the configs below.  It ends with line 6, so the first
 * container of a case is on line 7. */
#define HEAD                                                            \
    "{\n"                                                               \
    "  \"networks\": {\n"                                               \
    "    \"web\": { \"subnet\": \"10.10.20.0/24\", \"gateway\": "        \
    "\"10.10.20.1\", \"subnet6\": \"fd00:20::/64\", \"gateway6\": "     \
    "\"fd00:20::1\" }, \"db\": { \"subnet\": \"10.10.30.0/24\", "       \
    "\"gateway\": \"10.10.30.1\" }, \"six\": { \"subnet6\": "           \
    "\"fd00:60::/64\", \"gateway6\": \"fd00:60::1\" }\n"                \
    "  },\n"                                                            \
    "  \"switches\": { \"host1\": { \"datapath_id\": "                  \
    "\"00001e057c0a9a41\" }, \"host2\": { \"datapath_id\": \"0x2\" } "  \
    "},\n"                                                              \
    "  \"containers\": {\n"
#define TAIL "  }\n}\n"

/* A valid container line, for cases that need a second container. */
#define VM1                                                             \
    "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", \"mac\": "  \
    "\"00:16:3e:00:00:01\", \"ipv4\": [\"10.10.20.10\"] }"

/* Parses 'text', which must be invalid, and checks that one line of the
 * error output is "t.json:LINE:COLUMN: ..." and contains 'expect'.  A
 * 'column' of 0 is not checked. */
static void
expect_error_col(const char *name, const char *text, int line, int column,
                 const char *expect)
{
    struct ofg_config *config;
    char *error = ofg_config_parse("t.json", text, &config);

    if (!error) {
        ofg_test_fail("parsed successfully, expected error \"%s\"", expect);
        ofg_config_destroy(config);
        ofg_test_finish(name);
        return;
    }
    if (config) {
        ofg_test_fail("error returned but config not NULL");
    }

    bool found = false;
    char *save = NULL;
    char *copy = strdup(error);
    for (char *l = strtok_r(copy, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        int eline, ecolumn, n = 0;
        if (sscanf(l, "t.json:%d:%d: %n", &eline, &ecolumn, &n) != 2
            || !n) {
            ofg_test_fail("malformed error line \"%s\"", l);
            break;
        }
        if (strstr(l, expect) && eline == line
            && (!column || ecolumn == column)) {
            found = true;
        }
    }
    free(copy);
    if (!found) {
        ofg_test_fail("expected \"%s\" at line %d, got:\n%s", expect, line, error);
    }
    if (error[strlen(error) - 1] != '\n') {
        ofg_test_fail("error output does not end in a new-line");
    }
    free(error);
    ofg_test_finish(name);
}

static void
expect_error(const char *name, const char *text, int line,
             const char *expect)
{
    expect_error_col(name, text, line, 0, expect);
}

/* Parses 'text', which must be valid, and returns the configuration. */
static struct ofg_config *
expect_ok(const char *text)
{
    struct ofg_config *config;
    char *error = ofg_config_parse("t.json", text, &config);
    if (error) {
        ofg_test_fail("unexpected error: %s", error);
        free(error);
        return NULL;
    }
    if (!config) {
        ofg_test_fail("no error and no config");
    }
    return config;
}

static void
expect_valid(const char *name, const char *text)
{
    ofg_config_destroy(expect_ok(text));
    ofg_test_finish(name);
}

static ovs_be32
ip(const char *s)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        abort();
    }
    return a.s_addr;
}

static bool
ip6_eq(const struct in6_addr *a, const char *s)
{
    struct in6_addr b;
    if (inet_pton(AF_INET6, s, &b) != 1) {
        abort();
    }
    return !memcmp(a, &b, sizeof b);
}

static const char full_config[] =
    "{\n"
    "  \"networks\": {\n"
    "    \"web\": { \"subnet\": \"10.10.20.0/24\",\n"
    "             \"gateway\": \"10.10.20.1\",\n"
    "             \"gateway_mac\": \"02:00:0a:0a:14:01\",\n"
    "             \"subnet6\": \"fd00:20::/64\",\n"
    "             \"gateway6\": \"fd00:20::1\" },\n"
    "    \"app\": { \"subnet6\": \"fd00:30::/64\",\n"
    "             \"gateway6\": \"fd00:30::1\" }\n"
    "  },\n"
    "  \"switches\": {\n"
    "    \"host2\": { \"datapath_id\": \"0x1f\" },\n"
    "    \"host1\": { \"datapath_id\": \"00001e057c0a9a41\",\n"
    "               \"trusted_ports\": [\"eth0\", \"LOCAL\"] }\n"
    "  },\n"
    "  \"containers\": {\n"
    "    \"vm2\": { \"port\": \"veth2\", \"network\": \"app\",\n"
    "             \"mac\": \"00:16:3E:28:73:B4\",\n"
    "             \"ipv6\": [\"fd00:30::5\"],\n"
    "             \"cookie\": 23042 },\n"
    "    \"vm1\": { \"switch\": \"host1\", \"port\": \"vethc3070\",\n"
    "             \"network\": \"web\", \"mac\": \"00:16:3e:28:73:b3\",\n"
    "             \"ipv4\": [\"10.10.20.10\", \"10.10.20.11\",\n"
    "                      \"192.0.2.0/28\"],\n"
    "             \"ipv6\": [\"fd00:20::10\", \"2001:db8:1::/64\"],\n"
    "             \"allow_dhcp\": true, \"allow_multicast\": false,\n"
    "             \"cookie\": \"0x5a01\" },\n"
    "    \"a-vm\": { \"port\": \"veth9\", \"network\": \"web\",\n"
    "              \"mac\": \"00:16:3e:00:00:09\",\n"
    "              \"ipv4\": [\"10.10.20.9\"] }\n"
    "  }\n"
    "}\n";

static void
test_full_config(void)
{
    struct ofg_config *c = expect_ok(full_config);
    if (!c) {
        ofg_test_finish("full config parses");
        return;
    }

    CHECK(!strcmp(c->file_name, "t.json"));

    /* Sorting. */
    CHECK(c->n_networks == 2);
    CHECK(c->n_switches == 2);
    CHECK(c->n_containers == 3);
    if (c->n_networks == 2 && c->n_switches == 2 && c->n_containers == 3) {
        CHECK(!strcmp(c->networks[0].name, "app"));
        CHECK(!strcmp(c->networks[1].name, "web"));
        CHECK(!strcmp(c->switches[0].name, "host1"));
        CHECK(!strcmp(c->switches[1].name, "host2"));
        CHECK(!strcmp(c->containers[0].name, "a-vm"));
        CHECK(!strcmp(c->containers[1].name, "vm1"));
        CHECK(!strcmp(c->containers[2].name, "vm2"));
    }

    /* Networks. */
    const struct ofg_network *web = c->n_networks == 2 ? &c->networks[1]
                                                        : NULL;
    if (web) {
        CHECK(web->has_ipv4 && web->has_ipv6 && web->has_gateway_mac);
        CHECK(web->subnet.addr == ip("10.10.20.0") && web->subnet.plen == 24);
        CHECK(web->gateway == ip("10.10.20.1"));
        CHECK(ip6_eq(&web->subnet6.addr, "fd00:20::")
              && web->subnet6.plen == 64);
        CHECK(ip6_eq(&web->gateway6, "fd00:20::1"));
        CHECK(web->gateway_mac.ea[0] == 0x02 && web->gateway_mac.ea[5] == 1);
        const struct ofg_network *app = &c->networks[0];
        CHECK(!app->has_ipv4 && app->has_ipv6 && !app->has_gateway_mac);
    }

    /* Switches. */
    const struct ofg_switch *h1 = ofg_config_find_switch(c, "host1");
    const struct ofg_switch *h2 = ofg_config_find_switch(c, "host2");
    CHECK(h1 && h2 && !ofg_config_find_switch(c, "host3"));
    if (h1 && h2) {
        CHECK(h1->datapath_id == UINT64_C(0x00001e057c0a9a41));
        CHECK(h2->datapath_id == 0x1f);
        CHECK(h1->n_trusted_ports == 2
              && !strcmp(h1->trusted_ports[0], "eth0")
              && !strcmp(h1->trusted_ports[1], "LOCAL"));
        CHECK(h2->n_trusted_ports == 1
              && !strcmp(h2->trusted_ports[0], "LOCAL"));
        CHECK(ofg_config_find_switch_by_dpid(c, 0x1f) == h2);
        CHECK(ofg_config_find_switch_by_dpid(c, 0x1e057c0a9a41) == h1);
        CHECK(!ofg_config_find_switch_by_dpid(c, 0x20));
    }

    /* Containers. */
    const struct ofg_container *vm1 = ofg_config_find_container(c, "vm1");
    const struct ofg_container *vm2 = ofg_config_find_container(c, "vm2");
    const struct ofg_container *avm = ofg_config_find_container(c, "a-vm");
    CHECK(vm1 && vm2 && avm && !ofg_config_find_container(c, "vm3"));
    CHECK(!ofg_config_find_container(c, ""));
    if (vm1 && vm2 && avm && web) {
        CHECK(!strcmp(vm1->switch_name, "host1") && vm1->sw == h1);
        CHECK(!vm2->switch_name && !vm2->sw);
        CHECK(!strcmp(vm1->port, "vethc3070"));
        CHECK(vm1->network == web);
        CHECK(vm2->network == &c->networks[0]);
        CHECK(vm1->mac.ea[0] == 0x00 && vm1->mac.ea[2] == 0x3e
              && vm1->mac.ea[5] == 0xb3);
        CHECK(vm2->mac.ea[5] == 0xb4);
        CHECK(vm1->n_ipv4 == 3);
        if (vm1->n_ipv4 == 3) {
            CHECK(vm1->ipv4[0].addr == ip("10.10.20.10")
                  && vm1->ipv4[0].plen == 32);
            CHECK(vm1->ipv4[1].addr == ip("10.10.20.11"));
            CHECK(vm1->ipv4[2].addr == ip("192.0.2.0")
                  && vm1->ipv4[2].plen == 28);
        }
        CHECK(vm1->n_ipv6 == 2);
        if (vm1->n_ipv6 == 2) {
            CHECK(ip6_eq(&vm1->ipv6[0].addr, "fd00:20::10")
                  && vm1->ipv6[0].plen == 128);
            CHECK(ip6_eq(&vm1->ipv6[1].addr, "2001:db8:1::")
                  && vm1->ipv6[1].plen == 64);
        }
        CHECK(vm2->n_ipv4 == 0 && vm2->n_ipv6 == 1);
        CHECK(vm1->allow_dhcp && !vm1->allow_multicast);
        CHECK(!avm->allow_dhcp && !avm->allow_multicast);
        CHECK(vm1->cookie == 0x5a01);
        CHECK(vm2->cookie == 0x5a02);
        CHECK(avm->cookie == ofg_config_derive_cookie("a-vm"));
    }

    /* Equality against a second parse of the same text. */
    struct ofg_config *d = expect_ok(full_config);
    if (d && vm1 && h1) {
        const struct ofg_container *vm1b = ofg_config_find_container(d,
                                                                     "vm1");
        const struct ofg_switch *h1b = ofg_config_find_switch(d, "host1");
        CHECK(vm1b && vm1b != vm1 && ofg_container_equal(vm1, vm1b));
        CHECK(h1b && ofg_switch_equal(h1, h1b));
        CHECK(!ofg_switch_equal(h1, h2));
        CHECK(!ofg_container_equal(vm1, vm2));
        if (vm1b && h1b) {
            struct ofg_container *m = (struct ofg_container *) vm1b;
            m->allow_multicast = true;
            CHECK(!ofg_container_equal(vm1, vm1b));
            m->allow_multicast = false;
            m->ipv4[2].plen = 29;
            CHECK(!ofg_container_equal(vm1, vm1b));
            m->ipv4[2].plen = 28;
            CHECK(ofg_container_equal(vm1, vm1b));

            /* A change to the network changes the container's flows. */
            struct ofg_network *n = (struct ofg_network *) vm1b->network;
            n->gateway = ip("10.10.20.2");
            CHECK(!ofg_container_equal(vm1, vm1b));
            n->gateway = ip("10.10.20.1");
            n->gateway_mac.ea[5] = 2;
            CHECK(!ofg_container_equal(vm1, vm1b));
            n->gateway_mac.ea[5] = 1;
            CHECK(ofg_container_equal(vm1, vm1b));

            struct ofg_switch *s = (struct ofg_switch *) h1b;
            s->trusted_ports[0][0] = 'X';
            CHECK(!ofg_switch_equal(h1, h1b));
            s->trusted_ports[0][0] = 'e';
            s->datapath_id++;
            CHECK(!ofg_switch_equal(h1, h1b));
        }
    }
    ofg_config_destroy(d);
    ofg_config_destroy(c);
    ofg_config_destroy(NULL);
    ofg_test_finish("full config parses with the expected values");
}

static void
test_derive_cookie(void)
{
    uint64_t a = ofg_config_derive_cookie("vm1");
    CHECK(a == ofg_config_derive_cookie("vm1"));
    CHECK(a != ofg_config_derive_cookie("vm2"));
    CHECK(a && !(a & ~OFG_COOKIE_ID_MASK));
    CHECK(ofg_config_derive_cookie("") != 0);

    /* The FNV-1a hash of "" is the offset basis 0xcbf29ce484222325; folded
     * to 48 bits that is 0x9ce484222325 ^ 0xcbf2. */
    CHECK(ofg_config_derive_cookie("")
          == ((UINT64_C(0x9ce484222325) ^ UINT64_C(0xcbf2))));
    for (int i = 0; i < 1000; i++) {
        char name[32];
        snprintf(name, sizeof name, "container-%d", i);
        uint64_t c = ofg_config_derive_cookie(name);
        CHECK(c >= 1 && c <= OFG_COOKIE_ID_MASK);
    }
    ofg_test_finish("derived cookies are stable, 48-bit and nonzero");
}

static void
test_read_file(void)
{
    char name[] = "/tmp/test-config-XXXXXX";
    int fd = mkstemp(name);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, full_config, strlen(full_config))
              == (ssize_t) strlen(full_config));
        close(fd);

        struct ofg_config *c;
        char *error = ofg_config_read(name, &c);
        CHECK(!error && c);
        if (c) {
            CHECK(!strcmp(c->file_name, name));
            CHECK(c->n_containers == 3);
        }
        free(error);
        ofg_config_destroy(c);
        unlink(name);

        error = ofg_config_read("/nonexistent/ofguard.json", &c);
        CHECK(error && !c);
        CHECK(error && strstr(error, "/nonexistent/ofguard.json: "));
        free(error);
    }
    ofg_test_finish("ofg_config_read reads a file and reports a missing one");
}

/* Writes 'text' to 'dir'/'name'. */
static void
write_file(const char *dir, const char *name, const char *text)
{
    char *file_name = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(file_name, "w");
    CHECK(f && fputs(text, f) >= 0);
    if (f) {
        fclose(f);
    }
    free(file_name);
}

static void
remove_file(const char *dir, const char *name)
{
    char *file_name = xasprintf("%s/%s", dir, name);
    CHECK(!unlink(file_name));
    free(file_name);
}

#define DROPIN_MAIN                                                     \
    "{\n  \"networks\": {\"web\": {\"subnet\": \"10.1.0.0/24\",\n"         \
    "                       \"gateway\": \"10.1.0.1\"}},\n"               \
    "  \"switches\": {\"h1\": {\"datapath_id\": \"0x1\"}},\n"            \
    "  \"containers\": {\"vm1\": {\"port\": \"p1\", \"network\": \"web\",\n"  \
    "     \"mac\": \"00:16:3e:00:00:01\", \"ipv4\": [\"10.1.0.11\"]}}\n}\n"
#define DROPIN(NAME, PORT, MAC, IP)                                     \
    "{\"containers\": {\n  \"" NAME "\": {\"port\": \"" PORT "\", "          \
    "\"network\": \"web\",\n    \"mac\": \"" MAC "\", \"ipv4\": [\"" IP "\"]}}}\n"

/* Expects reading 'dir' again, after 'old', to fail with 'want' in the
 * errors. */
static void
expect_dir_error(const char *dir, const struct ofg_config *old,
                 const char *want)
{
    struct ofg_config *c;
    char *error = ofg_config_reload(dir, old, NULL, &c);
    CHECK(error && !c);
    if (error && !strstr(error, want)) {
        ofg_test_fail("expected \"%s\" in:\n%s", want, error);
    }
    free(error);
}

/* A directory: ofguard.json and containers.d/NAME.json; a reload parses only
 * what changed, shares the rest with the running configuration, and checks
 * across files. */
static void
test_dropin_dir(void)
{
    char dir[] = "/tmp/test-config-dir-XXXXXX";
    CHECK(mkdtemp(dir));
    char *dropins = xasprintf("%s/containers.d", dir);
    CHECK(!mkdir(dropins, 0700));
    write_file(dir, "ofguard.json", DROPIN_MAIN);
    write_file(dropins, "vm2.json",
               DROPIN("vm2", "p2", "00:16:3e:00:00:02", "10.1.0.12"));
    write_file(dropins, ".vm3.json.tmp", "not JSON");
    write_file(dropins, ".vm3.json", "not JSON either");
    write_file(dropins, "README", "not JSON");

    struct ofg_config *a, *b, *c;
    char *error = ofg_config_read(dir, &a);
    CHECK(!error && a);
    if (!a) {
        fputs(error, stderr);
        goto out;
    }
    CHECK(a->n_containers == 2 && a->n_parts == 2 && a->n_parsed == 2);
    const struct ofg_container *vm1 = ofg_config_find_container(a, "vm1");
    const struct ofg_container *vm2 = ofg_config_find_container(a, "vm2");
    CHECK(vm1 && strstr(vm1->source, "/ofguard.json"));
    CHECK(vm2 && strstr(vm2->source, "/containers.d/vm2.json"));

    /* Nothing changed: nothing parsed (the files, just written, are read
     * again, and found the same). */
    error = ofg_config_reload(dir, a, NULL, &b);
    CHECK(!error && b && b->n_parsed == 0 && b->n_containers == 2);
    CHECK(b && !strcmp(ofg_config_sha256(a), ofg_config_sha256(b)));
    ofg_config_destroy(b);

    /* One drop-in changed: only it is parsed; vm1 is shared, not copied. */
    write_file(dropins, "vm2.json",
               DROPIN("vm2", "p2", "00:16:3e:00:00:22", "10.1.0.12"));
    error = ofg_config_reload(dir, a, NULL, &b);
    CHECK(!error && b && b->n_parsed == 1);
    if (!b) {
        goto out_a;
    }
    CHECK(ofg_config_find_container(b, "vm1")->name == vm1->name);
    CHECK(ofg_config_find_container(b, "vm2")->mac.ea[5] == 0x22);
    CHECK(strcmp(ofg_config_sha256(a), ofg_config_sha256(b)));

    /* A new drop-in that conflicts with the main file's container, one that
     * defines a container again, one with networks, one not JSON: all
     * refused, each at its file and line. */
    write_file(dropins, "vm3.json",
               DROPIN("vm3", "p3", "00:16:3e:00:00:01", "10.1.0.13"));
    expect_dir_error(dir, b, "/containers.d/vm3.json:3:12: "
                     "containers.vm3.mac: 00:16:3e:00:00:01 is also the MAC "
                     "of containers.vm1");
    write_file(dropins, "vm3.json",
               DROPIN("vm1", "p3", "00:16:3e:00:00:03", "10.1.0.13"));
    expect_dir_error(dir, b, "/containers.d/vm3.json:2:3: containers.vm1: "
                     "container vm1 is already defined in ");
    write_file(dropins, "vm3.json", "{\"networks\": {}}");
    expect_dir_error(dir, b, "/containers.d/vm3.json:1:2: networks: "
                     "\"networks\" belong in the main file");
    write_file(dropins, "vm3.json", "{\"containers\": ");
    expect_dir_error(dir, b, "/containers.d/vm3.json:1:");
    remove_file(dropins, "vm3.json");

    /* The main file changed: every file parsed again. */
    write_file(dir, "ofguard.json", DROPIN_MAIN "\n");
    error = ofg_config_reload(dir, b, NULL, &c);
    CHECK(!error && c && c->n_parsed == 2);
    ofg_config_destroy(c);

    /* A drop-in removed: its container is gone. */
    remove_file(dropins, "vm2.json");
    error = ofg_config_reload(dir, b, NULL, &c);
    CHECK(!error && c && c->n_containers == 1);
    ofg_config_destroy(c);

    /* No ofguard.json: an error that names it. */
    char *main_file = xasprintf("%s/ofguard.json", dir);
    char *moved = xasprintf("%s/moved.json", dir);
    CHECK(!rename(main_file, moved));
    expect_dir_error(dir, NULL, "/ofguard.json: cannot open: ");
    free(main_file);
    free(moved);

    ofg_config_destroy(b);
out_a:
    ofg_config_destroy(a);
out:
    free(error);
    ofg_test_remove_tree(dir);
    free(dropins);
    ofg_test_finish("a directory of files: only changed files parsed, "
                    "checks across files, errors at each file and line");
}

/* A container whose derived cookie is claimed by an earlier one. */
static void
test_derived_cookie_collision(void)
{
    char text[2048];
    snprintf(text, sizeof text, HEAD
             "    \"vm1\": { \"port\": \"p1\", \"network\": \"db\", \"mac\": "
             "\"00:16:3e:00:00:01\", \"ipv4\": [\"10.10.30.10\"], "
             "\"cookie\": \"0x%"PRIx64"\" },\n"
             "    \"vm2\": { \"port\": \"p2\", \"network\": \"db\", \"mac\": "
             "\"00:16:3e:00:00:02\", \"ipv4\": [\"10.10.30.11\"] }\n"
             TAIL, ofg_config_derive_cookie("vm2"));
    expect_error_col("derived cookie collision", text, 8, 12,
                     "containers.vm2: derived cookie 0x");
    snprintf(text, sizeof text, HEAD
             "    \"vm1\": { \"port\": \"p1\", \"network\": \"db\", \"mac\": "
             "\"00:16:3e:00:00:01\", \"ipv4\": [\"10.10.30.10\"], "
             "\"cookie\": \"0x%"PRIx64"\" },\n"
             "    \"vm2\": { \"port\": \"p2\", \"network\": \"db\", \"mac\": "
             "\"00:16:3e:00:00:02\", \"ipv4\": [\"10.10.30.11\"] }\n"
             TAIL, ofg_config_derive_cookie("vm2"));
    expect_error("derived cookie collision advice", text, 8,
                 "set \"cookie\" explicitly");
}

static void
test_all_errors_reported(void)
{
    const char *text = HEAD
        "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", \"mac\": "
        "\"01:16:3e:00:00:01\", \"ipv4\": [\"10.10.20.10\"] },\n"
        "    \"vm2\": { \"port\": \"p2\", \"network\": \"nope\", \"mac\": "
        "\"00:16:3e:00:00:02\", \"ipv4\": [\"10.10.20.11\"] }\n"
        TAIL;
    struct ofg_config *c;
    char *error = ofg_config_parse("t.json", text, &c);
    CHECK(error && !c);
    if (error) {
        const char *a = strstr(error, "t.json:7:");
        const char *b = strstr(error, "t.json:8:");
        CHECK(a && b && a < b);
        CHECK(strstr(error, "containers.vm1.mac: 01:16:3e:00:00:01 is a "
                     "multicast MAC"));
        CHECK(strstr(error, "containers.vm2.network: no network named "
                     "\"nope\""));
        int lines = 0;
        for (const char *p = error; *p; p++) {
            lines += *p == '\n';
        }
        CHECK(lines == 2);
    }
    free(error);
    ofg_test_finish("every error is reported, in file order");
}


/* Parses 'text', which must be invalid, and checks that the error output
 * has exactly 'n' lines, the i-th of which contains the i-th of the 'n'
 * strings that follow. */
static void
expect_lines(const char *name, const char *text, int n, ...)
{
    struct ofg_config *config;
    char *error = ofg_config_parse("t.json", text, &config);
    if (!error || config) {
        ofg_test_fail("expected errors, got none");
        ofg_config_destroy(config);
        free(error);
        ofg_test_finish(name);
        return;
    }

    va_list args;
    va_start(args, n);
    int i = 0;
    char *save = NULL;
    for (char *l = strtok_r(error, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save), i++) {
        const char *expect = i < n ? va_arg(args, const char *) : NULL;
        if (expect && !strstr(l, expect)) {
            ofg_test_fail("line %d is \"%s\", expected \"%s\" in it", i + 1,
                          l, expect);
        }
    }
    va_end(args);
    if (i != n) {
        ofg_test_fail("%d lines of errors, expected %d", i, n);
    }
    free(error);
    ofg_test_finish(name);
}

/* Checks across entries report each entry in conflict once, naming the
 * first entry in the file it conflicts with (issue 10: the checks are no
 * longer quadratic, and neither is their output). */
static void
test_conflicts_reported_once(void)
{
    /* z, a, m in the file; m has no "switch", so it meets z and a. */
    expect_lines("overlapping subnets: each network once, naming the first",
                 "{\n  \"networks\": {\n"
                 "    \"z\": { \"subnet\": \"10.1.0.0/16\", "
                 "\"gateway\": \"10.1.255.1\" },\n"
                 "    \"a\": { \"subnet\": \"10.1.0.0/24\", "
                 "\"gateway\": \"10.1.0.1\" },\n"
                 "    \"m\": { \"subnet\": \"10.1.0.0/25\", "
                 "\"gateway\": \"10.1.0.2\" }\n  },\n"
                 "  \"switches\": { \"h1\": { \"datapath_id\": \"0x1\" },"
                 " \"h0\": { \"datapath_id\": \"0x2\" } },\n"
                 "  \"containers\": {\n"
                 "    \"x\": { \"port\": \"p1\", \"network\": \"z\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.1.2.10\"] },\n"
                 "    \"y\": { \"port\": \"p2\", \"network\": \"a\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.1.0.10\"] },\n"
                 "    \"w\": { \"port\": \"p3\", \"network\": \"m\", "
                 "\"mac\": \"00:16:3e:00:00:03\", "
                 "\"ipv4\": [\"10.1.0.20\"] }\n  }\n}\n", 2,
                 "t.json:4:22: networks.a.subnet: 10.1.0.0/24 overlaps subnet "
                 "10.1.0.0/16 of networks.z, and both networks have "
                 "containers on switch h1",
                 "t.json:5:22: networks.m.subnet: 10.1.0.0/25 overlaps subnet "
                 "10.1.0.0/16 of networks.z, and both networks have "
                 "containers on any switch");
    /* Two networks on two switches each: the first switch by name. */
    expect_lines("overlapping subnets on two switches: the first named",
                 "{\n  \"networks\": {\n"
                 "    \"a\": { \"subnet\": \"10.1.0.0/24\", "
                 "\"gateway\": \"10.1.0.1\" },\n"
                 "    \"b\": { \"subnet\": \"10.1.0.0/24\", "
                 "\"gateway\": \"10.1.0.2\" }\n  },\n"
                 "  \"switches\": { \"h2\": { \"datapath_id\": \"0x1\" },"
                 " \"h1\": { \"datapath_id\": \"0x2\" } },\n"
                 "  \"containers\": {\n"
                 "    \"w\": { \"port\": \"p1\", \"network\": \"a\", "
                 "\"switch\": \"h2\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.1.0.10\"] },\n"
                 "    \"x\": { \"port\": \"p2\", \"network\": \"a\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.1.0.11\"] },\n"
                 "    \"y\": { \"port\": \"p3\", \"network\": \"b\", "
                 "\"switch\": \"h2\", \"mac\": \"00:16:3e:00:00:03\", "
                 "\"ipv4\": [\"10.1.0.12\"] },\n"
                 "    \"z\": { \"port\": \"p4\", \"network\": \"b\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:04\", "
                 "\"ipv4\": [\"10.1.0.13\"] }\n  }\n}\n", 1,
                 "networks.b.subnet: 10.1.0.0/24 overlaps subnet "
                 "10.1.0.0/24 of networks.a, and both networks have "
                 "containers on switch h1");

    /* w clashes with u (any switch) and v (host1): only u is named. */
    expect_lines("port used three times: each container once, naming the "
                 "first", HEAD
                 "    \"u\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.20.10\"] },\n"
                 "    \"v\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.10.20.11\"] },\n"
                 "    \"w\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:03\", "
                 "\"ipv4\": [\"10.10.20.12\"] },\n"
                 "    \"q\": { \"switch\": \"host1\", \"port\": \"p2\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:04\", "
                 "\"ipv4\": [\"10.10.20.13\"] },\n"
                 "    \"r\": { \"switch\": \"host2\", \"port\": \"p2\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:05\", "
                 "\"ipv4\": [\"10.10.20.14\"] }\n" TAIL, 2,
                 "t.json:8:39: containers.v.port: port p1 is also used by "
                 "containers.u", "t.json:9:39: containers.w.port: port p1 "
                 "is also used by containers.u");
    expect_lines("port on one switch: named with the switch", HEAD
                 "    \"v\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.10.20.11\"] },\n"
                 "    \"u\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.20.10\"] },\n"
                 "    \"w\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:03\", "
                 "\"ipv4\": [\"10.10.20.12\"] }\n" TAIL, 2,
                 "containers.u.port: port p1 is also used by containers.v",
                 "containers.w.port: port p1 is also used by "
                 "containers.v on switch host1");

    /* fd00::/16 holds the gateways of web (fd00:20::1) and six
     * (fd00:60::1): the lowest is named. */
    expect_error("prefix with two gateways: the lowest named", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"ipv6\": [\"fd00:20::10\", \"fd00::/16\"] }\n"
                 TAIL, 9, "containers.vm1.ipv6[1]: fd00::/16 includes the "
                 "gateway fd00:20::1 of network web");
}

enum { OFG_TEST_MAX_LINES = 200 };

/* A config with 'n' containers, each with a bad MAC, and after them (in
 * the file, but validated first) 'n_nets' networks with a bad gateway
 * (the caller must free it). */
static char *
many_errors_config(int n, int n_nets)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&s, "{\n  \"containers\": {\n");
    for (int i = 0; i < n; i++) {
        ds_put_format(&s, "    \"c%03d\": { \"port\": \"p%d\", \"network\": "
                      "\"web\", \"mac\": \"bad\", \"ipv4\": "
                      "[\"10.10.20.%d\"] }%s\n", i, i, 10 + i,
                      i + 1 < n ? "," : "");
    }
    ds_put_cstr(&s, "  },\n  \"networks\": {\n    \"web\": { \"subnet\": "
                "\"10.10.20.0/24\", \"gateway\": \"10.10.20.1\" }");
    for (int i = 0; i < n_nets; i++) {
        ds_put_format(&s, ",\n    \"n%d\": { \"subnet\": \"10.100.%d.0/24\", "
                      "\"gateway\": \"x\" }", i, i);
    }
    ds_put_cstr(&s, "\n  }\n}\n");
    return ds_steal_cstr(&s);
}

/* Checks that parsing 'text' lists 'n_listed' errors, in file order, the
 * first about 'first' and the last about 'last', then 'summary' (or nothing
 * if it is NULL). */
static void
expect_capped(const char *name, const char *text, int n_listed,
              const char *first, const char *last, const char *summary)
{
    struct ofg_config *config;
    char *error = ofg_config_parse("t.json", text, &config);
    CHECK(error && !config);

    char *lines[OFG_TEST_MAX_LINES];
    int n = 0, prev_line = 0;
    char *save = NULL;
    for (char *l = error ? strtok_r(error, "\n", &save) : NULL; l;
         l = strtok_r(NULL, "\n", &save)) {
        if (n < OFG_TEST_MAX_LINES) {
            lines[n] = l;
        }
        int line;
        if (n < n_listed && (sscanf(l, "t.json:%d:", &line) != 1
                             || line < prev_line)) {
            ofg_test_fail("line %d out of order: %s", n + 1, l);
        } else if (n < n_listed) {
            prev_line = line;
        }
        n++;
    }
    if (n != n_listed + (summary != NULL)) {
        ofg_test_fail("%d lines, expected %d", n,
                      n_listed + (summary != NULL));
    } else {
        CHECK(strstr(lines[0], first) != NULL);
        CHECK(strstr(lines[n_listed - 1], last) != NULL);
        if (summary) {
            CHECK(!strcmp(lines[n_listed], summary));
        }
    }
    free(error);
    ofg_test_finish(name);
}

/* Only the first OFG_CONFIG_MAX_ERRORS errors in the file are listed, then
 * a line that counts the others, however they were found: the bad networks
 * come last in the file but are validated first. */
static void
test_error_cap(void)
{
    char *text = many_errors_config(100, 0);
    expect_capped("100 errors: all listed", text, 100,
                  "containers.c000.mac", "containers.c099.mac", NULL);
    free(text);

    text = many_errors_config(101, 0);
    expect_capped("101 errors: 100 listed, 1 counted", text, 100,
                  "containers.c000.mac", "containers.c099.mac",
                  "t.json: ... and 1 more error");
    free(text);

    text = many_errors_config(120, 5);
    expect_capped("errors found out of file order: the first 100 listed",
                  text, 100, "containers.c000.mac", "containers.c099.mac",
                  "t.json: ... and 25 more errors");
    free(text);

    text = many_errors_config(3, 200);
    expect_capped("errors found out of file order: the first in the file",
                  text, 100, "containers.c000.mac", "networks.n96.gateway",
                  "t.json: ... and 103 more errors");
    free(text);
}

/* Returns a config whose unknown top-level key "x" holds 'depth' nested
 * objects, each with the key 'key' (the caller must free it). */
static char *
nested_config(int depth, const char *key)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&s, "{\n  \"networks\": {},\n  \"containers\": {},\n"
                "  \"x\": ");
    for (int i = 0; i < depth; i++) {
        ds_put_format(&s, "{\"%s\": ", key);
    }
    ds_put_char(&s, '0');
    for (int i = 0; i < depth; i++) {
        ds_put_char(&s, '}');
    }
    ds_put_cstr(&s, "\n}\n");
    return ds_steal_cstr(&s);
}

/* Limits on nesting, keys and strings (ofg-config-scan.h) and on size
 * (ofg-config.h): each refused with one error at the place, not validated
 * further. */
static void
test_limits(void)
{
    /* The root object is level 1 and "x" level 2: 31 objects under it make
     * 32 levels, one more is too deep. */
    char *text = nested_config(OFG_CONFIG_MAX_DEPTH - 1, "k");
    expect_error_col("32 levels of nesting are accepted", text, 4, 3,
                     "unknown key \"x\"");
    free(text);
    text = nested_config(OFG_CONFIG_MAX_DEPTH, "k");
    expect_error_col("33 levels of nesting are not", text, 4,
                     (int) strlen("  \"x\": ")
                     + (OFG_CONFIG_MAX_DEPTH - 1) * (int) strlen("{\"k\": ")
                     + 1, "nesting deeper than 32 levels");
    free(text);

    /* Arrays count as levels too. */
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&s, "{\"networks\": {}, \"containers\": {}, \"x\": ");
    for (int i = 0; i < 2000; i++) {
        ds_put_char(&s, '[');
    }
    for (int i = 0; i < 2000; i++) {
        ds_put_char(&s, ']');
    }
    ds_put_cstr(&s, "}\n");
    expect_error_col("2,000 nested arrays", ds_cstr(&s), 1,
                     (int) strlen("{\"networks\": {}, \"containers\": {}, "
                                  "\"x\": ") + OFG_CONFIG_MAX_DEPTH,
                     "nesting deeper than 32 levels");
    ds_destroy(&s);

    char *key = xmalloc(OFG_CONFIG_MAX_STRING + 2);
    memset(key, 'k', OFG_CONFIG_MAX_STRING + 1);
    key[OFG_CONFIG_MAX_STRING] = '\0';
    text = xasprintf("{\"networks\": {}, \"containers\": {},\n \"%s\": 1}\n",
                     key);
    expect_error_col("a 1,024-byte key is only unknown", text, 2, 2,
                     "unknown key \"kkk");
    free(text);
    key[OFG_CONFIG_MAX_STRING] = 'k';
    key[OFG_CONFIG_MAX_STRING + 1] = '\0';
    text = xasprintf("{\"networks\": {}, \"containers\": {\n"
                     "  \"vm1\": {\"%s\": 1}}}\n", key);
    expect_error_col("a 1,025-byte key is too long", text, 2, 11,
                     "t.json:2:11: containers.vm1: key longer than 1024 "
                     "bytes");
    free(text);
    text = xasprintf("{\"networks\": {}, \"containers\": {\n"
                     "  \"vm1\": {\"port\": \"%s\"}}}\n", key);
    expect_error_col("a 1,025-byte string is too long", text, 2, 19,
                     "containers.vm1.port: string longer than 1024 bytes");
    free(text);
    /* Escapes count as the bytes they stand for. */
    text = xasprintf("{\"networks\": {}, \"containers\": {\n"
                     "  \"vm1\": {\"port\": \"\\u00e9%s\"}}}\n",
                     key + 2);
    expect_error_col("a string escaped to 1,025 bytes is too long", text, 2,
                     19, "string longer than 1024 bytes");
    free(text);
    free(key);

    /* Only the limit is reported: the rest is not worth validating. */
    text = nested_config(40, "k");
    struct ofg_config *config;
    char *error = ofg_config_parse("t.json", text, &config);
    if (!error || strchr(error, '\n') != error + strlen(error) - 1) {
        ofg_test_fail("expected one error line, got: %s", error);
    }
    free(error);
    free(text);
    ofg_test_finish("a limit is the only error");

    /* Size: checked before parsing. */
    size_t big = OFG_CONFIG_MAX_SIZE + 1;
    char *huge = xmalloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    memcpy(huge, "{}", 2);
    error = ofg_config_parse("t.json", huge, &config);
    if (!error || !strstr(error, "t.json: larger than 67108864 bytes")) {
        ofg_test_fail("expected the size limit, got: %s", error);
    }
    free(error);
    free(huge);
    ofg_test_finish("a file over 64 MiB");

    /* Checks that compared every pair now look things up; same errors. */
    expect_error("container MAC = a network's gateway_mac", "{\n"
                 "  \"networks\": {\"n\": {\"subnet\": \"10.0.0.0/24\", "
                 "\"gateway\": \"10.0.0.1\",\n"
                 "                        \"gateway_mac\": "
                 "\"02:00:00:00:00:01\"}},\n"
                 "  \"containers\": {\"c\": {\"port\": \"p1\", "
                 "\"network\": \"n\",\n"
                 "    \"mac\": \"02:00:00:00:00:01\", \"ipv4\": "
                 "[\"10.0.0.2\"]}}}\n", 5,
                 "containers.c.mac: 02:00:00:00:00:01 is the gateway_mac of "
                 "networks.n");
    expect_error("a prefix over two earlier addresses names the first", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", \"10.10.20.9\", "
                 "\"10.10.20.8/30\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[2]: 10.10.20.8/30 overlaps ipv4[0]");
    expect_error("an address inside an earlier prefix", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", \"10.10.20.64/26\", "
                 "\"10.10.20.99\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[2]: 10.10.20.99 overlaps ipv4[1]");

    /* Keys that spell the same path as another value: positions stay one
     * per path, the later value's, as jansson keeps the later value. */
    expect_error_col("a key with a dot beside an object", "{\n"
                     "  \"networks\": {}, \"containers\": {},\n"
                     "  \"a\": {\"b\": 1},\n  \"a.b\": 2,\n"
                     "  \"a\": 3\n}\n", 5, 3, "duplicate key \"a\"");
}

int
main(void)
{
    test_full_config();
    test_derive_cookie();
    test_read_file();
    test_dropin_dir();
    test_limits();
    test_conflicts_reported_once();
    test_error_cap();

    /* Syntax and structure. */
    expect_error_col("syntax error", "{\n  \"networks\": {},\n  \"containers\""
                     ": { , }\n}\n", 3, 0, "syntax error: ");
    expect_error("root must be an object", "[1, 2]\n", 1,
                 "must be a JSON object");
    expect_error_col("duplicate key", HEAD VM1 ",\n"
                     "    \"vm1\": { }\n" TAIL, 8, 5,
                     "containers: duplicate key \"vm1\"");
    expect_error_col("duplicate key spelled with an escape", HEAD VM1 ",\n"
                     "  \"vm\\u0031\": { }\n" TAIL, 8, 3,
                     "containers: duplicate key \"vm1\"");
    expect_error_col("unknown top-level key", "{\n  \"networks\": {},\n"
                     "  \"containers\": {},\n  \"extra\": 1\n}\n", 4, 3,
                     "unknown key \"extra\"");
    expect_error_col("unknown container key \"trusted\"", HEAD
                     "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                     "\"mac\": \"00:16:3e:00:00:01\", \"ipv4\": "
                     "[\"10.10.20.10\"],\n"
                     "             \"trusted\": true }\n" TAIL, 8, 14,
                     "containers.vm1: unknown key \"trusted\"");
    expect_error("unknown network key", "{\n  \"networks\": {\n"
                 "    \"n\": { \"subnet\": \"10.0.0.0/8\", \"gateway\": "
                 "\"10.0.0.1\", \"vlan\": 5 }\n  },\n  \"containers\": {}\n"
                 "}\n", 3, "networks.n: unknown key \"vlan\"");
    expect_error("missing required key \"mac\"", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"] }\n" TAIL, 7,
                 "containers.vm1: missing required key \"mac\"");
    expect_error("missing \"containers\"", "{\n  \"networks\": {}\n}\n", 1,
                 "missing required key \"containers\"");
    expect_error("wrong type", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": \"10.10.20.10\" }\n" TAIL, 8,
                 "containers.vm1.ipv4: must be an array, not a string");
    expect_error("wrong boolean type", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"allow_dhcp\": "
                 "\"yes\" }\n" TAIL, 8,
                 "containers.vm1.allow_dhcp: must be a boolean");

    /* Selecting the port by identity. */
    expect_error("port and iface_id", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"iface_id\": \"x\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.20.10\"] }\n" TAIL, 7,
                 "containers.vm1.iface_id: \"port\" and \"iface_id\" both "
                 "select the container's port; give one");
    expect_error("no selector", HEAD
                 "    \"vm1\": { \"network\": \"web\", \"mac\": "
                 "\"00:16:3e:00:00:01\", \"ipv4\": [\"10.10.20.10\"] }\n"
                 TAIL, 7, "containers.vm1: missing required key \"port\" (or "
                 "\"iface_id\" or \"external_ids\"");
    expect_error("empty external_ids", HEAD
                 "    \"vm1\": { \"external_ids\": {}, \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 7,
                 "containers.vm1.external_ids: must not be empty");
    expect_error("attached-mac is not a selector", HEAD
                 "    \"vm1\": { \"external_ids\": {\"attached-mac\": \"x\"}, "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.20.10\"] }\n" TAIL, 7,
                 "containers.vm1.external_ids.attached-mac: attached-mac does "
                 "not select an interface");
    expect_error("one iface_id for two containers", HEAD
                 "    \"vm1\": { \"iface_id\": \"x\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\", \"ipv4\": "
                 "[\"10.10.20.10\"] },\n"
                 "    \"vm2\": { \"iface_id\": \"x\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:02\", \"ipv4\": "
                 "[\"10.10.20.11\"] }\n" TAIL, 8,
                 "containers.vm2.iface_id: containers.vm1 selects its "
                 "interface by the same iface-id");
    expect_error("bad switch ovsdb", "{\n  \"networks\": {},\n"
                 "  \"switches\": {\"s\": {\"datapath_id\": \"1\", "
                 "\"ovsdb\": \"db.sock\"}},\n  \"containers\": {}\n}\n", 3,
                 "switches.s.ovsdb: \"db.sock\" is not an OVSDB remote");

    /* MACs. */
    expect_error("malformed MAC", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\",\n"
                 "             \"mac\": \"00:16:3e:28:73\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 8,
                 "containers.vm1.mac: \"00:16:3e:28:73\" is not a MAC");
    expect_error("multicast MAC", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\",\n"
                 "             \"mac\": \"01:00:5e:00:00:01\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 8,
                 "01:00:5e:00:00:01 is a multicast MAC address");
    expect_error("broadcast MAC", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\",\n"
                 "             \"mac\": \"ff:ff:ff:ff:ff:ff\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 8, "is a broadcast MAC");
    expect_error("zero MAC", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\",\n"
                 "             \"mac\": \"00:00:00:00:00:00\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 8, "is the all-zero MAC");

    /* Addresses. */
    expect_error_col("malformed IPv4 prefix", HEAD
                     "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                     "\"mac\": \"00:16:3e:00:00:01\",\n"
                     "             \"ipv4\": [\"10.10.20.10\", "
                     "\"10.10.20.11\", \"10.0.0.1/33\"] }\n" TAIL, 8, 53,
                     "containers.vm1.ipv4[2]: \"10.0.0.1/33\" is not an "
                     "IPv4 address or prefix");
    expect_error("malformed IPv6", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"ipv6\": [\"fd00:20::g\"] }\n" TAIL, 9,
                 "containers.vm1.ipv6[0]: \"fd00:20::g\" is not an IPv6");
    expect_error("host bits set", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"10.0.0.1/24\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[1]: 10.0.0.1/24 has host bits set");
    expect_error("/0 prefix", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"ipv6\": "
                 "[\"::/0\"] }\n" TAIL, 8,
                 "containers.vm1.ipv6[0]: ::/0 would allow every address");
    expect_error("/0 subnet", "{\n  \"networks\": {\n    \"n\": {\n"
                 "      \"subnet\": \"0.0.0.0/0\", \"gateway\": "
                 "\"10.0.0.1\" }\n  },\n  \"containers\": {}\n}\n", 4,
                 "networks.n.subnet: 0.0.0.0/0 would allow every address");
    expect_error("IPv4 0.0.0.0", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"0.0.0.0\"] }\n" TAIL, 8,
                 "0.0.0.0 is the unspecified address");
    expect_error("IPv4 broadcast", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"255.255.255.255\"] }\n" TAIL, 8,
                 "255.255.255.255 is the broadcast address");
    expect_error("IPv4 multicast", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"239.1.2.3\"] }\n" TAIL, 8,
                 "239.1.2.3 is a multicast address");
    expect_error("IPv4 prefix including multicast", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"192.0.0.0/2\"] }\n" TAIL, 8,
                 "192.0.0.0/2 includes the broadcast address");
    expect_error("IPv4 loopback", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"127.0.0.53\"] }\n" TAIL, 8,
                 "127.0.0.53 is a loopback address");
    expect_error("IPv4 class E", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"240.0.0.1\"] }\n" TAIL, 8,
                 "240.0.0.1 is a reserved (class E) address");
    expect_error("IPv6 unspecified", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"ipv6\": "
                 "[\"::\"] }\n" TAIL, 8, ":: is the unspecified address");
    expect_error("IPv6 loopback", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"ipv6\": "
                 "[\"::1\"] }\n" TAIL, 8, "::1 is the loopback address");
    expect_error("IPv6 multicast", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"ipv6\": "
                 "[\"ff02::1\"] }\n" TAIL, 8,
                 "ff02::1 is a multicast address");
    expect_error("IPv6 link-local", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"ipv6\": "
                 "[\"fe80::1\"] }\n" TAIL, 8,
                 "fe80::1 is a link-local address");

    /* Networks. */
    expect_error("gateway outside subnet", "{\n  \"networks\": {\n"
                 "    \"web\": { \"subnet\": \"10.10.20.0/24\",\n"
                 "             \"gateway\": \"10.10.21.1\" }\n  },\n"
                 "  \"containers\": {}\n}\n", 4,
                 "networks.web.gateway: 10.10.21.1 is outside subnet "
                 "10.10.20.0/24");
    expect_error("gateway is network address", "{\n  \"networks\": {\n"
                 "    \"web\": { \"subnet\": \"10.10.20.0/24\",\n"
                 "             \"gateway\": \"10.10.20.0\" }\n  },\n"
                 "  \"containers\": {}\n}\n", 4,
                 "10.10.20.0 is the network address of subnet");
    expect_error("gateway is broadcast address", "{\n  \"networks\": {\n"
                 "    \"web\": { \"subnet\": \"10.10.20.0/24\",\n"
                 "             \"gateway\": \"10.10.20.255\" }\n  },\n"
                 "  \"containers\": {}\n}\n", 4,
                 "10.10.20.255 is the broadcast address of subnet");
    expect_valid("gateway on a /31 is fine", "{\n  \"networks\": {\n"
                 "    \"p2p\": { \"subnet\": \"10.9.0.0/31\",\n"
                 "             \"gateway\": \"10.9.0.0\" }\n  },\n"
                 "  \"containers\": {}\n}\n");
    expect_error("gateway6 outside subnet6", "{\n  \"networks\": {\n"
                 "    \"web\": { \"subnet6\": \"fd00:20::/64\",\n"
                 "             \"gateway6\": \"fd00:21::1\" }\n  },\n"
                 "  \"containers\": {}\n}\n", 4,
                 "networks.web.gateway6: fd00:21::1 is outside subnet6 "
                 "fd00:20::/64");
    expect_error("gateway_mac multicast", "{\n  \"networks\": {\n"
                 "    \"web\": { \"subnet6\": \"fd00:20::/64\",\n"
                 "             \"gateway6\": \"fd00:20::1\",\n"
                 "             \"gateway_mac\": \"03:00:00:00:00:01\" }\n"
                 "  },\n  \"containers\": {}\n}\n", 5,
                 "networks.web.gateway_mac: 03:00:00:00:00:01 is a "
                 "multicast MAC");
    expect_error("subnet without gateway", "{\n  \"networks\": {\n"
                 "    \"web\": { \"subnet\": \"10.10.20.0/24\" }\n  },\n"
                 "  \"containers\": {}\n}\n", 3,
                 "networks.web: \"subnet\" requires \"gateway\"");
    expect_error("network without addresses", "{\n  \"networks\": {\n"
                 "    \"web\": { }\n  },\n  \"containers\": {}\n}\n", 3,
                 "networks.web: needs \"subnet\" and \"gateway\"");

    /* Container addresses and networks. */
    expect_error("address is the subnet's network address", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.0\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[0]: 10.10.20.0 is the network address "
                 "of subnet 10.10.20.0/24 of network web");
    expect_error("address is the subnet's broadcast address", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"10.10.20.255\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[1]: 10.10.20.255 is the broadcast "
                 "address of subnet 10.10.20.0/24 of network web");
    expect_error("address6 is the subnet-router anycast address", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"ipv6\": [\"fd00:20::\"] }\n" TAIL, 9,
                 "containers.vm1.ipv6[0]: fd00:20:: is the subnet-router "
                 "anycast address of subnet6 fd00:20::/64 of network web");
    expect_error("address is another network's gateway", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"10.10.30.1\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[1]: 10.10.30.1 is the gateway "
                 "10.10.30.1 of network db");
    expect_error("address6 is another network's gateway6", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"ipv6\": [\"fd00:60::/120\"] }\n" TAIL, 9,
                 "containers.vm1.ipv6[0]: fd00:60::/120 includes the "
                 "gateway fd00:60::1 of network six");
    expect_error("IPv4 link-local address", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"169.254.1.2\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[1]: 169.254.1.2 is a link-local "
                 "address (169.254.0.0/16)");
    expect_error("IPv4 link-local prefix", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"169.254.0.0/24\"] }\n" TAIL, 8,
                 "169.254.0.0/24 includes link-local addresses");
    expect_valid("a link-local gateway is fine (Calico's 169.254.1.1)",
                 "{\n  \"networks\": {\n"
                 "    \"ll\": { \"subnet\": \"169.254.1.0/24\",\n"
                 "             \"gateway\": \"169.254.1.1\" }\n  },\n"
                 "  \"containers\": {}\n}\n");
    expect_error("same subnet twice on one switch", "{\n  \"networks\": {\n"
                 "    \"a\": { \"subnet\": \"10.1.0.0/24\", "
                 "\"gateway\": \"10.1.0.1\" },\n"
                 "    \"b\": { \"subnet\": \"10.1.0.0/16\", "
                 "\"gateway\": \"10.1.1.1\" }\n  },\n"
                 "  \"switches\": { \"h1\": { \"datapath_id\": \"0x1\" } },\n"
                 "  \"containers\": {\n"
                 "    \"x\": { \"port\": \"p1\", \"network\": \"a\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.1.0.10\"] },\n"
                 "    \"y\": { \"port\": \"p2\", \"network\": \"b\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.1.2.10\"] }\n  }\n}\n", 4,
                 "networks.b.subnet: 10.1.0.0/16 overlaps subnet "
                 "10.1.0.0/24 of networks.a, and both networks have "
                 "containers on switch h1");
    expect_error("same subnet6 on any switch", "{\n  \"networks\": {\n"
                 "    \"a\": { \"subnet6\": \"fd00:1::/64\", "
                 "\"gateway6\": \"fd00:1::1\" },\n"
                 "    \"b\": { \"subnet6\": \"fd00:1::/64\", "
                 "\"gateway6\": \"fd00:1::2\" }\n  },\n"
                 "  \"containers\": {\n"
                 "    \"x\": { \"port\": \"p1\", \"network\": \"a\", "
                 "\"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv6\": [\"fd00:1::10\"] },\n"
                 "    \"y\": { \"port\": \"p2\", \"network\": \"b\", "
                 "\"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv6\": [\"fd00:1::20\"] }\n  }\n}\n", 4,
                 "networks.b.subnet6: fd00:1::/64 overlaps subnet6 "
                 "fd00:1::/64 of networks.a, and both networks have "
                 "containers on any switch");
    expect_valid("overlapping subnets on different switches are fine",
                 "{\n  \"networks\": {\n"
                 "    \"a\": { \"subnet\": \"10.1.0.0/24\", "
                 "\"gateway\": \"10.1.0.1\" },\n"
                 "    \"b\": { \"subnet\": \"10.1.0.0/24\", "
                 "\"gateway\": \"10.1.0.254\" }\n  },\n"
                 "  \"switches\": { \"h1\": { \"datapath_id\": \"0x1\" },"
                 " \"h2\": { \"datapath_id\": \"0x2\" } },\n"
                 "  \"containers\": {\n"
                 "    \"x\": { \"port\": \"p1\", \"network\": \"a\", "
                 "\"switch\": \"h1\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.1.0.10\"] },\n"
                 "    \"y\": { \"port\": \"p2\", \"network\": \"b\", "
                 "\"switch\": \"h2\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.1.0.20\"] }\n  }\n}\n");
    char *net_cookie_text = xasprintf(
        HEAD "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
        "\"mac\": \"00:16:3e:00:00:01\",\n"
        "             \"ipv4\": [\"10.10.20.10\"], \"cookie\": "
        "\"%#"PRIx64"\" }\n" TAIL, ofg_config_derive_network_cookie("web"));
    expect_error_col("network cookie equals a container's", net_cookie_text,
                     8, 49, "cookie 0x");
    expect_error("network cookie equals a container's (message)",
                 net_cookie_text, 8, "is also the cookie of networks.web");
    free(net_cookie_text);
    expect_error("address equals gateway", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.1\"] }\n" TAIL, 8,
                 "containers.vm1.ipv4[0]: 10.10.20.1 is the gateway");
    expect_error("address6 equals gateway6", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"ipv6\": [\"fd00:20::1\"] }\n" TAIL, 9,
                 "containers.vm1.ipv6[0]: fd00:20::1 is the gateway");
    expect_error("prefix including the gateway", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", "
                 "\"10.10.20.0/30\"] }\n" TAIL, 8,
                 "10.10.20.0/30 includes the gateway 10.10.20.1");
    expect_error("primary address must be a host", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.64/26\"] }\n" TAIL, 8,
                 "first (primary) entry must be a single address");
    expect_error("IPv4 on an IPv6-only network", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"six\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv6\": [\"fd00:60::5\"],\n"
                 "             \"ipv4\": [\"10.10.20.10\"] }\n" TAIL, 9,
                 "containers.vm1.ipv4: network six has no IPv4 subnet");
    expect_error("IPv6-only network requires ipv6", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"six\",\n"
                 "             \"mac\": \"00:16:3e:00:00:01\" }\n" TAIL, 7,
                 "containers.vm1: missing required key \"ipv6\"");
    expect_error("IPv4 network requires ipv4", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"db\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [] }\n" TAIL, 8,
                 "containers.vm1.ipv4: must not be empty");
    expect_error("IPv6 on an IPv4-only network", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"db\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.30.5\"],\n"
                 "             \"ipv6\": [\"fd00:60::5\"] }\n" TAIL, 9,
                 "network db has no IPv6 subnet");
    expect_valid("dual-stack container without ipv6", HEAD
                 VM1 "\n" TAIL);
    expect_error("duplicate address in one list", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\", \"10.10.20.11\",\n"
                 "                      \"10.10.20.10\"] }\n" TAIL, 9,
                 "containers.vm1.ipv4[2]: 10.10.20.10 is already listed as "
                 "ipv4[0]");
    expect_error("missing network", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"dmz\",\n"
                 "             \"mac\": \"00:16:3e:00:00:01\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 7,
                 "containers.vm1.network: no network named \"dmz\"");
    expect_error("missing switch", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\",\n"
                 "             \"switch\": \"host9\",\n"
                 "             \"mac\": \"00:16:3e:00:00:01\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 8,
                 "containers.vm1.switch: no switch named \"host9\"");

    /* Conflicts between containers. */
    expect_error_col("duplicate MAC", HEAD VM1 ",\n"
                     "    \"vm2\": { \"port\": \"p2\", \"network\": \"db\",\n"
                     "             \"mac\": \"00:16:3e:00:00:01\", \"ipv4\": "
                     "[\"10.10.30.10\"] }\n" TAIL, 9, 21,
                     "containers.vm2.mac: 00:16:3e:00:00:01 is also the MAC "
                     "of containers.vm1");
    expect_error("duplicate IPv4 in one network", HEAD VM1 ",\n"
                 "    \"vm2\": { \"port\": \"p2\", \"network\": \"web\",\n"
                 "             \"mac\": \"00:16:3e:00:00:02\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL, 9,
                 "containers.vm2.ipv4[0]: 10.10.20.10 is also an address of "
                 "containers.vm1");
    expect_error("overlapping IPv4 prefixes in one network", HEAD VM1 ",\n"
                 "    \"vm2\": { \"port\": \"p2\", \"network\": \"web\",\n"
                 "             \"mac\": \"00:16:3e:00:00:02\", \"ipv4\": "
                 "[\"10.10.20.20\", \"10.10.20.8/29\"] }\n" TAIL, 9,
                 "containers.vm2.ipv4[1]: 10.10.20.8/29 overlaps "
                 "10.10.20.10 of containers.vm1");
    expect_error("duplicate IPv6 in one network", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"six\",\n"
                 "             \"mac\": \"00:16:3e:00:00:01\", \"ipv6\": "
                 "[\"fd00:60::10\"] },\n"
                 "    \"vm2\": { \"port\": \"p2\", \"network\": \"six\",\n"
                 "             \"mac\": \"00:16:3e:00:00:02\", \"ipv6\": "
                 "[\"fd00:60:0::10\"] }\n" TAIL, 10,
                 "containers.vm2.ipv6[0]: fd00:60::10 is also an address");
    expect_valid("same address in two networks is fine", HEAD VM1 ",\n"
                 "    \"vm2\": { \"port\": \"p2\", \"network\": \"db\",\n"
                 "             \"mac\": \"00:16:3e:00:00:02\", \"ipv4\": "
                 "[\"10.10.20.10\"] }\n" TAIL);
    expect_error("duplicate explicit cookie", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"db\", "
                 "\"mac\": \"00:16:3e:00:00:01\", \"ipv4\": [\"10.10.30.10\"]"
                 ", \"cookie\": \"0x10\" },\n"
                 "    \"vm2\": { \"port\": \"p2\", \"network\": \"db\", "
                 "\"mac\": \"00:16:3e:00:00:02\", \"ipv4\": [\"10.10.30.11\"]"
                 ",\n             \"cookie\": 16 }\n" TAIL, 9,
                 "containers.vm2.cookie: cookie 0x10 is also the cookie of "
                 "containers.vm1");
    test_derived_cookie_collision();
    expect_error("port conflict on one switch", HEAD
                 "    \"vm1\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"db\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.30.10\"] },\n"
                 "    \"vm2\": { \"switch\": \"host1\", \"network\": \"db\", "
                 "\"mac\": \"00:16:3e:00:00:02\", \"ipv4\": "
                 "[\"10.10.30.11\"],\n"
                 "             \"port\": \"p1\" }\n" TAIL, 9,
                 "containers.vm2.port: port p1 is also used by "
                 "containers.vm1 on switch host1");
    expect_error("port conflict with any switch", HEAD
                 "    \"vm1\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"db\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.30.10\"] },\n"
                 "    \"vm2\": { \"network\": \"db\", "
                 "\"mac\": \"00:16:3e:00:00:02\", \"ipv4\": "
                 "[\"10.10.30.11\"],\n"
                 "             \"port\": \"p1\" }\n" TAIL, 9,
                 "containers.vm2.port: port p1 is also used by "
                 "containers.vm1");
    expect_valid("same port on two switches is fine", HEAD
                 "    \"vm1\": { \"switch\": \"host1\", \"port\": \"p1\", "
                 "\"network\": \"db\", \"mac\": \"00:16:3e:00:00:01\", "
                 "\"ipv4\": [\"10.10.30.10\"] },\n"
                 "    \"vm2\": { \"switch\": \"host2\", \"port\": \"p1\", "
                 "\"network\": \"db\", \"mac\": \"00:16:3e:00:00:02\", "
                 "\"ipv4\": [\"10.10.30.11\"] }\n" TAIL);

    /* Switches. */
    expect_error("duplicate datapath ID", "{\n  \"networks\": {},\n"
                 "  \"switches\": {\n"
                 "    \"b\": { \"datapath_id\": \"0x2a\" },\n"
                 "    \"a\": { \"datapath_id\": \"000000000000002a\" }\n"
                 "  },\n  \"containers\": {}\n}\n", 5,
                 "switches.a.datapath_id: 000000000000002a is also the "
                 "datapath ID of switches.b");
    /* Three with one ID (and one other): the second and third in the file
     * are reported, each naming the first. */
    static const char three_dpids[] = "{\n  \"networks\": {},\n"
        "  \"switches\": {\n"
        "    \"z\": { \"datapath_id\": \"0x7\" },\n"
        "    \"y\": { \"datapath_id\": \"0x8\" },\n"
        "    \"m\": { \"datapath_id\": \"0x7\" },\n"
        "    \"a\": { \"datapath_id\": \"0x7\" }\n"
        "  },\n  \"containers\": {}\n}\n";
    expect_error("datapath ID three times (second)", three_dpids, 6,
                 "switches.m.datapath_id: 0000000000000007 is also the "
                 "datapath ID of switches.z");
    expect_error("datapath ID three times (third)", three_dpids, 7,
                 "switches.a.datapath_id: 0000000000000007 is also the "
                 "datapath ID of switches.z");
    expect_error("malformed datapath ID", "{\n  \"networks\": {},\n"
                 "  \"switches\": {\n"
                 "    \"a\": { \"datapath_id\": \"00001e057c0a9a41ff\" }\n"
                 "  },\n  \"containers\": {}\n}\n", 4,
                 "switches.a.datapath_id: \"00001e057c0a9a41ff\" is not a "
                 "datapath ID");
    expect_error("duplicate trusted port", "{\n  \"networks\": {},\n"
                 "  \"switches\": {\n"
                 "    \"a\": { \"datapath_id\": \"1\",\n"
                 "           \"trusted_ports\": [\"eth0\",\n"
                 "                             \"eth0\"] }\n"
                 "  },\n  \"containers\": {}\n}\n", 6,
                 "switches.a.trusted_ports[1]: \"eth0\" is already listed");
    expect_error("empty trusted port", "{\n  \"networks\": {},\n"
                 "  \"switches\": {\n"
                 "    \"a\": { \"datapath_id\": \"1\",\n"
                 "           \"trusted_ports\": [\"\"] }\n"
                 "  },\n  \"containers\": {}\n}\n", 5,
                 "switches.a.trusted_ports[0]: port name must not be empty");

    expect_error("operator cookie that is not one", "{\n  \"networks\": {},\n"
                 "  \"switches\": {\n"
                 "    \"a\": { \"datapath_id\": \"1\",\n"
                 "           \"operator_cookies\": [\"0x12\",\n"
                 "                                \"0x10000000000000000\"] }\n"
                 "  },\n  \"containers\": {}\n}\n", 6,
                 "switches.a.operator_cookies[1]: \"0x10000000000000000\" "
                 "is not a cookie");
    expect_error("operator cookie with ofguard's tag",
                 "{\n  \"networks\": {},\n"
                 "  \"switches\": {\n"
                 "    \"a\": { \"datapath_id\": \"1\",\n"
                 "           \"operator_cookies\": [\"0x0fa7000000000001\"] }\n"
                 "  },\n  \"containers\": {}\n}\n", 5,
                 "switches.a.operator_cookies[0]: \"0x0fa7000000000001\" "
                 "carries ofguard's own cookie tag");
    {
        struct ofg_config *c = expect_ok(
            "{\n  \"networks\": {},\n  \"switches\": {\n"
            "    \"a\": { \"datapath_id\": \"1\",\n"
            "           \"operator_cookies\": [\"0x20\", \"5\", \"0x20\","
            " \"0xffffffffffffffff\"] }\n"
            "  },\n  \"containers\": {}\n}\n");
        if (c) {
            const struct ofg_switch *a = ofg_config_find_switch(c, "a");
            CHECK(a->n_operator_cookies == 3
                  && a->operator_cookies[0] == 5
                  && a->operator_cookies[1] == 0x20
                  && a->operator_cookies[2] == UINT64_MAX);
            ofg_config_destroy(c);
        }
        ofg_test_finish("operator cookies: sorted, duplicates dropped");
    }

    /* Cookies. */
    expect_error("cookie 0", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"], \"cookie\": 0 }\n"
                 TAIL, 8, "containers.vm1.cookie: cookie 0 is out of range");
    expect_error("cookie too large", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"cookie\": \"0x1000000000000\" }\n"
                 TAIL, 9, "cookie 0x1000000000000 is out of range");
    expect_error("cookie not hex", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"cookie\": \"0x5g01\" }\n"
                 TAIL, 9, "\"0x5g01\" is not a hexadecimal cookie");
    expect_valid("largest cookie", HEAD
                 "    \"vm1\": { \"port\": \"p1\", \"network\": \"web\", "
                 "\"mac\": \"00:16:3e:00:00:01\",\n"
                 "             \"ipv4\": [\"10.10.20.10\"],\n"
                 "             \"cookie\": \"0xffffffffffff\" }\n" TAIL);

    test_all_errors_reported();

    return ofg_test_summary();
}
