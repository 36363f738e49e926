/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_MAC_H
#define OFG_MAC_H 1

/* MAC addresses for containers that have none ("ofguard --gen-mac"), made
 * the way the seed slides ask: reliably (the same input gives the same MAC,
 * so that a container keeps its MAC across restarts and hosts), locally
 * administered and unicast, and checked against a central list, the MACs a
 * configuration already uses, so that two containers never share one.
 *
 * A MAC is a prefix of 1 to 5 octets ("02:00" by default) followed by:
 *   - for an IPv4 address: its last (6 - prefix length) octets, so that
 *     with the default prefix 10.10.20.10 becomes 02:00:0a:0a:14:0a, the
 *     address readable in the MAC (uncloud's and the README's gateway_mac
 *     convention);
 *   - for any other name: the last octets of the name's 64-bit FNV-1a hash.
 *
 * Everything but ofg_mac_main(), the command's I/O, is pure. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"

/* The default prefix: locally administered (bit 0x02 of the first octet
 * set), unicast (bit 0x01 clear). */
#define OFG_MAC_DEFAULT_PREFIX "02:00"

/* A parsed prefix: 'n' octets in 'octets'. */
struct ofg_mac_prefix {
    uint8_t octets[5];
    size_t n;
};

/* Parses 's', 1 to 5 octets "XX:XX..." of two hex digits each, into
 * '*prefix'.  Returns NULL, or an error message (the caller frees it) if 's'
 * is malformed or is not a locally administered unicast prefix. */
char *ofg_mac_prefix_parse(const char *s, struct ofg_mac_prefix *prefix)
    OVS_WARN_UNUSED_RESULT;

/* Makes the MAC of 'key' with 'prefix' into '*mac'.  'key' is an IPv4
 * address (with or without "/PLEN", as LXC writes it) or else a name: any
 * other non-empty string.  '*is_ipv4' (if nonnull) tells which it was.
 * Returns NULL, or an error message (the caller frees it) if 'key' is empty
 * or if the MAC is one of the 'n_taken' MACs in 'taken', the MACs already
 * in use; 'taken_names[i]' (if 'taken_names' is nonnull) names the owner
 * of 'taken[i]' in the message. */
char *ofg_mac_generate(const struct ofg_mac_prefix *prefix, const char *key,
                       const struct eth_addr *taken,
                       const char *const *taken_names, size_t n_taken,
                       struct eth_addr *mac, bool *is_ipv4)
    OVS_WARN_UNUSED_RESULT;

/* The MACs 'config' uses, containers' and networks' gateway_mac, into
 * '*taken' and their owners ("containers.NAME", "networks.NAME
 * gateway_mac") into '*names', for ofg_mac_generate(); returns their
 * number.  The caller frees both arrays and each name. */
struct ofg_config;
size_t ofg_mac_taken(const struct ofg_config *config,
                     struct eth_addr **taken, char ***names);

/* "ofguard --gen-mac [--mac-prefix=PREFIX] KEY [CONFIG]": prints the MAC of
 * 'key' (IPv4 address or name) with 'prefix' (NULL: the default), refused
 * if 'config_file' (if nonnull) already uses it.  Returns the exit status. */
int ofg_mac_main(const char *prefix, const char *key,
                 const char *config_file);

#endif /* controller/ofg-mac.h */
