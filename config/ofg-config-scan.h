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
 * would otherwise resolve silently.
 *
 * Private to config/.  Knows nothing of jansson. */

#include <stddef.h>

struct shash;

/* Where a JSON value starts in the text, and where the key that names it
 * starts (for object members; zero otherwise). */
struct ofg_pos {
    int line, column;
    int key_line, key_column;
    unsigned int parent;        /* Id of the object that holds the member. */
};

void ofg_scan_positions(const char *text, size_t len, struct shash *positions,
                        void (*duplicate_key)(void *aux, int line, int column,
                                              const char *object_path,
                                              const char *key),
                        void *aux);

char *ofg_path_member(const char *parent, const char *key);
char *ofg_path_index(const char *parent, size_t index);

int ofg_pos_compare(const struct ofg_pos *, const struct ofg_pos *);

#endif /* config/ofg-config-scan.h */
