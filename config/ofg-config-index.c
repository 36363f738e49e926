/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-index.h"

#include <string.h>
#include "config/ofg-addr.h"
#include "config/ofg-config.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "packets.h"
#include "util.h"

/* One container's entries.  The keys that must be unique are in maps; the
 * port's may repeat (one port name on several switches). */
struct idx_entry {
    struct hmap_node all_node;      /* In 'all', by container pointer. */
    struct hmap_node mac_node;      /* In 'macs'. */
    struct hmap_node cookie_node;   /* In 'cookies'. */
    struct hmap_node port_node;     /* In 'ports', if 'c->port'. */
    struct hmap_node ids_node;      /* In 'ids', if 'ids_key'. */
    char *ids_key;

    /* A copy: the configuration's array is not the index's to keep.  What
     * it points to belongs to the container's part (file), and the name
     * pointer tells the entry apart, as in ofg_container_equal(). */
    struct ofg_container c;
};

/* One address or prefix, as an interval.  In a valid configuration those
 * of one network and family never overlap, so sorted by first address
 * they are also sorted by last, and a new interval can overlap only its
 * two neighbours. */
struct idx_interval {
    struct in6_addr start, end;
    const char *owner;          /* The container's name (pointer). */
};
struct idx_intervals {
    struct idx_interval *ivs;
    size_t n, allocated;
};

/* How many containers a network has on one switch (or with no switch
 * given). */
struct idx_use {
    struct hmap_node node;
    size_t net, sw;             /* Indexes; 'sw' SIZE_MAX for none. */
    size_t n;
};

/* A 64-bit key: a network's cookie or gateway MAC. */
struct idx_key {
    struct hmap_node node;
    uint64_t key;
};

struct ofg_config_index {
    const struct ofg_network *networks;
    size_t n_networks;
    const struct ofg_switch *switches;

    struct hmap all, macs, cookies, ports, ids;
    struct idx_intervals *addrs;    /* 2 per network: IPv4, then IPv6. */
    struct hmap uses;
    struct hmap net_cookies, gateway_macs;
};

static bool index_add(struct ofg_config_index *,
                      const struct ofg_container *);
static struct idx_entry *index_detach(struct ofg_config_index *,
                                      const struct ofg_container *);
static void index_attach(struct ofg_config_index *, struct idx_entry *,
                         bool sorted);
static struct idx_entry *new_entry(const struct ofg_container *);
static void free_entry(struct idx_entry *);
static bool may_join(const struct ofg_config_index *,
                     const struct ofg_container *);
static char *ids_key(const struct ofg_container *);
static struct idx_use *find_use(const struct ofg_config_index *,
                                const struct ofg_container *);
static void add_use(struct ofg_config_index *, const struct ofg_container *,
                    int delta);
static struct idx_intervals *addr_list(const struct ofg_config_index *,
                                       const struct ofg_container *,
                                       bool is_ipv6);
static struct idx_interval container_interval(const struct ofg_container *,
                                              size_t index, bool *is_ipv6);
static size_t interval_find(const struct idx_intervals *,
                            const struct in6_addr *start);
static bool interval_overlaps(const struct idx_intervals *,
                              const struct idx_interval *);
static int compare_intervals(const void *, const void *);
static void interval_insert(struct idx_intervals *,
                            const struct idx_interval *, bool sorted);
static void interval_remove(struct idx_intervals *,
                            const struct idx_interval *);
static bool key_find(const struct hmap *, uint64_t);
static void key_add(struct hmap *, uint64_t);
static void keys_destroy(struct hmap *);

