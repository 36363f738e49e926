/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "config/ofg-config-check.h"
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-index.h"
#include "config/ofg-config-meta.h"
#include "config/ofg-config-part.h"
#include "hmapx.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* Whole configurations, from the parts that the files gave: every
 * container checked against every other (ofg_config_assemble()), or, on a
 * reload that changed a few containers, only those, against the index of
 * the configuration before (ofg_config_assemble_from()). */

/* The number of the last configuration assembled, for
 * ofg_config_changes(). */
static unsigned long long int last_serial;

/* The parts of a reload against those of the configuration before, both
 * sorted by file name after the main file's: those only in the old, and
 * those only in the new (a file that changed is in both lists). */
struct part_changes {
    struct ofg_config_part **removed, **added;
    size_t n_removed, n_added;
};

static struct ofg_config *new_config(const char *name,
                                     struct ofg_config_part **parts,
                                     size_t n_parts);
static char *collect_errors(struct ofg_config_part **, size_t n_parts);
static bool assemble_changes(const char *name, const struct ofg_config *old,
                             struct ofg_config_part **parts, size_t n_parts,
                             struct ofg_config **configp);
static void diff_parts(const struct ofg_config *old,
                       struct ofg_config_part **parts, size_t n_parts,
                       struct part_changes *);
static const struct ofg_container **list_containers(
    struct ofg_config_part **, size_t n_parts, size_t *n);
static struct ofg_container *merge_containers(
    const struct ofg_config *old, const struct part_changes *,
    const struct ofg_container **added, size_t n_added, size_t *n);
static int compare_containers_by_name(const void *, const void *);

/* One container of an assembled configuration: where it comes from. */
struct assembly_entry {
    const struct ofg_container *c;
    const struct ofg_container_meta *m;
    struct ofg_config_part *part;
    unsigned int file;
};

static int
compare_entries_by_name(const void *a_, const void *b_)
{
    const struct assembly_entry *a = a_, *b = b_;
    int cmp = strcmp(a->c->name, b->c->name);
    return cmp ? cmp : a->file < b->file ? -1 : a->file > b->file;
}

char *
ofg_config_assemble(const char *name, struct ofg_config_part **parts,
                    size_t n_parts, struct ofg_config **configp)
{
    *configp = NULL;
    ovs_assert(n_parts >= 1 && !parts[0]->main);

    size_t n = 0;
    for (size_t i = 0; i < n_parts; i++) {
        n += parts[i]->n_containers;
    }
    struct assembly_entry *entries = xmalloc(MAX(n, 1) * sizeof *entries);
    n = 0;
    for (size_t i = 0; i < n_parts; i++) {
        for (size_t j = 0; j < parts[i]->n_containers; j++) {
            entries[n++] = (struct assembly_entry) {
                .c = &parts[i]->containers[j], .m = &parts[i]->metas[j],
                .part = parts[i], .file = i,
            };
        }
    }
    qsort(entries, n, sizeof *entries, compare_entries_by_name);

    struct ofg_config *config = new_config(name, parts, n_parts);
    const struct ofg_config_part *main = parts[0];

    /* The containers, sorted by name, each once: a name defined again in a
     * later file is that file's error. */
    struct ofg_container_meta *metas = xmalloc(MAX(n, 1) * sizeof *metas);
    config->containers = xmalloc(MAX(n, 1) * sizeof *config->containers);
    for (size_t i = 0; i < n; i++) {
        const struct assembly_entry *e = &entries[i];
        if (config->n_containers
            && !strcmp(e->c->name,
                       config->containers[config->n_containers - 1].name)) {
            ofg_ctx_error(&e->part->ctx, e->m->path, true, "container %s "
                          "is already defined in %s", e->c->name,
                          entries[i - 1].part->file_name);
            continue;
        }
        metas[config->n_containers] = *e->m;
        metas[config->n_containers].ctx = &e->part->ctx;
        metas[config->n_containers].file = e->file;
        config->containers[config->n_containers++] = *e->c;
    }
    free(entries);

    ofg_check_containers(config, metas);
    ofg_check_networks(CONST_CAST(struct ofg_ctx *, &main->ctx), config,
                       main->net_metas, metas);
    free(metas);

    char *error = collect_errors(parts, n_parts);
    if (error) {
        ofg_config_destroy(config);
        return error;
    }
    config->serial = ++last_serial;
    config->index = ofg_config_index_create(config);
    *configp = config;
    return NULL;
}

