/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-addr.h"
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-meta.h"
#include "config/ofg-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "simap.h"
#include "sort.h"
#include "sset.h"
#include "util.h"

/* Container indexes and what orders them by place in the file, for
 * sort(). */
struct file_order {
    size_t *order;
    const struct ofg_container_meta *metas;
};

/* The containers that use one port name, in file order. */
struct port_users {
    const struct ofg_container **containers;
    size_t n;
};

/* One address or prefix of one container, as an interval of addresses
 * (IPv4 ones mapped into IPv6 space, so that one comparison serves both). */
struct addr_entry {
    struct in6_addr start, end;
    const struct ofg_network *network;  /* The container's. */
    size_t container;           /* Index in the config's containers. */
    size_t rank;                /* The container's place in the file. */
    size_t index;               /* In ipv4[] then ipv6[]. */
    bool is_ipv6;
    bool reported;
};

/* Where the containers of one network are. */
struct net_use {
    size_t n_containers;
    bool any_switch;            /* A container without "switch". */
    struct sset switches;       /* Names of the switches named. */
};

static size_t *sort_by_position(const struct ofg_config *,
                                const struct ofg_container_meta *);
static void gateway_macs(const struct ofg_config *, struct shash *);
static void check_mac_conflicts(struct ofg_ctx *, const struct shash *gw_macs,
                                const struct ofg_container *,
                                const struct ofg_container_meta *,
                                struct shash *macs);
static void check_cookie_conflict(struct ofg_ctx *,
                                  const struct ofg_container *,
                                  const struct ofg_container_meta *,
                                  struct shash *cookies);
static void check_port_conflicts(struct ofg_ctx *,
                                 const struct ofg_container *,
                                 const struct ofg_container_meta *,
                                 struct shash *ports);
static void check_address_conflicts(struct ofg_ctx *,
                                    const struct ofg_config *,
                                    const struct ofg_container_meta *,
                                    const size_t *order);
static void report_addr_conflict(struct ofg_ctx *, const struct ofg_config *,
                                 const struct ofg_container_meta *,
                                 const struct addr_entry *,
                                 const struct addr_entry *);
static struct ofg_prefix container_addr(const struct ofg_container *,
                                        size_t index);
static void check_network_cookies(struct ofg_ctx *, const struct ofg_config *,
                                  const struct ofg_net_meta *,
                                  const struct ofg_container_meta *);
static void report_network_cookie(struct ofg_ctx *, const char *path,
                                  bool explicit, const char *cookie,
                                  const char *network);
static void check_subnet_overlap(struct ofg_ctx *, const struct ofg_config *,
                                 const struct ofg_net_meta *, size_t a,
                                 size_t b, bool is_ipv4, const char *where);
static const char *net_use_common_switch(const struct net_use *,
                                         const struct net_use *);
static int compare_by_position(size_t a, size_t b, void *file_order);
static void swap_order(size_t a, size_t b, void *file_order);
static int compare_addr_entries(size_t a, size_t b, void *entries);
static void swap_addr_entries(size_t a, size_t b, void *entries);

/* A switch's datapath ID and where it is in the file. */
struct dpid_entry {
    uint64_t dpid;
    const struct ofg_pos *pos;
    size_t index;               /* In the config's switches. */
    char *path;                 /* "switches.NAME.datapath_id". */
};

static int
compare_dpid_entries(size_t a_, size_t b_, void *entries)
{
    const struct dpid_entry *a = &((struct dpid_entry *) entries)[a_];
    const struct dpid_entry *b = &((struct dpid_entry *) entries)[b_];
    if (a->dpid != b->dpid) {
        return a->dpid < b->dpid ? -1 : 1;
    }
    return ofg_pos_compare(a->pos, b->pos);
}

static void
swap_dpid_entries(size_t a, size_t b, void *entries_)
{
    struct dpid_entry *entries = entries_;
    struct dpid_entry tmp = entries[a];
    entries[a] = entries[b];
    entries[b] = tmp;
}

