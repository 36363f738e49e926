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
#include "hash.h"
#include "openvswitch/hmap.h"
#include "sort.h"
#include "util.h"

/* Container indexes and what orders them by place in the file, for
 * sort(). */
struct file_order {
    size_t *order;
    const struct ofg_container_meta *metas;
};

/* Network indexes and where each network is (NULL if unknown), for
 * sort(). */
struct net_order {
    size_t *order;
    const struct ofg_pos **pos;
};

/* The containers that use one port name: the first in the file, the first
 * without "switch", and the first on each switch, each with its place in
 * the file ('rank'). */
struct port_user {
    const struct ofg_container *c;
    size_t rank;
};
struct port_users {
    struct port_user first;
    struct port_user first_any;
    struct shash on_switch;     /* Switch name -> struct port_user. */
};

/* A map from 64-bit keys (MACs, cookies) to the first entry with each key:
 * no string to format or node to allocate per key, which matters when a
 * reload checks 10,000 containers again. */
struct u64_entry {
    struct hmap_node node;
    uint64_t key;
    const void *data;
};
struct u64_map {
    struct hmap map;
    struct u64_entry *entries;  /* Room for every key added. */
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
};

/* The subnet of one family of one network, in a group of networks whose
 * containers may meet: every network with containers (group 0), or those
 * with containers on one switch (group 1 + the switch's index). */
struct subnet_entry {
    struct in6_addr start, end;
    size_t group;
    size_t net;                 /* Index in the config's networks. */
    size_t rank;                /* The network's place in the file. */
    size_t rank_any;            /* 'rank' if the network has a container
                                 * without "switch", otherwise SIZE_MAX. */

    /* Found by sweep_subnets(): the least 'rank' and 'rank_any' of the
     * other entries of the group whose subnets overlap this one's, or
     * SIZE_MAX. */
    size_t first, first_any;
};

/* An entry of sweep_subnets()'s stack. */
struct sweep_frame {
    struct subnet_entry *e;
    size_t above, above_any;    /* Least ranks of the entries under 'e' on
                                 * the stack, which contain it. */
    size_t below, below_any;    /* Least ranks of the entries 'e' contains,
                                 * so far. */
};

static size_t *sort_by_position(const struct ofg_config *,
                                const struct ofg_container_meta *);
static void u64_map_init(struct u64_map *, size_t capacity);
static void u64_map_destroy(struct u64_map *);
static const void *u64_map_find(const struct u64_map *, uint64_t key);
static bool u64_map_add(struct u64_map *, uint64_t key, const void *data);
static void gateway_macs(const struct ofg_config *, struct u64_map *);
static void check_mac_conflicts(struct ofg_ctx *,
                                const struct u64_map *gw_macs,
                                const struct ofg_container *,
                                const struct ofg_container_meta *,
                                struct u64_map *macs);
static void check_cookie_conflict(struct ofg_ctx *,
                                  const struct ofg_container *,
                                  const struct ofg_container_meta *,
                                  struct u64_map *cookies);
static void check_port_conflicts(struct ofg_ctx *,
                                 const struct ofg_container *,
                                 const struct ofg_container_meta *,
                                 size_t rank, struct shash *ports);
static void destroy_ports(struct shash *ports);
static void check_ids_conflict(struct ofg_ctx *, const struct ofg_container *,
                               const struct ofg_container_meta *,
                               struct shash *ids);
static void check_address_conflicts(const struct ofg_config *,
                                    const struct ofg_container_meta *,
                                    const size_t *order);
static void report_addr_conflict(const struct ofg_config *,
                                 const struct ofg_container_meta *,
                                 const struct addr_entry *,
                                 const struct addr_entry *);
static struct ofg_prefix container_addr(const struct ofg_container *,
                                        size_t index);
static void check_network_cookies(struct ofg_ctx *, const struct ofg_config *,
                                  const struct ofg_net_meta *,
                                  const struct ofg_container_meta *);
static void report_network_cookie(struct ofg_ctx *, const char *path,
                                  bool explicit, uint64_t cookie,
                                  const char *network);
static size_t *rank_networks(const struct ofg_ctx *,
                             const struct ofg_config *,
                             const struct ofg_net_meta *);
