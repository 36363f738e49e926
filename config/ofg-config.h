/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_H
#define OFG_CONFIG_H 1

/* ofguard's configuration: one JSON file, or a directory that holds a main
 * file, ofguard.json, and drop-in files of containers, containers.d/NAME.json,
 * parsed and validated in full.
 *
 * It reads the files (or a string) and produces either a complete,
 * validated 'struct ofg_config' or the list of every error found.
 * It parses JSON with jansson, but this header does not include <jansson.h>:
 * jansson and libopenvswitch export JSON functions of the same names, so
 * the two JSON headers must never meet in one translation unit (see the
 * README).
 *
 * The module's parts, in config/:
 *   ofg-config.c         this API, the walk over a file, the checks
 *                        across files;
 *   ofg-config-files.c   reading: the files of a directory, and which
 *                        changed since the last time;
 *   ofg-config-part.h    one file's share of a configuration;
 *   ofg-config-entry.c   validation of one network, switch or container;
 *   ofg-config-check.c   checks across entries (duplicates, conflicts);
 *   ofg-config-meta.h    what validating each entry learned, for the checks;
 *   ofg-config-schema.c  JSON shape: kinds, known and required keys, names;
 *   ofg-config-ctx.c     the error context: messages with FILE:LINE:COLUMN;
 *   ofg-config-scan.c    the position of every JSON value, by path;
 *   ofg-addr.c           IP prefixes and MAC addresses (no JSON). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "config/ofg-addr.h"
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"
#include "svec.h"

struct ofg_config_index;
struct ofg_config_part;
struct ofg_config_watch;

/* Container cookies occupy the low OFG_COOKIE_ID_BITS bits of a flow's
 * cookie; the high bits carry OFG_COOKIE_TAG, which marks a flow as
 * ofguard's own.  Cookie id 0 is reserved for a switch's global flows. */
#define OFG_COOKIE_ID_BITS 48
#define OFG_COOKIE_ID_MASK ((UINT64_C(1) << OFG_COOKIE_ID_BITS) - 1)
#define OFG_COOKIE_TAG (UINT64_C(0x0fa7) << OFG_COOKIE_ID_BITS)

/* The largest configuration file accepted, in bytes.  10,000 containers
 * take under 2 MB (tests/bench.sh's config), so this leaves room for far
 * more, while a hostile or runaway file is refused before it is parsed.
 * The other limits, on nesting and on keys and strings, are in
 * ofg-config-scan.h. */
#define OFG_CONFIG_MAX_SIZE (64 * 1024 * 1024)
#define OFG_COOKIE_TAG_MASK (~OFG_COOKIE_ID_MASK)

/* "networks": { NAME: {...} } */
struct ofg_network {
    char *name;

    bool has_ipv4;              /* "subnet" and "gateway" given. */
    struct ofg_ipv4_prefix subnet;
    ovs_be32 gateway;

    bool has_ipv6;              /* "subnet6" and "gateway6" given. */
    struct ofg_ipv6_prefix subnet6;
    struct in6_addr gateway6;

    bool has_gateway_mac;       /* "gateway_mac" given. */
    struct eth_addr gateway_mac;

    /* Cookie id of the network's own flows (the rules its containers
     * share), 1...OFG_COOKIE_ID_MASK, unique among networks and
     * containers.  It also identifies the network in the pipeline's
     * metadata. */
    uint64_t cookie;
};

/* "switches": { NAME: {...} } */
struct ofg_switch {
    char *name;
    uint64_t datapath_id;
    char **trusted_ports;       /* Port names; "LOCAL" is the local port. */
    size_t n_trusted_ports;

    /* Full cookies of operators' flows that ofguard leaves alone in its
     * tables, sorted.  Any other flow there that is not ofguard's own is
     * removed. */
    uint64_t *operator_cookies;
    size_t n_operator_cookies;

    /* OVSDB remote of the switch's database, where the interfaces of the
     * containers selected by identity are found, or NULL for ofguard's
     * default (--ovsdb). */
    char *ovsdb;
};

/* One pair of an interface's external_ids in OVSDB. */
struct ofg_external_id {
    char *key;
    char *value;
};

/* "containers": { NAME: {...} } */
struct ofg_container {
    char *name;
    char *switch_name;          /* NULL: any switch that has 'port'. */
    const struct ofg_switch *sw;    /* The switch named, or NULL. */
    char *port;                 /* OpenFlow port name, or NULL if selected
                                 * by 'external_ids'. */
    /* If 'n_ids' is nonzero, the port is the interface whose OVSDB
     * external_ids have all these pairs ("iface_id" gives "iface-id"),
     * sorted by key. */
    struct ofg_external_id *ids;
    size_t n_ids;
    const struct ofg_network *network;
    struct eth_addr mac;

    /* The first IPv4 entry is the primary address. */
    struct ofg_ipv4_prefix *ipv4;
    size_t n_ipv4;

    struct ofg_ipv6_prefix *ipv6;
    size_t n_ipv6;

    bool allow_dhcp;            /* May act as a DHCP client. */
    bool allow_multicast;       /* May send broadcast/multicast. */

