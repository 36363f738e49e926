/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* For json_loadb() and the parsed values.  None of the OVS headers below
 * includes "openvswitch/json.h", whose functions have the same names; keep
 * it that way. */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "config/ofg-config-check.h"
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-entry.h"
#include "config/ofg-config-index.h"
#include "config/ofg-config-meta.h"
#include "config/ofg-config-part.h"
#include "config/ofg-config-schema.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

static void put_sha256(const char *text, size_t len, char hex[64 + 1]);
static void validate(struct ofg_ctx *, json_t *root,
                     struct ofg_config_part *, bool need_containers);
static void validate_dropin(struct ofg_ctx *, json_t *root,
                            struct ofg_config_part *);
static void validate_networks(struct ofg_ctx *, json_t *,
                              struct ofg_config_part *);
static void validate_switches(struct ofg_ctx *, json_t *,
                              struct ofg_config_part *);
static void validate_containers(struct ofg_ctx *, json_t *,
                                struct ofg_config_part *,
                                const struct ofg_config_part *main);
static const void *find_by_name(const void *array, size_t n, size_t size,
                                size_t name_offset, const char *name);
static bool network_equal(const struct ofg_network *,
                          const struct ofg_network *);
static bool ids_equal(const struct ofg_container *,
                      const struct ofg_container *);

char *
ofg_config_parse(const char *file_name, const char *text,
                 struct ofg_config **configp)
{
    *configp = NULL;

    char *error;
    struct ofg_config_part *part = ofg_config_part_parse(file_name, text,
                                                         strlen(text),
                                                         OFG_PART_WHOLE, NULL,
                                                         &error);
    if (!part) {
        return error;
    }
    error = ofg_config_assemble(file_name, &part, 1, configp);
    ofg_config_part_unref(part);
    if (*configp) {
        (*configp)->n_parsed = 1;
    }
    return error;
}

