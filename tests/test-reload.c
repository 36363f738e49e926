/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* Unit tests for reloads: the parts kept from the last configuration
 * (config/ofg-config-files.c), the inotify watch (ofg-config-watch.c), the
 * checks of only the containers that changed (ofg-config-assemble.c,
 * ofg-config-index.c) and the desired flows recomputed for only those
 * (flows/ofg-desired.c).
 *
 * Thousands of random changes to a directory of drop-ins, each reloaded
 * from the last good configuration (one chain with a watch, one without)
 * and read from scratch: both must give the same errors, or the same
 * containers and hash, and the desired flows updated by the reload must
 * be those compiled from scratch.  The changes draw from small pools of
 * names, MACs, cookies, ports and addresses, so that many conflict, and
 * the networks' subnets overlap, so that a network's first container on a
 * switch can be an error. */

#include <config.h>

#include "config/ofg-config.h"
#include "config/ofg-config-watch.h"
#include "flows/ofg-desired.h"
#include "flows/ofg-flow-table.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "openvswitch/shash.h"
#include "simap.h"
#include "svec.h"
#include "tests/ofg-test.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define N_STEPS 2000
#define N_FILES 40

/* The main file, with 'extra' (a network's entry, or "") as its first
 * network. */
static char *
main_file(const char *extra)
{
    return xasprintf(
        "{\n"
        "  \"networks\": {\n"
        "%s"
        "    \"a\": {\"subnet\": \"10.0.0.0/16\",\n"
        "          \"gateway\": \"10.0.0.1\",\n"
        "          \"subnet6\": \"fd00:a::/64\",\n"
        "          \"gateway6\": \"fd00:a::1\"},\n"
        "    \"b\": {\"subnet\": \"10.1.0.0/16\",\n"
        "          \"gateway\": \"10.1.0.1\"},\n"
        "    \"c\": {\"subnet\": \"10.0.0.0/15\",\n"
        "          \"gateway\": \"10.1.255.254\"},\n"
        "    \"d\": {\"subnet\": \"10.2.0.0/16\",\n"
        "          \"gateway\": \"10.2.0.1\",\n"
        "          \"gateway_mac\": \"02:00:00:00:00:fe\",\n"
        "          \"cookie\": \"0x77\"}\n"
        "  },\n"
        "  \"switches\": {\"s1\": {\"datapath_id\": \"0x1\"},\n"
        "               \"s2\": {\"datapath_id\": \"0x2\"},\n"
        "               \"s3\": {\"datapath_id\": \"0x3\"}}\n"
        "}\n", extra);
}

static void write_text(const char *name, const char *text);

static void
write_main_file(const char *dir, bool with_a0)
{
    char *name = xasprintf("%s/ofguard.json", dir);
    char *text = main_file(with_a0
                           ? "    \"a0\": {\"subnet\": \"10.9.0.0/16\", "
                             "\"gateway\": \"10.9.0.1\"},\n"
                           : "");
    write_text(name, text);
    free(text);
    free(name);
}

/* One chain of reloads: the last good configuration and the flows that
 * switch s1 would have, kept up to date by reloads. */
struct chain {
    const char *name;
    struct ofg_config_watch *watch;     /* NULL: stat() every file. */
    struct ofg_config *config;
    struct ofg_desired desired;
    size_t n_ok, n_refused, n_fast;
};

static uint32_t seed = 12345;

static uint32_t
rnd(uint32_t n)
{
    /* xorshift32: the same sequence on every run. */
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed % n;
}

