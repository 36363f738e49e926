/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Unit tests for controller/ofg-import.c ("ofguard --import-lxc").
 * tests/hooks.test runs the command on files. */

#include <config.h>

#include <stdlib.h>
#include <string.h>
#include "config/ofg-config.h"
#include "controller/ofg-import.h"
#include "controller/ofg-mac.h"
#include "openvswitch/dynamic-string.h"
#include "tests/ofg-test.h"
#include "util.h"

/* A config as lxc-create writes it (LXC 5), with a second interface that
 * has a fixed host-side name. */
static const char web1[] =
    "# Template used to create this container: /usr/share/lxc/templates/lxc-busybox\n"
    "# ofguard.network = web\n"
    "# ofguard.net.1.network = db\n"
    "lxc.net.0.type = veth\n"
    "lxc.net.0.link = br0\n"
    "lxc.net.0.flags = up\n"
    "lxc.net.0.hwaddr = 00:16:3e:28:73:b3\n"
    "lxc.net.0.ipv4.address = 10.10.20.10/24\n"
    "lxc.net.0.ipv4.address = 10.10.20.11/24 10.10.20.255\n"
    "lxc.net.0.ipv4.gateway = 10.10.20.1\n"
    "lxc.net.0.ipv6.address = fd00:20::10/64\n"
    "lxc.net.1.type = veth\n"
    "lxc.net.1.veth.pair = vethdb1\n"
    "   lxc.net.1.hwaddr=00:16:3e:28:73:b4   \n"
    "lxc.net.1.ipv4.address = 10.10.30.10/24\n"
    "lxc.rootfs.path = dir:/var/lib/lxc/web1/rootfs\n";

/* The seed slides' pre-3.0 format: "type" starts each interface. */
static const char old[] =
    "lxc.utsname = vm1\n"
    "lxc.network.type = veth\n"
    "lxc.network.veth.pair = vethc3070\n"
    "lxc.network.flags = up\n"
    "lxc.network.name = eth0\n"
    "lxc.network.ipv4 = 10.10.20.12/24\n"
    "lxc.network.ipv4.gateway = 10.10.20.1\n"
    "lxc.network.hwaddr = 00:16:3e:28:73:c3\n"
    "lxc.network.type = veth\n"
    "lxc.network.ipv4 = 10.10.20.13/24\n"
    "lxc.network.hwaddr = 00:16:3e:28:73:c4\n";

/* Interfaces that cannot be imported. */
static const char bad[] =
    "lxc.net.0.type = veth\n"
    "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n"
    "lxc.net.0.ipv4.address = 10.10.20.20/24\n"
    "lxc.net.1.type = veth\n"
    "lxc.net.1.ipv4.address = 10.10.20.21/24\n"
    "lxc.net.2.type = veth\n"
    "lxc.net.2.hwaddr = 00:16:3e:00:00:22\n"
    "lxc.net.3.type = macvlan\n"
    "lxc.net.3.hwaddr = 00:16:3e:00:00:23\n"
    "lxc.net.3.ipv4.address = 10.10.20.23/24\n";

static const char none[] = "lxc.net.0.type = empty\n";
static const char nonet[] =
    "lxc.net.0.type = veth\n"
    "lxc.net.0.hwaddr = 00:16:3e:00:00:31\n"
    "lxc.net.0.ipv4.address = 10.10.20.31/24\n";

static char *
import(const struct ofg_import_lxc_input *in, size_t n, const char *dflt,
       struct ds *notes, size_t *n_entries)
{
    struct ofg_mac_prefix prefix;
    char *error = ofg_mac_prefix_parse("02:00", &prefix);
    CHECK(!error);
    free(error);
    return ofg_import_lxc(in, n, dflt, &prefix, notes, n_entries);
}

/* The JSON is a valid ofguard configuration once networks are added. */
static bool
valid_with_networks(const char *json, size_t want)
{
    const char *body = strchr(json, '{') + 1;
    char *text = xasprintf(
        "{\"networks\": {\"web\": {\"subnet\": \"10.10.20.0/24\", "
        "\"gateway\": \"10.10.20.1\", \"subnet6\": \"fd00:20::/64\", "
        "\"gateway6\": \"fd00:20::1\"}, \"db\": {\"subnet\": "
        "\"10.10.30.0/24\", \"gateway\": \"10.10.30.1\"}},%s", body);
    struct ofg_config *cfg;
    char *error = ofg_config_parse("import.json", text, &cfg);
    bool ok = !error && cfg->n_containers == want;
    if (error) {
        ofg_test_fail("not valid: %s\n%s", error, text);
    }
    free(error);
    free(text);
    if (cfg) {
        ofg_config_destroy(cfg);
    }
    return ok;
}

