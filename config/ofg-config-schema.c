/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-schema.h"

#include <stdlib.h>
#include <string.h>
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-scan.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

static bool kind_matches(const json_t *, enum ofg_kind);
static const char *kind_name(enum ofg_kind);
static int compare_strings(const void *, const void *);

/* Names the type of 'j' for messages ("an object", "a string"...). */
const char *
ofg_schema_type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

/* Checks that 'j' at 'path' has kind 'kind', reporting an error if not. */
bool
ofg_schema_check_kind(struct ofg_ctx *ctx, const char *path, const json_t *j,
                      enum ofg_kind kind)
{
    if (kind_matches(j, kind)) {
        return true;
    }
    ofg_ctx_error(ctx, path, false, "must be %s, not %s", kind_name(kind),
                  ofg_schema_type_name(j));
    return false;
}

/* Returns member 'key' of 'obj' (at 'obj_path') if it is present and has
 * kind 'kind'; otherwise reports an error (for a missing member only if
 * 'required') and returns NULL.  If 'pathp' is nonnull, stores the member's
 * path there (the caller must free it). */
json_t *
ofg_schema_get_member(struct ofg_ctx *ctx, const char *obj_path, json_t *obj,
                      const char *key, enum ofg_kind kind, bool required,
                      char **pathp)
{
    json_t *j = json_object_get(obj, key);
    char *path = ofg_path_member(obj_path, key);
    if (!j) {
        if (required) {
            ofg_ctx_error(ctx, obj_path, false,
                          "missing required key \"%s\"", key);
        }
    } else if (!ofg_schema_check_kind(ctx, path, j, kind)) {
        j = NULL;
    }

    if (pathp) {
        *pathp = path;
    } else {
        free(path);
    }
    return j;
}

/* Reports every key of 'obj' that is not in 'allowed' (NULL-terminated). */
void
ofg_schema_check_keys(struct ofg_ctx *ctx, const char *obj_path, json_t *obj,
                      const char *const allowed[])
{
    const char *key;
    json_t *value;
    json_object_foreach (obj, key, value) {
        bool known = false;
        for (size_t i = 0; allowed[i]; i++) {
            if (!strcmp(key, allowed[i])) {
                known = true;
                break;
            }
        }
        if (known) {
            continue;
        }

        struct ds list = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; allowed[i]; i++) {
            ds_put_format(&list, "%s%s", i ? ", " : "", allowed[i]);
        }
        char *path = ofg_path_member(obj_path, key);
        char *q = ofg_ctx_quote(key);
        /* Say where, but name the holding object in the message. */
        const struct ofg_pos *pos = ofg_ctx_find_pos(ctx, path);
        ofg_ctx_error_at(ctx, pos ? pos->key_line : 1,
                         pos ? pos->key_column : 1, obj_path,
                         "unknown key %s (expected one of: %s)", q,
                         ds_cstr(&list));
        free(q);
        free(path);
        ds_destroy(&list);
    }
}

/* Returns the keys of 'obj' sorted by strcmp() in a new array of
 * json_object_size(obj) elements; the strings belong to 'obj'. */
const char **
ofg_schema_sorted_keys(json_t *obj)
{
    size_t n = json_object_size(obj);
    const char **keys = xmalloc((n ? n : 1) * sizeof *keys);
    size_t i = 0;
    const char *key;
    json_t *value;
    json_object_foreach (obj, key, value) {
        keys[i++] = key;
    }
    qsort(keys, n, sizeof *keys, compare_strings);
    return keys;
}

/* Checks the name of the entry at 'path'.  Names become parts of paths and
 * of log messages, so keep them printable. */
bool
ofg_schema_check_name(struct ofg_ctx *ctx, const char *path,
                      const char *name)
{
    if (!name[0]) {
        ofg_ctx_error(ctx, path, true, "name must not be empty");
        return false;
    }
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '.' || *p == '['
            || *p == ']') {
            char *q = ofg_ctx_quote(name);
            ofg_ctx_error(ctx, path, true, "name %s must not contain "
                          "control characters, '.', '[' or ']'", q);
            free(q);
            return false;
        }
    }
    return true;
}

static bool
kind_matches(const json_t *j, enum ofg_kind kind)
{
    switch (kind) {
    case OFG_KIND_OBJECT: return json_is_object(j);
    case OFG_KIND_ARRAY: return json_is_array(j);
    case OFG_KIND_STRING: return json_is_string(j);
    case OFG_KIND_BOOLEAN: return json_is_boolean(j);
    case OFG_KIND_ANY: return true;
    }
    return false;
}

static const char *
kind_name(enum ofg_kind kind)
{
    switch (kind) {
    case OFG_KIND_OBJECT: return "an object";
    case OFG_KIND_ARRAY: return "an array";
    case OFG_KIND_STRING: return "a string";
    case OFG_KIND_BOOLEAN: return "a boolean (true or false)";
    case OFG_KIND_ANY: return "a value";
    }
    return "?";
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;
    return strcmp(*a, *b);
}
