/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* For json_loadb() and the parsed values.  None of the OVS headers below
 * includes "openvswitch/json.h", whose functions have the same names; keep
 * it that way. */
#include <jansson.h>
#include <openssl/sha.h>

#include "config/ofg-config-check.h"
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-entry.h"
#include "config/ofg-config-meta.h"
#include "config/ofg-config-schema.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

static char *parse_text(const char *file_name, const char *text, size_t len,
                        struct ofg_config **configp);
static void put_sha256(const char *text, size_t len, char hex[64 + 1]);
static void validate(struct ofg_ctx *, json_t *root, struct ofg_config *);
static struct ofg_net_meta *validate_networks(struct ofg_ctx *, json_t *,
                                              struct ofg_config *);
static struct ofg_switch_meta *validate_switches(struct ofg_ctx *, json_t *,
                                                 struct ofg_config *);
static void validate_containers(struct ofg_ctx *, json_t *,
                                struct ofg_config *,
                                const struct ofg_net_meta *);
static const void *find_by_name(const void *array, size_t n, size_t size,
                                size_t name_offset, const char *name);
static bool network_equal(const struct ofg_network *,
                          const struct ofg_network *);

char *
ofg_config_read(const char *file_name, struct ofg_config **configp)
{
    *configp = NULL;

    FILE *file = fopen(file_name, "rb");
    if (!file) {
        return xasprintf("%s: cannot open: %s\n", file_name,
                         ovs_strerror(errno));
    }

    /* Read one byte more than the limit, to know it is exceeded, and no
     * more, whatever the file's size (it may grow, or be a pipe). */
    struct ds text = DS_EMPTY_INITIALIZER;
    char buf[4096];
    size_t n;
    while (text.length <= OFG_CONFIG_MAX_SIZE
           && (n = fread(buf, 1, MIN(sizeof buf,
                                     OFG_CONFIG_MAX_SIZE + 1 - text.length),
                         file)) > 0) {
        ds_put_buffer(&text, buf, n);
    }
    if (ferror(file)) {
        int error = errno;
        fclose(file);
        ds_destroy(&text);
        return xasprintf("%s: read error: %s\n", file_name,
                         ovs_strerror(error));
    }
    fclose(file);

    char *error = parse_text(file_name, ds_cstr(&text), text.length,
                             configp);
    ds_destroy(&text);
    return error;
}

char *
ofg_config_parse(const char *file_name, const char *text,
                 struct ofg_config **configp)
{
    return parse_text(file_name, text, strlen(text), configp);
}

void
ofg_config_destroy(struct ofg_config *config)
{
    if (!config) {
        return;
    }

    for (size_t i = 0; i < config->n_networks; i++) {
        free(config->networks[i].name);
    }
    free(config->networks);

    for (size_t i = 0; i < config->n_switches; i++) {
        struct ofg_switch *sw = &config->switches[i];
        free(sw->name);
        for (size_t j = 0; j < sw->n_trusted_ports; j++) {
            free(sw->trusted_ports[j]);
        }
        free(sw->trusted_ports);
        free(sw->operator_cookies);
    }
    free(config->switches);

    for (size_t i = 0; i < config->n_containers; i++) {
        struct ofg_container *c = &config->containers[i];
        free(c->name);
        free(c->switch_name);
        free(c->port);
        free(c->ipv4);
        free(c->ipv6);
    }
    free(config->containers);

    free(config->file_name);
    free(config);
}

const struct ofg_network *
ofg_config_find_network(const struct ofg_config *config, const char *name)
{
    return find_by_name(config->networks, config->n_networks,
                        sizeof *config->networks,
                        OBJECT_OFFSETOF(config->networks, name), name);
}

const struct ofg_container *
ofg_config_find_container(const struct ofg_config *config, const char *name)
{
    return find_by_name(config->containers, config->n_containers,
                        sizeof *config->containers,
                        OBJECT_OFFSETOF(config->containers, name), name);
}