/* Appends a random container to 's'. */
static void
put_container(struct ds *s)
{
    static const char *const nets[] = { "a", "a", "a", "b", "b", "c", "d" };
    static const char *const sws[] = { NULL, "s1", "s1", "s2", "s3" };
    const char *net = nets[rnd(ARRAY_SIZE(nets))];
    /* Network c overlaps a and b: mostly alone on s3. */
    const char *sw = (strcmp(net, "c") || !rnd(10) ? sws[rnd(ARRAY_SIZE(sws))]
                      : "s3");

    ds_put_format(s, "\"c%"PRIu32"\": {\"network\": \"%s\"", rnd(2000), net);
    if (sw) {
        ds_put_format(s, ", \"switch\": \"%s\"", sw);
    }
    if (rnd(7)) {
        ds_put_format(s, ", \"port\": \"p%"PRIu32"\"", rnd(400));
    } else {
        ds_put_format(s, ", \"iface_id\": \"id%"PRIu32"\"", rnd(400));
    }
    if (rnd(30)) {
        uint32_t m = rnd(4000);
        ds_put_format(s, ", \"mac\": \"02:00:00:00:%02"PRIx32":%02"PRIx32
                      "\"", 1 + m / 256, m % 256);
    } else {
        ds_put_cstr(s, ", \"mac\": \"02:00:00:00:00:fe\"");
    }
    if (!rnd(10)) {
        ds_put_format(s, ", \"cookie\": \"0x%"PRIx32"\"", 0x70 + rnd(100));
    }

    int second = (!strcmp(net, "b") ? 1 : !strcmp(net, "d") ? 2
                  : !strcmp(net, "c") ? (int) rnd(2) : 0);
    ds_put_format(s, ", \"ipv4\": [\"10.%d.%"PRIu32".%"PRIu32"\"", second,
                  1 + rnd(250), 2 + rnd(250));
    if (!rnd(8)) {
        /* Prefixes within a small range, so that some overlap. */
        ds_put_format(s, ", \"10.%d.0.%"PRIu32"/%"PRIu32"\"", second,
                      16 * rnd(16), 28 + rnd(3));
    }
    ds_put_cstr(s, "]");
    if (!strcmp(net, "a") && !rnd(3)) {
        ds_put_format(s, ", \"ipv6\": [\"fd00:a::%"PRIx32"\"]",
                      2 + rnd(200));
    }
    ds_put_cstr(s, "}");
}

static char *
file_name(const char *dir, uint32_t n)
{
    return xasprintf("%s/containers.d/f%"PRIu32".json", dir, n);
}

static void
write_text(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    CHECK(f && fputs(text, f) >= 0);
    if (f) {
        fclose(f);
    }
}

static char *
read_text(const char *name)
{
    FILE *f = fopen(name, "r");
    if (!f) {
        return NULL;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    int c;
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, c);
    }
    fclose(f);
    return ds_steal_cstr(&s);
}

/* The drop-ins' contents (NULL: absent), to go back to a valid state. */
struct snapshot {
    char *texts[N_FILES];
};

static void
snapshot_take(struct snapshot *snap, const char *dir)
{
    for (uint32_t i = 0; i < N_FILES; i++) {
        char *name = file_name(dir, i);
        free(snap->texts[i]);
        snap->texts[i] = read_text(name);
        free(name);
    }
}

/* Writes back the files that differ from 'snap'. */
static void
snapshot_restore(const struct snapshot *snap, const char *dir)
{
    for (uint32_t i = 0; i < N_FILES; i++) {
        char *name = file_name(dir, i);
        char *text = read_text(name);
        if (!snap->texts[i]) {
            unlink(name);
        } else if (!text || strcmp(text, snap->texts[i])) {
            write_text(name, snap->texts[i]);
        }
        free(text);
        free(name);
    }
}

static void
snapshot_destroy(struct snapshot *snap)
{
    for (uint32_t i = 0; i < N_FILES; i++) {
        free(snap->texts[i]);
    }
}

/* Makes 'dir' (a mkdtemp() template) a configuration directory: the main
 * file and an empty containers.d, whose name it returns. */
static char *
make_config_dir(char *dir)
{
    CHECK(mkdtemp(dir));
    char *dropins = xasprintf("%s/containers.d", dir);
    CHECK(!mkdir(dropins, 0700));
    write_main_file(dir, false);
    return dropins;
}

/* Makes one random change to the drop-ins of 'dir'. */
static void
change_files(const char *dir)
{
    if (!rnd(50)) {
        /* The main file: with or without network "a0", which comes first,
         * so that the other networks' places change. */
        char *name = xasprintf("%s/ofguard.json", dir);
        char *text = read_text(name);
        write_main_file(dir, !(text && strstr(text, "\"a0\"")));
        free(text);
        free(name);
        return;
    }

    char *name = file_name(dir, rnd(N_FILES));
    char *to = file_name(dir, rnd(N_FILES));
    uint32_t what = rnd(20);
    if (what < 5) {
        unlink(name);
    } else if (what < 7) {
        rename(name, to);
    } else if (what < 8) {
        write_text(name, "{\"containers\": ");
    } else if (what < 10) {
        /* Touched, not changed. */
        utimes(name, NULL);
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&s, "{\"containers\": {");
        for (uint32_t i = 0, n = 1 + !rnd(4); i < n; i++) {
            ds_put_cstr(&s, i ? ",\n" : "\n");
            put_container(&s);
        }
        ds_put_cstr(&s, "}}\n");
        write_text(name, ds_cstr(&s));
        ds_destroy(&s);
    }
    free(name);
    free(to);
}

