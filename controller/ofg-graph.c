/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>

#include "controller/ofg-graph.h"

#include <inttypes.h>
#include <string.h>
#include "config/ofg-config.h"
#include "controller/ofg-graph-page.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "util.h"

/* The page may load nothing at all: no script, style, image, font or
 * connection from anywhere, only what it holds inline.  Even a name in the
 * config that looked like markup could not make it fetch. */
#define OFG_GRAPH_CSP \
    "default-src 'none'; style-src 'unsafe-inline'; " \
    "script-src 'unsafe-inline'; img-src data:; form-action 'none'; " \
    "base-uri 'none'"

static void put_head(const struct ofg_config *,
                     const struct ofg_graph_live *, struct ds *);
static void put_data(const struct ofg_config *,
                     const struct ofg_graph_live *, struct ds *);
static void put_networks(const struct ofg_config *, struct ds *);
static void put_network(const struct ofg_network *, struct ds *);
static void put_switches(const struct ofg_config *,
                         const struct ofg_graph_live *, struct ds *);
static void put_switch_live(const struct ofg_graph_switch *, struct ds *);
static const struct ofg_graph_switch *find_live_switch(
    const struct ofg_graph_live *, const char *name);
static void put_containers(const struct ofg_config *,
                           const struct ofg_graph_live *, struct ds *);
static void put_container(const struct ofg_container *,
                          const struct ofg_graph_container *, struct ds *);
static void put_key(struct ds *, const char *key);
static void put_string_member(struct ds *, const char *key, const char *);
static void put_bool_member(struct ds *, const char *key, bool);
static void put_prefix(struct ds *, const struct ofg_prefix *);

void
ofg_graph_write(const struct ofg_config *config,
                const struct ofg_graph_live *live, struct ds *out)
{
    put_head(config, live, out);
    ds_put_cstr(out, "<script type=\"application/json\" id=\"ofg-data\">");
    put_data(config, live, out);
    ds_put_cstr(out, "</script>\n<script>\n");
    ds_put_cstr(out, ofg_graph_page_js);
    ds_put_cstr(out, "</script>\n</body>\n</html>\n");
}

void
ofg_graph_put_html(struct ds *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ds_put_cstr(out, "&amp;"); break;
        case '<': ds_put_cstr(out, "&lt;"); break;
        case '>': ds_put_cstr(out, "&gt;"); break;
        case '"': ds_put_cstr(out, "&quot;"); break;
        case '\'': ds_put_cstr(out, "&#39;"); break;
        default: ds_put_char(out, *s); break;
        }
    }
}

void
ofg_graph_put_json_string(struct ds *out, const char *s)
{
    ds_put_char(out, '"');
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ds_put_format(out, "\\%c", *p);
        } else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') {
            /* "</script>" or "<!--" would end or change the script
             * element that holds the data. */
            ds_put_format(out, "\\u%04x", *p);
        } else if (p[0] == 0xe2 && p[1] == 0x80
                   && (p[2] == 0xa8 || p[2] == 0xa9)) {
            /* U+2028 and U+2029 end a line in older JavaScript. */
            ds_put_format(out, "\\u%04x", p[2] == 0xa8 ? 0x2028 : 0x2029);
            p += 2;
        } else {
            ds_put_char(out, *p);
        }
    }
    ds_put_char(out, '"');
}

/* The page up to the data: what shows without the script too (the title,
 * the legend) and the empty picture that the script fills. */
static void
put_head(const struct ofg_config *config, const struct ofg_graph_live *live,
         struct ds *out)
{
    ds_put_cstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\""
                OFG_GRAPH_CSP "\">\n<title>ofguard: the boundaries of ");
    ofg_graph_put_html(out, config->file_name);
    ds_put_cstr(out, "</title>\n<style>\n");
    ds_put_cstr(out, ofg_graph_page_css);
    ds_put_format(out, "</style>\n</head>\n<body data-state=\"loading\" "
                  "data-mode=\"%s\">\n<header>\n<h1>The boundaries of ",
                  live ? "live" : "config");
    ofg_graph_put_html(out, config->file_name);
    ds_put_format(out, "</h1>\n<p id=\"ofg-summary\">%"PRIuSIZE" switches, "
                  "%"PRIuSIZE" networks, %"PRIuSIZE" containers; %s</p>\n",
                  config->n_switches, config->n_networks,
                  config->n_containers,
                  live ? "drawn by the running ofguard"
                  : "drawn from the file (no live state)");
    ds_put_cstr(out, ofg_graph_page_legend);
    ds_put_cstr(out, "</header>\n<noscript><p>This picture is drawn by the "
                "page's own script: enable JavaScript to see it.</p>"
                "</noscript>\n<main id=\"ofg-scroll\"><svg id=\"ofg-graph\" "
                "role=\"img\" width=\"0\" height=\"0\"></svg></main>\n");
}