const struct ofg_switch *
ofg_config_find_switch(const struct ofg_config *config, const char *name)
{
    return find_by_name(config->switches, config->n_switches,
                        sizeof *config->switches,
                        OBJECT_OFFSETOF(config->switches, name), name);
}

/* The switches are sorted by name, not by datapath ID, and the structure has
 * no room for a second index, so this is a linear search.  Deployments have
 * a handful of switches, so that is cheap. */
const struct ofg_switch *
ofg_config_find_switch_by_dpid(const struct ofg_config *config,
                               uint64_t datapath_id)
{
    for (size_t i = 0; i < config->n_switches; i++) {
        if (config->switches[i].datapath_id == datapath_id) {
            return &config->switches[i];
        }
    }
    return NULL;
}

bool
ofg_container_equal(const struct ofg_container *a,
                    const struct ofg_container *b)
{
    if (strcmp(a->port, b->port)
        || !nullable_string_is_equal(a->switch_name, b->switch_name)
        || !eth_addr_equals(a->mac, b->mac)
        || a->n_ipv4 != b->n_ipv4
        || a->n_ipv6 != b->n_ipv6
        || a->allow_dhcp != b->allow_dhcp
        || a->allow_multicast != b->allow_multicast
        || a->cookie != b->cookie) {
        return false;
    }

    /* The same switch name may stand for a different datapath after a
     * reload, and then the flows belong elsewhere. */
    if ((a->sw != NULL) != (b->sw != NULL)
        || (a->sw && a->sw->datapath_id != b->sw->datapath_id)) {
        return false;
    }

    for (size_t i = 0; i < a->n_ipv4; i++) {
        if (a->ipv4[i].addr != b->ipv4[i].addr
            || a->ipv4[i].plen != b->ipv4[i].plen) {
            return false;
        }
    }
    for (size_t i = 0; i < a->n_ipv6; i++) {
        if (!ipv6_addr_equals(&a->ipv6[i].addr, &b->ipv6[i].addr)
            || a->ipv6[i].plen != b->ipv6[i].plen) {
            return false;
        }
    }

    if ((a->network != NULL) != (b->network != NULL)) {
        return false;
    }
    return !a->network || network_equal(a->network, b->network);
}

bool
ofg_switch_equal(const struct ofg_switch *a, const struct ofg_switch *b)
{
    if (a->datapath_id != b->datapath_id
        || a->n_trusted_ports != b->n_trusted_ports
        || a->n_operator_cookies != b->n_operator_cookies
        || (a->n_operator_cookies
            && memcmp(a->operator_cookies, b->operator_cookies,
                      a->n_operator_cookies * sizeof *a->operator_cookies))) {
        return false;
    }
    for (size_t i = 0; i < a->n_trusted_ports; i++) {
        if (strcmp(a->trusted_ports[i], b->trusted_ports[i])) {
            return false;
        }
    }
    return true;
}

uint64_t
ofg_config_derive_cookie(const char *name)
{
    /* FNV-1a, 64-bit. */
    uint64_t hash = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        hash ^= *p;
        hash *= UINT64_C(0x100000001b3);
    }

    /* Fold the top 16 bits into the rest so that every input bit counts. */
    uint64_t cookie = (hash ^ (hash >> OFG_COOKIE_ID_BITS))
                      & OFG_COOKIE_ID_MASK;
    return cookie ? cookie : 1;
}

uint64_t
ofg_config_derive_network_cookie(const char *name)
{
    /* Names cannot contain '/', so no container's name is hashed the
     * same way. */
    char *key = xasprintf("network/%s", name);
    uint64_t cookie = ofg_config_derive_cookie(key);
    free(key);
    return cookie;
}

/* Top level. */

static char *
parse_text(const char *file_name, const char *text, size_t len,
           struct ofg_config **configp)
{
    *configp = NULL;

