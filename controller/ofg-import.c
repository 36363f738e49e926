/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>

#include "controller/ofg-import.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/ofg-addr.h"
#include "controller/ofg-mac.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* One network interface of a container, as its config says. */
struct lxc_net {
    long index;                 /* N of lxc.net.N (old format: ordinal). */
    char *type;
    char *hwaddr;
    char *link;
    char *veth_pair;
    char *network;              /* From "# ofguard.net.N.network". */
    struct svec ipv4;           /* Without prefix lengths. */
    struct svec ipv6;
};

struct lxc_conf {
    struct lxc_net *nets;
    size_t n_nets, allocated_nets;
    char *network;              /* From "# ofguard.network". */
};

static struct lxc_net *
get_net(struct lxc_conf *conf, long index)
{
    for (size_t i = 0; i < conf->n_nets; i++) {
        if (conf->nets[i].index == index) {
            return &conf->nets[i];
        }
    }
    if (conf->n_nets >= conf->allocated_nets) {
        conf->nets = x2nrealloc(conf->nets, &conf->allocated_nets,
                                sizeof *conf->nets);
    }
    struct lxc_net *net = &conf->nets[conf->n_nets++];
    memset(net, 0, sizeof *net);
    net->index = index;
    svec_init(&net->ipv4);
    svec_init(&net->ipv6);
    return net;
}

static void
lxc_conf_destroy(struct lxc_conf *conf)
{
    for (size_t i = 0; i < conf->n_nets; i++) {
        struct lxc_net *net = &conf->nets[i];
        free(net->type);
        free(net->hwaddr);
        free(net->link);
        free(net->veth_pair);
        free(net->network);
        svec_destroy(&net->ipv4);
        svec_destroy(&net->ipv6);
    }
    free(conf->nets);
    free(conf->network);
}