static void check_subnet_overlaps(struct ofg_ctx *, const struct ofg_config *,
                                  const struct ofg_net_meta *,
                                  const struct ofg_container_meta *,
                                  const struct net_use *, const size_t *rank,
                                  const size_t *by_rank, bool is_ipv4);
static void sweep_subnets(struct subnet_entry *, size_t n);
static void report_subnet_overlap(struct ofg_ctx *, const struct ofg_config *,
                                  const struct ofg_net_meta *, size_t later,
                                  size_t other, bool is_ipv4,
                                  const char *where);
static void prefix_range(const struct ofg_prefix *, struct in6_addr *first,
                         struct in6_addr *last);
static int compare_by_position(size_t a, size_t b, void *file_order);
static void swap_order(size_t a, size_t b, void *file_order);
static int compare_addr_entries(size_t a, size_t b, void *entries);
static void swap_addr_entries(size_t a, size_t b, void *entries);
static int compare_subnet_entries(const void *, const void *);
static int compare_gateways(const void *, const void *);
static int compare_net_positions(size_t a, size_t b, void *net_order);
static void swap_net_order(size_t a, size_t b, void *net_order);

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
 * gateway), a cookie, a port on one switch, or addresses of one network,
 * each in the context of its file ('metas[i].ctx').  'metas' tells which
 * parts of each container are valid: only those are compared. */
void
ofg_check_containers(const struct ofg_config *cfg,
                     const struct ofg_container_meta *metas)
{
    size_t *order = sort_by_position(cfg, metas);

    struct u64_map macs, gw_macs, cookies;
    u64_map_init(&macs, cfg->n_containers);
    u64_map_init(&gw_macs, cfg->n_networks);
    gateway_macs(cfg, &gw_macs);
    u64_map_init(&cookies, cfg->n_containers);
    struct shash ports = SHASH_INITIALIZER(&ports);
    struct shash ids = SHASH_INITIALIZER(&ids);
    for (size_t oi = 0; oi < cfg->n_containers; oi++) {
        size_t i = order[oi];
        const struct ofg_container *c = &cfg->containers[i];
        const struct ofg_container_meta *m = &metas[i];

        if (m->mac_ok) {
            check_mac_conflicts(m->ctx, &gw_macs, c, m, &macs);
        }
        if (m->cookie_ok) {
            check_cookie_conflict(m->ctx, c, m, &cookies);
        }
        if (m->port_ok && m->switch_ok) {
            check_port_conflicts(m->ctx, c, m, oi, &ports);
        }
        if (m->ids_ok) {
            check_ids_conflict(m->ctx, c, m, &ids);
        }
    }

    check_address_conflicts(cfg, metas, order);

    destroy_ports(&ports);
    shash_destroy(&ids);
    u64_map_destroy(&macs);
    u64_map_destroy(&gw_macs);
    u64_map_destroy(&cookies);
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

    struct net_use *uses = xcalloc(MAX(cfg->n_networks, 1), sizeof *uses);
    for (size_t i = 0; i < cfg->n_containers; i++) {
        const struct ofg_container *c = &cfg->containers[i];
        if (!c->network || !metas[i].switch_ok) {
            continue;
        }
        struct net_use *u = &uses[c->network - cfg->networks];
        u->n_containers++;
        if (!c->sw) {
            u->any_switch = true;
        }
    }

    size_t *by_rank = rank_networks(ctx, cfg, net_metas);
    size_t *rank = xmalloc(MAX(cfg->n_networks, 1) * sizeof *rank);
    for (size_t r = 0; r < cfg->n_networks; r++) {
        rank[by_rank[r]] = r;
    }
    check_subnet_overlaps(ctx, cfg, net_metas, metas, uses, rank, by_rank,
                          true);
    check_subnet_overlaps(ctx, cfg, net_metas, metas, uses, rank, by_rank,
                          false);
    free(rank);
    free(by_rank);
    free(uses);
}

/* Gateways. */

/* Indexes the valid gateways of the networks of 'cfg' (which
 * 'net_metas' describe), for ofg_gateways_find(). */
