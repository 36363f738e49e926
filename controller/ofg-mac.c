/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>

#include "controller/ofg-mac.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-config.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "util.h"

char *
ofg_mac_prefix_parse(const char *s, struct ofg_mac_prefix *prefix)
{
    size_t len = strlen(s);

    memset(prefix, 0, sizeof *prefix);
    if (len < 2 || len > 14 || (len + 1) % 3) {
        return xasprintf("mac prefix \"%s\": expected 1 to 5 octets, "
                         "e.g. \"%s\"", s, OFG_MAC_DEFAULT_PREFIX);
    }
    prefix->n = (len + 1) / 3;
    for (size_t i = 0; i < prefix->n; i++) {
        const char *p = &s[i * 3];
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])
            || (i + 1 < prefix->n && p[2] != ':')) {
            return xasprintf("mac prefix \"%s\": expected 1 to 5 octets "
                             "of two hex digits, separated by ':'", s);
        }
        char hex[3] = { p[0], p[1], '\0' };
        prefix->octets[i] = strtoul(hex, NULL, 16);
    }
    if (prefix->octets[0] & 0x01) {
        return xasprintf("mac prefix \"%s\": a multicast prefix (bit 0x01 "
                         "of the first octet set); a container needs a "
                         "unicast MAC", s);
    }
    if (!(prefix->octets[0] & 0x02)) {
        return xasprintf("mac prefix \"%s\": a universally administered "
                         "prefix (bit 0x02 of the first octet clear), which "
                         "belongs to a vendor; use a locally administered "
                         "one such as \"%s\"", s, OFG_MAC_DEFAULT_PREFIX);
    }
    return NULL;
}

/* Parses 'key' as a dotted-quad IPv4 address, optionally followed by
 * "/PLEN" (0...32), into '*addr' (network byte order). */
static bool
parse_ipv4(const char *key, ovs_be32 *addr)
{
    char buf[INET_ADDRSTRLEN];
    const char *slash = strchr(key, '/');
    size_t len = slash ? (size_t) (slash - key) : strlen(key);

    if (len >= sizeof buf) {
        return false;
    }
    memcpy(buf, key, len);
    buf[len] = '\0';
    if (slash) {
        const char *p = slash + 1;
        if (!p[0] || strlen(p) > 2 || strspn(p, "0123456789") != strlen(p)
            || atoi(p) > 32) {
            return false;
        }
    }
    struct in_addr in;
    if (inet_pton(AF_INET, buf, &in) != 1) {
        return false;
    }
    *addr = in.s_addr;
    return true;
}

/* 64-bit FNV-1a of 's'. */
static uint64_t
fnv1a64(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char) *s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

char *
ofg_mac_generate(const struct ofg_mac_prefix *prefix, const char *key,
                 const struct eth_addr *taken,
                 const char *const *taken_names, size_t n_taken,
                 struct eth_addr *mac, bool *is_ipv4)
{
    ovs_be32 addr;
    bool ipv4;

    ovs_assert(prefix->n >= 1 && prefix->n <= 5);
    if (!key[0]) {
        return xstrdup("an empty name has no MAC");
    }

    memset(mac, 0, sizeof *mac);
    memcpy(mac->ea, prefix->octets, prefix->n);

    /* The last 6 - n octets of the address or of the hash, big-endian. */
    size_t n_rest = 6 - prefix->n;
    uint64_t value;
    ipv4 = parse_ipv4(key, &addr);
    if (ipv4) {
        value = ntohl(addr);
    } else {
        value = fnv1a64(key);
    }
    for (size_t i = 0; i < n_rest; i++) {
        mac->ea[5 - i] = value >> (8 * i);
    }
    if (is_ipv4) {
        *is_ipv4 = ipv4;
    }

    for (size_t i = 0; i < n_taken; i++) {
        if (eth_addr_equals(taken[i], *mac)) {
            const char *owner = taken_names ? taken_names[i] : NULL;
            return xasprintf(ETH_ADDR_FMT" (from %s \"%s\") is already the "
                             "MAC of %s", ETH_ADDR_ARGS(*mac),
                             ipv4 ? "the IPv4 address" : "the name", key,
                             owner ? owner : "another container");
        }
    }
    return NULL;
}

size_t
ofg_mac_taken(const struct ofg_config *config, struct eth_addr **takenp,
              char ***namesp)
{
    size_t n = 0;
    size_t max = config->n_containers + config->n_networks;
    struct eth_addr *taken = xmalloc(MAX(max, 1) * sizeof *taken);
    char **names = xmalloc(MAX(max, 1) * sizeof *names);

    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        taken[n] = c->mac;
        names[n++] = xasprintf("containers.%s", c->name);
    }
    for (size_t i = 0; i < config->n_networks; i++) {
        const struct ofg_network *net = &config->networks[i];
        if (net->has_gateway_mac) {
            taken[n] = net->gateway_mac;
            names[n++] = xasprintf("networks.%s gateway_mac", net->name);
        }
    }
    *takenp = taken;
    *namesp = names;
    return n;
}

int
ofg_mac_main(const char *prefix_s, const char *key, const char *config_file)
{
    struct ofg_mac_prefix prefix;
    struct ofg_config *config = NULL;
    struct eth_addr *taken = NULL, mac;
    char **names = NULL;
    size_t n_taken = 0;
    char *error;

    error = ofg_mac_prefix_parse(prefix_s ? prefix_s : OFG_MAC_DEFAULT_PREFIX,
                                 &prefix);
    if (!error && config_file) {
        error = ofg_config_read(config_file, &config);
        if (error) {
            fputs(error, stderr);
            free(error);
            error = xasprintf("%s: invalid configuration, cannot check "
                              "the MACs it uses", config_file);
        } else {
            n_taken = ofg_mac_taken(config, &taken, &names);
        }
    }
    if (!error) {
        error = ofg_mac_generate(&prefix, key, taken,
                                 (const char *const *) names, n_taken, &mac,
                                 NULL);
    }
    if (error) {
        fprintf(stderr, "%s\n", error);
        free(error);
    } else {
        printf(ETH_ADDR_FMT"\n", ETH_ADDR_ARGS(mac));
    }

    for (size_t i = 0; i < n_taken; i++) {
        free(names[i]);
    }
    free(names);
    free(taken);
    if (config) {
        ofg_config_destroy(config);
    }
    return error ? EXIT_FAILURE : EXIT_SUCCESS;
}