/* Reports each switch whose datapath ID an earlier switch in the file also
 * has, naming the first.  Sorting by datapath ID and position finds them
 * all in O(n log n). */
void
ofg_check_switches(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                   const struct ofg_switch_meta *metas)
{
    struct dpid_entry *entries = xmalloc(MAX(cfg->n_switches, 1)
                                         * sizeof *entries);
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_switches; i++) {
        char *path = ofg_path_member(metas[i].path, "datapath_id");
        const struct ofg_pos *pos = ofg_ctx_find_pos(ctx, path);
        if (!metas[i].dpid_ok || !pos) {
            free(path);
            continue;
        }
        entries[n++] = (struct dpid_entry) {
            .dpid = cfg->switches[i].datapath_id,
            .pos = pos, .index = i, .path = path,
        };
    }
    sort(n, compare_dpid_entries, swap_dpid_entries, entries);

    for (size_t i = 0, first = 0; i < n; i++) {
        if (i && entries[i].dpid == entries[first].dpid) {
            ofg_ctx_error(ctx, entries[i].path, false, "%016"PRIx64" is also "
                          "the datapath ID of switches.%s", entries[i].dpid,
                          cfg->switches[entries[first].index].name);
        } else {
            first = i;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(entries[i].path);
    }
    free(entries);
}

/* Reports containers that share a MAC (with each other or with a network's
 * gateway), a cookie, a port on one switch, or addresses of one network.
 * 'metas' tells which parts of each container are valid: only those are
 * compared. */
void
ofg_check_containers(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                     const struct ofg_container_meta *metas)
{
    size_t *order = sort_by_position(cfg, metas);

    struct shash macs = SHASH_INITIALIZER(&macs);
    struct shash gw_macs = SHASH_INITIALIZER(&gw_macs);
    gateway_macs(cfg, &gw_macs);
    struct shash cookies = SHASH_INITIALIZER(&cookies);
    struct shash ports = SHASH_INITIALIZER(&ports);
    for (size_t oi = 0; oi < cfg->n_containers; oi++) {
        size_t i = order[oi];
        const struct ofg_container *c = &cfg->containers[i];
        const struct ofg_container_meta *m = &metas[i];

        if (m->mac_ok) {
            check_mac_conflicts(ctx, &gw_macs, c, m, &macs);
        }
        if (m->cookie_ok) {
            check_cookie_conflict(ctx, c, m, &cookies);
        }
        if (m->port_ok && m->switch_ok) {
            check_port_conflicts(ctx, c, m, &ports);
        }
    }

    check_address_conflicts(ctx, cfg, metas, order);

    struct shash_node *node;
    SHASH_FOR_EACH (node, &ports) {
        struct port_users *users = node->data;
        free(users->containers);
    }
    shash_destroy_free_data(&ports);
    shash_destroy(&macs);
    shash_destroy(&gw_macs);
    shash_destroy(&cookies);
    free(order);
}

/* Cross-checks of networks: cookies unique among networks and containers,
 * and no overlapping subnets where a switch has containers of both
 * networks (a switch could not tell which network an address belongs to,
 * and neither could its gateway). */
void
ofg_check_networks(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                   const struct ofg_net_meta *net_metas,
                   const struct ofg_container_meta *metas)
{
    check_network_cookies(ctx, cfg, net_metas, metas);

    struct net_use *uses = xcalloc(cfg->n_networks ? cfg->n_networks : 1,
                                   sizeof *uses);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        sset_init(&uses[i].switches);
    }
    for (size_t i = 0; i < cfg->n_containers; i++) {
        const struct ofg_container *c = &cfg->containers[i];
        if (!c->network || !metas[i].switch_ok) {
            continue;
        }
        struct net_use *u = &uses[c->network - cfg->networks];
        u->n_containers++;
        if (c->switch_name) {
            sset_add(&u->switches, c->switch_name);
        } else {
            u->any_switch = true;
        }
    }

    for (size_t i = 0; i < cfg->n_networks; i++) {
        for (size_t k = 0; k < i; k++) {
            const char *where = net_use_common_switch(&uses[i], &uses[k]);
            if (where) {
                check_subnet_overlap(ctx, cfg, net_metas, i, k, true, where);
                check_subnet_overlap(ctx, cfg, net_metas, i, k, false,
                                     where);
            }
        }
    }

    for (size_t i = 0; i < cfg->n_networks; i++) {
        sset_destroy(&uses[i].switches);
    }
    free(uses);
}