void
ofg_gateways_init(struct ofg_gateways *gws, const struct ofg_config *cfg,
                  const struct ofg_net_meta *net_metas)
{
    gws->networks = cfg->networks;
    gws->gws = xmalloc(MAX(2 * cfg->n_networks, 1) * sizeof *gws->gws);
    gws->n = 0;
    for (size_t i = 0; i < cfg->n_networks; i++) {
        for (int is_ipv4 = 0; is_ipv4 <= 1; is_ipv4++) {
            if (ofg_net_meta_ok(&net_metas[i], is_ipv4)) {
                struct ofg_prefix gw = ofg_network_gateway(&cfg->networks[i],
                                                           is_ipv4);
                gws->gws[gws->n++] = (struct ofg_gateway) {
                    .addr = gw.addr, .is_ipv6 = !is_ipv4, .net = i,
                };
            }
        }
    }
    qsort(gws->gws, gws->n, sizeof *gws->gws, compare_gateways);
}

void
ofg_gateways_destroy(struct ofg_gateways *gws)
{
    free(gws->gws);
}

/* Returns a network whose gateway (of the family of 'p') is in 'p', or
 * NULL if there is none.  If there are several, the one with the lowest
 * gateway address, then the first by name.  A binary search. */
const struct ofg_network *
ofg_gateways_find(const struct ofg_gateways *gws, const struct ofg_prefix *p)
{
    struct ofg_gateway key = { .is_ipv6 = !p->is_ipv4, .net = 0 };
    struct in6_addr last;
    prefix_range(p, &key.addr, &last);

    /* The first gateway not before 'key'. */
    size_t lo = 0, hi = gws->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_gateways(&gws->gws[mid], &key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < gws->n) {
        const struct ofg_gateway *gw = &gws->gws[lo];
        if (gw->is_ipv6 == key.is_ipv6
            && memcmp(&gw->addr, &last, sizeof last) <= 0) {
            return &gws->networks[gw->net];
        }
    }
    return NULL;
}

/* Containers. */

/* Returns the indexes of the containers in the order of their entries in
 * the files (the caller must free the array), so that a conflict is always
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

static void
u64_map_init(struct u64_map *map, size_t capacity)
{
    hmap_init(&map->map);
    hmap_reserve(&map->map, capacity);
    map->entries = xmalloc(MAX(capacity, 1) * sizeof *map->entries);
    map->n = 0;
}

static void
u64_map_destroy(struct u64_map *map)
{
    hmap_destroy(&map->map);
    free(map->entries);
}

static const void *
u64_map_find(const struct u64_map *map, uint64_t key)
{
    const struct u64_entry *e;
    HMAP_FOR_EACH_WITH_HASH (e, node, hash_uint64(key), &map->map) {
        if (e->key == key) {
            return e->data;
        }
    }
    return NULL;
}

/* Adds 'key' with 'data' unless 'key' is there already.  Returns true if it
 * added it. */
static bool
u64_map_add(struct u64_map *map, uint64_t key, const void *data)
{
    if (u64_map_find(map, key)) {
        return false;
    }
    struct u64_entry *e = &map->entries[map->n++];
    e->key = key;
    e->data = data;
    hmap_insert(&map->map, &e->node, hash_uint64(key));
    return true;
}

/* Fills 'gw_macs' with each network's gateway_mac (MAC -> the first network
 * with it), so that each container's MAC is looked up once rather than
 * compared with every network's. */
static void
gateway_macs(const struct ofg_config *cfg, struct u64_map *gw_macs)
{
    for (size_t k = 0; k < cfg->n_networks; k++) {
        const struct ofg_network *net = &cfg->networks[k];
        if (net->has_gateway_mac) {
            u64_map_add(gw_macs, eth_addr_to_uint64(net->gateway_mac), net);
        }
    }
}

/* Reports container 'c' if its MAC is also the MAC of a container in 'macs'
 * or the gateway_mac of a network in 'gw_macs', and adds it to 'macs'
 * otherwise. */
static void
check_mac_conflicts(struct ofg_ctx *ctx, const struct u64_map *gw_macs,
                    const struct ofg_container *c,
                    const struct ofg_container_meta *m, struct u64_map *macs)
{
    uint64_t key = eth_addr_to_uint64(c->mac);
    const struct ofg_container *other = u64_map_find(macs, key);
    const struct ofg_network *net = u64_map_find(gw_macs, key);
    if (!other) {
        u64_map_add(macs, key, c);
    }
    if (!other && !net) {
        return;
    }

    char *mpath = ofg_path_member(m->path, "mac");
    if (other) {
        ofg_ctx_error(ctx, mpath, false, ETH_ADDR_FMT" is also the MAC of "
                      "containers.%s", ETH_ADDR_ARGS(c->mac), other->name);
    }
    if (net) {
        ofg_ctx_error(ctx, mpath, false, ETH_ADDR_FMT" is the gateway_mac "
                      "of networks.%s", ETH_ADDR_ARGS(c->mac), net->name);
    }
    free(mpath);
}