static void
test_import_new(void)
{
    struct ofg_import_lxc_input in[] = {{ "web1", "web1/config", web1 }};
    struct ds notes = DS_EMPTY_INITIALIZER;
    size_t n;
    char *json = import(in, 1, NULL, &notes, &n);
    CHECK(n == 2);
    CHECK(!strcmp(json,
        "{\n  \"containers\": {\n"
        "    \"lxc-web1-0\": {\"iface_id\": \"lxc-web1-0\", "
        "\"network\": \"web\", \"mac\": \"00:16:3e:28:73:b3\", "
        "\"ipv4\": [\"10.10.20.10\", \"10.10.20.11\"], "
        "\"ipv6\": [\"fd00:20::10\"]},\n"
        "    \"lxc-web1-1\": {\"port\": \"vethdb1\", \"network\": \"db\", "
        "\"mac\": \"00:16:3e:28:73:b4\", \"ipv4\": [\"10.10.30.10\"]}\n"
        "  }\n}\n"));
    CHECK(!notes.length);
    CHECK(valid_with_networks(json, 2));
    free(json);
    ds_destroy(&notes);
    ofg_test_finish("import-lxc: lxc.net.N keys, comments for networks");
}

static void
test_import_old(void)
{
    struct ofg_import_lxc_input in[] = {{ "vm1", "vm1/config", old }};
    struct ds notes = DS_EMPTY_INITIALIZER;
    size_t n;
    char *json = import(in, 1, "web", &notes, &n);
    CHECK(n == 2);
    CHECK(strstr(json, "\"lxc-vm1-0\": {\"port\": \"vethc3070\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:28:73:c3\", "
                 "\"ipv4\": [\"10.10.20.12\"]}"));
    CHECK(strstr(json, "\"lxc-vm1-1\": {\"iface_id\": \"lxc-vm1-1\", "
                 "\"network\": \"web\", \"mac\": \"00:16:3e:28:73:c4\", "
                 "\"ipv4\": [\"10.10.20.13\"]}"));
    CHECK(valid_with_networks(json, 2));
    free(json);
    ds_destroy(&notes);
    ofg_test_finish("import-lxc: the old lxc.network keys");
}

static void
test_import_skipped(void)
{
    struct ofg_import_lxc_input in[] = {
        { "bad", "bad/config", bad },
        { "none", "none/config", none },
        { "nonet", "nonet/config", nonet },
    };
    struct ds notes = DS_EMPTY_INITIALIZER;
    size_t n;
    char *json = import(in, ARRAY_SIZE(in), NULL, &notes, &n);
    const char *s = ds_cstr(&notes);
    CHECK(n == 0);
    CHECK(!strcmp(json, "{\n  \"containers\": {}\n}\n"));
    CHECK(strstr(s, "bad: net 0: no network"));
    ds_destroy(&notes);
    free(json);

    ds_init(&notes);
    json = import(in, ARRAY_SIZE(in), "web", &notes, &n);
    s = ds_cstr(&notes);
    CHECK(n == 1);
    CHECK(strstr(s, "bad: net 0: a MAC template (lxc.net.N.hwaddr with "
                 "'x'), random at each start; skipped (suggested: "
                 "lxc.net.0.hwaddr = 02:00:0a:0a:14:14)\n"));
    CHECK(strstr(s, "bad: net 1: no fixed MAC (lxc.net.N.hwaddr); skipped "
                 "(suggested: lxc.net.1.hwaddr = 02:00:0a:0a:14:15)\n"));
    CHECK(strstr(s, "bad: net 2: no address"));
    CHECK(strstr(s, "bad: net 3: not a veth interface; skipped\n"));
    CHECK(strstr(s, "none: net 0: not a veth interface"));
    CHECK(strstr(json, "\"lxc-nonet-0\""));
    free(json);
    ds_destroy(&notes);
    ofg_test_finish("import-lxc: interfaces left out, and why");
}

int
main(void)
{
    test_import_new();
    test_import_old();
    test_import_skipped();
    return ofg_test_summary();
}