static bool
same_configs(const struct ofg_config *a, const struct ofg_config *b)
{
    if (a->n_containers != b->n_containers || a->n_parts != b->n_parts
        || strcmp(ofg_config_sha256(a), ofg_config_sha256(b))) {
        return false;
    }
    for (size_t i = 0; i < a->n_containers; i++) {
        const struct ofg_container *x = &a->containers[i];
        const struct ofg_container *y = &b->containers[i];
        if (strcmp(x->name, y->name) || strcmp(x->source, y->source)
            || !ofg_container_equal(x, y)) {
            return false;
        }
    }
    return true;
}

/* The flows that switch s1, with ports p0...p399, would have for 'config'
 * from scratch, compared with 'desired'. */
static bool
same_flows(const struct ofg_desired *desired,
           const struct ofg_config *config, const struct simap *ports)
{
    struct ofg_desired fresh;
    struct svec refused = SVEC_EMPTY_INITIALIZER;
    ofg_desired_init(&fresh);
    ofg_desired_compile(&fresh, config, ofg_config_find_switch(config, "s1"),
                        ports, &refused);
    struct ofg_flow_changes changes;
    ofg_flow_changes_init(&changes);
    ofg_flow_table_diff(&desired->flows, &fresh.flows, &changes);
    bool same = !changes.n_adds && !changes.n_deletes;
    ofg_flow_changes_destroy(&changes);
    ofg_desired_destroy(&fresh);
    svec_destroy(&refused);
    return same;
}

/* Reloads 'dir' in 'ch' and checks the result against 'fresh' and
 * 'fresh_error', a read from scratch. */
static void
step(struct chain *ch, const char *dir, const struct ofg_config *fresh,
     const char *fresh_error, const struct simap *ports, int i)
{
    struct ofg_config *new;
    char *error = ofg_config_reload(dir, ch->config, ch->watch, &new);
    if (!!error != !!fresh_error
        || (error && strcmp(error, fresh_error))) {
        ofg_test_fail("%s, step %d: reload says:\n%s\nread says:\n%s",
                      ch->name, i, error ? error : "(ok)",
                      fresh_error ? fresh_error : "(ok)");
    }
    if (error) {
        ch->n_refused++;
        free(error);
        return;
    }
    ch->n_ok++;
    if (!same_configs(new, fresh)) {
        ofg_test_fail("%s, step %d: reload and read differ", ch->name, i);
    }

    struct svec refused = SVEC_EMPTY_INITIALIZER;
    const struct svec *changed;
    if (!ch->config) {
        ofg_desired_compile(&ch->desired, new,
                            ofg_config_find_switch(new, "s1"), ports,
                            &refused);
    } else {
        ch->n_fast += ofg_config_changes(new, ch->config, &changed);
        ofg_desired_update(&ch->desired, ch->config, new,
                           ofg_config_find_switch(new, "s1"), ports,
                           &refused);
    }
    svec_destroy(&refused);
    if (!same_flows(&ch->desired, new, ports)) {
        ofg_test_fail("%s, step %d: flows updated by the reload differ from "
                      "those compiled", ch->name, i);
    }
    ofg_config_destroy(ch->config);
    ch->config = new;
}