/* Reports container 'c' if its cookie is also the cookie of a container in
 * 'cookies', and adds it to 'cookies' otherwise. */
static void
check_cookie_conflict(struct ofg_ctx *ctx, const struct ofg_container *c,
                      const struct ofg_container_meta *m,
                      struct u64_map *cookies)
{
    const struct ofg_container *other = u64_map_find(cookies, c->cookie);
    if (!other) {
        u64_map_add(cookies, c->cookie, c);
    } else if (m->cookie_explicit) {
        char *cpath = ofg_path_member(m->path, "cookie");
        ofg_ctx_error(ctx, cpath, false, "cookie 0x%"PRIx64" is also the "
                      "cookie of containers.%s", c->cookie, other->name);
        free(cpath);
    } else {
        ofg_ctx_error(ctx, m->path, false, "derived cookie 0x%"PRIx64" is "
                      "also the cookie of containers.%s; set \"cookie\" "
                      "explicitly", c->cookie, other->name);
    }
}

/* Reports container 'c', the 'rank'th in the file, if a container before
 * it in 'ports' (port name -> struct port_users) may use its port on the
 * same switch, naming the first such container, then adds it there.  Only
 * the first container with its port name, the first without "switch" and
 * the first on its switch need looking at. */
static void
check_port_conflicts(struct ofg_ctx *ctx, const struct ofg_container *c,
                     const struct ofg_container_meta *m, size_t rank,
                     struct shash *ports)
{
    struct port_users *users = shash_find_data(ports, c->port);
    if (!users) {
        users = xzalloc(sizeof *users);
        shash_init(&users->on_switch);
        shash_add(ports, c->port, users);
    }

    /* A container without "switch" may appear on any switch. */
    struct port_user *same = NULL;
    const struct port_user *d;
    if (!c->switch_name) {
        d = &users->first;
    } else {
        same = shash_find_data(&users->on_switch, c->switch_name);
        d = &users->first_any;
        if (same && (!d->c || same->rank < d->rank)) {
            d = same;
        }
    }
    if (d->c) {
        bool both = c->switch_name && d->c->switch_name;
        char *ppath = ofg_path_member(m->path, "port");
        ofg_ctx_error(ctx, ppath, false, "port %s is also used by "
                      "containers.%s%s%s", c->port, d->c->name,
                      both ? " on switch " : "",
                      both ? c->switch_name : "");
        free(ppath);
    }

    struct port_user u = { .c = c, .rank = rank };
    if (!users->first.c) {
        users->first = u;
    }
    if (!c->switch_name) {
        if (!users->first_any.c) {
            users->first_any = u;
        }
    } else if (!same) {
        same = xmalloc(sizeof *same);
        *same = u;
        shash_add(&users->on_switch, c->switch_name, same);
    }
}

/* Reports container 'c' if an earlier container in 'ids' (its external_ids
 * as one string -> container) selects its interface by the same
 * external_ids, which OVSDB would give both the same port, and adds it
 * there otherwise.  Identities are compared whatever the switch: an
 * iface-id names one interface in a whole deployment. */
static void
check_ids_conflict(struct ofg_ctx *ctx, const struct ofg_container *c,
                   const struct ofg_container_meta *m, struct shash *ids)
{
    struct ds key = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < c->n_ids; i++) {
        /* Lengths first: keys and values may hold any character. */
        ds_put_format(&key, "%"PRIuSIZE":%s%"PRIuSIZE":%s",
                      strlen(c->ids[i].key), c->ids[i].key,
                      strlen(c->ids[i].value), c->ids[i].value);
    }
    const struct ofg_container *other = shash_find_data(ids, ds_cstr(&key));
    if (other) {
        bool iface_id = c->n_ids == 1 && !strcmp(c->ids[0].key, "iface-id");
        char *ipath = ofg_path_member(m->path, (iface_id ? "iface_id"
                                                : "external_ids"));
        ofg_ctx_error(ctx, ipath, false, "containers.%s selects its "
                      "interface by the same %s", other->name,
                      iface_id ? "iface-id" : "external_ids");
        free(ipath);
    } else {
        shash_add_nocopy(ids, ds_steal_cstr(&key), c);
    }
    ds_destroy(&key);
}

