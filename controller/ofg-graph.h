/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_GRAPH_H
#define OFG_GRAPH_H 1

/* A picture of the boundaries that the configuration draws: one
 * self-contained HTML page ("ofguard --graph", the "graph" control command)
 * with the switches, their trusted ports, the networks with their gateways,
 * the containers with their addresses, the paths they may take (container to
 * gateway to outside) and, when the daemon draws it, what it knows now:
 * which switches are connected and in sync, which containers' ports exist,
 * and which containers send what the policy drops.
 *
 * The page fetches nothing: its style and script are inline, and the data
 * is embedded as JSON that the script lays out as SVG.  Every string from the
 * configuration is escaped for the place it goes.  Pure code, no I/O. */

#include <stdbool.h>
#include <stddef.h>

struct ds;
struct ofg_config;

/* What the daemon knows of one switch connection. */
struct ofg_graph_switch {
    const char *name;           /* Config name, or the connection's. */
    bool configured;            /* Found in the config (by datapath ID). */
    bool connected;
    bool synced;                /* Connected and has every desired flow. */
    const char *role;           /* "equal", "primary", "secondary"... */
};

/* What the daemon knows of one container of the config. */
struct ofg_graph_container {
    const char *name;
    const char *switch_name;    /* A connected switch with its port, or
                                 * NULL. */
    bool port_present;          /* True if 'switch_name' is set. */

    /* Frames of the container that the policy dropped, and the wall-clock
     * time (msec since the epoch) of the last one, 0 for none.  Drawn only
     * when nonzero. */
    unsigned long long int violations;
    long long int last_violation;
};

/* The live state drawn over the configuration.  'containers' need not list
 * every container, nor follow the config's order. */
struct ofg_graph_live {
    long long int now;          /* Wall-clock msec when gathered. */
    struct ofg_graph_switch *switches;
    size_t n_switches;
    struct ofg_graph_container *containers;
    size_t n_containers;
};

/* Appends to 'out' the page for 'config', with 'live' state if it is
 * nonnull (the daemon) or without (the config alone). */
void ofg_graph_write(const struct ofg_config *config,
                     const struct ofg_graph_live *live, struct ds *out);

/* Appends 's' to 'out' escaped for HTML text and attribute values. */
void ofg_graph_put_html(struct ds *out, const char *s);

/* Appends 's' to 'out' as a JSON string that is safe inside an HTML
 * <script> element: no "<", ">", "&" or line separators appear in it. */
void ofg_graph_put_json_string(struct ds *out, const char *s);

#endif /* controller/ofg-graph.h */