static void
set(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* Adds the address in 'value' ("ADDR[/PLEN] [BCAST]") to 'addrs' without
 * its prefix length; an empty value clears the list, as in LXC. */
static void
add_address(struct svec *addrs, const char *value)
{
    size_t len = strcspn(value, "/ \t");
    if (!len) {
        svec_clear(addrs);
        return;
    }
    svec_add_nocopy(addrs, xmemdup0(value, len));
}

/* Splits "N.REST" in 's' into the index and REST. */
static bool
parse_index(const char *s, long *index, const char **rest)
{
    char *end;
    if (!isdigit((unsigned char) s[0])) {
        return false;
    }
    *index = strtol(s, &end, 10);
    if (*end != '.' || *index < 0 || *index > 9999) {
        return false;
    }
    *rest = end + 1;
    return true;
}

static void
set_net_key(struct lxc_net *net, const char *key, const char *value,
            bool old)
{
    if (!strcmp(key, "type")) {
        set(&net->type, value);
    } else if (!strcmp(key, "hwaddr")) {
        set(&net->hwaddr, value);
    } else if (!strcmp(key, "link")) {
        set(&net->link, value);
    } else if (!strcmp(key, "veth.pair")) {
        set(&net->veth_pair, value);
    } else if (!strcmp(key, old ? "ipv4" : "ipv4.address")) {
        add_address(&net->ipv4, value);
    } else if (!strcmp(key, old ? "ipv6" : "ipv6.address")) {
        add_address(&net->ipv6, value);
    }
}

/* Removes leading and trailing white space from 's', in place. */
static char *
trim(char *s)
{
    while (isspace((unsigned char) *s)) {
        s++;
    }
    size_t len = strlen(s);
    while (len && isspace((unsigned char) s[len - 1])) {
        s[--len] = '\0';
    }
    return s;
}

static int
compare_nets(const void *a_, const void *b_)
{
    const struct lxc_net *a = a_, *b = b_;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void
parse_lxc_conf(const char *text, struct lxc_conf *conf)
{
    char *copy = xstrdup(text);
    char *save = NULL;
    long n_old = 0;

    memset(conf, 0, sizeof *conf);
    for (char *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        bool comment = false;

        line = trim(line);
        if (line[0] == '#') {
            /* Only "# ofguard.KEY = VALUE" comments mean anything. */
            line = trim(line + 1);
            if (strncmp(line, "ofguard.", 8)) {
                continue;
            }
            comment = true;
        }
        char *eq = strchr(line, '=');
        if (!eq) {
            continue;
        }
        *eq = '\0';
        char *key = trim(line);
        char *value = trim(eq + 1);
        const char *rest;
        long index;

        if (comment) {
            if (!strcmp(key, "ofguard.network")) {
                set(&conf->network, value);
            } else if (!strncmp(key, "ofguard.net.", 12)
                       && parse_index(key + 12, &index, &rest)
                       && !strcmp(rest, "network")) {
                set(&get_net(conf, index)->network, value);
            }
        } else if (!strncmp(key, "lxc.net.", 8)
                   && parse_index(key + 8, &index, &rest)) {
            set_net_key(get_net(conf, index), rest, value, false);
        } else if (!strncmp(key, "lxc.network.", 12)) {
            /* The old format: each "type" starts the next interface. */
            rest = key + 12;
            if (!strcmp(rest, "type")) {
                n_old++;
            }
            if (n_old) {
                set_net_key(get_net(conf, n_old - 1), rest, value, true);
            }
        }
    }
    free(copy);
    if (conf->n_nets) {
        qsort(conf->nets, conf->n_nets, sizeof *conf->nets, compare_nets);
    }
}

static void
json_string(struct ds *s, const char *str)
{
    ds_put_char(s, '"');
    for (const unsigned char *p = (const unsigned char *) str; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ds_put_format(s, "\\%c", *p);
        } else if (*p < 0x20 || *p == 0x7f) {
            ds_put_format(s, "\\u%04x", *p);
        } else {
            ds_put_char(s, *p);
        }
    }
    ds_put_char(s, '"');
}

static void
json_strings(struct ds *s, const struct svec *v)
{
    ds_put_char(s, '[');
    for (size_t i = 0; i < v->n; i++) {
        if (i) {
            ds_put_cstr(s, ", ");
        }
        json_string(s, v->names[i]);
    }
    ds_put_char(s, ']');
}

char *
ofg_import_lxc(const struct ofg_import_lxc_input *inputs, size_t n,
               const char *default_network,
               const struct ofg_mac_prefix *prefix, struct ds *notes,
               size_t *n_entries)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct eth_addr *macs = NULL;
    size_t n_macs = 0, allocated_macs = 0;

    *n_entries = 0;
    ds_put_cstr(&out, "{\n  \"containers\": {");
    for (size_t i = 0; i < n; i++) {
        const struct ofg_import_lxc_input *in = &inputs[i];
        struct lxc_conf conf;

        parse_lxc_conf(in->text, &conf);
        if (!conf.n_nets) {
            ds_put_format(notes, "%s: %s: no network interface "
                          "(lxc.net.N.type); skipped\n", in->name,
                          in->file_name);
        }
        for (size_t j = 0; j < conf.n_nets; j++) {
            const struct lxc_net *net = &conf.nets[j];
            char *entry = xasprintf("lxc-%s-%ld", in->name, net->index);
            const char *network = (net->network ? net->network
                                   : conf.network ? conf.network
                                   : default_network);
            const char *why = NULL;
            struct eth_addr mac;
            bool suggest = false;

            if (!net->type || strcmp(net->type, "veth")) {
                why = "not a veth interface";
            } else if (!net->ipv4.n && !net->ipv6.n) {
                why = "no address (lxc.net.N.ipv4.address or "
                      "ipv6.address; DHCP is not imported)";
            } else if (!network || !network[0]) {
                why = "no network (add \"# ofguard.network = NAME\" to the "
                      "config, or set OFGUARD_NETWORK)";
            } else if (!net->hwaddr) {
                why = "no fixed MAC (lxc.net.N.hwaddr)";
                suggest = true;
            } else if (!ofg_mac_parse(net->hwaddr, &mac)) {
                why = strchr(net->hwaddr, 'x') || strchr(net->hwaddr, 'X')
                      ? "a MAC template (lxc.net.N.hwaddr with 'x'), random "
                        "at each start"
                      : "a malformed MAC (lxc.net.N.hwaddr)";
                suggest = true;
            }
            if (why) {
                ds_put_format(notes, "%s: net %ld: %s; skipped", in->name,
                              net->index, why);
                if (suggest) {
                    const char *key = (net->ipv4.n ? net->ipv4.names[0]
                                       : entry);
                    struct eth_addr gen;
                    char *error = ofg_mac_generate(prefix, key, macs, NULL,
                                                   n_macs, &gen, NULL);
                    if (!error) {
                        ds_put_format(notes, " (suggested: lxc.net.%ld."
                                      "hwaddr = "ETH_ADDR_FMT")", net->index,
                                      ETH_ADDR_ARGS(gen));
                    }
                    free(error);
                }
                ds_put_char(notes, '\n');
                free(entry);
                continue;
            }

            if (n_macs >= allocated_macs) {
                macs = x2nrealloc(macs, &allocated_macs, sizeof *macs);
            }
            macs[n_macs++] = mac;

            ds_put_cstr(&out, *n_entries ? ",\n    " : "\n    ");
            json_string(&out, entry);
            ds_put_cstr(&out, ": {");
            if (net->veth_pair) {
                ds_put_cstr(&out, "\"port\": ");
                json_string(&out, net->veth_pair);
            } else {
                ds_put_cstr(&out, "\"iface_id\": ");
                json_string(&out, entry);
            }
            ds_put_cstr(&out, ", \"network\": ");
            json_string(&out, network);
            ds_put_format(&out, ", \"mac\": \""ETH_ADDR_FMT"\"",
                          ETH_ADDR_ARGS(mac));
            if (net->ipv4.n) {
                ds_put_cstr(&out, ", \"ipv4\": ");
                json_strings(&out, &net->ipv4);
            }
            if (net->ipv6.n) {
                ds_put_cstr(&out, ", \"ipv6\": ");
                json_strings(&out, &net->ipv6);
            }
            ds_put_char(&out, '}');
            (*n_entries)++;
            free(entry);
        }
        lxc_conf_destroy(&conf);
    }
    ds_put_cstr(&out, *n_entries ? "\n  }\n}\n" : "}\n}\n");
    free(macs);
    return ds_steal_cstr(&out);
}

