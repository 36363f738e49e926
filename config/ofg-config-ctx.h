/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_CTX_H
#define OFG_CONFIG_CTX_H 1

/* The error context of one configuration being validated: where each value
 * is in the text (by path, from ofg-config-scan) and the errors found so
 * far, each as "FILE:LINE:COLUMN: FIELD.PATH: message".
 *
 * Only the first OFG_CONFIG_MAX_ERRORS errors in file order are kept, the
 * others only counted, so that a file with an error in each of a million
 * values costs no more memory than one with a hundred: the errors are
 * found in no particular order, and a heap of the kept ones tells at once
 * whether a new one comes before the last of them.
 *
 * Private to config/.  The header knows nothing of jansson; the module uses
 * it only to quote strings in messages as JSON would. */

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/compiler.h"
#include "config/ofg-config-scan.h"

/* The most errors reported for one configuration, the first in file
 * order; a last line counts the others. */
enum { OFG_CONFIG_MAX_ERRORS = 100 };

struct ofg_ctx {
    const char *file_name;
    struct ofg_positions positions;
    struct ofg_error *errors;   /* Max-heap by position, the last first. */
    size_t n_errors;            /* Kept, at most OFG_CONFIG_MAX_ERRORS. */
    size_t n_dropped;           /* Found after those, and not kept. */
};

bool ofg_ctx_init(struct ofg_ctx *, const char *file_name,
                  const char *text, size_t len);
void ofg_ctx_destroy(struct ofg_ctx *);
char *ofg_ctx_steal_errors(struct ofg_ctx *) OVS_WARN_UNUSED_RESULT;

void ofg_ctx_error(struct ofg_ctx *, const char *path, bool at_key,
                   const char *format, ...) OVS_PRINTF_FORMAT(4, 5);
void ofg_ctx_error_at(struct ofg_ctx *, int line, int column,
                      const char *path, const char *format, ...)
    OVS_PRINTF_FORMAT(5, 6);

char *ofg_ctx_quote(const char *);

const struct ofg_pos *ofg_ctx_find_pos(const struct ofg_ctx *,
                                       const char *path);
bool ofg_ctx_is_before(const struct ofg_ctx *, const char *a, const char *b);

#endif /* config/ofg-config-ctx.h */
