/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-desired.h"

#include <stdlib.h>
#include "config/ofg-config.h"
#include "flows/ofg-flows.h"
#include "hash.h"
#include "openvswitch/ofp-port.h"
#include "svec.h"
#include "util.h"

struct ofg_dirty {
    struct hmap_node node;
    uint64_t cookie;
};

static void ofg_desired_unplace_changed(struct ofg_desired *,
                                        const struct ofg_config *old,
                                        const struct ofg_config *new,
                                        const struct ofg_switch *,
                                        const struct simap *);
static void ofg_desired_unplace_named(struct ofg_desired *,
                                      const struct svec *names);
static void ofg_desired_place_named(struct ofg_desired *,
                                    const struct ofg_config *,
                                    const struct svec *names,
                                    const struct ofg_switch *,
                                    const struct simap *,
                                    struct svec *refused);
static void ofg_desired_place(struct ofg_desired *, const struct ofg_config *,
                              const struct ofg_container *,
                              const struct ofg_switch *,
                              const struct simap *, struct svec *refused);
static void ofg_desired_place_new(struct ofg_desired *,
                                  const struct ofg_config *,
                                  const struct ofg_switch *,
                                  const struct simap *,
                                  struct svec *refused);
static void ofg_desired_update_networks(struct ofg_desired *,
                                        const struct ofg_config *);
static void ofg_desired_replace_group(struct ofg_desired *, uint64_t cookie);
static void ofg_desired_clear_dirty(struct ofg_desired *);

void
ofg_desired_init(struct ofg_desired *d)
{
    ofg_flow_table_init(&d->flows);
    shash_init(&d->placed);
    d->net_cookies = NULL;
    d->n_net_cookies = 0;
    hmap_init(&d->dirty);
    d->all_dirty = false;
    d->sample = true;
    d->bindings = NULL;
    d->quarantined = NULL;
    d->n_refused = 0;
}

static bool
is_quarantined(const struct ofg_desired *d, const char *container)
{
    return d->quarantined && shash_find(d->quarantined, container);
}

void
ofg_desired_destroy(struct ofg_desired *d)
{
    if (d) {
        ofg_flow_table_destroy(&d->flows);
        shash_destroy_free_data(&d->placed);
        free(d->net_cookies);
        ofg_desired_clear_dirty(d);
        hmap_destroy(&d->dirty);
    }
}

void
ofg_desired_compile(struct ofg_desired *d, const struct ofg_config *config,
                    const struct ofg_switch *sw,
                    const struct simap *ports,
                    struct svec *refused)
{
    ofg_flow_table_clear(&d->flows);
    shash_clear_free_data(&d->placed);
    d->n_net_cookies = 0;
    ofg_desired_update(d, config, config, sw, ports, refused);
    ofg_desired_mark_all_dirty(d);
}

void
ofg_desired_update(struct ofg_desired *d, const struct ofg_config *old,
                   const struct ofg_config *new, const struct ofg_switch *sw,
                   const struct simap *ports, struct svec *refused)
{
    /* The switch's own flows are few: recompute them every time. */
    uint64_t sw_cookie = ofg_flows_switch_cookie();
    ofg_desired_replace_group(d, sw_cookie);
    ofg_flows_add_switch(sw, ports, d->sample, &d->flows);

    /* First take out every container that left or changed, so that a
     * container moving onto a port another container left finds it free.
     * A reload that names the containers it changed needs only those
     * looked at: at 10,000 containers, comparing all of them would be most
     * of the reload's time. */
    const struct svec *changed;
    if (old != new && ofg_config_changes(new, old, &changed)
        && !d->n_refused) {
        ofg_desired_unplace_named(d, changed);
        ofg_desired_place_named(d, new, changed, sw, ports, refused);
    } else {
        /* Also when a container was refused: it may fit now that others
         * changed. */
        ofg_desired_unplace_changed(d, old, new, sw, ports);
        d->n_refused = 0;
        ofg_desired_place_new(d, new, sw, ports, refused);
    }
    ofg_desired_update_networks(d, new);
}

bool
ofg_desired_is_dirty(const struct ofg_desired *d)
{
    return d->all_dirty || !hmap_is_empty(&d->dirty);
}

void
ofg_desired_mark_all_dirty(struct ofg_desired *d)
{
    ofg_desired_clear_dirty(d);
    d->all_dirty = true;
}

void
ofg_desired_take_changes(struct ofg_desired *d,
                         const struct ofg_flow_table *installed,
                         struct ofg_flow_changes *changes)
{
    if (d->all_dirty) {
        ofg_flow_table_diff(&d->flows, installed, changes);
    } else {
        size_t n = hmap_count(&d->dirty), i = 0;
        uint64_t *cookies = xmalloc(MAX(n, 1) * sizeof *cookies);
        struct ofg_dirty *dirty;
        HMAP_FOR_EACH (dirty, node, &d->dirty) {
            cookies[i++] = dirty->cookie;
        }
        ofg_flow_table_diff_groups(&d->flows, installed, cookies, n,
                                   changes);
        free(cookies);
    }
    ofg_desired_clear_dirty(d);
}

const struct ofg_placement *
ofg_desired_find(const struct ofg_desired *d, const char *container)
{
    return shash_find_data(&d->placed, container);
}

const char *
ofg_desired_find_by_cookie(const struct ofg_desired *d, uint64_t cookie)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &d->placed) {
        const struct ofg_placement *p = node->data;
        if (p->cookie == cookie) {
            return node->name;
        }
    }
    return NULL;
}

size_t
ofg_desired_n_containers(const struct ofg_desired *d)
{
    return shash_count(&d->placed);
}

/* Removes the flows of every placed container that is gone from 'new',
 * changed from 'old' to 'new', or whose port changed. */