static void
destroy_ports(struct shash *ports)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, ports) {
        struct port_users *users = node->data;
        shash_destroy_free_data(&users->on_switch);
    }
    shash_destroy_free_data(ports);
}

/* Checks that no two containers of one network have the same or
 * overlapping addresses.  Sorting every address by network, family and
 * first address and sweeping once finds every overlap in O(n log n): an
 * entry that overlaps any earlier one overlaps the one reaching furthest.
 * The error goes to whichever of the two comes later in the file ('order'
 * lists the containers in file order), naming the other, as the other
 * duplicate checks do. */
static void
check_address_conflicts(const struct ofg_config *cfg,
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
                report_addr_conflict(cfg, metas, later, other);
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
report_addr_conflict(const struct ofg_config *cfg,
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
        ofg_ctx_error(m->ctx, epath, false, "%s is also an address of "
                      "containers.%s", ds_cstr(&ps), d->name);
    } else {
        ofg_ctx_error(m->ctx, epath, false, "%s overlaps %s of containers.%s",
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
    struct u64_map cookies;
    u64_map_init(&cookies, cfg->n_networks);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        const struct ofg_network *net = &cfg->networks[i];
        if (net_metas[i].cookie_ok && !u64_map_add(&cookies, net->cookie,
                                                   net)) {
            const struct ofg_network *other = u64_map_find(&cookies,
                                                           net->cookie);
            report_network_cookie(ctx, net_metas[i].path,
                                  net_metas[i].cookie_explicit, net->cookie,
                                  other->name);
        }
    }
    for (size_t i = 0; i < cfg->n_containers; i++) {
        const struct ofg_network *net;
        if (metas[i].cookie_ok
            && (net = u64_map_find(&cookies, cfg->containers[i].cookie))) {
            report_network_cookie(metas[i].ctx, metas[i].path,
                                  metas[i].cookie_explicit,
                                  cfg->containers[i].cookie, net->name);
        }
    }
    u64_map_destroy(&cookies);
}

/* Reports that the entry at 'path' has the cookie 'cookie' of network
 * 'network': at its "cookie" if 'explicit', otherwise at the entry, whose
 * cookie was derived from its name, with the way out. */
static void
report_network_cookie(struct ofg_ctx *ctx, const char *path, bool explicit,
                      uint64_t cookie, const char *network)
{
    char *cpath = ofg_path_member(path, "cookie");
    ofg_ctx_error(ctx, explicit ? cpath : path, false,
                  "%scookie 0x%"PRIx64" is also the cookie of networks.%s%s",
                  explicit ? "" : "derived ", cookie, network,
                  explicit ? "" : "; set \"cookie\"");
    free(cpath);
}

/* Returns the indexes of the networks in the order of their entries in the
 * file (the caller must free the array). */
static size_t *
rank_networks(const struct ofg_ctx *ctx, const struct ofg_config *cfg,
              const struct ofg_net_meta *net_metas)
{
    size_t n = cfg->n_networks;
    struct net_order no = {
        .order = xmalloc(MAX(n, 1) * sizeof *no.order),
        .pos = xmalloc(MAX(n, 1) * sizeof *no.pos),
    };
    for (size_t i = 0; i < n; i++) {
        no.order[i] = i;
        no.pos[i] = ofg_ctx_find_pos(ctx, net_metas[i].path);
    }
    sort(n, compare_net_positions, swap_net_order, &no);
    free(no.pos);
    return no.order;
}

/* Reports each network whose subnet of the family 'is_ipv4' selects
 * overlaps that of an earlier network in the file, where a switch has
 * containers of both ('uses' tells where each network's are), naming the
 * first such network.
 *
 * Comparing every pair of networks would take time quadratic in their
 * number.  Instead, each subnet goes in the group of every network with
 * containers, and in the group of each switch that has containers of its
 * network; the subnets of each group, sorted, are swept once to find the
 * first network in the file that overlaps each (sweep_subnets()).  In the
 * first group, a network without containers on any particular switch
 * meets every other; others meet only those. */
static void
check_subnet_overlaps(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                      const struct ofg_net_meta *net_metas,
                      const struct ofg_container_meta *metas,
                      const struct net_use *uses, const size_t *rank,
                      const size_t *by_rank, bool is_ipv4)
{
    size_t n = 0;
    struct subnet_entry *entries = xmalloc(MAX(cfg->n_networks
                                               + cfg->n_containers, 1)
                                           * sizeof *entries);
    for (size_t i = 0; i < cfg->n_networks + cfg->n_containers; i++) {
        size_t net, group = 0;
        if (i < cfg->n_networks) {
            net = i;
            if (!uses[net].n_containers) {
                continue;
            }
        } else {
            const struct ofg_container *c
                = &cfg->containers[i - cfg->n_networks];
            if (!c->network || !c->sw
                || !metas[i - cfg->n_networks].switch_ok) {
                continue;
            }
            net = c->network - cfg->networks;
            group = 1 + (c->sw - cfg->switches);
        }
        if (!ofg_net_meta_ok(&net_metas[net], is_ipv4)) {
            continue;
        }

        struct ofg_prefix subnet = ofg_network_subnet(&cfg->networks[net],
                                                      is_ipv4);
        struct subnet_entry *e = &entries[n++];
        prefix_range(&subnet, &e->start, &e->end);
        e->group = group;
        e->net = net;
        e->rank = rank[net];
        e->rank_any = uses[net].any_switch ? rank[net] : SIZE_MAX;
    }
    qsort(entries, n, sizeof *entries, compare_subnet_entries);

    /* A network with several containers on one switch is there once. */
    size_t n_unique = 0;
    for (size_t k = 0; k < n; k++) {
        if (!n_unique || entries[k].group != entries[n_unique - 1].group
            || entries[k].net != entries[n_unique - 1].net) {
            entries[n_unique++] = entries[k];
        }
    }
    n = n_unique;

    for (size_t k = 0, start = 0; k <= n; k++) {
        if (k == n || entries[k].group != entries[start].group) {
            sweep_subnets(&entries[start], k - start);
            start = k;
        }
    }

    /* The first network each one meets, and where: group 0 first, then the
     * switches by name, so that "any switch" wins, then the first switch
     * by name. */
    size_t *first = xmalloc(MAX(cfg->n_networks, 1) * sizeof *first);
    const char **where = xmalloc(MAX(cfg->n_networks, 1) * sizeof *where);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        first[i] = SIZE_MAX;
    }
    for (size_t k = 0; k < n; k++) {
        const struct subnet_entry *e = &entries[k];
        size_t other = (e->group || uses[e->net].any_switch
                        ? e->first : e->first_any);
        if (other < first[e->net]) {
            first[e->net] = other;
            where[e->net] = (e->group ? cfg->switches[e->group - 1].name
                             : "");
        }
    }
    for (size_t i = 0; i < cfg->n_networks; i++) {
        if (first[i] < rank[i]) {
            report_subnet_overlap(ctx, cfg, net_metas, i, by_rank[first[i]],
                                  is_ipv4, where[i]);
        }
    }
    free(first);
    free(where);
    free(entries);
}