int
ofg_import_lxc_main(const char *dir)
{
    struct ofg_mac_prefix prefix;
    struct svec names = SVEC_EMPTY_INITIALIZER;
    struct svec files = SVEC_EMPTY_INITIALIZER;
    struct svec texts = SVEC_EMPTY_INITIALIZER;
    struct dirent *de;
    DIR *d;

    d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open: %s\n", dir, ovs_strerror(errno));
        return EXIT_FAILURE;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.') {
            svec_add(&names, de->d_name);
        }
    }
    closedir(d);
    svec_sort(&names);

    struct ofg_import_lxc_input *inputs = xcalloc(MAX(names.n, 1),
                                                  sizeof *inputs);
    size_t n = 0;
    for (size_t i = 0; i < names.n; i++) {
        char *file = xasprintf("%s/%s/config", dir, names.names[i]);
        FILE *f = fopen(file, "r");
        if (!f) {
            if (errno != ENOENT && errno != ENOTDIR) {
                fprintf(stderr, "%s: cannot open: %s\n", file,
                        ovs_strerror(errno));
            }
            free(file);
            continue;
        }
        struct ds text = DS_EMPTY_INITIALIZER;
        int c;
        while ((c = getc(f)) != EOF && text.length < (1u << 20)) {
            ds_put_char(&text, c);
        }
        fclose(f);
        svec_add_nocopy(&files, file);
        svec_add_nocopy(&texts, ds_steal_cstr(&text));
        inputs[n].name = names.names[i];
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        inputs[i].file_name = files.names[i];
        inputs[i].text = texts.names[i];
    }

    struct ds notes = DS_EMPTY_INITIALIZER;
    size_t n_entries;
    char *error = ofg_mac_prefix_parse(OFG_MAC_DEFAULT_PREFIX, &prefix);
    ovs_assert(!error);
    char *json = ofg_import_lxc(inputs, n, getenv("OFGUARD_NETWORK"),
                                &prefix, &notes, &n_entries);
    fputs(ds_cstr(&notes), stderr);
    fputs(json, stdout);
    fprintf(stderr, "%s: %"PRIuSIZE" containers read, %"PRIuSIZE
            " entries made\n", dir, n, n_entries);

    free(json);
    ds_destroy(&notes);
    free(inputs);
    svec_destroy(&names);
    svec_destroy(&files);
    svec_destroy(&texts);
    return EXIT_SUCCESS;
}