static void
ofg_desired_unplace_changed(struct ofg_desired *d,
                            const struct ofg_config *old,
                            const struct ofg_config *new,
                            const struct ofg_switch *sw,
                            const struct simap *ports)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &d->placed) {
        struct ofg_placement *p = node->data;
        const struct ofg_container *nc
            = ofg_config_find_container(new, node->name);
        const struct ofg_container *oc
            = ofg_config_find_container(old, node->name);
        if (nc && oc && (oc == nc || ofg_container_equal(oc, nc))
            && ofg_flows_container_port(nc, sw, ports, d->bindings)
               == p->port
            && is_quarantined(d, nc->name) == p->quarantined) {
            /* The networks may be another file's, in another order. */
            p->net = nc->network - new->networks;
            continue;
        }
        ofg_desired_replace_group(d, p->cookie);
        free(p);
        shash_delete(&d->placed, node);
    }
}

/* Removes the flows of the placed containers named in 'names'. */
static void
ofg_desired_unplace_named(struct ofg_desired *d, const struct svec *names)
{
    const char *name;
    size_t i;
    SVEC_FOR_EACH (i, name, names) {
        struct ofg_placement *p = shash_find_and_delete(&d->placed, name);
        if (p) {
            ofg_desired_replace_group(d, p->cookie);
            free(p);
        }
    }
}

/* Places every container of 'config' that belongs on the switch and is not
 * placed yet. */
static void
ofg_desired_place_new(struct ofg_desired *d, const struct ofg_config *config,
                      const struct ofg_switch *sw,
                      const struct simap *ports,
                      struct svec *refused)
{
    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        if (!shash_find(&d->placed, c->name)) {
            ofg_desired_place(d, config, c, sw, ports, refused);
        }
    }
}

/* Places the containers of 'config' named in 'names' (none of them
 * placed) that belong on the switch. */
static void
ofg_desired_place_named(struct ofg_desired *d,
                        const struct ofg_config *config,
                        const struct svec *names,
                        const struct ofg_switch *sw,
                        const struct simap *ports, struct svec *refused)
{
    const char *name;
    size_t i;
    SVEC_FOR_EACH (i, name, names) {
        const struct ofg_container *c = ofg_config_find_container(config,
                                                                  name);
        if (c) {
            ofg_desired_place(d, config, c, sw, ports, refused);
        }
    }
}

/* Adds the flows of container 'c' of 'config', if it belongs on the
 * switch, or its name to 'refused' if they collide with others'. */
static void
ofg_desired_place(struct ofg_desired *d, const struct ofg_config *config,
                  const struct ofg_container *c, const struct ofg_switch *sw,
                  const struct simap *ports, struct svec *refused)
{
    ofp_port_t port = ofg_flows_container_port(c, sw, ports, d->bindings);
    if (port == OFPP_NONE) {
        return;
    }
    if (!ofg_flows_add_container(c, port, d->sample, &d->flows)) {
        svec_add(refused, c->name);
        d->n_refused++;
        return;
    }
    struct ofg_placement *p = xmalloc(sizeof *p);
    p->port = port;
    p->cookie = ofg_flows_container_cookie(c);
    p->net = c->network - config->networks;
    p->quarantined = is_quarantined(d, c->name);
    if (p->quarantined) {
        ofg_flows_add_quarantine(c, port, d->sample, &d->flows);
    }
    shash_add(&d->placed, c->name, p);
    ofg_desired_mark_dirty(d, p->cookie);
}

/* Recomputes the flows of the networks that have containers on the switch.
 * They are few, so all of them are recomputed and marked each time; a
 * round sends only those that changed. */
static void
ofg_desired_update_networks(struct ofg_desired *d,
                            const struct ofg_config *config)
{
    for (size_t i = 0; i < d->n_net_cookies; i++) {
        ofg_desired_replace_group(d, d->net_cookies[i]);
    }
    d->n_net_cookies = 0;

    bool *used = xcalloc(config->n_networks + 1, sizeof *used);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &d->placed) {
        const struct ofg_placement *p = node->data;
        used[p->net] = true;
    }
    d->net_cookies = xrealloc(d->net_cookies, (config->n_networks + 1)
                                              * sizeof *d->net_cookies);
    for (size_t i = 0; i < config->n_networks; i++) {
        if (used[i]) {
            const struct ofg_network *net = &config->networks[i];
            uint64_t cookie = ofg_flows_network_cookie(net);
            ofg_flows_add_network(net, &d->flows);
            ofg_desired_mark_dirty(d, cookie);
            d->net_cookies[d->n_net_cookies++] = cookie;
        }
    }
    free(used);
}

/* Removes the flows of 'cookie' and marks it changed, for whatever replaces
 * them (or nothing). */
static void
ofg_desired_replace_group(struct ofg_desired *d, uint64_t cookie)
{
    ofg_flow_table_remove_group(&d->flows, cookie);
    ofg_desired_mark_dirty(d, cookie);
}

void
ofg_desired_mark_dirty(struct ofg_desired *d, uint64_t cookie)
{
    uint32_t hash = hash_uint64(cookie);
    struct ofg_dirty *dirty;
    HMAP_FOR_EACH_WITH_HASH (dirty, node, hash, &d->dirty) {
        if (dirty->cookie == cookie) {
            return;
        }
    }
    dirty = xmalloc(sizeof *dirty);
    dirty->cookie = cookie;
    hmap_insert(&d->dirty, &dirty->node, hash);
}

static void
ofg_desired_clear_dirty(struct ofg_desired *d)
{
    struct ofg_dirty *dirty;
    HMAP_FOR_EACH_POP (dirty, node, &d->dirty) {
        free(dirty);
    }
    d->all_dirty = false;
    d->sample = true;
}
