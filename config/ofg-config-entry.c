/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-entry.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-addr.h"
#include "config/ofg-config-check.h"
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-meta.h"
#include "config/ofg-config-schema.h"
#include "config/ofg-config.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "simap.h"
#include "sort.h"
#include "util.h"

/* Port names longer than this are certainly mistakes. */
#define OFG_MAX_PORT_NAME_LEN 63

static void parse_families(struct ofg_ctx *, const char *path, json_t *,
                           struct ofg_network *, struct ofg_net_meta *);
static bool check_subnet_gateway(struct ofg_ctx *, int af,
                                 const json_t *subnet,
                                 const char *subnet_path,
                                 const json_t *gateway,
                                 const char *gateway_path,
                                 struct ofg_prefix *subnetp,
                                 struct ofg_prefix *gatewayp);
static void parse_operator_cookies(struct ofg_ctx *, const char *path,
                                   json_t *, struct ofg_switch *);
static void parse_trusted_ports(struct ofg_ctx *, const char *path,
                                json_t *ports, struct ofg_switch *);
static void parse_container_selector(struct ofg_ctx *, const char *path,
                                     json_t *, struct ofg_container *,
                                     struct ofg_container_meta *);
static bool parse_external_ids(struct ofg_ctx *, const char *path, json_t *,
                               struct ofg_container *);
static bool check_external_id(struct ofg_ctx *, const char *path,
                              const char *key, const char *value);
static void add_external_id(struct ofg_container *, const char *key,
                            const char *value);
static void parse_container_network(struct ofg_ctx *, const char *path,
                                    json_t *, const struct ofg_config *,
                                    struct ofg_container *);
static void parse_addr_list(struct ofg_ctx *, const char *cpath, json_t *cj,
                            int af, const struct ofg_config *,
                            const struct ofg_net_meta *net_metas,
                            const struct ofg_gateways *,
                            struct ofg_container *,
                            struct ofg_container_meta *);
static bool check_addr_use(struct ofg_ctx *, const char *path, const char *s,
                           const struct ofg_prefix *, size_t index,
                           const struct ofg_gateways *,
                           const struct ofg_network *own);
/* One valid entry of a container's address list. */
struct list_addr {
    struct ofg_prefix p;
    int idx;                    /* In the JSON list. */
    int above, below;           /* Least list index of the entries that
                                 * contain it, and that it contains. */
    int first;                  /* The first earlier entry it overlaps,
                                 * or -1. */
    size_t first_k;             /* Where that entry is in the array. */
};

/* Entries of an address list and their order, for sort(). */
struct list_order {
    size_t *order;
    struct list_addr *addrs;
};

static void find_list_overlaps(struct list_addr *, size_t n);
static size_t find_list_index(const struct list_addr *, size_t n, int idx);
static int compare_list_addrs(size_t a, size_t b, void *list_order);
static void swap_list_order(size_t a, size_t b, void *list_order);
static const char *reserved_addr(const struct ofg_prefix *subnet,
                                 const struct ofg_prefix *host);
static bool check_ip(struct ofg_ctx *, const char *path, const char *s,
                     int af, bool allow_plen, bool special,
                     struct ofg_prefix *);
static bool check_mac(struct ofg_ctx *, const char *path, const char *s,
                      struct eth_addr *);
static bool check_port_name(struct ofg_ctx *, const char *path,
                            const char *s);
static bool parse_cookie(struct ofg_ctx *, const char *path, json_t *,
                         uint64_t *cookie);
static bool parse_hex(const char *s, uint64_t max, uint64_t *value);

/* Validates network 'name' (value 'j') into 'net' and 'meta'. */
void
ofg_entry_parse_network(struct ofg_ctx *ctx, const char *name, json_t *j,
                        struct ofg_network *net, struct ofg_net_meta *meta)
{
    static const char *const keys[] = {
        "subnet", "gateway", "gateway_mac", "subnet6", "gateway6", "cookie",
        NULL
    };

    net->name = xstrdup(name);
    meta->path = ofg_path_member("networks", name);
    ofg_schema_check_name(ctx, meta->path, name);

    const char *path = meta->path;
    if (!ofg_schema_check_kind(ctx, path, j, OFG_KIND_OBJECT)) {
        return;
    }
    ofg_schema_check_keys(ctx, path, j, keys);

    char *subnet_path, *gw_path, *subnet6_path, *gw6_path, *mac_path;
    json_t *subnet = ofg_schema_get_member(ctx, path, j, "subnet",
                                           OFG_KIND_STRING, false,
                                           &subnet_path);
    json_t *gw = ofg_schema_get_member(ctx, path, j, "gateway",
                                       OFG_KIND_STRING, false, &gw_path);
    json_t *subnet6 = ofg_schema_get_member(ctx, path, j, "subnet6",
                                            OFG_KIND_STRING, false,
                                            &subnet6_path);
    json_t *gw6 = ofg_schema_get_member(ctx, path, j, "gateway6",
                                        OFG_KIND_STRING, false, &gw6_path);
    json_t *mac = ofg_schema_get_member(ctx, path, j, "gateway_mac",
                                        OFG_KIND_STRING, false, &mac_path);

    parse_families(ctx, path, j, net, meta);

