/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-bind.h"

#include <string.h>
#include "config/ofg-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "smap.h"
#include "svec.h"
#include "util.h"

/* The interfaces that have one external_ids pair, by pair: a container's
 * first pair finds its candidates at once, with 10,000 interfaces as with
 * ten. */
struct iface_list {
    size_t *idx;
    size_t n;
};

static char *pair_key(const char *key, const char *value);
static void index_ifaces(const struct ofg_iface *, size_t n,
                         struct shash *index);
static void destroy_index(struct shash *index);
static bool matches(const struct ofg_container *, const struct ofg_iface *);
static void bind_container(const struct ofg_container *,
                           const struct ofg_iface *, const struct shash *index,
                           struct shash *bindings, struct svec *problems);
static bool on_switch(const struct ofg_container *, const struct ofg_switch *);

void
ofg_bind(const struct ofg_config *config, const struct ofg_switch *sw,
         const struct ofg_iface *ifaces, size_t n_ifaces,
         struct shash *bindings, struct svec *problems)
{
    struct shash index = SHASH_INITIALIZER(&index);
    bool indexed = false;
    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        if (!c->n_ids || !on_switch(c, sw)) {
            continue;
        }
        if (!indexed) {
            index_ifaces(ifaces, n_ifaces, &index);
            indexed = true;
        }
        bind_container(c, ifaces, &index, bindings, problems);
    }
    destroy_index(&index);
}

/* A container pinned to a switch goes nowhere else. */
static bool
on_switch(const struct ofg_container *c, const struct ofg_switch *sw)
{
    return !c->switch_name || (sw && !strcmp(c->switch_name, sw->name));
}

static void
bind_container(const struct ofg_container *c, const struct ofg_iface *ifaces,
               const struct shash *index, struct shash *bindings,
               struct svec *problems)
{
    char *key = pair_key(c->ids[0].key, c->ids[0].value);
    const struct iface_list *candidates = shash_find_data(index, key);
    free(key);

    const struct ofg_iface *found = NULL, *second = NULL;
    for (size_t i = 0; candidates && i < candidates->n; i++) {
        const struct ofg_iface *iface = &ifaces[candidates->idx[i]];
        if (matches(c, iface)) {
            if (!found) {
                found = iface;
            } else if (!second) {
                second = iface;
            }
        }
    }
    if (!found) {
        return;
    } else if (second) {
        svec_add_nocopy(problems, xasprintf(
                            "container %s: interfaces %s and %s both match "
                            "its %s; neither is bound", c->name, found->name,
                            second->name, c->ids[0].key));
        return;
    }

    const char *attached = smap_get(found->external_ids, "attached-mac");
    struct eth_addr mac;
    if (attached && (!eth_addr_from_string(attached, &mac)
                     || !eth_addr_equals(mac, c->mac))) {
        svec_add_nocopy(problems, xasprintf(
                            "container %s: interface %s has attached-mac %s, "
                            "not the container's "ETH_ADDR_FMT"; not bound",
                            c->name, found->name, attached,
                            ETH_ADDR_ARGS(c->mac)));
        return;
    }
    shash_add(bindings, c->name, xstrdup(found->name));
}

static bool
matches(const struct ofg_container *c, const struct ofg_iface *iface)
{
    for (size_t i = 0; i < c->n_ids; i++) {
        const char *v = smap_get(iface->external_ids, c->ids[i].key);
        if (!v || strcmp(v, c->ids[i].value)) {
            return false;
        }
    }
    return true;
}

/* Keys and values may hold any character, so the lengths come first. */
static char *
pair_key(const char *key, const char *value)
{
    return xasprintf("%"PRIuSIZE":%s%"PRIuSIZE":%s", strlen(key), key,
                     strlen(value), value);
}

static void
index_ifaces(const struct ofg_iface *ifaces, size_t n, struct shash *index)
{
    for (size_t i = 0; i < n; i++) {
        struct smap_node *node;
        SMAP_FOR_EACH (node, ifaces[i].external_ids) {
            char *key = pair_key(node->key, node->value);
            struct iface_list *list = shash_find_data(index, key);
            if (!list) {
                list = xzalloc(sizeof *list);
                shash_add_nocopy(index, key, list);
            } else {
                free(key);
            }
            list->idx = xrealloc(list->idx, (list->n + 1) * sizeof *list->idx);
            list->idx[list->n++] = i;
        }
    }
}

static void
destroy_index(struct shash *index)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, index) {
        struct iface_list *list = node->data;
        free(list->idx);
    }
    shash_destroy_free_data(index);
}