/* Returns a configuration named 'name' that holds a reference to each of
 * 'parts', with the networks and switches of the first (the main file's),
 * and no containers yet. */
static struct ofg_config *
new_config(const char *name, struct ofg_config_part **parts, size_t n_parts)
{
    struct ofg_config *config = xzalloc(sizeof *config);
    config->file_name = xstrdup(name);
    config->networks = parts[0]->networks;
    config->n_networks = parts[0]->n_networks;
    config->switches = parts[0]->switches;
    config->n_switches = parts[0]->n_switches;
    config->parts = xmalloc(n_parts * sizeof *config->parts);
    for (size_t i = 0; i < n_parts; i++) {
        config->parts[config->n_parts++] = ofg_config_part_ref(parts[i]);
    }
    return config;
}

/* Returns the errors found in 'parts', file by file, or NULL if there are
 * none.  Forgets them, so that a part can be assembled again. */
static char *
collect_errors(struct ofg_config_part **parts, size_t n_parts)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_parts; i++) {
        struct ofg_ctx *ctx = &parts[i]->ctx;
        if (ctx->n_errors || ctx->n_dropped) {
            char *e = ofg_ctx_steal_errors(ctx);
            ds_put_cstr(&s, e);
            free(e);
        }
    }
    return s.length ? ds_steal_cstr(&s) : NULL;
}

/* The hash of a configuration: of its file's bytes if it has one file, so
 * that "sha256sum FILE" matches; otherwise of each file's hash and name, in
 * order, as "sha256sum" prints them. */
const char *
ofg_config_sha256(const struct ofg_config *config_)
{
    /* Computed when first asked for: at 10,000 files it would be a good
     * part of a reload. */
    struct ofg_config *config = CONST_CAST(struct ofg_config *, config_);
    if (config->sha256[0]) {
        return config->sha256;
    } else if (config->n_parts == 1) {
        memcpy(config->sha256, config->parts[0]->sha256,
               sizeof config->sha256);
        return config->sha256;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char digest[SHA256_DIGEST_LENGTH];
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        out_of_memory();
    }
    for (size_t i = 0; i < config->n_parts; i++) {
        const struct ofg_config_part *part = config->parts[i];
        EVP_DigestUpdate(md, part->sha256, strlen(part->sha256));
        EVP_DigestUpdate(md, "  ", 2);
        EVP_DigestUpdate(md, part->file_name, strlen(part->file_name));
        EVP_DigestUpdate(md, "\n", 1);
    }
    EVP_DigestFinal_ex(md, digest, NULL);
    EVP_MD_CTX_free(md);
    ofg_sha256_to_hex(digest, config->sha256);
    return config->sha256;
}


char *
ofg_config_assemble_from(const char *name, const struct ofg_config *old,
                         struct ofg_config_part **parts, size_t n_parts,
                         struct ofg_config **configp)
{
    if (old && old->index && parts[0] == old->parts[0]
        && assemble_changes(name, old, parts, n_parts, configp)) {
        return NULL;
    }
    return ofg_config_assemble(name, parts, n_parts, configp);
}

bool
ofg_config_changes(const struct ofg_config *new, const struct ofg_config *old,
                   const struct svec **changed)
{
    *changed = &new->changed;
    return old && new->base_serial && new->base_serial == old->serial;
}

/* Assembles 'parts', a reload of 'old' with the same main file's part,
 * into '*configp' if the containers of the files that changed pass
 * 'old''s index, which the new configuration then takes.  Returns false,
 * with nothing done, if anything would need the full checks. */
static bool
assemble_changes(const char *name, const struct ofg_config *old,
                 struct ofg_config_part **parts, size_t n_parts,
                 struct ofg_config **configp)
{
    struct part_changes pc;
    diff_parts(old, parts, n_parts, &pc);
    for (size_t i = 0; i < pc.n_added; i++) {
        if (pc.added[i]->ctx.n_errors || pc.added[i]->ctx.n_dropped) {
            /* A file's own errors are worded by the full checks' report. */
            free(pc.removed);
            free(pc.added);
            return false;
        }
    }