void
ofg_config_destroy(struct ofg_config *config)
{
    if (!config) {
        return;
    }

    /* The entries' contents belong to the parts. */
    ofg_config_index_destroy(config->index);
    svec_destroy(&config->changed);
    free(config->containers);
    for (size_t i = 0; i < config->n_parts; i++) {
        ofg_config_part_unref(config->parts[i]);
    }
    free(config->parts);
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
    if (a->name == b->name) {
        /* One entry of one file's part, which two configurations share:
         * a reload that kept the file (and the main file, or the part
         * would have been parsed again) kept the entry. */
        return true;
    }
    if (!nullable_string_is_equal(a->port, b->port)
        || !ids_equal(a, b)
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

/* Files: parts of a configuration. */

struct ofg_config_part *
ofg_config_part_parse(const char *file_name, const char *text, size_t len,
                      enum ofg_part_kind kind, struct ofg_config_part *main,
                      char **errorp)
{
    ovs_assert((kind == OFG_PART_DROPIN) == (main != NULL));
    *errorp = NULL;
    if (len > OFG_CONFIG_MAX_SIZE) {
        *errorp = xasprintf("%s: larger than %d bytes (%d MiB), the limit "
                            "for a configuration\n", file_name,
                            OFG_CONFIG_MAX_SIZE,
                            OFG_CONFIG_MAX_SIZE / (1024 * 1024));
        return NULL;
    }

    /* Duplicate keys are not rejected here: the position scan finds every
     * one of them, with the path, instead of only the first. */
    json_error_t jerror;
    json_t *root = json_loadb(text, len, 0, &jerror);
    if (!root) {
        *errorp = xasprintf("%s:%d:%d: syntax error: %s\n", file_name,
                            MAX(jerror.line, 1), MAX(jerror.column, 1),
                            jerror.text);
        return NULL;
    }

    struct ofg_config_part *part = xzalloc(sizeof *part);
    ovs_refcount_init(&part->ref_cnt);
    part->file_name = xstrdup(file_name);
    put_sha256(text, len, part->sha256);
    part->main = main ? ofg_config_part_ref(main) : NULL;
    if (ofg_ctx_init(&part->ctx, part->file_name, text, len)) {
        if (main) {
            validate_dropin(&part->ctx, root, part);
        } else {
            validate(&part->ctx, root, part, kind == OFG_PART_WHOLE);
        }
    }
    json_decref(root);
    return part;
}

struct ofg_config_part *
ofg_config_part_ref(const struct ofg_config_part *part_)
{
    struct ofg_config_part *part = CONST_CAST(struct ofg_config_part *,
                                              part_);
    ovs_refcount_ref(&part->ref_cnt);
    return part;
}

void
ofg_config_part_unref(struct ofg_config_part *part)
{
    if (!part || ovs_refcount_unref_relaxed(&part->ref_cnt) > 1) {
        return;
    }

    for (size_t i = 0; i < part->n_networks; i++) {
        free(part->networks[i].name);
        free(part->net_metas[i].path);
    }
    free(part->networks);
    free(part->net_metas);

    for (size_t i = 0; i < part->n_switches; i++) {
        struct ofg_switch *sw = &part->switches[i];
        free(sw->name);
        for (size_t j = 0; j < sw->n_trusted_ports; j++) {
            free(sw->trusted_ports[j]);
        }
        free(sw->trusted_ports);
        free(sw->operator_cookies);
        free(sw->ovsdb);
    }
    free(part->switches);

    for (size_t i = 0; i < part->n_containers; i++) {
        struct ofg_container *c = &part->containers[i];
        free(c->name);
        free(c->switch_name);
        free(c->port);
        for (size_t k = 0; k < c->n_ids; k++) {
            free(c->ids[k].key);
            free(c->ids[k].value);
        }
        free(c->ids);
        free(c->ipv4);
        free(c->ipv6);
        free(part->metas[i].path);
        free(part->metas[i].ipv4_idx);
        free(part->metas[i].ipv6_idx);
    }
    free(part->containers);
    free(part->metas);

    ofg_ctx_destroy(&part->ctx);
    ofg_config_part_unref(part->main);
    free(part->file_name);
    free(part);
}

/* Stores the SHA-256 of the 'len' bytes at 'text' in 'hex', as 64 lowercase
 * hex digits and a null. */
static void
put_sha256(const char *text, size_t len, char hex[64 + 1])
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *) text, len, digest);
    ofg_sha256_to_hex(digest, hex);
}

void
ofg_sha256_to_hex(const unsigned char digest[32], char hex[64 + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_LENGTH] = '\0';
}

/* A view of the main file's networks and switches, as the entry parsers
 * want it. */
static struct ofg_config
main_view(const struct ofg_config_part *main)
{
    return (struct ofg_config) {
        .networks = main->networks, .n_networks = main->n_networks,
        .switches = main->switches, .n_switches = main->n_switches,
    };
}

/* Validates the main file 'root' into 'part': each section's entries,
 * networks first (containers point into the final array), then the checks
 * among switches.  The checks among containers and networks wait for the
 * whole configuration, in ofg_config_assemble().  "containers" may be
 * missing unless 'need_containers'. */
static void
validate(struct ofg_ctx *ctx, json_t *root, struct ofg_config_part *part,
         bool need_containers)
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
                                               OFG_KIND_OBJECT,
                                               need_containers, NULL);

    validate_networks(ctx, networks, part);
    validate_switches(ctx, switches, part);
    if (containers) {
        validate_containers(ctx, containers, part, part);
    }
}

/* Validates the drop-in file 'root' into 'part': containers only, on the
 * networks and switches of 'part->main'. */