    struct ofg_prefix sp, gp;
    meta->ipv4_ok = check_subnet_gateway(ctx, AF_INET, subnet, subnet_path,
                                         gw, gw_path, &sp, &gp);
    if (meta->ipv4_ok) {
        net->subnet = ofg_prefix_to_ipv4(&sp);
        net->gateway = ofg_prefix_to_ipv4(&gp).addr;
    }
    meta->ipv6_ok = check_subnet_gateway(ctx, AF_INET6, subnet6,
                                         subnet6_path, gw6, gw6_path,
                                         &sp, &gp);
    if (meta->ipv6_ok) {
        net->subnet6 = ofg_prefix_to_ipv6(&sp);
        net->gateway6 = gp.addr;
    }

    if (mac) {
        net->has_gateway_mac = check_mac(ctx, mac_path,
                                         json_string_value(mac),
                                         &net->gateway_mac);
    }

    char *cookie_path;
    json_t *cookie = ofg_schema_get_member(ctx, path, j, "cookie",
                                           OFG_KIND_ANY, false, &cookie_path);
    if (cookie) {
        meta->cookie_explicit = true;
        meta->cookie_ok = parse_cookie(ctx, cookie_path, cookie,
                                       &net->cookie);
    } else {
        net->cookie = ofg_config_derive_network_cookie(net->name);
        meta->cookie_ok = true;
    }

    free(subnet_path);
    free(gw_path);
    free(subnet6_path);
    free(gw6_path);
    free(mac_path);
    free(cookie_path);
}

/* Validates switch 'name' (value 'j') into 'sw' and 'meta'. */
void
ofg_entry_parse_switch(struct ofg_ctx *ctx, const char *name, json_t *j,
                       struct ofg_switch *sw, struct ofg_switch_meta *meta)
{
    static const char *const keys[] = {
        "datapath_id", "trusted_ports", "operator_cookies", "ovsdb", NULL
    };

    sw->name = xstrdup(name);
    meta->path = ofg_path_member("switches", name);
    ofg_schema_check_name(ctx, meta->path, name);

    const char *path = meta->path;
    if (!ofg_schema_check_kind(ctx, path, j, OFG_KIND_OBJECT)) {
        return;
    }
    ofg_schema_check_keys(ctx, path, j, keys);

    char *dpid_path;
    json_t *dpid = ofg_schema_get_member(ctx, path, j, "datapath_id",
                                         OFG_KIND_STRING, true, &dpid_path);
    if (dpid) {
        /* As "ovs-ofctl show" prints it, with or without "0x". */
        const char *s = json_string_value(dpid);
        const char *digits = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
                              ? s + 2 : s);
        meta->dpid_ok = (strlen(digits) <= 16
                         && parse_hex(digits, UINT64_MAX, &sw->datapath_id));
        if (!meta->dpid_ok) {
            char *q = ofg_ctx_quote(s);
            ofg_ctx_error(ctx, dpid_path, false, "%s is not a datapath ID "
                          "(up to 16 hexadecimal digits, as \"ovs-ofctl "
                          "show\" prints it)", q);
            free(q);
        }
    }
    free(dpid_path);

    char *ovsdb_path;
    json_t *ovsdb = ofg_schema_get_member(ctx, path, j, "ovsdb",
                                          OFG_KIND_STRING, false, &ovsdb_path);
    if (ovsdb) {
        const char *remote = json_string_value(ovsdb);
        if (strncmp(remote, "tcp:", 4) && strncmp(remote, "ssl:", 4)
            && strncmp(remote, "unix:", 5)) {
            char *q = ofg_ctx_quote(remote);
            ofg_ctx_error(ctx, ovsdb_path, false, "%s is not an OVSDB remote "
                          "(tcp:IP[:PORT], ssl:IP[:PORT] or unix:FILE)", q);
            free(q);
        } else {
            sw->ovsdb = xstrdup(remote);
        }
    }
    free(ovsdb_path);

    char *ports_path;
    json_t *ports = ofg_schema_get_member(ctx, path, j, "trusted_ports",
                                          OFG_KIND_ARRAY, false, &ports_path);
    if (ports) {
        parse_trusted_ports(ctx, ports_path, ports, sw);
    } else if (!json_object_get(j, "trusted_ports")) {
        sw->trusted_ports = xmalloc(sizeof *sw->trusted_ports);
        sw->trusted_ports[0] = xstrdup("LOCAL");
        sw->n_trusted_ports = 1;
    }
    free(ports_path);

    char *cookies_path;
    json_t *cookies = ofg_schema_get_member(ctx, path, j, "operator_cookies",
                                            OFG_KIND_ARRAY, false,
                                            &cookies_path);
    if (cookies) {
        parse_operator_cookies(ctx, cookies_path, cookies, sw);
    }
    free(cookies_path);
}

/* Validates container 'name' (value 'j') into 'c' and 'meta'.  'config'
 * holds the networks and switches already validated, 'net_metas' what was
 * learned about each network, and 'gateways' their valid gateways. */
void
ofg_entry_parse_container(struct ofg_ctx *ctx, const char *name, json_t *j,
                          const struct ofg_config *config,
                          const struct ofg_net_meta *net_metas,
                          const struct ofg_gateways *gateways,
                          struct ofg_container *c,
                          struct ofg_container_meta *meta)
{
    static const char *const keys[] = {
        "switch", "port", "iface_id", "external_ids", "network", "mac",
        "ipv4", "ipv6", "allow_dhcp", "allow_multicast", "cookie", NULL
    };