/* Finds, for each of the 'n' entries of one group, sorted by first address,
 * then by last address in decreasing order (each subnet comes before the
 * subnets it contains), the least ranks of the other entries whose subnets
 * overlap its own.  Two prefixes overlap only if one contains the other,
 * so in that order the entries that contain an entry are on the stack when
 * it comes, and those it contains come right after it, to be popped before
 * it is: one pass, in linear time. */
static void
sweep_subnets(struct subnet_entry *entries, size_t n)
{
    struct sweep_frame *stack = xmalloc(MAX(n, 1) * sizeof *stack);
    size_t depth = 0;
    for (size_t k = 0; k <= n; k++) {
        struct subnet_entry *e = k < n ? &entries[k] : NULL;

        /* Pop the entries that end before 'e': they do not contain it. */
        while (depth && (!e || memcmp(&stack[depth - 1].e->end, &e->start,
                                      sizeof e->start) < 0)) {
            struct sweep_frame *f = &stack[--depth];
            f->e->first = MIN(f->above, f->below);
            f->e->first_any = MIN(f->above_any, f->below_any);
            if (depth) {
                struct sweep_frame *parent = &stack[depth - 1];
                parent->below = MIN(parent->below, MIN(f->below, f->e->rank));
                parent->below_any = MIN(parent->below_any,
                                        MIN(f->below_any, f->e->rank_any));
            }
        }
        if (e) {
            const struct sweep_frame *top = depth ? &stack[depth - 1] : NULL;
            stack[depth++] = (struct sweep_frame) {
                .e = e,
                .above = top ? MIN(top->above, top->e->rank) : SIZE_MAX,
                .above_any = (top ? MIN(top->above_any, top->e->rank_any)
                              : SIZE_MAX),
                .below = SIZE_MAX,
                .below_any = SIZE_MAX,
            };
        }
    }
    free(stack);
}