static void
validate_dropin(struct ofg_ctx *ctx, json_t *root,
                struct ofg_config_part *part)
{
    static const char *const keys[] = { "containers", NULL };
    if (!json_is_object(root)) {
        ofg_ctx_error(ctx, "", false, "a file of containers must be a JSON "
                      "object, not %s", ofg_schema_type_name(root));
        return;
    }
    const char *wrong = (json_object_get(root, "networks") ? "networks"
                         : json_object_get(root, "switches") ? "switches"
                         : NULL);
    if (wrong) {
        ofg_ctx_error(ctx, wrong, true, "\"%s\" belong in the main file, "
                      "%s; this file may hold only \"containers\"", wrong,
                      part->main->file_name);
    } else {
        ofg_schema_check_keys(ctx, "", root, keys);
    }
    json_t *containers = ofg_schema_get_member(ctx, "", root, "containers",
                                               OFG_KIND_OBJECT, true, NULL);
    if (containers) {
        validate_containers(ctx, containers, part, part->main);
    }
}

/* Validates "networks" ('networks', NULL if missing or not an object) into
 * 'part'. */
static void
validate_networks(struct ofg_ctx *ctx, json_t *networks,
                  struct ofg_config_part *part)
{
    if (!networks) {
        return;
    }

    const char **names = ofg_schema_sorted_keys(networks);
    size_t n = json_object_size(networks);
    part->net_metas = xcalloc(n ? n : 1, sizeof *part->net_metas);
    part->networks = xcalloc(n ? n : 1, sizeof *part->networks);
    part->n_networks = n;
    for (size_t i = 0; i < n; i++) {
        ofg_entry_parse_network(ctx, names[i],
                                json_object_get(networks, names[i]),
                                &part->networks[i], &part->net_metas[i]);
    }
    free(names);
}

/* Validates "switches" ('switches', NULL if missing or not an object) into
 * 'part', duplicate datapath IDs included. */
static void
validate_switches(struct ofg_ctx *ctx, json_t *switches,
                  struct ofg_config_part *part)
{
    if (!switches) {
        return;
    }

    const char **names = ofg_schema_sorted_keys(switches);
    size_t n = json_object_size(switches);
    struct ofg_switch_meta *metas = xcalloc(n ? n : 1, sizeof *metas);
    part->switches = xcalloc(n ? n : 1, sizeof *part->switches);
    part->n_switches = n;
    for (size_t i = 0; i < n; i++) {
        ofg_entry_parse_switch(ctx, names[i],
                               json_object_get(switches, names[i]),
                               &part->switches[i], &metas[i]);
    }
    free(names);

    struct ofg_config view = main_view(part);
    ofg_check_switches(ctx, &view, metas);
    for (size_t i = 0; i < n; i++) {
        free(metas[i].path);
    }
    free(metas);
}

/* Validates "containers" ('containers') into 'part', on the networks and
 * switches of 'main'. */
static void
validate_containers(struct ofg_ctx *ctx, json_t *containers,
                    struct ofg_config_part *part,
                    const struct ofg_config_part *main)
{
    const char **names = ofg_schema_sorted_keys(containers);
    size_t n = json_object_size(containers);
    part->metas = xcalloc(n ? n : 1, sizeof *part->metas);
    part->containers = xcalloc(n ? n : 1, sizeof *part->containers);
    part->n_containers = n;

    struct ofg_config view = main_view(main);
    struct ofg_gateways gateways;
    ofg_gateways_init(&gateways, &view, main->net_metas);
    for (size_t i = 0; i < n; i++) {
        ofg_entry_parse_container(ctx, names[i],
                                  json_object_get(containers, names[i]),
                                  &view, main->net_metas, &gateways,
                                  &part->containers[i], &part->metas[i]);
        part->containers[i].source = part->file_name;
    }
    ofg_gateways_destroy(&gateways);
    free(names);
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
ids_equal(const struct ofg_container *a, const struct ofg_container *b)
{
    if (a->n_ids != b->n_ids) {
        return false;
    }
    for (size_t i = 0; i < a->n_ids; i++) {
        if (strcmp(a->ids[i].key, b->ids[i].key)
            || strcmp(a->ids[i].value, b->ids[i].value)) {
            return false;
        }
    }
    return true;
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