    c->name = xstrdup(name);
    meta->path = ofg_path_member("containers", name);
    const struct ofg_pos *pos = ofg_ctx_find_pos(ctx, meta->path);
    if (pos) {
        meta->pos = *pos;
    }
    ofg_schema_check_name(ctx, meta->path, name);

    const char *path = meta->path;
    if (!ofg_schema_check_kind(ctx, path, j, OFG_KIND_OBJECT)) {
        return;
    }
    ofg_schema_check_keys(ctx, path, j, keys);

    char *mpath;
    json_t *v;

    meta->switch_ok = true;
    v = ofg_schema_get_member(ctx, path, j, "switch", OFG_KIND_STRING, false,
                              &mpath);
    if (v) {
        c->switch_name = xstrdup(json_string_value(v));
        c->sw = ofg_config_find_switch(config, c->switch_name);
        if (!c->sw) {
            char *q = ofg_ctx_quote(c->switch_name);
            ofg_ctx_error(ctx, mpath, false, "no switch named %s in "
                          "\"switches\"", q);
            free(q);
            meta->switch_ok = false;
        }
    } else if (json_object_get(j, "switch")) {
        meta->switch_ok = false;
    }
    free(mpath);

    parse_container_selector(ctx, path, j, c, meta);

    parse_container_network(ctx, path, j, config, c);

    v = ofg_schema_get_member(ctx, path, j, "mac", OFG_KIND_STRING, true,
                              &mpath);
    if (v) {
        meta->mac_ok = check_mac(ctx, mpath, json_string_value(v), &c->mac);
    }
    free(mpath);

    parse_addr_list(ctx, path, j, AF_INET, config, net_metas, gateways, c,
                    meta);
    parse_addr_list(ctx, path, j, AF_INET6, config, net_metas, gateways, c,
                    meta);

    v = ofg_schema_get_member(ctx, path, j, "allow_dhcp", OFG_KIND_BOOLEAN,
                              false, NULL);
    c->allow_dhcp = v && json_is_true(v);
    v = ofg_schema_get_member(ctx, path, j, "allow_multicast",
                              OFG_KIND_BOOLEAN, false, NULL);
    c->allow_multicast = v && json_is_true(v);

    v = ofg_schema_get_member(ctx, path, j, "cookie", OFG_KIND_ANY, false,
                              &mpath);
    if (v) {
        meta->cookie_explicit = true;
        meta->cookie_ok = parse_cookie(ctx, mpath, v, &c->cookie);
    } else {
        c->cookie = ofg_config_derive_cookie(c->name);
        meta->cookie_ok = true;
    }
    free(mpath);
}

/* Parses what selects container 'j''s (at 'path') port: its "port" name,
 * or its interface's identity in the switch's OVSDB, "iface_id" (short for
 * "external_ids": {"iface-id": ...}) or "external_ids".  Exactly one. */
static void
parse_container_selector(struct ofg_ctx *ctx, const char *path, json_t *j,
                         struct ofg_container *c,
                         struct ofg_container_meta *meta)
{
    static const char *const selectors[] = {
        "port", "iface_id", "external_ids"
    };
    const char *first = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(selectors); i++) {
        if (!json_object_get(j, selectors[i])) {
            continue;
        } else if (first) {
            char *spath = ofg_path_member(path, selectors[i]);
            ofg_ctx_error(ctx, spath, true, "\"%s\" and \"%s\" both select "
                          "the container's port; give one", first,
                          selectors[i]);
            free(spath);
            return;
        }
        first = selectors[i];
    }
    if (!first) {
        ofg_ctx_error(ctx, path, false, "missing required key \"port\" "
                      "(or \"iface_id\" or \"external_ids\", the "
                      "interface's identity in OVSDB)");
        return;
    }

    char *mpath;
    json_t *v = ofg_schema_get_member(ctx, path, j, first,
                                      (strcmp(first, "external_ids")
                                       ? OFG_KIND_STRING : OFG_KIND_OBJECT),
                                      true, &mpath);
    if (!v) {
        /* Reported. */
    } else if (!strcmp(first, "port")) {
        c->port = xstrdup(json_string_value(v));
        meta->port_ok = check_port_name(ctx, mpath, c->port);
    } else if (!strcmp(first, "iface_id")) {
        const char *id = json_string_value(v);
        if (check_external_id(ctx, mpath, "iface-id", id)) {
            add_external_id(c, "iface-id", id);
            meta->ids_ok = true;
        }
    } else {
        meta->ids_ok = parse_external_ids(ctx, mpath, v, c);
    }
    free(mpath);
}

/* Parses the "external_ids" object 'j' at 'path' into 'c': at least one
 * pair, each value a string. */
static bool
parse_external_ids(struct ofg_ctx *ctx, const char *path, json_t *j,
                   struct ofg_container *c)
{
    const char **keys = ofg_schema_sorted_keys(j);
    size_t n = json_object_size(j);
    bool ok = n > 0;
    if (!n) {
        ofg_ctx_error(ctx, path, false, "must not be empty: name the "
                      "interface's external_ids to match, e.g. "
                      "{\"container_id\": ..., \"container_iface\": ...}");
    }
    for (size_t i = 0; i < n; i++) {
        char *kpath = ofg_path_member(path, keys[i]);
        json_t *v = json_object_get(j, keys[i]);
        if (ofg_schema_check_kind(ctx, kpath, v, OFG_KIND_STRING)
            && check_external_id(ctx, kpath, keys[i], json_string_value(v))) {
            add_external_id(c, keys[i], json_string_value(v));
        } else {
            ok = false;
        }
        free(kpath);
    }
    free(keys);
    return ok;
}