    size_t n_removed, n_added, n = 0;
    const struct ofg_container **removed = list_containers(pc.removed,
                                                           pc.n_removed,
                                                           &n_removed);
    const struct ofg_container **added = list_containers(pc.added,
                                                         pc.n_added,
                                                         &n_added);
    struct ofg_container *containers = merge_containers(old, &pc, added,
                                                        n_added, &n);
    if (containers && ofg_config_index_replace(old->index, removed,
                                               n_removed, added, n_added)) {
        struct ofg_config *config = new_config(name, parts, n_parts);
        config->containers = containers;
        config->n_containers = n;
        config->serial = ++last_serial;
        config->base_serial = old->serial;
        svec_init(&config->changed);
        for (size_t i = 0; i < n_removed; i++) {
            svec_add(&config->changed, removed[i]->name);
        }
        for (size_t i = 0; i < n_added; i++) {
            svec_add(&config->changed, added[i]->name);
        }
        svec_sort_unique(&config->changed);

        /* The index now describes the new configuration. */
        config->index = old->index;
        CONST_CAST(struct ofg_config *, old)->index = NULL;
        *configp = config;
    } else {
        free(containers);
        containers = NULL;
    }
    free(removed);
    free(added);
    free(pc.removed);
    free(pc.added);
    return containers != NULL;
}

/* Finds which of 'parts' are not 'old''s, and which of 'old''s are not in
 * 'parts'.  A part kept is the same pointer in both, so most of the walk
 * compares no names. */
static void
diff_parts(const struct ofg_config *old, struct ofg_config_part **parts,
           size_t n_parts, struct part_changes *pc)
{
    memset(pc, 0, sizeof *pc);
    pc->removed = xmalloc(old->n_parts * sizeof *pc->removed);
    pc->added = xmalloc(n_parts * sizeof *pc->added);
    size_t i = 1, j = 1;
    while (i < old->n_parts || j < n_parts) {
        struct ofg_config_part *a = i < old->n_parts ? old->parts[i] : NULL;
        struct ofg_config_part *b = j < n_parts ? parts[j] : NULL;
        if (a == b) {
            i++, j++;
            continue;
        }
        int cmp = !a ? 1 : !b ? -1 : strcmp(a->file_name, b->file_name);
        if (cmp <= 0) {
            pc->removed[pc->n_removed++] = a;
            i++;
        }
        if (cmp >= 0) {
            pc->added[pc->n_added++] = b;
            j++;
        }
    }
}

/* Returns the containers of the 'n_parts' 'parts' (the caller frees the
 * array, not the containers), sorted by name, their number in '*n'. */
static const struct ofg_container **
list_containers(struct ofg_config_part **parts, size_t n_parts, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < n_parts; i++) {
        *n += parts[i]->n_containers;
    }
    const struct ofg_container **list = xmalloc(MAX(*n, 1) * sizeof *list);
    *n = 0;
    for (size_t i = 0; i < n_parts; i++) {
        for (size_t j = 0; j < parts[i]->n_containers; j++) {
            list[(*n)++] = &parts[i]->containers[j];
        }
    }
    qsort(list, *n, sizeof *list, compare_containers_by_name);
    return list;
}

/* Returns the containers of 'old' but those of the parts it lost, with the
 * 'n_added' containers 'added' (sorted by name), in a new array sorted by
 * name, their number in '*n'.  Returns NULL if a name would be there twice:
 * the full checks say in which file. */
static struct ofg_container *
merge_containers(const struct ofg_config *old, const struct part_changes *pc,
                 const struct ofg_container **added, size_t n_added,
                 size_t *n)
{
    /* A container's 'source' is its part's file name. */
    struct hmapx gone = HMAPX_INITIALIZER(&gone);
    for (size_t i = 0; i < pc->n_removed; i++) {
        hmapx_add(&gone, pc->removed[i]->file_name);
    }

    struct ofg_container *merged = xmalloc(MAX(old->n_containers + n_added, 1)
                                           * sizeof *merged);
    size_t i = 0, j = 0, k = 0;
    bool dup = false;
    while (!dup && (i < old->n_containers || j < n_added)) {
        const struct ofg_container *a = (i < old->n_containers
                                         ? &old->containers[i] : NULL);
        if (a && pc->n_removed
            && hmapx_contains(&gone, CONST_CAST(char *, a->source))) {
            i++;
            continue;
        }
        const struct ofg_container *b = j < n_added ? added[j] : NULL;
        int cmp = !a ? 1 : !b ? -1 : strcmp(a->name, b->name);
        dup = !cmp || (b && k && !strcmp(merged[k - 1].name, b->name));
        if (cmp < 0) {
            merged[k++] = *a;
            i++;
        } else {
            merged[k++] = *b;
            j++;
        }
    }
    hmapx_destroy(&gone);
    if (dup) {
        free(merged);
        return NULL;
    }
    *n = k;
    return merged;
}

static int
compare_containers_by_name(const void *a_, const void *b_)
{
    const struct ofg_container *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}