/* The data the script draws: one JSON object. */
static void
put_data(const struct ofg_config *config, const struct ofg_graph_live *live,
         struct ds *out)
{
    ds_put_char(out, '{');
    put_bool_member(out, "live", live != NULL);
    if (live) {
        ds_put_format(out, ",\"now\":%lld", live->now);
    }
    ds_put_char(out, ',');
    put_networks(config, out);
    ds_put_char(out, ',');
    put_switches(config, live, out);
    ds_put_char(out, ',');
    put_containers(config, live, out);
    ds_put_char(out, '}');
}

static void
put_networks(const struct ofg_config *config, struct ds *out)
{
    put_key(out, "networks");
    ds_put_char(out, '[');
    for (size_t i = 0; i < config->n_networks; i++) {
        if (i) {
            ds_put_char(out, ',');
        }
        put_network(&config->networks[i], out);
    }
    ds_put_char(out, ']');
}

static void
put_network(const struct ofg_network *net, struct ds *out)
{
    ds_put_char(out, '{');
    put_string_member(out, "name", net->name);
    if (net->has_ipv4) {
        struct ofg_prefix subnet = ofg_prefix_from_ipv4(net->subnet.addr,
                                                        net->subnet.plen);
        struct ofg_prefix gw = ofg_prefix_from_ipv4(net->gateway, 32);
        put_key(out, ",subnet");
        put_prefix(out, &subnet);
        put_key(out, ",gateway");
        put_prefix(out, &gw);
    }
    if (net->has_ipv6) {
        struct ofg_prefix subnet = ofg_prefix_from_ipv6(&net->subnet6.addr,
                                                        net->subnet6.plen);
        struct ofg_prefix gw = ofg_prefix_from_ipv6(&net->gateway6, 128);
        put_key(out, ",subnet6");
        put_prefix(out, &subnet);
        put_key(out, ",gateway6");
        put_prefix(out, &gw);
    }
    if (net->has_gateway_mac) {
        ds_put_format(out, ",\"gateway_mac\":\""ETH_ADDR_FMT"\"",
                      ETH_ADDR_ARGS(net->gateway_mac));
    }
    ds_put_char(out, '}');
}

/* The config's switches, each with its live state if it is connected, then
 * the connected switches that the config does not list. */
static void
put_switches(const struct ofg_config *config,
             const struct ofg_graph_live *live, struct ds *out)
{
    put_key(out, "switches");
    ds_put_char(out, '[');
    for (size_t i = 0; i < config->n_switches; i++) {
        const struct ofg_switch *sw = &config->switches[i];
        ds_put_cstr(out, i ? ",{" : "{");
        put_string_member(out, "name", sw->name);
        ds_put_format(out, ",\"dpid\":\"%016"PRIx64"\"", sw->datapath_id);
        put_key(out, ",trusted");
        ds_put_char(out, '[');
        for (size_t j = 0; j < sw->n_trusted_ports; j++) {
            if (j) {
                ds_put_char(out, ',');
            }
            ofg_graph_put_json_string(out, sw->trusted_ports[j]);
        }
        ds_put_char(out, ']');
        put_switch_live(find_live_switch(live, sw->name), out);
        ds_put_char(out, '}');
    }
    for (size_t i = 0; live && i < live->n_switches; i++) {
        const struct ofg_graph_switch *ls = &live->switches[i];
        if (!ls->configured) {
            ds_put_cstr(out, i || config->n_switches ? ",{" : "{");
            put_string_member(out, "name", ls->name);
            put_switch_live(ls, out);
            ds_put_cstr(out, ",\"unknown\":true}");
        }
    }
    ds_put_char(out, ']');
}

/* The connection to the configured switch 'name', preferring a connected
 * one (a switch that reconnects may briefly have two), or NULL. */
static const struct ofg_graph_switch *
find_live_switch(const struct ofg_graph_live *live, const char *name)
{
    const struct ofg_graph_switch *found = NULL;
    for (size_t i = 0; live && i < live->n_switches; i++) {
        const struct ofg_graph_switch *ls = &live->switches[i];
        if (ls->configured && !strcmp(ls->name, name)
            && (!found || (ls->connected && !found->connected))) {
            found = ls;
        }
    }
    return found;
}