/* Adds a pair to 'c''s external_ids, which must come sorted by key. */
static void
add_external_id(struct ofg_container *c, const char *key, const char *value)
{
    c->ids = xrealloc(c->ids, (c->n_ids + 1) * sizeof *c->ids);
    c->ids[c->n_ids].key = xstrdup(key);
    c->ids[c->n_ids].value = xstrdup(value);
    c->n_ids++;
}

/* Checks one external_ids pair that selects an interface. */
static bool
check_external_id(struct ofg_ctx *ctx, const char *path, const char *key,
                  const char *value)
{
    if (!*key || !*value) {
        ofg_ctx_error(ctx, path, false, "%s must not be empty",
                      *key ? "the value" : "the key");
        return false;
    } else if (!strcmp(key, "attached-mac")) {
        ofg_ctx_error(ctx, path, false, "attached-mac does not select an "
                      "interface: ofguard checks it against \"mac\"");
        return false;
    }
    return true;
}

/* Networks. */

/* Decides which address families network 'j' (at 'path') has from its keys
 * alone, so that a typo in a value does not also produce a flood of errors
 * about the containers, and reports a subnet without its gateway (or the
 * reverse) and a network with neither family. */
static void
parse_families(struct ofg_ctx *ctx, const char *path, json_t *j,
               struct ofg_network *net, struct ofg_net_meta *meta)
{
    bool has_subnet = json_object_get(j, "subnet") != NULL;
    bool has_gw = json_object_get(j, "gateway") != NULL;
    bool has_subnet6 = json_object_get(j, "subnet6") != NULL;
    bool has_gw6 = json_object_get(j, "gateway6") != NULL;
    meta->want_ipv4 = has_subnet || has_gw;
    meta->want_ipv6 = has_subnet6 || has_gw6;
    net->has_ipv4 = meta->want_ipv4;
    net->has_ipv6 = meta->want_ipv6;

    if (has_subnet != has_gw) {
        ofg_ctx_error(ctx, path, false, "\"%s\" requires \"%s\"",
                      has_subnet ? "subnet" : "gateway",
                      has_subnet ? "gateway" : "subnet");
    }
    if (has_subnet6 != has_gw6) {
        ofg_ctx_error(ctx, path, false, "\"%s\" requires \"%s\"",
                      has_subnet6 ? "subnet6" : "gateway6",
                      has_subnet6 ? "gateway6" : "subnet6");
    }
    if (!meta->want_ipv4 && !meta->want_ipv6) {
        ofg_ctx_error(ctx, path, false, "needs \"subnet\" and \"gateway\" "
                      "(IPv4), \"subnet6\" and \"gateway6\" (IPv6), or both");
    }
}

/* Checks a network's "subnet" and "gateway" (for 'af' AF_INET) or "subnet6"
 * and "gateway6" (AF_INET6): 'subnet' at 'subnet_path' and 'gateway' at
 * 'gateway_path', each NULL if missing or not a string.  Returns true, with
 * the two in '*subnetp' and '*gatewayp', if both are present and valid and
 * the gateway is a host of the subnet. */
static bool
check_subnet_gateway(struct ofg_ctx *ctx, int af,
                     const json_t *subnet, const char *subnet_path,
                     const json_t *gateway, const char *gateway_path,
                     struct ofg_prefix *subnetp, struct ofg_prefix *gatewayp)
{
    bool subnet_ok = subnet && check_ip(ctx, subnet_path,
                                        json_string_value(subnet), af, true,
                                        false, subnetp);
    bool gateway_ok = gateway && check_ip(ctx, gateway_path,
                                          json_string_value(gateway), af,
                                          false, true, gatewayp);
    if (!subnet_ok || !gateway_ok) {
        return false;
    }

    const char *ss = json_string_value(subnet);
    const char *gs = json_string_value(gateway);
    if (!ofg_prefix_contains(subnetp, gatewayp)) {
        ofg_ctx_error(ctx, gateway_path, false, "%s is outside %s %s", gs,
                      af == AF_INET ? "subnet" : "subnet6", ss);
        return false;
    }

    /* An IPv6 gateway may well be the subnet-router anycast address: that
     * address exists for routers. */
    const char *which = af == AF_INET ? reserved_addr(subnetp, gatewayp)
                                      : NULL;
    if (which) {
        ofg_ctx_error(ctx, gateway_path, false, "%s is the %s address of "
                      "subnet %s", gs, which, ss);
        return false;
    }
    return true;
}

/* Switches. */

static int
compare_u64(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;
    return a < b ? -1 : a > b;
}

/* Parses the "operator_cookies" array 'cookies' (at 'path'), full 64-bit
 * cookies as hexadecimal strings, into 'sw', sorted.  ofguard's own cookies
 * cannot be listed: they are what it removes foreign flows by. */