/* Reports, at network 'later', that its subnet of the family 'is_ipv4'
 * selects overlaps that of network 'other', which comes before it in the
 * file.  'where' is a switch on which both networks have containers, or ""
 * for any. */
static void
report_subnet_overlap(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                      const struct ofg_net_meta *net_metas, size_t later,
                      size_t other, bool is_ipv4, const char *where)
{
    const struct ofg_network *ln = &cfg->networks[later];
    const struct ofg_network *on = &cfg->networks[other];
    struct ofg_prefix ls = ofg_network_subnet(ln, is_ipv4);
    struct ofg_prefix os = ofg_network_subnet(on, is_ipv4);

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

/* Stores in 'first' and 'last' the range of addresses of 'p' (for IPv4,
 * IPv4-mapped). */
static void
prefix_range(const struct ofg_prefix *p, struct in6_addr *first,
             struct in6_addr *last)
{
    struct in6_addr mask = ipv6_create_mask(p->plen);
    *first = ipv6_addr_bitand(&p->addr, &mask);
    *last = ofg_prefix_last(p);
}

/* Sorting. */

/* Orders container indexes 'a' and 'b' of 'file_order' by their files'
 * ranks, then the positions of their entries, then index. */
static int
compare_by_position(size_t a, size_t b, void *file_order)
{
    const struct file_order *fo = file_order;
    size_t x = fo->order[a], y = fo->order[b];
    const struct ofg_container_meta *mx = &fo->metas[x], *my = &fo->metas[y];
    if (mx->file != my->file) {
        return mx->file < my->file ? -1 : 1;
    }
    int cmp = ofg_pos_compare(&mx->pos, &my->pos);
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

/* Orders subnet entries by group, first address, last address (the widest
 * first), then place in the file. */
static int
compare_subnet_entries(const void *a_, const void *b_)
{
    const struct subnet_entry *a = a_;
    const struct subnet_entry *b = b_;
    if (a->group != b->group) {
        return a->group < b->group ? -1 : 1;
    }
    int cmp = memcmp(&a->start, &b->start, sizeof a->start);
    if (cmp) {
        return cmp;
    }
    cmp = memcmp(&b->end, &a->end, sizeof a->end);
    if (cmp) {
        return cmp;
    }
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Orders gateways by family, address, then network. */
static int
compare_gateways(const void *a_, const void *b_)
{
    const struct ofg_gateway *a = a_;
    const struct ofg_gateway *b = b_;
    if (a->is_ipv6 != b->is_ipv6) {
        return a->is_ipv6 ? 1 : -1;
    }
    int cmp = memcmp(&a->addr, &b->addr, sizeof a->addr);
    if (cmp) {
        return cmp;
    }
    return a->net < b->net ? -1 : a->net > b->net;
}

/* Orders network indexes 'a' and 'b' of 'net_order' by the position of
 * their entries (an unknown one last), then by index. */
static int
compare_net_positions(size_t a_, size_t b_, void *net_order)
{
    const struct net_order *no = net_order;
    const struct ofg_pos **pos = no->pos;
    size_t a = no->order[a_], b = no->order[b_];
    if (pos[a] && pos[b]) {
        int cmp = ofg_pos_compare(pos[a], pos[b]);
        if (cmp) {
            return cmp;
        }
    } else if (pos[a] || pos[b]) {
        return pos[a] ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

static void
swap_net_order(size_t a, size_t b, void *net_order)
{
    struct net_order *no = net_order;
    size_t tmp = no->order[a];
    no->order[a] = no->order[b];
    no->order[b] = tmp;
}