    if (len > OFG_CONFIG_MAX_SIZE) {
        return xasprintf("%s: larger than %d bytes (%d MiB), the limit for "
                         "a configuration\n", file_name, OFG_CONFIG_MAX_SIZE,
                         OFG_CONFIG_MAX_SIZE / (1024 * 1024));
    }

    /* Duplicate keys are not rejected here: the position scan finds every
     * one of them, with the path, instead of only the first. */
    json_error_t jerror;
    json_t *root = json_loadb(text, len, 0, &jerror);
    if (!root) {
        return xasprintf("%s:%d:%d: syntax error: %s\n", file_name,
                         MAX(jerror.line, 1), MAX(jerror.column, 1),
                         jerror.text);
    }

    struct ofg_ctx ctx;
    struct ofg_config *config = xzalloc(sizeof *config);
    config->file_name = xstrdup(file_name);
    if (ofg_ctx_init(&ctx, file_name, text, len)) {
        validate(&ctx, root, config);
    }
    json_decref(root);

    char *error = NULL;
    if (ctx.n_errors) {
        ofg_config_destroy(config);
        error = ofg_ctx_steal_errors(&ctx);
    } else {
        put_sha256(text, len, config->sha256);
        *configp = config;
    }
    ofg_ctx_destroy(&ctx);
    return error;
}

/* Stores the SHA-256 of the 'len' bytes at 'text' in 'hex', as 64 lowercase
 * hex digits and a null. */
static void
put_sha256(const char *text, size_t len, char hex[64 + 1])
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *) text, len, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        snprintf(&hex[2 * i], 3, "%02x", digest[i]);
    }
}

/* Validates the whole configuration 'root' into 'config': each section's
 * entries, networks first (containers point into the final array), then
 * the checks across entries. */
static void
validate(struct ofg_ctx *ctx, json_t *root, struct ofg_config *config)
{
    static const char *const keys[] = {
        "networks", "switches", "containers", NULL
    };
    if (!json_is_object(root)) {
        ofg_ctx_error(ctx, "", false, "the configuration must be a JSON "
                      "object, not %s", ofg_schema_type_name(root));
        return;
    }
    ofg_schema_check_keys(ctx, "", root, keys);

    json_t *networks = ofg_schema_get_member(ctx, "", root, "networks",
                                             OFG_KIND_OBJECT, true, NULL);
    json_t *switches = ofg_schema_get_member(ctx, "", root, "switches",
                                             OFG_KIND_OBJECT, false, NULL);
    json_t *containers = ofg_schema_get_member(ctx, "", root, "containers",
                                               OFG_KIND_OBJECT, true, NULL);

    struct ofg_net_meta *net_metas = validate_networks(ctx, networks,
                                                       config);
    struct ofg_switch_meta *sw_metas = validate_switches(ctx, switches,
                                                         config);
    if (containers) {
        validate_containers(ctx, containers, config, net_metas);
    }

    for (size_t i = 0; i < config->n_networks; i++) {
        free(net_metas[i].path);
    }
    free(net_metas);
    for (size_t i = 0; i < config->n_switches; i++) {
        free(sw_metas[i].path);
    }
    free(sw_metas);
}

/* Validates "networks" ('networks', NULL if missing or not an object) into
 * 'config'.  Returns what was learned about each network, in the order of
 * 'config->networks', for the caller to free. */
static struct ofg_net_meta *
validate_networks(struct ofg_ctx *ctx, json_t *networks,
                  struct ofg_config *config)
{
    if (!networks) {
        return NULL;
    }

    const char **names = ofg_schema_sorted_keys(networks);
    size_t n = json_object_size(networks);
    struct ofg_net_meta *metas = xcalloc(n ? n : 1, sizeof *metas);
    config->networks = xcalloc(n ? n : 1, sizeof *config->networks);
    config->n_networks = n;
    for (size_t i = 0; i < n; i++) {
        ofg_entry_parse_network(ctx, names[i],
                                json_object_get(networks, names[i]),
                                &config->networks[i], &metas[i]);
    }
    free(names);
    return metas;
}