static void
test_random_reloads(void)
{
    char dir[] = "/tmp/test-reload-XXXXXX";
    char *dropins = make_config_dir(dir);

    struct simap ports = SIMAP_INITIALIZER(&ports);
    for (int i = 0; i < 400; i++) {
        char *p = xasprintf("p%d", i);
        simap_put(&ports, p, i + 1);
        free(p);
    }

    struct chain chains[2] = {
        { .name = "with a watch", .watch = ofg_config_watch_create() },
        { .name = "without" },
    };
    for (size_t c = 0; c < ARRAY_SIZE(chains); c++) {
        ofg_desired_init(&chains[c].desired);
    }
    struct snapshot good = { .texts = { NULL } };
    bool valid = true;
    for (int i = 0; i < N_STEPS; i++) {
        /* An invalid configuration is mostly put back as it was when last
         * valid, as an operator would, possibly several files at once, so
         * that valid and invalid configurations follow each other. */
        if (!valid && rnd(10) < 7) {
            snapshot_restore(&good, dir);
        } else {
            change_files(dir);
        }

        struct ofg_config *fresh;
        char *fresh_error = ofg_config_read(dir, &fresh);
        for (size_t c = 0; c < ARRAY_SIZE(chains); c++) {
            step(&chains[c], dir, fresh, fresh_error, &ports, i);
        }
        valid = !fresh_error;
        if (valid) {
            snapshot_take(&good, dir);
        }
        ofg_config_destroy(fresh);
        free(fresh_error);
    }
    snapshot_destroy(&good);

    for (size_t c = 0; c < ARRAY_SIZE(chains); c++) {
        struct chain *ch = &chains[c];
        printf("# %s: %"PRIuSIZE" reloads accepted (%"PRIuSIZE" checking "
               "only what changed), %"PRIuSIZE" refused\n", ch->name,
               ch->n_ok, ch->n_fast, ch->n_refused);
        /* Both ways, and both outcomes, many times: not a vacuous pass. */
        CHECK(ch->n_fast > N_STEPS / 10);
        CHECK(ch->n_ok - ch->n_fast > N_STEPS / 20);
        CHECK(ch->n_refused > N_STEPS / 10);
        ofg_config_destroy(ch->config);
        ofg_desired_destroy(&ch->desired);
        ofg_config_watch_destroy(ch->watch);
    }
    simap_destroy(&ports);
    ofg_test_remove_tree(dir);
    free(dropins);
    ofg_test_finish("random reloads give what a read from scratch gives: "
                    "errors, containers, hash and flows");
}

static const char *
mac_of(const struct ofg_config *config, const char *name)
{
    static char s[32];
    const struct ofg_container *c = config ? ofg_config_find_container(
        config, name) : NULL;
    if (!c) {
        return "none";
    }
    snprintf(s, sizeof s, ETH_ADDR_FMT, ETH_ADDR_ARGS(c->mac));
    return s;
}

static char *
dropin(const char *name, int mac)
{
    return xasprintf("{\"containers\": {\"%s\": {\"port\": \"p%d\", "
                     "\"network\": \"a\", \"mac\": \"02:00:00:00:00:%02x\", "
                     "\"ipv4\": [\"10.0.0.%d\"]}}}\n",
                     name, mac, mac, 10 + mac);
}

static void
write_dropin(const char *file, const char *name, int mac)
{
    char *text = dropin(name, mac);
    write_text(file, text);
    free(text);
}

/* Reloads 'dir' with 'watch' after '*config' and expects container 'name'
 * to have MAC ...:'mac' (0: to be absent). */
static void
expect_mac(const char *dir, struct ofg_config_watch *watch,
           struct ofg_config **config, const char *name, int mac)
{
    struct ofg_config *new;
    char *error = ofg_config_reload(dir, *config, watch, &new);
    if (error) {
        ofg_test_fail("reload failed:\n%s", error);
        free(error);
        return;
    }
    char want[32];
    if (mac) {
        snprintf(want, sizeof want, "02:00:00:00:00:%02x", mac);
    }
    if (strcmp(mac_of(new, name), mac ? want : "none")) {
        ofg_test_fail("%s: MAC %s, expected %s", name, mac_of(new, name),
                      mac ? want : "none");
    }
    ofg_config_destroy(*config);
    *config = new;
}

/* Changes that raise no event on the directory watched are still seen: a
 * file behind a symbolic link, a file changed through another hard link,
 * the directory replaced, removed, created again. */