/* Containers. */

/* Returns the indexes of the containers in the order of their entries in
 * the file (the caller must free the array), so that a conflict is always
 * reported at the later of the two entries. */
static size_t *
sort_by_position(const struct ofg_config *cfg,
                 const struct ofg_container_meta *metas)
{
    size_t n = cfg->n_containers;
    struct file_order fo = {
        .order = xmalloc((n ? n : 1) * sizeof *fo.order),
        .metas = metas,
    };
    for (size_t i = 0; i < n; i++) {
        fo.order[i] = i;
    }
    sort(n, compare_by_position, swap_order, &fo);
    return fo.order;
}

/* Fills 'gw_macs' with each network's gateway_mac (MAC string -> the first
 * network with it), so that each container's MAC is looked up once rather
 * than compared with every network's. */
static void
gateway_macs(const struct ofg_config *cfg, struct shash *gw_macs)
{
    for (size_t k = 0; k < cfg->n_networks; k++) {
        const struct ofg_network *net = &cfg->networks[k];
        if (net->has_gateway_mac) {
            char *key = xasprintf(ETH_ADDR_FMT,
                                  ETH_ADDR_ARGS(net->gateway_mac));
            if (!shash_find(gw_macs, key)) {
                shash_add_nocopy(gw_macs, key, net);
            } else {
                free(key);
            }
        }
    }
}

/* Reports container 'c' if its MAC is also the MAC of a container in 'macs'
 * (MAC string -> container) or the gateway_mac of a network in 'gw_macs',
 * and adds it to 'macs' otherwise. */
static void
check_mac_conflicts(struct ofg_ctx *ctx, const struct shash *gw_macs,
                    const struct ofg_container *c,
                    const struct ofg_container_meta *m, struct shash *macs)
{
    char *key = xasprintf(ETH_ADDR_FMT, ETH_ADDR_ARGS(c->mac));
    const struct ofg_container *other = shash_find_data(macs, key);
    char *mpath = ofg_path_member(m->path, "mac");
    if (other) {
        ofg_ctx_error(ctx, mpath, false, "%s is also the MAC of "
                      "containers.%s", key, other->name);
    } else {
        shash_add(macs, key, c);
    }
    const struct ofg_network *net = shash_find_data(gw_macs, key);
    if (net) {
        ofg_ctx_error(ctx, mpath, false, "%s is the gateway_mac of "
                      "networks.%s", key, net->name);
    }
    free(mpath);
    free(key);
}

/* Reports container 'c' if its cookie is also the cookie of a container in
 * 'cookies' (cookie string -> container), and adds it to 'cookies'
 * otherwise. */
static void
check_cookie_conflict(struct ofg_ctx *ctx, const struct ofg_container *c,
                      const struct ofg_container_meta *m,
                      struct shash *cookies)
{
    char *key = xasprintf("%"PRIx64, c->cookie);
    const struct ofg_container *other = shash_find_data(cookies, key);
    if (!other) {
        shash_add(cookies, key, c);
    } else if (m->cookie_explicit) {
        char *cpath = ofg_path_member(m->path, "cookie");
        ofg_ctx_error(ctx, cpath, false, "cookie 0x%s is also the cookie of "
                      "containers.%s", key, other->name);
        free(cpath);
    } else {
        ofg_ctx_error(ctx, m->path, false, "derived cookie 0x%s is also the "
                      "cookie of containers.%s; set \"cookie\" explicitly",
                      key, other->name);
    }
    free(key);
}

