/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Only for ofg_ctx_quote().  None of the OVS headers below includes
 * "openvswitch/json.h", whose functions have the same names; keep it that
 * way. */
#include <jansson.h>

#include "config/ofg-config-scan.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* One error message, with its position for sorting. */
struct ofg_error {
    int line, column;
    size_t seq;                 /* Order of discovery, to keep sort stable. */
    char *text;                 /* Full line, without the trailing '\n'. */
};

static void report_duplicate_key(void *ctx, int line, int column,
                                 const char *object_path, const char *key);
static void report_limit(void *ctx, int line, int column, const char *path,
                         const char *message);
static void ctx_verror_at(struct ofg_ctx *, int line, int column,
                          const char *path, const char *format, va_list)
    OVS_PRINTF_FORMAT(5, 0);
static void forget_errors(struct ofg_ctx *);
static int compare_errors(const void *, const void *);
static void sift_up(struct ofg_error *, size_t i);
static void sift_down(struct ofg_error *, size_t n, size_t i);

/* Initializes 'ctx' for the 'len' bytes of 'text' (already accepted by
 * jansson), read from 'file_name', which 'ctx' refers to: finds the
 * position of every value and reports every duplicate key.  Returns false,
 * with the error reported, if the text exceeds a limit of the scan (see
 * ofg-config-scan.h): the text is then not worth validating. */
bool
ofg_ctx_init(struct ofg_ctx *ctx, const char *file_name,
             const char *text, size_t len)
{
    static const struct ofg_scan_hooks hooks = {
        .duplicate_key = report_duplicate_key,
        .limit = report_limit,
    };

    ctx->file_name = file_name;
    ofg_positions_init(&ctx->positions);
    ctx->errors = NULL;
    ctx->n_errors = ctx->n_dropped = 0;
    return ofg_scan_positions(text, len, &ctx->positions, &hooks, ctx);
}

/* Frees what 'ctx' holds, errors not stolen included. */
void
ofg_ctx_destroy(struct ofg_ctx *ctx)
{
    ofg_positions_destroy(&ctx->positions);
    forget_errors(ctx);
}

/* Returns the errors kept, sorted by position, one per line, then a line
 * that counts the others, if any; and forgets them. */
char *
ofg_ctx_steal_errors(struct ofg_ctx *ctx)
{
    qsort(ctx->errors, ctx->n_errors, sizeof *ctx->errors, compare_errors);

    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < ctx->n_errors; i++) {
        ds_put_format(&s, "%s\n", ctx->errors[i].text);
    }
    if (ctx->n_dropped) {
        ds_put_format(&s, "%s: ... and %"PRIuSIZE" more error%s\n",
                      ctx->file_name, ctx->n_dropped,
                      ctx->n_dropped == 1 ? "" : "s");
    }
    forget_errors(ctx);
    return ds_steal_cstr(&s);
}

/* Reports an error about the value at 'path', or about the key that names it
 * if 'at_key' is true.  The position comes from the text scan. */
void
ofg_ctx_error(struct ofg_ctx *ctx, const char *path, bool at_key,
              const char *format, ...)
{
    const struct ofg_pos *pos = ofg_ctx_find_pos(ctx, path);
    int line = 1, column = 1;
    if (pos) {
        line = at_key && pos->key_line ? pos->key_line : pos->line;
        column = at_key && pos->key_line ? pos->key_column : pos->column;
    }

    va_list args;
    va_start(args, format);
    ctx_verror_at(ctx, line, column, path, format, args);
    va_end(args);
}

/* Reports an error at 'line':'column' that names the field at 'path'. */
void
ofg_ctx_error_at(struct ofg_ctx *ctx, int line, int column, const char *path,
                 const char *format, ...)
{
    va_list args;
    va_start(args, format);
    ctx_verror_at(ctx, line, column, path, format, args);
    va_end(args);
}

/* Returns 'string' as a JSON string literal, for messages that quote what
 * the user wrote (which may hold quotes or control characters).  The caller
 * must free it. */
char *
ofg_ctx_quote(const char *string)
{
    json_t *j = json_string(string);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return q ? q : xstrdup("\"?\"");
}

/* Returns where the value at 'path' is, or NULL if the text has none. */
const struct ofg_pos *
ofg_ctx_find_pos(const struct ofg_ctx *ctx, const char *path)
{
    return ofg_positions_find(&ctx->positions, path);
}