static void
parse_operator_cookies(struct ofg_ctx *ctx, const char *path, json_t *cookies,
                       struct ofg_switch *sw)
{
    size_t n = json_array_size(cookies);
    sw->operator_cookies = xmalloc((n ? n : 1)
                                   * sizeof *sw->operator_cookies);
    for (size_t i = 0; i < n; i++) {
        char *cpath = ofg_path_index(path, i);
        json_t *c = json_array_get(cookies, i);
        if (!ofg_schema_check_kind(ctx, cpath, c, OFG_KIND_STRING)) {
            free(cpath);
            continue;
        }
        const char *s = json_string_value(c);
        const char *digits = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
                              ? s + 2 : s);
        uint64_t value;
        char *q = ofg_ctx_quote(s);
        if (strlen(digits) > 16 || !parse_hex(digits, UINT64_MAX, &value)) {
            ofg_ctx_error(ctx, cpath, false, "%s is not a cookie (up to 16 "
                          "hexadecimal digits, as \"ovs-ofctl dump-flows\" "
                          "prints it)", q);
        } else if ((value & OFG_COOKIE_TAG_MASK) == OFG_COOKIE_TAG) {
            ofg_ctx_error(ctx, cpath, false, "%s carries ofguard's own cookie "
                          "tag 0x%"PRIx64, q, OFG_COOKIE_TAG);
        } else {
            sw->operator_cookies[sw->n_operator_cookies++] = value;
        }
        free(q);
        free(cpath);
    }
    /* Duplicates are harmless: sorted, then dropped. */
    qsort(sw->operator_cookies, sw->n_operator_cookies,
          sizeof *sw->operator_cookies, compare_u64);
    size_t k = 0;
    for (size_t i = 0; i < sw->n_operator_cookies; i++) {
        if (!k || sw->operator_cookies[k - 1] != sw->operator_cookies[i]) {
            sw->operator_cookies[k++] = sw->operator_cookies[i];
        }
    }
    sw->n_operator_cookies = k;
}

/* Parses the "trusted_ports" array 'ports' (at 'path') into 'sw'.  A name
 * listed again is reported, naming its first index: a map from name to
 * index finds it in one lookup, not by comparing every pair. */
static void
parse_trusted_ports(struct ofg_ctx *ctx, const char *path, json_t *ports,
                    struct ofg_switch *sw)
{
    size_t n = json_array_size(ports);
    struct simap seen = SIMAP_INITIALIZER(&seen);
    sw->trusted_ports = xmalloc((n ? n : 1) * sizeof *sw->trusted_ports);
    for (size_t i = 0; i < n; i++) {
        char *ppath = ofg_path_index(path, i);
        json_t *p = json_array_get(ports, i);
        if (!ofg_schema_check_kind(ctx, ppath, p, OFG_KIND_STRING)
            || !check_port_name(ctx, ppath, json_string_value(p))) {
            free(ppath);
            continue;
        }

        const char *name = json_string_value(p);
        const struct simap_node *first = simap_find(&seen, name);
        if (first) {
            char *qn = ofg_ctx_quote(name);
            ofg_ctx_error(ctx, ppath, false, "%s is already listed as "
                          "trusted_ports[%u]", qn, first->data);
            free(qn);
        } else {
            simap_put(&seen, name, i);
            sw->trusted_ports[sw->n_trusted_ports++] = xstrdup(name);
        }
        free(ppath);
    }
    simap_destroy(&seen);
}

/* Containers. */

/* Parses the required "network" of container 'j' (at 'path') into
 * 'c->network', which stays NULL if there is no such network. */
static void
parse_container_network(struct ofg_ctx *ctx, const char *path, json_t *j,
                        const struct ofg_config *config,
                        struct ofg_container *c)
{
    char *mpath;
    json_t *v = ofg_schema_get_member(ctx, path, j, "network",
                                      OFG_KIND_STRING, true, &mpath);
    if (v) {
        const char *name = json_string_value(v);
        c->network = ofg_config_find_network(config, name);
        if (!c->network) {
            char *q = ofg_ctx_quote(name);
            ofg_ctx_error(ctx, mpath, false, "no network named %s in "
                          "\"networks\"", q);
            free(q);
        }
    }
    free(mpath);
}

/* Parses the "ipv4" list (for 'af' AF_INET) or the "ipv6" list (AF_INET6)
 * of container 'cj' (at 'cpath') into 'c' and 'meta'.  The list is required
 * if the container's network has that family (for "ipv6", only if it has no
 * IPv4), and not allowed if it does not; with no network known, anything
 * goes. */
static void
parse_addr_list(struct ofg_ctx *ctx, const char *cpath, json_t *cj, int af,
                const struct ofg_config *config,
                const struct ofg_net_meta *net_metas,
                const struct ofg_gateways *gateways,
                struct ofg_container *c, struct ofg_container_meta *meta)
{
    bool is_ipv4 = af == AF_INET;
    const char *key = is_ipv4 ? "ipv4" : "ipv6";
    const struct ofg_network *net = c->network;
    const struct ofg_net_meta *nm = (net ? &net_metas[net - config->networks]
                                     : NULL);
    bool wanted = net && (is_ipv4 ? nm->want_ipv4 : nm->want_ipv6);
    bool required = wanted && (is_ipv4 || !nm->want_ipv4);