/* Reports container 'c' for each container in 'ports' (port name -> struct
 * port_users) that may use its port on the same switch, then adds it there.
 * Only containers with the same port name can clash, so each is compared
 * with those alone (usually none), not with every other container. */
static void
check_port_conflicts(struct ofg_ctx *ctx, const struct ofg_container *c,
                     const struct ofg_container_meta *m, struct shash *ports)
{
    struct port_users *users = shash_find_data(ports, c->port);
    if (!users) {
        users = xzalloc(sizeof *users);
        shash_add(ports, c->port, users);
    }
    for (size_t k = 0; k < users->n; k++) {
        const struct ofg_container *d = users->containers[k];

        /* A container without "switch" may appear on any switch. */
        if (!c->switch_name || !d->switch_name
            || !strcmp(c->switch_name, d->switch_name)) {
            bool both = c->switch_name && d->switch_name;
            char *ppath = ofg_path_member(m->path, "port");
            ofg_ctx_error(ctx, ppath, false, "port %s is also used by "
                          "containers.%s%s%s", c->port, d->name,
                          both ? " on switch " : "",
                          both ? c->switch_name : "");
            free(ppath);
        }
    }
    users->containers = xrealloc(users->containers,
                                 (users->n + 1) * sizeof *users->containers);
    users->containers[users->n++] = c;
}

/* Checks that no two containers of one network have the same or
 * overlapping addresses.  Sorting every address by network, family and
 * first address and sweeping once finds every overlap in O(n log n): an
 * entry that overlaps any earlier one overlaps the one reaching furthest.
 * The error goes to whichever of the two comes later in the file ('order'
 * lists the containers in file order), naming the other, as the other
 * duplicate checks do. */
static void
check_address_conflicts(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                        const struct ofg_container_meta *metas,
                        const size_t *order)
{
    size_t n_containers = cfg->n_containers;
    size_t n = 0;
    for (size_t i = 0; i < n_containers; i++) {
        n += cfg->containers[i].n_ipv4 + cfg->containers[i].n_ipv6;
    }
    struct addr_entry *entries = xmalloc((n ? n : 1) * sizeof *entries);
    size_t *rank = xmalloc((n_containers ? n_containers : 1) * sizeof *rank);
    for (size_t oi = 0; oi < n_containers; oi++) {
        rank[order[oi]] = oi;
    }

    n = 0;
    for (size_t i = 0; i < n_containers; i++) {
        const struct ofg_container *c = &cfg->containers[i];
        if (!c->network) {
            continue;
        }
        for (size_t a = 0; a < c->n_ipv4 + c->n_ipv6; a++) {
            struct ofg_prefix p = container_addr(c, a);
            entries[n++] = (struct addr_entry) {
                .start = p.addr,
                .end = ofg_prefix_last(&p),
                .network = c->network,
                .container = i,
                .rank = rank[i],
                .index = a,
                .is_ipv6 = !p.is_ipv4,
            };
        }
    }
    sort(n, compare_addr_entries, swap_addr_entries, entries);

    struct addr_entry *widest = NULL;
    for (size_t k = 0; k < n; k++) {
        struct addr_entry *e = &entries[k];
        if (!widest || widest->network != e->network
            || widest->is_ipv6 != e->is_ipv6
            || memcmp(&widest->end, &e->start, sizeof e->start) < 0) {
            /* Nothing before 'e' in its group reaches it. */
            widest = e;
            continue;
        }
        if (widest->container != e->container) {
            /* Overlaps within one container are reported elsewhere. */
            struct addr_entry *later = e->rank > widest->rank ? e : widest;
            struct addr_entry *other = later == e ? widest : e;
            if (!later->reported) {
                report_addr_conflict(ctx, cfg, metas, later, other);
                later->reported = true;
            }
        }
        if (memcmp(&e->end, &widest->end, sizeof e->end) > 0) {
            widest = e;
        }
    }
    free(rank);
    free(entries);
}