static void
test_watch_blind_spots(void)
{
    char dir[] = "/tmp/test-reload-XXXXXX";
    char *dropins = make_config_dir(dir);
    char *elsewhere = xasprintf("%s/elsewhere", dir);
    char *x = xasprintf("%s/x.json", dropins);
    char *y_target = xasprintf("%s/y.json", elsewhere);
    char *y = xasprintf("%s/y.json", dropins);
    char *z_other = xasprintf("%s/z.json", elsewhere);
    char *z = xasprintf("%s/z.json", dropins);
    CHECK(!mkdir(elsewhere, 0700));

    write_dropin(x, "x", 1);
    write_dropin(y_target, "y", 2);
    CHECK(!symlink(y_target, y));
    write_dropin(z_other, "z", 3);
    CHECK(!link(z_other, z));

    struct ofg_config_watch *watch = ofg_config_watch_create();
    struct ofg_config *config = NULL;
    expect_mac(dir, watch, &config, "y", 2);

    /* In place. */
    write_dropin(x, "x", 4);
    expect_mac(dir, watch, &config, "x", 4);

    /* Behind the symbolic link: no event in containers.d. */
    write_dropin(y_target, "y", 5);
    expect_mac(dir, watch, &config, "y", 5);

    /* Through the other hard link. */
    write_dropin(z_other, "z", 6);
    expect_mac(dir, watch, &config, "z", 6);

    /* The directory replaced by another. */
    char *old_dir = xasprintf("%s.old", dropins);
    CHECK(!rename(dropins, old_dir));
    CHECK(!mkdir(dropins, 0700));
    write_dropin(x, "x", 7);
    expect_mac(dir, watch, &config, "x", 7);
    expect_mac(dir, watch, &config, "y", 0);

    /* Removed, then created again. */
    CHECK(!unlink(x) && !rmdir(dropins));
    expect_mac(dir, watch, &config, "x", 0);
    CHECK(!mkdir(dropins, 0700));
    write_dropin(x, "x", 8);
    expect_mac(dir, watch, &config, "x", 8);

    /* And the new directory is watched. */
    write_dropin(x, "x", 9);
    expect_mac(dir, watch, &config, "x", 9);

    ofg_config_destroy(config);
    ofg_config_watch_destroy(watch);
    ofg_test_remove_tree(dir);
    free(old_dir);
    free(dropins);
    free(elsewhere);
    free(x);
    free(y);
    free(y_target);
    free(z);
    free(z_other);
    ofg_test_finish("a watch still sees files behind links and a directory "
                    "replaced, removed or created again");
}

/* A container whose flows collided with another's, and were left out, gets
 * them once the other is gone, also when a reload changed only the other.
 * The collision is one validation cannot see: "b" is selected by its
 * interface's iface-id, which OVSDB gave port p1, the port "a" names. */
static void
test_refused_placed_later(void)
{
    char dir[] = "/tmp/test-reload-XXXXXX";
    char *dropins = make_config_dir(dir);
    char *a = xasprintf("%s/a.json", dropins);
    char *b = xasprintf("%s/b.json", dropins);
    write_dropin(a, "a", 1);
    write_text(b, "{\"containers\": {\"b\": {\"iface_id\": \"b-id\", "
               "\"network\": \"a\", \"mac\": \"02:00:00:00:00:02\", "
               "\"ipv4\": [\"10.0.0.12\"]}}}\n");

    struct simap ports = SIMAP_INITIALIZER(&ports);
    simap_put(&ports, "p1", 1);
    struct shash bindings = SHASH_INITIALIZER(&bindings);
    shash_add(&bindings, "b", xstrdup("p1"));
    struct ofg_desired d;
    ofg_desired_init(&d);
    d.bindings = &bindings;
    struct svec refused = SVEC_EMPTY_INITIALIZER;

    struct ofg_config_watch *watch = ofg_config_watch_create();
    struct ofg_config *config, *new;
    char *error = ofg_config_reload(dir, NULL, watch, &config);
    CHECK(!error);
    ofg_desired_compile(&d, config, ofg_config_find_switch(config, "s1"),
                        &ports, &refused);
    CHECK(refused.n == 1 && !strcmp(refused.names[0], "b"));
    CHECK(ofg_desired_find(&d, "a") && !ofg_desired_find(&d, "b"));

    CHECK(!unlink(a));
    error = ofg_config_reload(dir, config, watch, &new);
    CHECK(!error);
    const struct svec *changed;
    CHECK(ofg_config_changes(new, config, &changed) && changed->n == 1);
    svec_clear(&refused);
    ofg_desired_update(&d, config, new, ofg_config_find_switch(new, "s1"),
                       &ports, &refused);
    CHECK(!refused.n);
    CHECK(!ofg_desired_find(&d, "a") && ofg_desired_find(&d, "b"));

    ofg_config_destroy(config);
    ofg_config_destroy(new);
    ofg_config_watch_destroy(watch);
    ofg_desired_destroy(&d);
    svec_destroy(&refused);
    shash_destroy_free_data(&bindings);
    simap_destroy(&ports);
    ofg_test_remove_tree(dir);
    free(a);
    free(b);
    free(dropins);
    ofg_test_finish("a container refused for a collision gets its flows once "
                    "the other container leaves by a reload");
}

int
main(void)
{
    test_random_reloads();
    test_watch_blind_spots();
    test_refused_placed_later();
    return ofg_test_summary();
}
