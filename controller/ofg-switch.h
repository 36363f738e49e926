/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_SWITCH_H
#define OFG_SWITCH_H 1

/* One OpenFlow connection to a switch, and keeping its flows in sync with the
 * configuration.
 *
 * On every (re)connection the switch is asked for its datapath ID, its ports
 * and the flows that carry ofguard's cookie tag; the difference between
 * those and the desired flows is sent as one atomic, ordered bundle.  Later
 * changes (reload, port added, removed or renumbered) recompute and send only
 * the flows of the containers they touch. */

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct shash;
struct svec;
struct ofg_config;
struct ofg_sw;
struct vconn;

/* Seconds of silence after which ofguard probes a switch, and then drops
 * it if the probe is not answered within as long again (0: never).  A switch
 * installing a large update can be silent for many seconds, so the default
 * is much longer than OpenFlow's usual 5 s. */
#define OFG_SW_PROBE_INTERVAL 30

/* Seconds between audits, which read back a switch's flows to find
 * changes that monitoring did not report (0: never). */
#define OFG_SW_AUDIT_INTERVAL 60

/* Creates a switch connection that dials 'target' and redials it whenever the
 * connection drops, probing it after 'probe_interval' seconds of silence. */
struct ofg_sw *ofg_sw_create_active(const char *target,
                                    const struct ofg_config *,
                                    int probe_interval);
/* Creates a switch connection for 'vconn', accepted on a listener; once the
 * connection drops, ofg_sw_is_alive() returns false. */
struct ofg_sw *ofg_sw_create_passive(struct vconn *,
                                     const struct ofg_config *,
                                     int probe_interval);
void ofg_sw_destroy(struct ofg_sw *);

/* The OpenFlow role ofguard takes on a switch.  Without high availability
 * it takes none: the switch's default, "equal", lets it write.  A
 * secondary only reads; a primary claims the role with 'generation', which
 * the switch refuses if another primary claimed it with a newer one. */
enum ofg_sw_role {
    OFG_SW_EQUAL,
    OFG_SW_SECONDARY,
    OFG_SW_PRIMARY,
};

/* Changes the role.  A change reads the switch's ports and flows again
 * under the new role: a new primary sends only what differs. */
void ofg_sw_set_role(struct ofg_sw *, enum ofg_sw_role, uint64_t generation);

/* True if ofguard should be primary but the switch refused its generation
 * as stale; '*switch_generation' is then the switch's. */
bool ofg_sw_primary_refused(const struct ofg_sw *,
                            uint64_t *switch_generation);

/* Seconds between reads of the violation counters, and samples of dropped
 * frames per second that a switch sends ofguard. */
#define OFG_SW_VIOLATION_INTERVAL 5
#define OFG_SW_SAMPLE_RATE 10

/* Sets the seconds between counter reads (0: none) and the sample rate. */
/* A container that sends 'rate' forged frames a second or more (as the
 * violation counters tell, so at most every violation interval) has its
 * port dropped whole until 'seconds' after the flood stops; 'rate' 0:
 * never. */
#define OFG_SW_QUARANTINE_RATE 1000
#define OFG_SW_QUARANTINE_TIME 30
void ofg_sw_set_quarantine(struct ofg_sw *, int rate, int seconds);

void ofg_sw_set_violation_options(struct ofg_sw *, int interval,
                                  int sample_rate);

/* The switch's violation counters (controller/ofg-violations.h). */
const struct ofg_violations *ofg_sw_violations(const struct ofg_sw *);

/* Sets the time between audits, in seconds (0: none). */
void ofg_sw_set_audit_interval(struct ofg_sw *, int seconds);
/* Asks for an audit as soon as the switch is idle. */
void ofg_sw_request_audit(struct ofg_sw *);

void ofg_sw_run(struct ofg_sw *);
void ofg_sw_wait(struct ofg_sw *);
bool ofg_sw_is_alive(const struct ofg_sw *);