/* Reports that address entry 'e' overlaps 'o', of another container. */
static void
report_addr_conflict(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                     const struct ofg_container_meta *metas,
                     const struct addr_entry *e, const struct addr_entry *o)
{
    const struct ofg_container *c = &cfg->containers[e->container];
    const struct ofg_container *d = &cfg->containers[o->container];
    const struct ofg_container_meta *m = &metas[e->container];
    struct ofg_prefix p = container_addr(c, e->index);
    struct ofg_prefix q = container_addr(d, o->index);

    /* The entry's index in its JSON list, which differs from its index in
     * ipv4[] or ipv6[] when entries before it were refused. */
    int json_index = (e->is_ipv6 ? m->ipv6_idx[e->index - c->n_ipv4]
                      : m->ipv4_idx[e->index]);
    char *lpath = ofg_path_member(m->path, e->is_ipv6 ? "ipv6" : "ipv4");
    char *epath = ofg_path_index(lpath, json_index);

    struct ds ps = DS_EMPTY_INITIALIZER;
    struct ds qs = DS_EMPTY_INITIALIZER;
    ofg_prefix_format(&p, &ps);
    ofg_prefix_format(&q, &qs);
    if (p.plen == q.plen) {
        ofg_ctx_error(ctx, epath, false, "%s is also an address of "
                      "containers.%s", ds_cstr(&ps), d->name);
    } else {
        ofg_ctx_error(ctx, epath, false, "%s overlaps %s of containers.%s",
                      ds_cstr(&ps), ds_cstr(&qs), d->name);
    }
    ds_destroy(&ps);
    ds_destroy(&qs);
    free(epath);
    free(lpath);
}

/* Returns address 'index' of container 'c', counting its ipv4[] then its
 * ipv6[]. */
static struct ofg_prefix
container_addr(const struct ofg_container *c, size_t index)
{
    if (index < c->n_ipv4) {
        return ofg_prefix_from_ipv4(c->ipv4[index].addr,
                                    c->ipv4[index].plen);
    }
    const struct ofg_ipv6_prefix *p = &c->ipv6[index - c->n_ipv4];
    return ofg_prefix_from_ipv6(&p->addr, p->plen);
}

/* Networks. */

/* Reports a network whose cookie another network has, and a container whose
 * cookie a network has. */
static void
check_network_cookies(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                      const struct ofg_net_meta *net_metas,
                      const struct ofg_container_meta *metas)
{
    struct simap cookies = SIMAP_INITIALIZER(&cookies);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        if (!net_metas[i].cookie_ok) {
            continue;
        }
        char *key = xasprintf("%"PRIx64, cfg->networks[i].cookie);
        const struct simap_node *other = simap_find(&cookies, key);
        if (other) {
            report_network_cookie(ctx, net_metas[i].path,
                                  net_metas[i].cookie_explicit, key,
                                  cfg->networks[other->data].name);
        } else {
            simap_put(&cookies, key, i);
        }
        free(key);
    }
    for (size_t i = 0; i < cfg->n_containers; i++) {
        if (!metas[i].cookie_ok) {
            continue;
        }
        char *key = xasprintf("%"PRIx64, cfg->containers[i].cookie);
        const struct simap_node *net = simap_find(&cookies, key);
        if (net) {
            report_network_cookie(ctx, metas[i].path,
                                  metas[i].cookie_explicit, key,
                                  cfg->networks[net->data].name);
        }
        free(key);
    }
    simap_destroy(&cookies);
}

/* Reports that the entry at 'path' has the cookie 0x'cookie' of network
 * 'network': at its "cookie" if 'explicit', otherwise at the entry, whose
 * cookie was derived from its name, with the way out. */
static void
report_network_cookie(struct ofg_ctx *ctx, const char *path, bool explicit,
                      const char *cookie, const char *network)
{
    char *cpath = ofg_path_member(path, "cookie");
    ofg_ctx_error(ctx, explicit ? cpath : path, false, "%scookie 0x%s is "
                  "also the cookie of networks.%s%s",
                  explicit ? "" : "derived ", cookie, network,
                  explicit ? "" : "; set \"cookie\"");
    free(cpath);
}