    uint64_t cookie;            /* Cookie id: 1...OFG_COOKIE_ID_MASK. */

    const char *source;         /* The file that defines it. */
};

/* A whole, validated configuration.  Arrays are sorted by name so that two
 * configurations can be compared container by container.
 *
 * The entries' contents belong to the parts, one per file: the networks
 * and switches to the main file's, each container to its file's.  A
 * configuration holds a reference to each. */
struct ofg_config {
    char *file_name;            /* The file or directory read. */

    /* See ofg_config_sha256(): empty until then. */
    char sha256[64 + 1];

    struct ofg_config_part **parts;     /* The main file's first. */
    size_t n_parts;
    size_t n_parsed;            /* Parts parsed when this configuration was
                                 * read; the others were the last one's. */

    struct ofg_network *networks;
    size_t n_networks;

    struct ofg_switch *switches;
    size_t n_switches;

    struct ofg_container *containers;
    size_t n_containers;

    /* Reloads (ofg-config-assemble.c).  'serial' tells configurations
     * apart; a configuration that a reload of configuration 'base_serial'
     * made by checking only the containers that changed lists their names
     * (added, removed or changed) in 'changed', for ofg_config_changes().
     * The index of what the containers use that no other may share goes
     * from each such configuration to the next. */
    unsigned long long int serial;
    unsigned long long int base_serial;     /* 0 if none. */
    struct svec changed;
    struct ofg_config_index *index;
};

/* Reads and validates 'path': a file, or a directory whose ofguard.json is
 * the main file and whose containers.d/ holds drop-in files, each NAME.json
 * with only "containers" (names starting with '.' are skipped, so that a
 * file written and then renamed into place is read whole).  On success,
 * stores a new configuration in '*configp' and returns NULL.  On failure,
 * stores NULL in '*configp' and returns every error found, one per line,
 * each in the form
 *     FILE:LINE:COLUMN: FIELD.PATH: message
 * (the caller must free the string). */
char *ofg_config_read(const char *path, struct ofg_config **configp)
    OVS_WARN_UNUSED_RESULT;

/* Like ofg_config_read(), but parses again only the files that changed
 * since 'old' (NULL: all of them) was read: the others' entries are taken
 * from 'old' as they are, unless the main file changed.  With 'watch'
 * (config/ofg-config-watch.h, may be NULL) for a directory, the drop-ins
 * that no event names are not even looked at.  The checks across files
 * look only at the containers that changed, if 'old' was valid and has
 * its index, and nothing is found there; otherwise they run in full. */
char *ofg_config_reload(const char *path, const struct ofg_config *old,
                        struct ofg_config_watch *watch,
                        struct ofg_config **configp)
    OVS_WARN_UNUSED_RESULT;

/* SHA-256, in lowercase hex, of the file's bytes, or for a directory of
 * "HASH  FILE" lines, one per file: tells which version of the files is in
 * force. */
const char *ofg_config_sha256(const struct ofg_config *);

/* Returns true if 'new' is a reload of 'old' that changed only the
 * containers named in '*changed' (sorted): the others are the same
 * entries.  Otherwise returns false: anything may have changed. */
bool ofg_config_changes(const struct ofg_config *new,
                        const struct ofg_config *old,
                        const struct svec **changed);

/* Like ofg_config_read() but parses 'text', naming it 'file_name' in errors.
 * For tests and for callers that already hold the file's contents. */
char *ofg_config_parse(const char *file_name, const char *text,
                       struct ofg_config **configp)
    OVS_WARN_UNUSED_RESULT;

void ofg_config_destroy(struct ofg_config *);

/* Lookup by name, NULL if absent.  O(log n). */
const struct ofg_network *ofg_config_find_network(const struct ofg_config *,
                                                  const char *name);
const struct ofg_container *ofg_config_find_container(
    const struct ofg_config *, const char *name);
const struct ofg_switch *ofg_config_find_switch(const struct ofg_config *,
                                                const char *name);
const struct ofg_switch *ofg_config_find_switch_by_dpid(
    const struct ofg_config *, uint64_t datapath_id);

/* True if 'a' and 'b' (possibly from two configurations) would produce the
 * same flows: same port, switch, MAC, addresses, options, cookie, and
 * equal networks.  Used to change only the flows of changed containers on
 * reload. */
bool ofg_container_equal(const struct ofg_container *a,
                         const struct ofg_container *b);

/* True if the two switch entries have the same datapath ID and trusted
 * ports. */
bool ofg_switch_equal(const struct ofg_switch *a, const struct ofg_switch *b);

/* Returns the cookie ofguard derives for a container named 'name' when the
 * config gives none: a stable 48-bit FNV-1a hash, never 0. */
uint64_t ofg_config_derive_cookie(const char *name);

/* Returns the cookie ofguard derives for a network named 'name' when the
 * config gives none.  It differs from the cookie of a container of the same
 * name. */
uint64_t ofg_config_derive_network_cookie(const char *name);

#endif /* config/ofg-config.h */
