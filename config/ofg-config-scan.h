/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_SCAN_H
#define OFG_CONFIG_SCAN_H 1

/* Where each value of a JSON text is.
 *
 * jansson does not tell where each value is, so ofg_scan_positions() walks
 * the text again, which jansson has already accepted as valid JSON, and
 * records the position of every value under its path
 * ("containers.vm1.ipv4[2]").  It also finds duplicate keys, which jansson
 * would otherwise resolve silently, and enforces the limits below.
 *
 * The work and the memory are linear in the size of the text: each value is
 * recorded as its parent and its own key or index, never as a full path
 * string, so a deep value does not cost the length of its path.  A path is
 * only spelled out to report an error.
 *
 * Private to config/.  Knows nothing of jansson. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/hmap.h"

/* Limits on what a configuration may hold.  The deepest value the schema
 * has, "containers.NAME.ipv4[0]", is 4 levels deep, and no string the
 * schema knows (names, addresses, port names) needs more than a few dozen
 * bytes; these are far above that but keep hostile files cheap. */
enum {
    OFG_CONFIG_MAX_DEPTH = 32,          /* Nested objects and arrays. */
    OFG_CONFIG_MAX_STRING = 1024,       /* Bytes of a key or string. */
};

/* Where a JSON value starts in the text, and where the key that names it
 * starts (for object members; zero otherwise). */
struct ofg_pos {
    int line, column;
    int key_line, key_column;
    unsigned int parent;        /* Id of the object that holds the member. */
};

/* The positions of the values of one text, by path. */
struct ofg_positions {
    struct hmap nodes;          /* Each struct scan_node, by path hash. */
    struct scan_node *all;      /* Every node, for freeing. */
    uint64_t basis;             /* Random, so paths cannot be made to
                                 * collide on purpose. */
};

/* What the scan reports. */
struct ofg_scan_hooks {
    /* A second 'key' in the object at 'object_path'. */
    void (*duplicate_key)(void *aux, int line, int column,
                          const char *object_path, const char *key);

    /* A limit exceeded at 'line':'column' inside the value at 'path' (which
     * may be NULL), described by 'message'.  The scan stops there. */
    void (*limit)(void *aux, int line, int column, const char *path,
                  const char *message);
};

void ofg_positions_init(struct ofg_positions *);
void ofg_positions_destroy(struct ofg_positions *);
const struct ofg_pos *ofg_positions_find(const struct ofg_positions *,
                                         const char *path);

bool ofg_scan_positions(const char *text, size_t len,
                        struct ofg_positions *,
                        const struct ofg_scan_hooks *, void *aux);

char *ofg_path_member(const char *parent, const char *key);
char *ofg_path_index(const char *parent, size_t index);

int ofg_pos_compare(const struct ofg_pos *, const struct ofg_pos *);

#endif /* config/ofg-config-scan.h */