/* True if the entry at 'a' comes before the one at 'b' in the file (or
 * either position is unknown and 'a' sorts first). */
bool
ofg_ctx_is_before(const struct ofg_ctx *ctx, const char *a, const char *b)
{
    const struct ofg_pos *pa = ofg_ctx_find_pos(ctx, a);
    const struct ofg_pos *pb = ofg_ctx_find_pos(ctx, b);
    if (!pa || !pb) {
        return strcmp(a, b) < 0;
    }
    return ofg_pos_compare(pa, pb) < 0;
}

/* The scanner's report of a second 'key' in the object at 'object_path'. */
static void
report_duplicate_key(void *ctx, int line, int column,
                     const char *object_path, const char *key)
{
    char *q = ofg_ctx_quote(key);
    ofg_ctx_error_at(ctx, line, column, object_path, "duplicate key %s", q);
    free(q);
}

/* The scanner's report of a limit exceeded. */
static void
report_limit(void *ctx, int line, int column, const char *path,
             const char *message)
{
    ofg_ctx_error_at(ctx, line, column, path, "%s", message);
}

/* Keeps the error, if it is among the first OFG_CONFIG_MAX_ERRORS in file
 * order found so far, in place of the last of them if there are that many
 * already; only counts it otherwise, without formatting it. */
static void
ctx_verror_at(struct ofg_ctx *ctx, int line, int column, const char *path,
              const char *format, va_list args)
{
    struct ofg_error new = {
        .line = line,
        .column = column,
        .seq = ctx->n_errors + ctx->n_dropped,
    };
    bool full = ctx->n_errors >= OFG_CONFIG_MAX_ERRORS;
    if (full) {
        ctx->n_dropped++;
        if (compare_errors(&new, &ctx->errors[0]) > 0) {
            return;
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s:%d:%d: ", ctx->file_name, line, column);
    if (path && path[0]) {
        ds_put_format(&s, "%s: ", path);
    }
    ds_put_format_valist(&s, format, args);
    new.text = ds_steal_cstr(&s);

    if (!ctx->errors) {
        ctx->errors = xmalloc(OFG_CONFIG_MAX_ERRORS * sizeof *ctx->errors);
    }
    if (full) {
        /* The new error takes the place of the last one kept. */
        free(ctx->errors[0].text);
        ctx->errors[0] = new;
        sift_down(ctx->errors, ctx->n_errors, 0);
    } else {
        ctx->errors[ctx->n_errors] = new;
        sift_up(ctx->errors, ctx->n_errors++);
    }
}

static void
forget_errors(struct ofg_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_errors; i++) {
        free(ctx->errors[i].text);
    }
    free(ctx->errors);
    ctx->errors = NULL;
    ctx->n_errors = ctx->n_dropped = 0;
}

static void
swap_errors(struct ofg_error *errors, size_t a, size_t b)
{
    struct ofg_error tmp = errors[a];
    errors[a] = errors[b];
    errors[b] = tmp;
}

/* Moves heap element 'i' of 'errors' up to its place: the later an error,
 * the nearer the root. */
static void
sift_up(struct ofg_error *errors, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (compare_errors(&errors[i], &errors[parent]) <= 0) {
            break;
        }
        swap_errors(errors, i, parent);
        i = parent;
    }
}

/* Moves heap element 'i' of the 'n' of 'errors' down to its place. */
static void
sift_down(struct ofg_error *errors, size_t n, size_t i)
{
    for (;;) {
        size_t largest = i;
        for (size_t child = 2 * i + 1; child <= 2 * i + 2; child++) {
            if (child < n
                && compare_errors(&errors[child], &errors[largest]) > 0) {
                largest = child;
            }
        }
        if (largest == i) {
            break;
        }
        swap_errors(errors, i, largest);
        i = largest;
    }
}

/* Orders errors by position, then by order of discovery. */
static int
compare_errors(const void *a_, const void *b_)
{
    const struct ofg_error *a = a_;
    const struct ofg_error *b = b_;
    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    } else if (a->column != b->column) {
        return a->column < b->column ? -1 : 1;
    } else {
        return a->seq < b->seq ? -1 : a->seq > b->seq;
    }
}