struct ofg_config_index *
ofg_config_index_create(const struct ofg_config *config)
{
    struct ofg_config_index *idx = xzalloc(sizeof *idx);
    idx->networks = config->networks;
    idx->n_networks = config->n_networks;
    idx->switches = config->switches;
    hmap_init(&idx->all);
    hmap_init(&idx->macs);
    hmap_init(&idx->cookies);
    hmap_init(&idx->ports);
    hmap_init(&idx->ids);
    hmap_init(&idx->uses);
    hmap_init(&idx->net_cookies);
    hmap_init(&idx->gateway_macs);
    idx->addrs = xcalloc(2 * config->n_networks + 1, sizeof *idx->addrs);
    for (size_t i = 0; i < config->n_networks; i++) {
        const struct ofg_network *net = &config->networks[i];
        key_add(&idx->net_cookies, net->cookie);
        if (net->has_gateway_mac) {
            key_add(&idx->gateway_macs, eth_addr_to_uint64(net->gateway_mac));
        }
    }
    for (size_t i = 0; i < config->n_containers; i++) {
        /* Valid: no container needs checking.  The intervals are sorted
         * once at the end, not inserted in place, which would take time
         * quadratic in the addresses of a network. */
        index_attach(idx, new_entry(&config->containers[i]), false);
    }
    for (size_t i = 0; i < 2 * idx->n_networks; i++) {
        struct idx_intervals *l = &idx->addrs[i];
        if (l->n) {
            qsort(l->ivs, l->n, sizeof *l->ivs, compare_intervals);
        }
    }
    return idx;
}

void
ofg_config_index_destroy(struct ofg_config_index *idx)
{
    if (!idx) {
        return;
    }
    struct idx_entry *e;
    HMAP_FOR_EACH_POP (e, all_node, &idx->all) {
        free_entry(e);
    }
    hmap_destroy(&idx->all);
    hmap_destroy(&idx->macs);
    hmap_destroy(&idx->cookies);
    hmap_destroy(&idx->ports);
    hmap_destroy(&idx->ids);
    struct idx_use *u;
    HMAP_FOR_EACH_POP (u, node, &idx->uses) {
        free(u);
    }
    hmap_destroy(&idx->uses);
    keys_destroy(&idx->net_cookies);
    keys_destroy(&idx->gateway_macs);
    for (size_t i = 0; i < 2 * idx->n_networks; i++) {
        free(idx->addrs[i].ivs);
    }
    free(idx->addrs);
    free(idx);
}

bool
ofg_config_index_replace(struct ofg_config_index *idx,
                         const struct ofg_container *const *removed,
                         size_t n_removed,
                         const struct ofg_container *const *added,
                         size_t n_added)
{
    /* Those that leave first: a container may take an address or a port
     * that another one gives up in the same reload. */
    struct idx_entry **gone = xmalloc(MAX(n_removed, 1) * sizeof *gone);
    for (size_t i = 0; i < n_removed; i++) {
        gone[i] = index_detach(idx, removed[i]);
    }

    size_t n_joined = 0;
    while (n_joined < n_added && index_add(idx, added[n_joined])) {
        n_joined++;
    }
    bool ok = n_joined == n_added;
    if (!ok) {
        /* Back to the index as it was. */
        while (n_joined > 0) {
            free_entry(index_detach(idx, added[--n_joined]));
        }
    }
    for (size_t i = 0; i < n_removed; i++) {
        if (ok) {
            free_entry(gone[i]);
        } else {
            index_attach(idx, gone[i], true);
        }
    }
    free(gone);
    return ok;
}

/* Adds 'c' and returns true if it conflicts with no container in the
 * index; otherwise returns false and adds nothing. */
static bool
index_add(struct ofg_config_index *idx, const struct ofg_container *c)
{
    if (!may_join(idx, c)) {
        return false;
    }
    index_attach(idx, new_entry(c), true);
    return true;
}

static struct idx_entry *
new_entry(const struct ofg_container *c)
{
    struct idx_entry *e = xzalloc(sizeof *e);
    e->c = *c;
    e->ids_key = c->n_ids ? ids_key(c) : NULL;
    return e;
}

/* Whether 'c' may join the containers of 'idx': nothing it must hold alone
 * is taken, and it uses its network on a switch where the network already
 * has containers (otherwise only the subnet checks can tell). */