/* Reports, at the later of networks 'a' and 'b' in the file, that their
 * subnets of the family 'is_ipv4' selects overlap, if they do.  'where' is
 * a switch on which both networks have containers, or "" for any. */
static void
check_subnet_overlap(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                     const struct ofg_net_meta *net_metas, size_t a,
                     size_t b, bool is_ipv4, const char *where)
{
    if (!ofg_net_meta_ok(&net_metas[a], is_ipv4)
        || !ofg_net_meta_ok(&net_metas[b], is_ipv4)) {
        return;
    }

    size_t later = a, other = b;
    if (ofg_ctx_is_before(ctx, net_metas[a].path, net_metas[b].path)) {
        later = b;
        other = a;
    }
    const struct ofg_network *ln = &cfg->networks[later];
    const struct ofg_network *on = &cfg->networks[other];
    struct ofg_prefix ls = ofg_network_subnet(ln, is_ipv4);
    struct ofg_prefix os = ofg_network_subnet(on, is_ipv4);
    if (!ofg_prefix_overlap(&ls, &os)) {
        return;
    }

    const char *key = is_ipv4 ? "subnet" : "subnet6";
    char *path = ofg_path_member(net_metas[later].path, key);
    struct ds lss = DS_EMPTY_INITIALIZER;
    struct ds oss = DS_EMPTY_INITIALIZER;
    ofg_prefix_format(&ls, &lss);
    ofg_prefix_format(&os, &oss);
    ofg_ctx_error(ctx, path, false, "%s overlaps %s %s of networks.%s, and "
                  "both networks have containers on %s%s", ds_cstr(&lss),
                  key, ds_cstr(&oss), on->name, *where ? "switch " : "",
                  *where ? where : "any switch (a container without "
                  "\"switch\" goes wherever its port is)");
    ds_destroy(&lss);
    ds_destroy(&oss);
    free(path);
}

/* Returns the name of a switch on which both 'a' and 'b' have containers,
 * "" if they may meet on any switch, or NULL if they never meet. */
static const char *
net_use_common_switch(const struct net_use *a, const struct net_use *b)
{
    if (!a->n_containers || !b->n_containers) {
        return NULL;
    } else if (a->any_switch || b->any_switch) {
        return "";
    }
    const char *name;
    SSET_FOR_EACH (name, &a->switches) {
        if (sset_contains(&b->switches, name)) {
            return name;
        }
    }
    return NULL;
}

/* Sorting. */

/* Orders container indexes 'a' and 'b' of 'file_order' by the position of
 * their entries, then by index. */
static int
compare_by_position(size_t a, size_t b, void *file_order)
{
    const struct file_order *fo = file_order;
    size_t x = fo->order[a], y = fo->order[b];
    int cmp = ofg_pos_compare(&fo->metas[x].pos, &fo->metas[y].pos);
    return cmp ? cmp : x < y ? -1 : x > y;
}

static void
swap_order(size_t a, size_t b, void *file_order)
{
    struct file_order *fo = file_order;
    size_t tmp = fo->order[a];
    fo->order[a] = fo->order[b];
    fo->order[b] = tmp;
}

/* Orders address entries by network, family, first address, then place in
 * the file. */
static int
compare_addr_entries(size_t a_, size_t b_, void *entries)
{
    const struct addr_entry *a = &((struct addr_entry *) entries)[a_];
    const struct addr_entry *b = &((struct addr_entry *) entries)[b_];
    if (a->network != b->network) {
        return a->network < b->network ? -1 : 1;
    } else if (a->is_ipv6 != b->is_ipv6) {
        return a->is_ipv6 ? 1 : -1;
    }
    int cmp = memcmp(&a->start, &b->start, sizeof a->start);
    if (cmp) {
        return cmp;
    }
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static void
swap_addr_entries(size_t a, size_t b, void *entries_)
{
    struct addr_entry *entries = entries_;
    struct addr_entry tmp = entries[a];
    entries[a] = entries[b];
    entries[b] = tmp;
}