    char *path;
    json_t *list = ofg_schema_get_member(ctx, cpath, cj, key, OFG_KIND_ARRAY,
                                         required, &path);
    size_t n = list ? json_array_size(list) : 0;
    if (!n) {
        if (list && required) {
            ofg_ctx_error(ctx, path, false, "must not be empty: network %s "
                          "has an %s subnet", net->name,
                          is_ipv4 ? "IPv4" : "IPv6");
        }
        free(path);
        return;
    }
    if (net && !wanted) {
        ofg_ctx_error(ctx, path, false, "network %s has no %s subnet",
                      net->name, is_ipv4 ? "IPv4" : "IPv6");
    }

    /* The network whose subnet the addresses must respect, if its subnet of
     * this family is valid. */
    const struct ofg_network *own = (wanted && ofg_net_meta_ok(nm, is_ipv4)
                                     ? net : NULL);
    struct list_addr *valid = xmalloc(n * sizeof *valid);
    size_t n_valid = 0;
    for (size_t i = 0; i < n; i++) {
        char *epath = ofg_path_index(path, i);
        json_t *e = json_array_get(list, i);
        const char *s = json_is_string(e) ? json_string_value(e) : NULL;
        struct ofg_prefix p;
        if (ofg_schema_check_kind(ctx, epath, e, OFG_KIND_STRING)
            && check_ip(ctx, epath, s, af, true, true, &p)
            && check_addr_use(ctx, epath, s, &p, i, gateways, own)) {
            valid[n_valid++] = (struct list_addr) { .p = p, .idx = i };
        }
        free(epath);
    }

    /* Keep the valid entries that overlap no earlier one, in list order. */
    find_list_overlaps(valid, n_valid);
    struct ofg_prefix *addrs = xmalloc(n * sizeof *addrs);
    int *idx = xmalloc(n * sizeof *idx);
    size_t n_addrs = 0;
    for (size_t k = 0; k < n_valid; k++) {
        const struct list_addr *v = &valid[k];
        if (v->first < 0) {
            idx[n_addrs] = v->idx;
            addrs[n_addrs++] = v->p;
            continue;
        }
        const struct list_addr *o = &valid[v->first_k];
        char *epath = ofg_path_index(path, v->idx);
        ofg_ctx_error(ctx, epath, false, "%s %s %s[%d]",
                      json_string_value(json_array_get(list, v->idx)),
                      (v->p.plen == o->p.plen
                       ? "is already listed as" : "overlaps"),
                      key, v->first);
        free(epath);
    }
    free(valid);

    if (is_ipv4) {
        c->ipv4 = xmalloc(n * sizeof *c->ipv4);
        for (size_t k = 0; k < n_addrs; k++) {
            c->ipv4[k] = ofg_prefix_to_ipv4(&addrs[k]);
        }
        c->n_ipv4 = n_addrs;
        meta->ipv4_idx = idx;
    } else {
        c->ipv6 = xmalloc(n * sizeof *c->ipv6);
        for (size_t k = 0; k < n_addrs; k++) {
            c->ipv6[k] = ofg_prefix_to_ipv6(&addrs[k]);
        }
        c->n_ipv6 = n_addrs;
        meta->ipv6_idx = idx;
    }
    free(addrs);
    free(path);
}

/* Checks that the container address or prefix 'p' (the string 's', entry
 * 'index' of its list, at 'path') is one a container may own: an IPv4 list
 * starts with a single (primary) address; no IPv4 link-local address; no
 * network's gateway (found in 'gateways'); and, if 'own' (the container's
 * network, when its subnet of this family is valid) is nonnull, no address
 * its subnet reserves.  IPv6 link-local addresses were refused already
 * (they are always derived from the MAC).  Reports an error and returns
 * false otherwise. */
static bool
check_addr_use(struct ofg_ctx *ctx, const char *path, const char *s,
               const struct ofg_prefix *p, size_t index,
               const struct ofg_gateways *gateways,
               const struct ofg_network *own)
{
    bool is_host = ofg_prefix_is_host(p);
    const char *verb = is_host ? "is" : "includes";

    if (p->is_ipv4 && index == 0 && !is_host) {
        ofg_ctx_error(ctx, path, false, "%s: the first (primary) entry must "
                      "be a single address", s);
        return false;
    }

    const struct ofg_prefix link_local
        = ofg_prefix_from_ipv4(CONSTANT_HTONL(0xa9fe0000), 16);
    if (ofg_prefix_overlap(p, &link_local)) {
        /* Link-local addresses are not routed, and the gateway-only model
         * has no place for them; a host picks one itself (RFC 3927). */
        ofg_ctx_error(ctx, path, false, "%s %s %s", s, verb,
                      is_host ? "a link-local address (169.254.0.0/16)"
                      : "link-local addresses (169.254.0.0/16)");
        return false;
    }

    /* Owning any network's gateway address would let the container answer
     * for that gateway, on this switch or another. */
    const struct ofg_network *n = ofg_gateways_find(gateways, p);
    if (n) {
        struct ofg_prefix gw = ofg_network_gateway(n, p->is_ipv4);
        struct ds d = DS_EMPTY_INITIALIZER;
        ofg_prefix_format(&gw, &d);
        ofg_ctx_error(ctx, path, false, "%s %s the gateway %s of "
                      "network %s", s, verb, ds_cstr(&d), n->name);
        ds_destroy(&d);
        return false;
    }

    if (own && is_host) {
        struct ofg_prefix subnet = ofg_network_subnet(own, p->is_ipv4);
        const char *which = reserved_addr(&subnet, p);
        if (which) {
            struct ds d = DS_EMPTY_INITIALIZER;
            ofg_prefix_format(&subnet, &d);
            ofg_ctx_error(ctx, path, false, "%s is the %s address of %s %s "
                          "of network %s", s, which,
                          p->is_ipv4 ? "subnet" : "subnet6", ds_cstr(&d),
                          own->name);
            ds_destroy(&d);
            return false;
        }
    }
    return true;
}

