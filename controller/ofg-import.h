/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_IMPORT_H
#define OFG_IMPORT_H 1

/* "ofguard --import-lxc DIR": ofguard entries made from existing LXC
 * container configs (DIR/NAME/config), for review before use.
 *
 * Each veth interface N of container NAME becomes one container entry,
 * named "lxc-NAME-N", that selects its port by "iface_id": "lxc-NAME-N",
 * the identity config/hooks/ofguard-lxc-hook gives the interface in OVSDB
 * when it comes up (the port name is random), or by "port" when the config
 * fixes the host-side name (lxc.net.N.veth.pair).  Its "mac" is
 * lxc.net.N.hwaddr, its addresses lxc.net.N.ipv4.address and
 * lxc.net.N.ipv6.address without their prefix lengths, and its network the
 * one a comment in the config names:
 *     # ofguard.network = NAME          every interface
 *     # ofguard.net.N.network = NAME    interface N
 * or else 'default_network'.  The pre-3.0 keys (lxc.network.type starting
 * each interface, lxc.network.hwaddr, lxc.network.ipv4 "ADDR/PLEN [BCAST]",
 * lxc.network.ipv6, lxc.network.link, lxc.network.veth.pair) are read too.
 *
 * An interface that cannot be imported (no address: e.g. DHCP; no network;
 * a MAC that is missing, a template with 'x' or malformed) is left out and
 * said why in the notes.  A missing MAC gets a suggestion from
 * ofg_mac_generate().
 *
 * ofg_import_lxc() is pure (the unit tests call it on strings);
 * ofg_import_lxc_main() reads the files and prints. */

#include <stddef.h>
#include "openvswitch/compiler.h"

struct ds;
struct ofg_mac_prefix;

/* One container's config file. */
struct ofg_import_lxc_input {
    const char *name;           /* The container's name (its directory). */
    const char *file_name;      /* For the notes. */
    const char *text;           /* The file's contents. */
};

/* Returns the entries of the 'n' containers in 'inputs' as a JSON object
 * {"containers": {...}} with one entry per importable interface, in the
 * order given (the caller frees it), and appends one line per interface
 * left out, or MAC suggested, to 'notes'.  Returns the number of entries in
 * '*n_entries'. */
char *ofg_import_lxc(const struct ofg_import_lxc_input *inputs, size_t n,
                     const char *default_network,
                     const struct ofg_mac_prefix *prefix,
                     struct ds *notes, size_t *n_entries)
    OVS_WARN_UNUSED_RESULT;

/* "ofguard --import-lxc DIR": reads DIR/NAME/config of every container
 * (names in order) and prints ofg_import_lxc()'s entries on stdout, its
 * notes on stderr, with the network named by $OFGUARD_NETWORK when a
 * config names none.  Returns the exit status: failure if DIR cannot be
 * read. */
int ofg_import_lxc_main(const char *dir);

#endif /* controller/ofg-import.h */