static bool
may_join(const struct ofg_config_index *idx, const struct ofg_container *c)
{
    uint64_t mac = eth_addr_to_uint64(c->mac);
    if (!c->network || key_find(&idx->gateway_macs, mac)
        || key_find(&idx->net_cookies, c->cookie)) {
        return false;
    }
    const struct idx_use *u = find_use(idx, c);
    if (!u || !u->n) {
        return false;
    }

    const struct idx_entry *e;
    HMAP_FOR_EACH_WITH_HASH (e, mac_node, hash_uint64(mac), &idx->macs) {
        if (eth_addr_equals(e->c.mac, c->mac)) {
            return false;
        }
    }
    HMAP_FOR_EACH_WITH_HASH (e, cookie_node, hash_uint64(c->cookie),
                             &idx->cookies) {
        if (e->c.cookie == c->cookie) {
            return false;
        }
    }
    if (c->port) {
        /* A container without a switch may be on any. */
        HMAP_FOR_EACH_WITH_HASH (e, port_node, hash_string(c->port, 0),
                                 &idx->ports) {
            if (!strcmp(e->c.port, c->port)
                && (!c->switch_name || !e->c.switch_name
                    || !strcmp(c->switch_name, e->c.switch_name))) {
                return false;
            }
        }
    }
    if (c->n_ids) {
        char *key = ids_key(c);
        bool taken = false;
        HMAP_FOR_EACH_WITH_HASH (e, ids_node, hash_string(key, 0),
                                 &idx->ids) {
            taken = taken || !strcmp(e->ids_key, key);
        }
        free(key);
        if (taken) {
            return false;
        }
    }
    for (size_t a = 0; a < c->n_ipv4 + c->n_ipv6; a++) {
        bool is_ipv6;
        struct idx_interval iv = container_interval(c, a, &is_ipv6);
        if (interval_overlaps(addr_list(idx, c, is_ipv6), &iv)) {
            return false;
        }
    }
    return true;
}

/* Puts 'e' in every map; its intervals in their places if 'sorted',
 * otherwise at the ends of their lists, for the caller to sort. */
static void
index_attach(struct ofg_config_index *idx, struct idx_entry *e, bool sorted)
{
    const struct ofg_container *c = &e->c;
    hmap_insert(&idx->all, &e->all_node, hash_pointer(c->name, 0));
    hmap_insert(&idx->macs, &e->mac_node,
                hash_uint64(eth_addr_to_uint64(c->mac)));
    hmap_insert(&idx->cookies, &e->cookie_node, hash_uint64(c->cookie));
    if (c->port) {
        hmap_insert(&idx->ports, &e->port_node, hash_string(c->port, 0));
    }
    if (e->ids_key) {
        hmap_insert(&idx->ids, &e->ids_node, hash_string(e->ids_key, 0));
    }
    for (size_t a = 0; a < c->n_ipv4 + c->n_ipv6; a++) {
        bool is_ipv6;
        struct idx_interval iv = container_interval(c, a, &is_ipv6);
        interval_insert(addr_list(idx, c, is_ipv6), &iv, sorted);
    }
    add_use(idx, c, 1);
}

/* Takes 'c''s entry out of every map and returns it. */
static struct idx_entry *
index_detach(struct ofg_config_index *idx, const struct ofg_container *c)
{
    struct idx_entry *e = NULL, *iter;
    HMAP_FOR_EACH_WITH_HASH (iter, all_node, hash_pointer(c->name, 0),
                             &idx->all) {
        if (iter->c.name == c->name) {
            e = iter;
            break;
        }
    }
    ovs_assert(e);
    hmap_remove(&idx->all, &e->all_node);
    hmap_remove(&idx->macs, &e->mac_node);
    hmap_remove(&idx->cookies, &e->cookie_node);
    if (c->port) {
        hmap_remove(&idx->ports, &e->port_node);
    }
    if (e->ids_key) {
        hmap_remove(&idx->ids, &e->ids_node);
    }
    for (size_t a = 0; a < c->n_ipv4 + c->n_ipv6; a++) {
        bool is_ipv6;
        struct idx_interval iv = container_interval(c, a, &is_ipv6);
        interval_remove(addr_list(idx, c, is_ipv6), &iv);
    }
    add_use(idx, c, -1);
    return e;
}

static void
free_entry(struct idx_entry *e)
{
    free(e->ids_key);
    free(e);
}

/* The external_ids of 'c' as one string, as the full check compares them:
 * lengths first, since keys and values may hold any character. */
static char *
ids_key(const struct ofg_container *c)
{
    struct ds key = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < c->n_ids; i++) {
        ds_put_format(&key, "%"PRIuSIZE":%s%"PRIuSIZE":%s",
                      strlen(c->ids[i].key), c->ids[i].key,
                      strlen(c->ids[i].value), c->ids[i].value);
    }
    return ds_steal_cstr(&key);
}

