/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_SCHEMA_H
#define OFG_CONFIG_SCHEMA_H 1

/* Helpers that check the shape of the parsed JSON (kinds of values, known
 * and required keys, entry names) and report what is wrong through the
 * error context.
 *
 * Private to config/.  Includes <jansson.h>: never include it, directly or
 * not, together with OVS's "openvswitch/json.h" (see the README). */

#include <stdbool.h>
#include <jansson.h>

struct ofg_ctx;

/* What a value must be. */
enum ofg_kind {
    OFG_KIND_OBJECT,
    OFG_KIND_ARRAY,
    OFG_KIND_STRING,
    OFG_KIND_BOOLEAN,
    OFG_KIND_ANY,
};

const char *ofg_schema_type_name(const json_t *);
bool ofg_schema_check_kind(struct ofg_ctx *, const char *path,
                           const json_t *, enum ofg_kind);
json_t *ofg_schema_get_member(struct ofg_ctx *, const char *obj_path,
                              json_t *obj, const char *key, enum ofg_kind,
                              bool required, char **pathp);
void ofg_schema_check_keys(struct ofg_ctx *, const char *obj_path,
                           json_t *obj, const char *const allowed[]);
const char **ofg_schema_sorted_keys(json_t *obj);
bool ofg_schema_check_name(struct ofg_ctx *, const char *path,
                           const char *name);

#endif /* config/ofg-config-schema.h */