/* Switches to 'new_config' (the old one must stay valid during the call).
 * Only the flows of containers that changed are recomputed and sent. */
void ofg_sw_set_config(struct ofg_sw *, const struct ofg_config *new_config);

/* The switch's datapath ID, once it is known, and its entry in the
 * configuration, if any. */
bool ofg_sw_get_dpid(const struct ofg_sw *, uint64_t *dpid);
const struct ofg_switch *ofg_sw_get_config_entry(const struct ofg_sw *);

/* Gives the containers selected by identity the ports in 'bindings'
 * (container name -> port name, from flows/ofg-bind.h), which the switch
 * takes over, leaving 'bindings' empty; changes the flows of those whose
 * port changed.  'problems' are the reasons some could not be bound: each
 * new one is logged, and "status" counts them. */
void ofg_sw_set_bindings(struct ofg_sw *, struct shash *bindings,
                         const struct svec *problems, uint64_t stamp);

/* The 'stamp' of the last ofg_sw_set_bindings(), or 0 if there was none
 * since the switch last connected: the caller binds again when its own
 * stamp differs. */
uint64_t ofg_sw_get_bind_stamp(const struct ofg_sw *);

/* What makes the switch's bridge unsafe, as OVSDB tells (NULL: nothing):
 * logged when it changes, and shown by "status". */
void ofg_sw_set_bridge_warning(struct ofg_sw *, const char *warning);

/* Appends one line describing the switch to 's'. */
void ofg_sw_format_status(const struct ofg_sw *, struct ds *s);

/* True if the switch is connected and has every desired flow. */
bool ofg_sw_is_synced(const struct ofg_sw *);

/* What a switch connection has done since it was created (a switch that
 * reconnects to a listener is a new connection, counted from zero). */
struct ofg_sw_counters {
    unsigned long long int n_rounds;    /* Update rounds started. */
    unsigned long long int n_flow_mods; /* Flow mods sent in rounds. */
    unsigned long long int n_errors;    /* Errors, refusals, bad replies. */
    unsigned long long int n_tampered;  /* Changes by others repaired. */
    unsigned long long int n_audits;    /* Audits done. */
};

/* A switch's state and counters, for metrics. */
struct ofg_sw_stats {
    const char *name;           /* Valid until the switch next runs. */
    bool has_dpid;
    uint64_t dpid;
    bool connected;
    bool synced;                /* As ofg_sw_is_synced(). */
    enum ofg_sw_role role;      /* The role ofguard asked for. */
    struct ofg_sw_counters counters;
};

void ofg_sw_get_stats(const struct ofg_sw *, struct ofg_sw_stats *);
/* For the picture of the boundaries: the switch's name in the config (or
 * the connection's, while it is not known there), whether it is connected,
 * its role as "status" shows it, and whether the container named
 * 'container' has its port there (and so its flows). */
const char *ofg_sw_get_name(const struct ofg_sw *);
bool ofg_sw_is_configured(const struct ofg_sw *);
bool ofg_sw_is_connected(const struct ofg_sw *);
const char *ofg_sw_role_name(const struct ofg_sw *);
bool ofg_sw_has_container(const struct ofg_sw *, const char *container);

/* Asks the switch for the flows carrying 'cookie' (a full cookie).  When the
 * answer arrives, or the connection drops, calls 'cb' with the flows
 * formatted as "ovs-ofctl dump-flows" would, or with an error message, and
 * 'aux'.  Returns false, without calling 'cb', if the switch cannot be asked
 * now (not connected, or the container is not on it). */
typedef void ofg_sw_query_cb(const char *switch_name, const char *flows,
                             const char *error, void *aux);
bool ofg_sw_query_flows(struct ofg_sw *, const char *container_name,
                        ofg_sw_query_cb *, void *aux);
/* Cancels every query of 'sw' whose 'aux' is 'aux', without calling back. */
void ofg_sw_cancel_queries(struct ofg_sw *, void *aux);

#endif /* controller/ofg-switch.h */