/* Validates "switches" ('switches', NULL if missing or not an object) into
 * 'config', duplicate datapath IDs included.  Returns what was learned about
 * each switch, in the order of 'config->switches', for the caller to
 * free. */
static struct ofg_switch_meta *
validate_switches(struct ofg_ctx *ctx, json_t *switches,
                  struct ofg_config *config)
{
    if (!switches) {
        return NULL;
    }

    const char **names = ofg_schema_sorted_keys(switches);
    size_t n = json_object_size(switches);
    struct ofg_switch_meta *metas = xcalloc(n ? n : 1, sizeof *metas);
    config->switches = xcalloc(n ? n : 1, sizeof *config->switches);
    config->n_switches = n;
    for (size_t i = 0; i < n; i++) {
        ofg_entry_parse_switch(ctx, names[i],
                               json_object_get(switches, names[i]),
                               &config->switches[i], &metas[i]);
    }
    free(names);

    ofg_check_switches(ctx, config, metas);
    return metas;
}

/* Validates "containers" ('containers') into 'config', which already holds
 * the networks (described by 'net_metas') and the switches, then checks the
 * containers against each other and against the networks. */
static void
validate_containers(struct ofg_ctx *ctx, json_t *containers,
                    struct ofg_config *config,
                    const struct ofg_net_meta *net_metas)
{
    const char **names = ofg_schema_sorted_keys(containers);
    size_t n = json_object_size(containers);
    struct ofg_container_meta *metas = xcalloc(n ? n : 1, sizeof *metas);
    config->containers = xcalloc(n ? n : 1, sizeof *config->containers);
    config->n_containers = n;
    struct ofg_gateways gateways;
    ofg_gateways_init(&gateways, config, net_metas);
    for (size_t i = 0; i < n; i++) {
        ofg_entry_parse_container(ctx, names[i],
                                  json_object_get(containers, names[i]),
                                  config, net_metas, &gateways,
                                  &config->containers[i], &metas[i]);
    }
    ofg_gateways_destroy(&gateways);
    free(names);

    ofg_check_containers(ctx, config, metas);
    ofg_check_networks(ctx, config, net_metas, metas);

    for (size_t i = 0; i < n; i++) {
        free(metas[i].path);
        free(metas[i].ipv4_idx);
        free(metas[i].ipv6_idx);
    }
    free(metas);
}

/* Returns the element named 'name' in 'array', which holds 'n' elements of
 * 'size' bytes sorted by name, each with its name (a "char *") at offset
 * 'name_offset'; NULL if there is none.  One binary search for networks,
 * switches and containers. */
static const void *
find_by_name(const void *array, size_t n, size_t size, size_t name_offset,
             const char *name)
{
    const char *base = array;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *elem = base + mid * size;
        int cmp = strcmp(name, *(char *const *) (elem + name_offset));
        if (!cmp) {
            return elem;
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

static bool
network_equal(const struct ofg_network *a, const struct ofg_network *b)
{
    if (strcmp(a->name, b->name)
        || a->has_ipv4 != b->has_ipv4
        || a->has_ipv6 != b->has_ipv6
        || a->has_gateway_mac != b->has_gateway_mac
        || a->cookie != b->cookie) {
        return false;
    }
    if (a->has_ipv4
        && (a->subnet.addr != b->subnet.addr
            || a->subnet.plen != b->subnet.plen
            || a->gateway != b->gateway)) {
        return false;
    }
    if (a->has_ipv6
        && (!ipv6_addr_equals(&a->subnet6.addr, &b->subnet6.addr)
            || a->subnet6.plen != b->subnet6.plen
            || !ipv6_addr_equals(&a->gateway6, &b->gateway6))) {
        return false;
    }
    return !a->has_gateway_mac
           || eth_addr_equals(a->gateway_mac, b->gateway_mac);
}
