/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Unit tests for controller/ofg-mac.c ("ofguard --gen-mac"). */

#include <config.h>

#include <stdlib.h>
#include <string.h>
#include "config/ofg-addr.h"
#include "controller/ofg-mac.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "tests/ofg-test.h"
#include "util.h"

static struct ofg_mac_prefix
prefix(const char *s)
{
    struct ofg_mac_prefix p;
    char *error = ofg_mac_prefix_parse(s, &p);
    if (error) {
        ofg_test_fail("prefix %s: %s", s, error);
        free(error);
    }
    return p;
}

/* Generates the MAC of 'key' with 'prefix_s' and no MAC taken; returns it
 * formatted, or "error: MESSAGE". */
static char *
gen(const char *prefix_s, const char *key, bool *is_ipv4)
{
    struct ofg_mac_prefix p = prefix(prefix_s);
    struct eth_addr mac;
    char *error = ofg_mac_generate(&p, key, NULL, NULL, 0, &mac, is_ipv4);
    if (error) {
        char *s = xasprintf("error: %s", error);
        free(error);
        return s;
    }
    return xasprintf(ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
}

static bool
gen_is(const char *prefix_s, const char *key, const char *want,
       bool want_ipv4)
{
    bool is_ipv4 = !want_ipv4;
    char *got = gen(prefix_s, key, &is_ipv4);
    bool ok = !strcmp(got, want) && is_ipv4 == want_ipv4;
    if (!ok) {
        ofg_test_fail("%s with %s: expected %s (%s), got %s (%s)", key,
                      prefix_s, want, want_ipv4 ? "ipv4" : "name", got,
                      is_ipv4 ? "ipv4" : "name");
    }
    free(got);
    return ok;
}

static bool
prefix_error(const char *s, const char *want)
{
    struct ofg_mac_prefix p;
    char *error = ofg_mac_prefix_parse(s, &p);
    bool ok = error && strstr(error, want);
    if (!ok) {
        ofg_test_fail("prefix \"%s\": expected an error with \"%s\", got %s",
                      s, want, error ? error : "none");
    }
    free(error);
    return ok;
}

static void
test_mac_ipv4(void)
{
    /* The address is readable in the MAC. */
    gen_is("02:00", "10.10.20.10", "02:00:0a:0a:14:0a", true);
    /* LXC writes addresses with their prefix length. */
    gen_is("02:00", "10.10.20.10/24", "02:00:0a:0a:14:0a", true);
    gen_is("02:00", "192.0.2.255/32", "02:00:c0:00:02:ff", true);
    /* A longer prefix keeps the address's last octets. */
    gen_is("06:aa:bb", "10.10.20.10", "06:aa:bb:0a:14:0a", true);
    gen_is("0a", "10.10.20.10", "0a:00:0a:0a:14:0a", true);
    gen_is("fe:01:02:03:04", "10.10.20.10", "fe:01:02:03:04:0a", true);
    ofg_test_finish("gen-mac: IPv4 address in the MAC");
}

static void
test_mac_name(void)
{
    /* FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c. */
    gen_is("02:00", "a", "02:00:86:01:ec:8c", false);
    gen_is("02", "a", "02:4c:86:01:ec:8c", false);
    /* Stable, and different names differ. */
    char *a = gen("02:00", "web1", NULL);
    char *b = gen("02:00", "web1", NULL);
    char *c = gen("02:00", "web2", NULL);
    CHECK(!strcmp(a, b));
    CHECK(strcmp(a, c));
    CHECK(!strncmp(a, "02:00:", 6));
    free(a);
    free(b);
    free(c);
    /* Not an address: a name. */
    gen_is("02:00", "10.0.0.256", "02:00:1a:3f:21:3f", false);
    gen_is("02:00", "10.0.0.1/33", "02:00:fe:33:26:34", false);
    ofg_test_finish("gen-mac: a name's hash in the MAC");
}

static void
test_mac_prefix(void)
{
    struct ofg_mac_prefix p = prefix(OFG_MAC_DEFAULT_PREFIX);
    CHECK(p.n == 2 && p.octets[0] == 2 && p.octets[1] == 0);
    p = prefix("fE:00:01");
    CHECK(p.n == 3 && p.octets[0] == 0xfe && p.octets[2] == 1);
    prefix_error("03:00", "multicast");
    prefix_error("00:16:3e", "universally administered");
    prefix_error("", "1 to 5 octets");
    prefix_error("2:00", "1 to 5 octets");
    prefix_error("02:00:00:00:00:00", "1 to 5 octets");
    prefix_error("02-00", "two hex digits");
    prefix_error("0g:00", "two hex digits");
    ofg_test_finish("gen-mac: prefixes locally administered and unicast");
}

static void
test_mac_taken(void)
{
    struct ofg_mac_prefix p = prefix("02:00");
    struct eth_addr taken[2], mac;
    const char *names[2] = { "containers.web1", "networks.web gateway_mac" };
    CHECK(ofg_mac_parse("02:00:0a:0a:14:0a", &taken[0]));
    CHECK(ofg_mac_parse("02:00:0a:0a:14:01", &taken[1]));

    char *error = ofg_mac_generate(&p, "10.10.20.10", taken, names, 2, &mac,
                                   NULL);
    CHECK(error && strstr(error, "02:00:0a:0a:14:0a (from the IPv4 address "
                          "\"10.10.20.10\") is already the MAC of "
                          "containers.web1"));
    free(error);
    error = ofg_mac_generate(&p, "10.10.20.1", taken, names, 2, &mac, NULL);
    CHECK(error && strstr(error, "networks.web gateway_mac"));
    free(error);
    error = ofg_mac_generate(&p, "10.10.20.1", taken, NULL, 2, &mac, NULL);
    CHECK(error && strstr(error, "another container"));
    free(error);
    error = ofg_mac_generate(&p, "10.10.20.11", taken, names, 2, &mac, NULL);
    CHECK(!error);
    free(error);
    error = ofg_mac_generate(&p, "", taken, names, 2, &mac, NULL);
    CHECK(error && strstr(error, "empty"));
    free(error);
    ofg_test_finish("gen-mac: a MAC in use is refused");
}

int
main(void)
{
    test_mac_ipv4();
    test_mac_name();
    test_mac_prefix();
    test_mac_taken();
    return ofg_test_summary();
}