static struct idx_use *
find_use(const struct ofg_config_index *idx, const struct ofg_container *c)
{
    size_t net = c->network - idx->networks;
    size_t sw = c->sw ? (size_t) (c->sw - idx->switches) : SIZE_MAX;
    struct idx_use *u;
    HMAP_FOR_EACH_WITH_HASH (u, node, hash_2words(net, sw), &idx->uses) {
        if (u->net == net && u->sw == sw) {
            return u;
        }
    }
    return NULL;
}

static void
add_use(struct ofg_config_index *idx, const struct ofg_container *c,
        int delta)
{
    struct idx_use *u = find_use(idx, c);
    if (!u) {
        u = xzalloc(sizeof *u);
        u->net = c->network - idx->networks;
        u->sw = c->sw ? (size_t) (c->sw - idx->switches) : SIZE_MAX;
        hmap_insert(&idx->uses, &u->node, hash_2words(u->net, u->sw));
    }
    u->n += delta;
}

static struct idx_intervals *
addr_list(const struct ofg_config_index *idx, const struct ofg_container *c,
          bool is_ipv6)
{
    return &idx->addrs[2 * (c->network - idx->networks) + is_ipv6];
}

/* Address 'index' of 'c', counting its ipv4[] then its ipv6[]. */
static struct idx_interval
container_interval(const struct ofg_container *c, size_t index,
                   bool *is_ipv6)
{
    struct ofg_prefix p;
    *is_ipv6 = index >= c->n_ipv4;
    if (!*is_ipv6) {
        p = ofg_prefix_from_ipv4(c->ipv4[index].addr, c->ipv4[index].plen);
    } else {
        const struct ofg_ipv6_prefix *q = &c->ipv6[index - c->n_ipv4];
        p = ofg_prefix_from_ipv6(&q->addr, q->plen);
    }
    return (struct idx_interval) {
        .start = p.addr, .end = ofg_prefix_last(&p), .owner = c->name,
    };
}

/* The number of intervals in 'l' that start at or before 'start'. */
static size_t
interval_find(const struct idx_intervals *l, const struct in6_addr *start)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(&l->ivs[mid].start, start, sizeof *start) <= 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool
interval_overlaps(const struct idx_intervals *l,
                  const struct idx_interval *iv)
{
    size_t k = interval_find(l, &iv->start);
    return ((k > 0 && memcmp(&l->ivs[k - 1].end, &iv->start,
                             sizeof iv->start) >= 0)
            || (k < l->n && memcmp(&l->ivs[k].start, &iv->end,
                                   sizeof iv->end) <= 0));
}

static int
compare_intervals(const void *a_, const void *b_)
{
    const struct idx_interval *a = a_, *b = b_;
    return memcmp(&a->start, &b->start, sizeof a->start);
}

/* Adds 'iv' to 'l': in its place if 'sorted', otherwise at the end. */
static void
interval_insert(struct idx_intervals *l, const struct idx_interval *iv,
                bool sorted)
{
    if (l->n >= l->allocated) {
        l->ivs = x2nrealloc(l->ivs, &l->allocated, sizeof *l->ivs);
    }
    size_t k = sorted ? interval_find(l, &iv->start) : l->n;
    memmove(&l->ivs[k + 1], &l->ivs[k], (l->n - k) * sizeof *l->ivs);
    l->ivs[k] = *iv;
    l->n++;
}

static void
interval_remove(struct idx_intervals *l, const struct idx_interval *iv)
{
    size_t k = interval_find(l, &iv->start);
    ovs_assert(k > 0 && l->ivs[k - 1].owner == iv->owner);
    k--;
    memmove(&l->ivs[k], &l->ivs[k + 1], (l->n - k - 1) * sizeof *l->ivs);
    l->n--;
}

static bool
key_find(const struct hmap *keys, uint64_t key)
{
    const struct idx_key *k;
    HMAP_FOR_EACH_WITH_HASH (k, node, hash_uint64(key), keys) {
        if (k->key == key) {
            return true;
        }
    }
    return false;
}

static void
key_add(struct hmap *keys, uint64_t key)
{
    struct idx_key *k = xmalloc(sizeof *k);
    k->key = key;
    hmap_insert(keys, &k->node, hash_uint64(key));
}

static void
keys_destroy(struct hmap *keys)
{
    struct idx_key *k;
    HMAP_FOR_EACH_POP (k, node, keys) {
        free(k);
    }
    hmap_destroy(keys);
}
