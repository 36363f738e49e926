/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_VIOLATION_H
#define OFG_VIOLATION_H 1

/* Classes of violation: what a dropped frame tried to do.  Every drop rule
 * of the pipeline names one; the class travels with the frame (in
 * OFG_MD_VIOLATION_MASK of the metadata) to the accounting tables, where each container has a
 * counting flow per class (see flows/ofg-flows.h).  The names are the ones
 * the log, "violations" and the metrics use. */

#include <stdbool.h>

#define OFG_VIOLATIONS                                                    \
    OFG_VIOLATION(FORGED_SOURCE, "forged_source",                         \
                  "source MAC or IP address not the container's")         \
    OFG_VIOLATION(ARP_SPOOF, "arp_spoof",                                 \
                  "ARP claiming another address or MAC")                  \
    OFG_VIOLATION(ND_SPOOF, "nd_spoof",                                   \
                  "neighbour discovery claiming another address or MAC")  \
    OFG_VIOLATION(ROGUE_DHCP, "rogue_dhcp",                               \
                  "DHCP or DHCPv6 server message")                        \
    OFG_VIOLATION(ROGUE_RA, "rogue_ra",                                   \
                  "router advertisement or redirect")                     \
    OFG_VIOLATION(LATERAL, "lateral",                                     \
                  "to a neighbour or another network, not via the gateway") \
    OFG_VIOLATION(BROADCAST, "broadcast",                                 \
                  "broadcast or multicast the container may not send")    \
    OFG_VIOLATION(ENCAP, "vlan_or_ethertype",                             \
                  "VLAN tag, other EtherType, or headers the switch "     \
                  "could not parse")                                      \
    OFG_VIOLATION(UNKNOWN_PORT, "unknown_port",                           \
                  "from a port that is neither a container's nor trusted")

enum ofg_violation {
    OFG_VIOLATION_NONE,         /* 0: register not set. */
#define OFG_VIOLATION(ENUM, NAME, DESC) OFG_VIOLATION_##ENUM,
    OFG_VIOLATIONS
#undef OFG_VIOLATION
    OFG_N_VIOLATIONS
};

const char *ofg_violation_name(enum ofg_violation);
const char *ofg_violation_description(enum ofg_violation);
bool ofg_violation_from_name(const char *, enum ofg_violation *);

/* True for the classes a container can be charged with (all but
 * OFG_VIOLATION_UNKNOWN_PORT, which belongs to no container). */
bool ofg_violation_is_container(enum ofg_violation);

#endif /* flows/ofg-violation.h */