static void
put_switch_live(const struct ofg_graph_switch *ls, struct ds *out)
{
    if (ls) {
        put_key(out, ",live");
        ds_put_char(out, '{');
        put_bool_member(out, "connected", ls->connected);
        ds_put_char(out, ',');
        put_bool_member(out, "synced", ls->synced);
        put_string_member(out, ",role", ls->role);
        ds_put_char(out, '}');
    }
}

static void
put_containers(const struct ofg_config *config,
               const struct ofg_graph_live *live, struct ds *out)
{
    struct shash by_name = SHASH_INITIALIZER(&by_name);
    for (size_t i = 0; live && i < live->n_containers; i++) {
        shash_add_once(&by_name, live->containers[i].name,
                       &live->containers[i]);
    }

    put_key(out, "containers");
    ds_put_char(out, '[');
    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        if (i) {
            ds_put_char(out, ',');
        }
        put_container(c, live ? shash_find_data(&by_name, c->name) : NULL,
                      out);
    }
    ds_put_char(out, ']');
    shash_destroy(&by_name);
}

static void
put_container(const struct ofg_container *c,
              const struct ofg_graph_container *lc, struct ds *out)
{
    ds_put_char(out, '{');
    put_string_member(out, "name", c->name);
    if (c->switch_name) {
        put_string_member(out, ",switch", c->switch_name);
    }
    if (c->port) {
        put_string_member(out, ",port", c->port);
    } else {
        /* Selected by identity: the picture names the identity. */
        struct ds ids = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < c->n_ids; i++) {
            ds_put_format(&ids, "%s%s=%s", i ? "," : "", c->ids[i].key,
                          c->ids[i].value);
        }
        put_string_member(out, ",port", ds_cstr(&ids));
        ds_destroy(&ids);
    }
    put_string_member(out, ",network", c->network->name);
    ds_put_format(out, ",\"mac\":\""ETH_ADDR_FMT"\"", ETH_ADDR_ARGS(c->mac));
    put_key(out, ",ipv4");
    ds_put_char(out, '[');
    for (size_t i = 0; i < c->n_ipv4; i++) {
        struct ofg_prefix p = ofg_prefix_from_ipv4(c->ipv4[i].addr,
                                                   c->ipv4[i].plen);
        ds_put_cstr(out, i ? "," : "");
        put_prefix(out, &p);
    }
    ds_put_char(out, ']');
    put_key(out, ",ipv6");
    ds_put_char(out, '[');
    for (size_t i = 0; i < c->n_ipv6; i++) {
        struct ofg_prefix p = ofg_prefix_from_ipv6(&c->ipv6[i].addr,
                                                   c->ipv6[i].plen);
        ds_put_cstr(out, i ? "," : "");
        put_prefix(out, &p);
    }
    ds_put_cstr(out, "],");
    put_bool_member(out, "dhcp", c->allow_dhcp);
    ds_put_char(out, ',');
    put_bool_member(out, "multicast", c->allow_multicast);
    if (lc) {
        put_key(out, ",live");
        ds_put_char(out, '{');
        put_bool_member(out, "present", lc->port_present);
        if (lc->switch_name) {
            put_string_member(out, ",on", lc->switch_name);
        }
        ds_put_format(out, ",\"violations\":%llu,\"last_violation\":%lld}",
                      lc->violations, lc->last_violation);
    }
    ds_put_char(out, '}');
}

/* Appends the JSON key 'key' and its colon.  A leading ',' in 'key' is
 * put before the key, as the separator from the previous member. */
static void
put_key(struct ds *out, const char *key)
{
    if (key[0] == ',') {
        ds_put_char(out, ',');
        key++;
    }
    ofg_graph_put_json_string(out, key);
    ds_put_char(out, ':');
}

static void
put_string_member(struct ds *out, const char *key, const char *value)
{
    put_key(out, key);
    ofg_graph_put_json_string(out, value);
}

static void
put_bool_member(struct ds *out, const char *key, bool value)
{
    put_key(out, key);
    ds_put_cstr(out, value ? "true" : "false");
}

static void
put_prefix(struct ds *out, const struct ofg_prefix *p)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ofg_prefix_format(p, &s);
    ofg_graph_put_json_string(out, ds_cstr(&s));
    ds_destroy(&s);
}