/* Finds, for each of the 'n' entries of one address list in 'addrs' (in
 * list order), the first earlier entry it overlaps, if any.  Prefixes
 * either nest or are disjoint, so sorted by first address (wider first)
 * each entry's overlaps are the entries that contain it, open on a stack
 * when it comes, and those it contains, which come right after it: one
 * pass finds the least list index among both in O(n log n) in all, where
 * comparing every pair took O(n^2). */
static void
find_list_overlaps(struct list_addr *addrs, size_t n)
{
    size_t *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        addrs[i].first = -1;
        addrs[i].below = INT_MAX;
    }
    struct list_order lo = { .order = order, .addrs = addrs };
    sort(n, compare_list_addrs, swap_list_order, &lo);

    /* 'stack' holds the entries that contain the current one, widest
     * first; 'above[k]' is the least list index of stack[0..k]. */
    size_t *stack = xmalloc((n ? n : 1) * sizeof *stack);
    int *above = xmalloc((n ? n : 1) * sizeof *above);
    size_t depth = 0;
    for (size_t i = 0; i <= n; i++) {
        struct list_addr *a = i < n ? &addrs[order[i]] : NULL;
        while (depth
               && (!a || !ofg_prefix_contains(&addrs[stack[depth - 1]].p,
                                              &a->p))) {
            /* The entry ends: what it contains is known; pass it up. */
            struct list_addr *done = &addrs[stack[--depth]];
            if (depth) {
                struct list_addr *up = &addrs[stack[depth - 1]];
                up->below = MIN(up->below, MIN(done->idx, done->below));
            }
        }
        if (!a) {
            break;
        }
        a->above = depth ? above[depth - 1] : INT_MAX;
        above[depth] = MIN(a->above, a->idx);
        stack[depth++] = order[i];
    }

    /* List index -> entry, to name the other entry's prefix. */
    for (size_t i = 0; i < n; i++) {
        struct list_addr *a = &addrs[i];
        int first = MIN(a->above, a->below);
        if (first < a->idx) {
            a->first = first;
            a->first_k = find_list_index(addrs, i, first);
        }
    }
    free(above);
    free(stack);
    free(order);
}

/* Returns the place in 'addrs', whose first 'n' entries are in list order,
 * of the entry with list index 'idx', which is there. */
static size_t
find_list_index(const struct list_addr *addrs, size_t n, int idx)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (addrs[mid].idx <= idx) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Orders the entries of a list_order by first address, wider first, then
 * by list index. */
static int
compare_list_addrs(size_t a_, size_t b_, void *lo_)
{
    const struct list_order *lo = lo_;
    const struct list_addr *a = &lo->addrs[lo->order[a_]];
    const struct list_addr *b = &lo->addrs[lo->order[b_]];
    int cmp = memcmp(&a->p.addr, &b->p.addr, sizeof a->p.addr);
    if (cmp) {
        return cmp;
    } else if (a->p.plen != b->p.plen) {
        return a->p.plen < b->p.plen ? -1 : 1;
    }
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void
swap_list_order(size_t a, size_t b, void *lo_)
{
    struct list_order *lo = lo_;
    size_t tmp = lo->order[a];
    lo->order[a] = lo->order[b];
    lo->order[b] = tmp;
}

/* Returns which address that 'subnet' reserves the single address 'host'
 * is: "network" or "broadcast" for IPv4, "subnet-router anycast" (RFC 4291
 * 2.6.1) for IPv6; NULL if none.  Subnets of two addresses or fewer (IPv4
 * /31, RFC 3021; IPv6 /127, RFC 6164) reserve none. */
static const char *
reserved_addr(const struct ofg_prefix *subnet, const struct ofg_prefix *host)
{
    if (ofg_prefix_plen(subnet) >= (subnet->is_ipv4 ? 31 : 127)) {
        return NULL;
    }

    struct in6_addr last = ofg_prefix_last(subnet);
    if (ipv6_addr_equals(&host->addr, &subnet->addr)) {
        return subnet->is_ipv4 ? "network" : "subnet-router anycast";
    } else if (subnet->is_ipv4 && ipv6_addr_equals(&host->addr, &last)) {
        return "broadcast";
    }
    return NULL;
}

/* Values. */

/* Parses the string 's' at 'path' as an address of family 'af', or a prefix
 * if 'allow_plen', applying every check common to all uses.  'special'
 * means to reject addresses no host may have.  Reports errors and returns
 * false if 's' is not acceptable. */
static bool
check_ip(struct ofg_ctx *ctx, const char *path, const char *s, int af,
         bool allow_plen, bool special, struct ofg_prefix *p)
{
    enum ofg_addr_result r = ofg_prefix_parse(s, af, allow_plen, p);
    if (r == OFG_ADDR_MALFORMED) {
        char *q = ofg_ctx_quote(s);
        ofg_ctx_error(ctx, path, false, "%s is not an %s address%s", q,
                      af == AF_INET ? "IPv4" : "IPv6",
                      allow_plen ? " or prefix" : "");
        free(q);
        return false;
    } else if (ofg_prefix_plen(p) == 0) {
        ofg_ctx_error(ctx, path, false, "%s would allow every address", s);
        return false;
    } else if (r == OFG_ADDR_HOST_BITS) {
        struct ds d = DS_EMPTY_INITIALIZER;
        ofg_prefix_format(p, &d);
        ofg_ctx_error(ctx, path, false, "%s has host bits set (the prefix "
                      "would be %s)", s, ds_cstr(&d));
        ds_destroy(&d);
        return false;
    }

    const struct ofg_addr_special *sp = (special
                                         ? ofg_prefix_find_special(p)
                                         : NULL);
    if (sp) {
        if (ofg_prefix_is_host(p)) {
            ofg_ctx_error(ctx, path, false, "%s is %s", s, sp->one);
        } else {
            ofg_ctx_error(ctx, path, false, "%s includes %s", s, sp->many);
        }
        return false;
    }
    return true;
}

/* Parses the MAC string 's' at 'path' into '*mac', rejecting addresses that
 * cannot belong to a single host. */
static bool
check_mac(struct ofg_ctx *ctx, const char *path, const char *s,
          struct eth_addr *mac)
{
    if (!ofg_mac_parse(s, mac)) {
        char *q = ofg_ctx_quote(s);
        ofg_ctx_error(ctx, path, false, "%s is not a MAC address (expected "
                      "xx:xx:xx:xx:xx:xx)", q);
        free(q);
        return false;
    } else if (eth_addr_is_zero(*mac)) {
        ofg_ctx_error(ctx, path, false, "%s is the all-zero MAC address",
                      s);
        return false;
    } else if (eth_addr_is_multicast(*mac)) {
        ofg_ctx_error(ctx, path, false, "%s is a %s MAC address (the I/G bit "
                      "is set)", s,
                      eth_addr_is_broadcast(*mac) ? "broadcast"
                      : "multicast");
        return false;
    }
    return true;
}

/* Checks that the string at 'path' is an acceptable port name. */
static bool
check_port_name(struct ofg_ctx *ctx, const char *path, const char *s)
{
    size_t len = strlen(s);
    if (!len) {
        ofg_ctx_error(ctx, path, false, "port name must not be empty");
        return false;
    } else if (len > OFG_MAX_PORT_NAME_LEN) {
        ofg_ctx_error(ctx, path, false, "port name is longer than %d "
                      "characters", OFG_MAX_PORT_NAME_LEN);
        return false;
    }
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            char *q = ofg_ctx_quote(s);
            ofg_ctx_error(ctx, path, false, "port name %s contains control "
                          "characters", q);
            free(q);
            return false;
        }
    }
    return true;
}

/* Parses the "cookie" 'j' at 'path': an integer, or a string of hexadecimal
 * digits with an optional "0x", from 1 to OFG_COOKIE_ID_MASK. */
static bool
parse_cookie(struct ofg_ctx *ctx, const char *path, json_t *j,
             uint64_t *cookie)
{
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);
        if (v <= 0 || (uint64_t) v > OFG_COOKIE_ID_MASK) {
            ofg_ctx_error(ctx, path, false, "cookie %lld is out of range (1 "
                          "to 0x%"PRIx64")", (long long) v,
                          OFG_COOKIE_ID_MASK);
            return false;
        }
        *cookie = v;
        return true;
    } else if (!json_is_string(j)) {
        ofg_ctx_error(ctx, path, false, "must be a hexadecimal string or an "
                      "integer, not %s", ofg_schema_type_name(j));
        return false;
    }

    const char *s = json_string_value(j);
    const char *digits = s;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        digits += 2;
    }
    uint64_t value;
    if (!parse_hex(digits, OFG_COOKIE_ID_MASK, &value)) {
        char *q = ofg_ctx_quote(s);
        ofg_ctx_error(ctx, path, false, "%s is not a hexadecimal cookie "
                      "(expected \"0x...\")", q);
        free(q);
        return false;
    } else if (!value || value > OFG_COOKIE_ID_MASK) {
        ofg_ctx_error(ctx, path, false, "cookie %s is out of range (1 to "
                      "0x%"PRIx64")", s, OFG_COOKIE_ID_MASK);
        return false;
    }
    *cookie = value;
    return true;
}

/* Parses 's', one or more hexadecimal digits and nothing else, into
 * '*value'.  Stops accumulating once the value exceeds 'max', so that an
 * absurdly long string saturates rather than overflows: the caller sees a
 * value above 'max'. */
static bool
parse_hex(const char *s, uint64_t max, uint64_t *value)
{
    if (!s[0]) {
        return false;
    }
    for (const char *p = s; *p; p++) {
        if (!isxdigit((unsigned char) *p)) {
            return false;
        }
    }

    *value = 0;
    for (const char *p = s; *p && *value <= max; p++) {
        int c = (unsigned char) *p;
        *value = (*value << 4) | (isdigit(c) ? c - '0'
                                  : tolower(c) - 'a' + 10);
    }
    return true;
}
