/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>

#include "ofg-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* This is the only translation unit that includes <jansson.h>.  None of the
 * OVS headers below includes "openvswitch/json.h"; keep it that way. */
#include <jansson.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "simap.h"
#include "sset.h"
#include "packets.h"
#include "util.h"

/* Port names longer than this are certainly mistakes. */
#define OFG_MAX_PORT_NAME_LEN 63

/* Where a JSON value starts in the text, and where the key that names it
 * starts (for object members; zero otherwise). */
struct ofg_pos {
    int line, column;
    int key_line, key_column;
    unsigned int parent;        /* Id of the object that holds the member. */
};

/* One error message, with its position for sorting. */
struct ofg_error {
    int line, column;
    size_t seq;                 /* Order of discovery, to keep sort stable. */
    char *text;                 /* Full line, without the trailing '\n'. */
};

struct ofg_ctx {
    const char *file_name;
    struct shash positions;     /* Path string -> struct ofg_pos. */
    struct ofg_error *errors;
    size_t n_errors, allocated_errors;
};

/* Per-entry facts that the validator needs but the result does not keep. */
struct net_meta {
    char *path;
    bool want_ipv4, want_ipv6;  /* Any of the IPv4 / IPv6 keys present. */
    bool ipv4_ok, ipv6_ok;      /* Subnet and gateway parsed and valid. */
    bool cookie_ok;
    bool cookie_explicit;
};

struct switch_meta {
    char *path;
    bool dpid_ok;
};

struct container_meta {
    char *path;
    struct ofg_pos pos;
    bool mac_ok;
    bool port_ok;
    bool switch_ok;             /* No "switch", or it names a switch. */
    bool cookie_ok;
    bool cookie_explicit;
    int *ipv4_idx;              /* JSON array index of each ipv4[] entry. */
    int *ipv6_idx;              /* JSON array index of each ipv6[] entry. */
};

enum addr_result {
    ADDR_OK,
    ADDR_MALFORMED,
    ADDR_HOST_BITS,
};

static char *parse_text(const char *file_name, const char *text, size_t len,
                        struct ofg_config **configp);
static void ctx_error(struct ofg_ctx *, const char *path, bool at_key,
                      const char *format, ...) OVS_PRINTF_FORMAT(4, 5);
static void ctx_error_at(struct ofg_ctx *, int line, int column,
                         const char *path, const char *format, ...)
    OVS_PRINTF_FORMAT(5, 6);
static void scan_positions(struct ofg_ctx *, const char *text, size_t len);
static char *quote(const char *);
static void validate(struct ofg_ctx *, json_t *root, struct ofg_config *);
static void check_network_conflicts(struct ofg_ctx *,
                                    const struct ofg_config *,
                                    const struct net_meta *,
                                    const struct container_meta *);
static bool parse_cookie(struct ofg_ctx *, const char *path, json_t *,
                         uint64_t *cookie);
static bool network_equal(const struct ofg_network *,
                          const struct ofg_network *);
static int compare_strings(const void *, const void *);

char *
ofg_config_read(const char *file_name, struct ofg_config **configp)
{
    *configp = NULL;

    FILE *file = fopen(file_name, "rb");
    if (!file) {
        return xasprintf("%s: cannot open: %s\n", file_name,
                         ovs_strerror(errno));
    }

    struct ds text = DS_EMPTY_INITIALIZER;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, file)) > 0) {
        ds_put_buffer(&text, buf, n);
    }
    if (ferror(file)) {
        int error = errno;
        fclose(file);
        ds_destroy(&text);
        return xasprintf("%s: read error: %s\n", file_name,
                         ovs_strerror(error));
    }
    fclose(file);

    char *error = parse_text(file_name, ds_cstr(&text), text.length,
                             configp);
    ds_destroy(&text);
    return error;
}

char *
ofg_config_parse(const char *file_name, const char *text,
                 struct ofg_config **configp)
{
    return parse_text(file_name, text, strlen(text), configp);
}

void
ofg_config_destroy(struct ofg_config *config)
{
    if (!config) {
        return;
    }

    for (size_t i = 0; i < config->n_networks; i++) {
        free(config->networks[i].name);
    }
    free(config->networks);

    for (size_t i = 0; i < config->n_switches; i++) {
        struct ofg_switch *sw = &config->switches[i];
        free(sw->name);
        for (size_t j = 0; j < sw->n_trusted_ports; j++) {
            free(sw->trusted_ports[j]);
        }
        free(sw->trusted_ports);
    }
    free(config->switches);

    for (size_t i = 0; i < config->n_containers; i++) {
        struct ofg_container *c = &config->containers[i];
        free(c->name);
        free(c->switch_name);
        free(c->port);
        free(c->ipv4);
        free(c->ipv6);
    }
    free(config->containers);

    free(config->file_name);
    free(config);
}

const struct ofg_container *
ofg_config_find_container(const struct ofg_config *config, const char *name)
{
    size_t lo = 0, hi = config->n_containers;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, config->containers[mid].name);
        if (!cmp) {
            return &config->containers[mid];
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

const struct ofg_switch *
ofg_config_find_switch(const struct ofg_config *config, const char *name)
{
    size_t lo = 0, hi = config->n_switches;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, config->switches[mid].name);
        if (!cmp) {
            return &config->switches[mid];
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

/* The switches are sorted by name, not by datapath ID, and the structure has
 * no room for a second index, so this is a linear search.  Deployments have
 * a handful of switches, so that is cheap. */
const struct ofg_switch *
ofg_config_find_switch_by_dpid(const struct ofg_config *config,
                               uint64_t datapath_id)
{
    for (size_t i = 0; i < config->n_switches; i++) {
        if (config->switches[i].datapath_id == datapath_id) {
            return &config->switches[i];
        }
    }
    return NULL;
}

bool
ofg_container_equal(const struct ofg_container *a,
                    const struct ofg_container *b)
{
    if (strcmp(a->port, b->port)
        || !nullable_string_is_equal(a->switch_name, b->switch_name)
        || !eth_addr_equals(a->mac, b->mac)
        || a->n_ipv4 != b->n_ipv4
        || a->n_ipv6 != b->n_ipv6
        || a->allow_dhcp != b->allow_dhcp
        || a->allow_multicast != b->allow_multicast
        || a->cookie != b->cookie) {
        return false;
    }

    /* The same switch name may stand for a different datapath after a
     * reload, and then the flows belong elsewhere. */
    if ((a->sw != NULL) != (b->sw != NULL)
        || (a->sw && a->sw->datapath_id != b->sw->datapath_id)) {
        return false;
    }

    for (size_t i = 0; i < a->n_ipv4; i++) {
        if (a->ipv4[i].addr != b->ipv4[i].addr
            || a->ipv4[i].plen != b->ipv4[i].plen) {
            return false;
        }
    }
    for (size_t i = 0; i < a->n_ipv6; i++) {
        if (!ipv6_addr_equals(&a->ipv6[i].addr, &b->ipv6[i].addr)
            || a->ipv6[i].plen != b->ipv6[i].plen) {
            return false;
        }
    }

    if ((a->network != NULL) != (b->network != NULL)) {
        return false;
    }
    return !a->network || network_equal(a->network, b->network);
}

bool
ofg_switch_equal(const struct ofg_switch *a, const struct ofg_switch *b)
{
    if (a->datapath_id != b->datapath_id
        || a->n_trusted_ports != b->n_trusted_ports) {
        return false;
    }
    for (size_t i = 0; i < a->n_trusted_ports; i++) {
        if (strcmp(a->trusted_ports[i], b->trusted_ports[i])) {
            return false;
        }
    }
    return true;
}

uint64_t
ofg_config_derive_cookie(const char *name)
{
    /* FNV-1a, 64-bit. */
    uint64_t hash = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        hash ^= *p;
        hash *= UINT64_C(0x100000001b3);
    }

    /* Fold the top 16 bits into the rest so that every input bit counts. */
    uint64_t cookie = (hash ^ (hash >> OFG_COOKIE_ID_BITS))
                      & OFG_COOKIE_ID_MASK;
    return cookie ? cookie : 1;
}

uint64_t
ofg_config_derive_network_cookie(const char *name)
{
    /* Names cannot contain '/', so no container's name is hashed the
     * same way. */
    char *key = xasprintf("network/%s", name);
    uint64_t cookie = ofg_config_derive_cookie(key);
    free(key);
    return cookie;
}

/* Errors. */

static void
ctx_add_error(struct ofg_ctx *ctx, int line, int column, char *text)
{
    if (ctx->n_errors >= ctx->allocated_errors) {
        ctx->errors = x2nrealloc(ctx->errors, &ctx->allocated_errors,
                                 sizeof *ctx->errors);
    }
    struct ofg_error *e = &ctx->errors[ctx->n_errors];
    e->line = line;
    e->column = column;
    e->seq = ctx->n_errors++;
    e->text = text;
}

static void
ctx_verror_at(struct ofg_ctx *ctx, int line, int column, const char *path,
              const char *format, va_list args)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s:%d:%d: ", ctx->file_name, line, column);
    if (path && path[0]) {
        ds_put_format(&s, "%s: ", path);
    }
    ds_put_format_valist(&s, format, args);
    ctx_add_error(ctx, line, column, ds_steal_cstr(&s));
}

static void
ctx_error_at(struct ofg_ctx *ctx, int line, int column, const char *path,
             const char *format, ...)
{
    va_list args;
    va_start(args, format);
    ctx_verror_at(ctx, line, column, path, format, args);
    va_end(args);
}

/* Reports an error about the value at 'path', or about the key that names it
 * if 'at_key' is true.  The position comes from the text scan. */
static void
ctx_error(struct ofg_ctx *ctx, const char *path, bool at_key,
          const char *format, ...)
{
    const struct ofg_pos *pos = shash_find_data(&ctx->positions, path);
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

/* Returns all errors, sorted by position, one per line, and frees them. */
static char *
ctx_steal_errors(struct ofg_ctx *ctx)
{
    qsort(ctx->errors, ctx->n_errors, sizeof *ctx->errors, compare_errors);

    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < ctx->n_errors; i++) {
        ds_put_format(&s, "%s\n", ctx->errors[i].text);
        free(ctx->errors[i].text);
    }
    free(ctx->errors);
    ctx->errors = NULL;
    ctx->n_errors = ctx->allocated_errors = 0;
    return ds_steal_cstr(&s);
}

/* Top level. */

static char *
parse_text(const char *file_name, const char *text, size_t len,
           struct ofg_config **configp)
{
    *configp = NULL;

    /* Duplicate keys are not rejected here: the position scan below finds
     * every one of them, with the path, instead of only the first. */
    json_error_t jerror;
    json_t *root = json_loadb(text, len, 0, &jerror);
    if (!root) {
        return xasprintf("%s:%d:%d: syntax error: %s\n", file_name,
                         MAX(jerror.line, 1), MAX(jerror.column, 1),
                         jerror.text);
    }

    struct ofg_ctx ctx = {
        .file_name = file_name,
        .positions = SHASH_INITIALIZER(&ctx.positions),
    };
    scan_positions(&ctx, text, len);

    struct ofg_config *config = xzalloc(sizeof *config);
    config->file_name = xstrdup(file_name);
    validate(&ctx, root, config);

    json_decref(root);
    shash_destroy_free_data(&ctx.positions);

    if (ctx.n_errors) {
        ofg_config_destroy(config);
        return ctx_steal_errors(&ctx);
    }
    free(ctx.errors);
    *configp = config;
    return NULL;
}

/* Position scan.
 *
 * jansson does not tell where each value is, so this walks the text again,
 * which jansson has already accepted as valid JSON, and records the position
 * of every value under its path ("containers.vm1.ipv4[2]").  It also finds
 * duplicate keys, which jansson would otherwise resolve silently. */

struct scanner {
    struct ofg_ctx *ctx;
    const char *p, *end;
    int line, column;
    unsigned int n_objects;
};

static void
scan_advance(struct scanner *s)
{
    unsigned char c = *s->p++;
    if (c == '\n') {
        s->line++;
        s->column = 1;
    } else if ((c & 0xc0) != 0x80) {
        /* Count characters, not UTF-8 continuation bytes. */
        s->column++;
    }
}

static void
scan_whitespace(struct scanner *s)
{
    while (s->p < s->end
           && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n'
               || *s->p == '\r')) {
        scan_advance(s);
    }
}

static unsigned int
scan_hex4(struct scanner *s)
{
    unsigned int value = 0;
    for (int i = 0; i < 4 && s->p < s->end; i++) {
        int c = *s->p;
        value = value * 16 + (isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
        scan_advance(s);
    }
    return value;
}

/* Scans a string starting at its opening quote and returns it decoded, as
 * jansson decodes object keys, so that paths match jansson's keys. */
static char *
scan_string(struct scanner *s)
{
    struct ds out = DS_EMPTY_INITIALIZER;

    scan_advance(s);            /* Opening quote. */
    while (s->p < s->end && *s->p != '"') {
        if (*s->p != '\\') {
            ds_put_char(&out, *s->p);
            scan_advance(s);
            continue;
        }

        scan_advance(s);
        if (s->p >= s->end) {
            break;
        }
        char c = *s->p;
        scan_advance(s);
        switch (c) {
        case 'b': ds_put_char(&out, '\b'); break;
        case 'f': ds_put_char(&out, '\f'); break;
        case 'n': ds_put_char(&out, '\n'); break;
        case 'r': ds_put_char(&out, '\r'); break;
        case 't': ds_put_char(&out, '\t'); break;
        case 'u': {
            unsigned int cp = scan_hex4(s);
            if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6
                && s->p[0] == '\\' && s->p[1] == 'u') {
                scan_advance(s);
                scan_advance(s);
                unsigned int low = scan_hex4(s);
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
            if (cp < 0x80) {
                ds_put_char(&out, cp);
            } else if (cp < 0x800) {
                ds_put_char(&out, 0xc0 | (cp >> 6));
                ds_put_char(&out, 0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                ds_put_char(&out, 0xe0 | (cp >> 12));
                ds_put_char(&out, 0x80 | ((cp >> 6) & 0x3f));
                ds_put_char(&out, 0x80 | (cp & 0x3f));
            } else {
                ds_put_char(&out, 0xf0 | (cp >> 18));
                ds_put_char(&out, 0x80 | ((cp >> 12) & 0x3f));
                ds_put_char(&out, 0x80 | ((cp >> 6) & 0x3f));
                ds_put_char(&out, 0x80 | (cp & 0x3f));
            }
            break;
        }
        default:
            /* '"', '\\' and '/' stand for themselves. */
            ds_put_char(&out, c);
            break;
        }
    }
    if (s->p < s->end) {
        scan_advance(s);        /* Closing quote. */
    }
    return ds_steal_cstr(&out);
}

static char *
path_member(const char *parent, const char *key)
{
    return parent[0] ? xasprintf("%s.%s", parent, key) : xstrdup(key);
}

static char *
path_index(const char *parent, size_t index)
{
    return xasprintf("%s[%"PRIuSIZE"]", parent, index);
}

static void
scan_value(struct scanner *s, const char *path, int key_line, int key_column,
           unsigned int parent)
{
    scan_whitespace(s);
    if (s->p >= s->end) {
        return;
    }

    struct ofg_pos *pos = shash_find_data(&s->ctx->positions, path);
    if (!pos) {
        pos = xmalloc(sizeof *pos);
        shash_add(&s->ctx->positions, path, pos);
    }
    /* On a duplicate key the later value replaces the earlier one, as it
     * does in jansson, so positions keep matching the parsed values. */
    pos->line = s->line;
    pos->column = s->column;
    pos->key_line = key_line;
    pos->key_column = key_column;
    pos->parent = parent;

    if (*s->p == '{') {
        unsigned int id = ++s->n_objects;
        scan_advance(s);
        for (;;) {
            scan_whitespace(s);
            if (s->p >= s->end || *s->p == '}') {
                break;
            } else if (*s->p == ',') {
                scan_advance(s);
                continue;
            }

            int kline = s->line, kcolumn = s->column;
            char *key = scan_string(s);
            scan_whitespace(s);
            if (s->p < s->end && *s->p == ':') {
                scan_advance(s);
            }

            char *child = path_member(path, key);
            const struct ofg_pos *old = shash_find_data(&s->ctx->positions,
                                                        child);
            if (old && old->parent == id) {
                char *q = quote(key);
                ctx_error_at(s->ctx, kline, kcolumn, path,
                             "duplicate key %s", q);
                free(q);
            }
            scan_value(s, child, kline, kcolumn, id);
            free(child);
            free(key);
        }
        if (s->p < s->end) {
            scan_advance(s);
        }
    } else if (*s->p == '[') {
        size_t index = 0;
        scan_advance(s);
        for (;;) {
            scan_whitespace(s);
            if (s->p >= s->end || *s->p == ']') {
                break;
            } else if (*s->p == ',') {
                scan_advance(s);
                continue;
            }
            char *child = path_index(path, index++);
            scan_value(s, child, 0, 0, 0);
            free(child);
        }
        if (s->p < s->end) {
            scan_advance(s);
        }
    } else if (*s->p == '"') {
        free(scan_string(s));
    } else {
        /* Number, true, false, null. */
        while (s->p < s->end && *s->p != ',' && *s->p != '}'
               && *s->p != ']' && *s->p != ' ' && *s->p != '\t'
               && *s->p != '\n' && *s->p != '\r') {
            scan_advance(s);
        }
    }
}

static void
scan_positions(struct ofg_ctx *ctx, const char *text, size_t len)
{
    struct scanner s = {
        .ctx = ctx,
        .p = text,
        .end = text + len,
        .line = 1,
        .column = 1,
    };

    /* Skip a UTF-8 byte order mark, which jansson also tolerates. */
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        s.p += 3;
    }
    scan_value(&s, "", 0, 0, 0);
}

/* Generic JSON helpers. */

/* Returns 'string' as a JSON string literal, for messages that quote what
 * the user wrote (which may hold quotes or control characters). */
static char *
quote(const char *string)
{
    json_t *j = json_string(string);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return q ? q : xstrdup("\"?\"");
}

static const char *
json_type_name(const json_t *j)
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

enum kind {
    KIND_OBJECT,
    KIND_ARRAY,
    KIND_STRING,
    KIND_BOOLEAN,
    KIND_ANY,
};

static bool
kind_matches(const json_t *j, enum kind kind)
{
    switch (kind) {
    case KIND_OBJECT: return json_is_object(j);
    case KIND_ARRAY: return json_is_array(j);
    case KIND_STRING: return json_is_string(j);
    case KIND_BOOLEAN: return json_is_boolean(j);
    case KIND_ANY: return true;
    }
    return false;
}

static const char *
kind_name(enum kind kind)
{
    switch (kind) {
    case KIND_OBJECT: return "an object";
    case KIND_ARRAY: return "an array";
    case KIND_STRING: return "a string";
    case KIND_BOOLEAN: return "a boolean (true or false)";
    case KIND_ANY: return "a value";
    }
    return "?";
}

/* Checks that 'j' at 'path' has kind 'kind', reporting an error if not. */
static bool
check_kind(struct ofg_ctx *ctx, const char *path, const json_t *j,
           enum kind kind)
{
    if (kind_matches(j, kind)) {
        return true;
    }
    ctx_error(ctx, path, false, "must be %s, not %s", kind_name(kind),
              json_type_name(j));
    return false;
}

/* Returns member 'key' of 'obj' (at 'obj_path') if it is present and has
 * kind 'kind'; otherwise reports an error (for a missing member only if
 * 'required') and returns NULL.  If 'pathp' is nonnull, stores the member's
 * path there (the caller must free it). */
static json_t *
get_member(struct ofg_ctx *ctx, const char *obj_path, json_t *obj,
           const char *key, enum kind kind, bool required, char **pathp)
{
    json_t *j = json_object_get(obj, key);
    char *path = path_member(obj_path, key);
    if (!j) {
        if (required) {
            ctx_error(ctx, obj_path, false, "missing required key \"%s\"",
                      key);
        }
    } else if (!check_kind(ctx, path, j, kind)) {
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
static void
check_keys(struct ofg_ctx *ctx, const char *obj_path, json_t *obj,
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
        if (!known) {
            struct ds list = DS_EMPTY_INITIALIZER;
            for (size_t i = 0; allowed[i]; i++) {
                ds_put_format(&list, "%s%s", i ? ", " : "", allowed[i]);
            }
            char *path = path_member(obj_path, key);
            char *q = quote(key);
            /* Say where, but name the holding object in the message. */
            const struct ofg_pos *pos = shash_find_data(&ctx->positions,
                                                        path);
            ctx_error_at(ctx, pos ? pos->key_line : 1,
                         pos ? pos->key_column : 1, obj_path,
                         "unknown key %s (expected one of: %s)", q,
                         ds_cstr(&list));
            free(q);
            free(path);
            ds_destroy(&list);
        }
    }
}

/* Returns the keys of 'obj' sorted by strcmp() in a new array of
 * json_object_size(obj) elements; the strings belong to 'obj'. */
static const char **
sorted_keys(json_t *obj)
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

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;
    return strcmp(*a, *b);
}

/* Names become parts of paths and of log messages, so keep them printable. */
static bool
check_name(struct ofg_ctx *ctx, const char *path, const char *name)
{
    if (!name[0]) {
        ctx_error(ctx, path, true, "name must not be empty");
        return false;
    }
    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '.' || *p == '['
            || *p == ']') {
            char *q = quote(name);
            ctx_error(ctx, path, true, "name %s must not contain control "
                      "characters, '.', '[' or ']'", q);
            free(q);
            return false;
        }
    }
    return true;
}

/* Address parsing.  These parsers are deliberately stricter than the OVS
 * ones (which are built on sscanf()): no spaces, no dotted masks, and a
 * prefix length is plain decimal. */

static bool
parse_plen(const char *s, unsigned int max, unsigned int *plen)
{
    if (!s[0] || strlen(s) > 3 || (s[0] == '0' && s[1])) {
        return false;
    }
    unsigned int value = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        value = value * 10 + (*p - '0');
    }
    if (value > max) {
        return false;
    }
    *plen = value;
    return true;
}

/* Splits 's' into an address, parsed with inet_pton() as 'af' into 'addr',
 * and an optional "/PLEN".  Stores in '*plen' the prefix length, or the full
 * length if none was given. */
static bool
parse_addr_plen(const char *s, int af, void *addr, unsigned int *plen,
                bool allow_plen)
{
    unsigned int max = af == AF_INET ? 32 : 128;
    char buf[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(s, '/');
    size_t len = slash ? (size_t) (slash - s) : strlen(s);
    if (len >= sizeof buf || (slash && !allow_plen)) {
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (inet_pton(af, buf, addr) != 1) {
        return false;
    }
    if (slash) {
        return parse_plen(slash + 1, max, plen);
    }
    *plen = max;
    return true;
}

static ovs_be32
ipv4_mask(unsigned int plen)
{
    return plen ? htonl(UINT32_MAX << (32 - plen)) : 0;
}

static enum addr_result
parse_ipv4_prefix(const char *s, bool allow_plen, struct ofg_ipv4_prefix *p)
{
    struct in_addr in;
    if (!parse_addr_plen(s, AF_INET, &in, &p->plen, allow_plen)) {
        return ADDR_MALFORMED;
    }
    p->addr = in.s_addr;
    if (p->addr & ~ipv4_mask(p->plen)) {
        p->addr &= ipv4_mask(p->plen);
        return ADDR_HOST_BITS;
    }
    return ADDR_OK;
}

static enum addr_result
parse_ipv6_prefix(const char *s, bool allow_plen, struct ofg_ipv6_prefix *p)
{
    if (!parse_addr_plen(s, AF_INET6, &p->addr, &p->plen, allow_plen)) {
        return ADDR_MALFORMED;
    }
    struct in6_addr mask = ipv6_create_mask(p->plen);
    struct in6_addr masked = ipv6_addr_bitand(&p->addr, &mask);
    if (!ipv6_addr_equals(&masked, &p->addr)) {
        p->addr = masked;
        return ADDR_HOST_BITS;
    }
    return ADDR_OK;
}

static bool
ipv4_overlap(const struct ofg_ipv4_prefix *a, const struct ofg_ipv4_prefix *b)
{
    ovs_be32 mask = ipv4_mask(MIN(a->plen, b->plen));
    return !((a->addr ^ b->addr) & mask);
}

static bool
ipv4_contains(const struct ofg_ipv4_prefix *p, ovs_be32 addr)
{
    return !((p->addr ^ addr) & ipv4_mask(p->plen));
}

static bool
ipv6_overlap(const struct ofg_ipv6_prefix *a, const struct ofg_ipv6_prefix *b)
{
    struct in6_addr mask = ipv6_create_mask(MIN(a->plen, b->plen));
    struct in6_addr x = ipv6_addr_bitand(&a->addr, &mask);
    struct in6_addr y = ipv6_addr_bitand(&b->addr, &mask);
    return ipv6_addr_equals(&x, &y);
}

static bool
ipv6_contains(const struct ofg_ipv6_prefix *p, const struct in6_addr *addr)
{
    struct ofg_ipv6_prefix host = { .addr = *addr, .plen = 128 };
    return ipv6_overlap(p, &host);
}

/* Formats 'p' as "A.B.C.D" for a host, otherwise as "A.B.C.D/PLEN". */
static void
format_ipv4_prefix(const struct ofg_ipv4_prefix *p, struct ds *s)
{
    ds_put_format(s, IP_FMT, IP_ARGS(p->addr));
    if (p->plen != 32) {
        ds_put_format(s, "/%u", p->plen);
    }
}

static void
format_ipv6_prefix(const struct ofg_ipv6_prefix *p, struct ds *s)
{
    ipv6_format_addr(&p->addr, s);
    if (p->plen != 128) {
        ds_put_format(s, "/%u", p->plen);
    }
}

/* Strict "xx:xx:xx:xx:xx:xx" (either case). */
static bool
parse_mac(const char *s, struct eth_addr *mac)
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *p = &s[i * 3];
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])
            || (i < 5 && p[2] != ':')) {
            return false;
        }
        char hex[3] = { p[0], p[1], '\0' };
        mac->ea[i] = strtoul(hex, NULL, 16);
    }
    return true;
}

/* Addresses that no container (or gateway) may use. */
struct special_range {
    const char *prefix;
    const char *one;            /* Text for a single address. */
    const char *many;           /* Text for a prefix that includes it. */
};

static const struct special_range ipv4_special[] = {
    { "0.0.0.0/32", "the unspecified address",
      "the unspecified address 0.0.0.0" },
    { "255.255.255.255/32", "the broadcast address",
      "the broadcast address 255.255.255.255" },
    { "127.0.0.0/8", "a loopback address",
      "loopback addresses (127.0.0.0/8)" },
    { "224.0.0.0/4", "a multicast address",
      "multicast addresses (224.0.0.0/4)" },
    { "240.0.0.0/4", "a reserved (class E) address",
      "reserved class E addresses (240.0.0.0/4)" },
};

static const struct special_range ipv6_special[] = {
    { "::/128", "the unspecified address", "the unspecified address ::" },
    { "::1/128", "the loopback address", "the loopback address ::1" },
    { "ff00::/8", "a multicast address", "multicast addresses (ff00::/8)" },
    { "fe80::/10", "a link-local address (those are always derived from "
      "the MAC)", "link-local addresses (fe80::/10, always derived from "
      "the MAC)" },
};

/* Parses the string at 'path' as an IPv4 address, or a prefix if
 * 'allow_plen', applying every check common to all uses.  'special' means
 * to reject addresses no host may have.  Reports errors and returns false
 * if 's' is not acceptable. */
static bool
check_ipv4(struct ofg_ctx *ctx, const char *path, const char *s,
           bool allow_plen, bool special, struct ofg_ipv4_prefix *p)
{
    enum addr_result r = parse_ipv4_prefix(s, allow_plen, p);
    if (r == ADDR_MALFORMED) {
        char *q = quote(s);
        ctx_error(ctx, path, false, "%s is not an IPv4 address%s", q,
                  allow_plen ? " or prefix" : "");
        free(q);
        return false;
    } else if (p->plen == 0) {
        ctx_error(ctx, path, false, "%s would allow every address", s);
        return false;
    } else if (r == ADDR_HOST_BITS) {
        ctx_error(ctx, path, false, "%s has host bits set (the prefix "
                  "would be "IP_FMT"/%u)", s, IP_ARGS(p->addr), p->plen);
        return false;
    }

    if (special) {
        for (size_t i = 0; i < ARRAY_SIZE(ipv4_special); i++) {
            struct ofg_ipv4_prefix sp;
            ovs_assert(parse_ipv4_prefix(ipv4_special[i].prefix, true, &sp)
                       == ADDR_OK);
            if (ipv4_overlap(p, &sp)) {
                if (p->plen == 32) {
                    ctx_error(ctx, path, false, "%s is %s", s,
                              ipv4_special[i].one);
                } else {
                    ctx_error(ctx, path, false, "%s includes %s", s,
                              ipv4_special[i].many);
                }
                return false;
            }
        }
    }
    return true;
}

static bool
check_ipv6(struct ofg_ctx *ctx, const char *path, const char *s,
           bool allow_plen, bool special, struct ofg_ipv6_prefix *p)
{
    enum addr_result r = parse_ipv6_prefix(s, allow_plen, p);
    if (r == ADDR_MALFORMED) {
        char *q = quote(s);
        ctx_error(ctx, path, false, "%s is not an IPv6 address%s", q,
                  allow_plen ? " or prefix" : "");
        free(q);
        return false;
    } else if (p->plen == 0) {
        ctx_error(ctx, path, false, "%s would allow every address", s);
        return false;
    } else if (r == ADDR_HOST_BITS) {
        struct ds d = DS_EMPTY_INITIALIZER;
        ipv6_format_addr(&p->addr, &d);
        ctx_error(ctx, path, false, "%s has host bits set (the prefix "
                  "would be %s/%u)", s, ds_cstr(&d), p->plen);
        ds_destroy(&d);
        return false;
    }

    if (special) {
        for (size_t i = 0; i < ARRAY_SIZE(ipv6_special); i++) {
            struct ofg_ipv6_prefix sp;
            ovs_assert(parse_ipv6_prefix(ipv6_special[i].prefix, true, &sp)
                       == ADDR_OK);
            if (ipv6_overlap(p, &sp)) {
                if (p->plen == 128) {
                    ctx_error(ctx, path, false, "%s is %s", s,
                              ipv6_special[i].one);
                } else {
                    ctx_error(ctx, path, false, "%s includes %s", s,
                              ipv6_special[i].many);
                }
                return false;
            }
        }
    }
    return true;
}

/* Parses the MAC string 's' at 'path' into '*mac', rejecting addresses that
 * cannot belong to a single host. */
static bool
check_mac(struct ofg_ctx *ctx, const char *path, const char *s,
          struct eth_addr *mac)
{
    if (!parse_mac(s, mac)) {
        char *q = quote(s);
        ctx_error(ctx, path, false, "%s is not a MAC address (expected "
                  "xx:xx:xx:xx:xx:xx)", q);
        free(q);
        return false;
    } else if (eth_addr_is_zero(*mac)) {
        ctx_error(ctx, path, false, "%s is the all-zero MAC address", s);
        return false;
    } else if (eth_addr_is_multicast(*mac)) {
        ctx_error(ctx, path, false, "%s is a %s MAC address (the I/G bit is "
                  "set)", s,
                  eth_addr_is_broadcast(*mac) ? "broadcast" : "multicast");
        return false;
    }
    return true;
}

/* Networks. */

static void
parse_network(struct ofg_ctx *ctx, const char *path, json_t *j,
              struct ofg_network *net, struct net_meta *meta)
{
    static const char *const keys[] = {
        "subnet", "gateway", "gateway_mac", "subnet6", "gateway6", "cookie",
        NULL
    };
    if (!check_kind(ctx, path, j, KIND_OBJECT)) {
        return;
    }
    check_keys(ctx, path, j, keys);

    char *subnet_path, *gw_path, *subnet6_path, *gw6_path, *mac_path;
    json_t *subnet = get_member(ctx, path, j, "subnet", KIND_STRING, false,
                                &subnet_path);
    json_t *gw = get_member(ctx, path, j, "gateway", KIND_STRING, false,
                            &gw_path);
    json_t *subnet6 = get_member(ctx, path, j, "subnet6", KIND_STRING, false,
                                 &subnet6_path);
    json_t *gw6 = get_member(ctx, path, j, "gateway6", KIND_STRING, false,
                             &gw6_path);
    json_t *mac = get_member(ctx, path, j, "gateway_mac", KIND_STRING, false,
                             &mac_path);

    /* Decide the families from the keys alone, so that a typo in a value
     * does not also produce a flood of errors about the containers. */
    bool has_subnet = json_object_get(j, "subnet") != NULL;
    bool has_gw = json_object_get(j, "gateway") != NULL;
    bool has_subnet6 = json_object_get(j, "subnet6") != NULL;
    bool has_gw6 = json_object_get(j, "gateway6") != NULL;
    meta->want_ipv4 = has_subnet || has_gw;
    meta->want_ipv6 = has_subnet6 || has_gw6;
    net->has_ipv4 = meta->want_ipv4;
    net->has_ipv6 = meta->want_ipv6;

    if (has_subnet != has_gw) {
        ctx_error(ctx, path, false, "\"%s\" requires \"%s\"",
                  has_subnet ? "subnet" : "gateway",
                  has_subnet ? "gateway" : "subnet");
    }
    if (has_subnet6 != has_gw6) {
        ctx_error(ctx, path, false, "\"%s\" requires \"%s\"",
                  has_subnet6 ? "subnet6" : "gateway6",
                  has_subnet6 ? "gateway6" : "subnet6");
    }
    if (!meta->want_ipv4 && !meta->want_ipv6) {
        ctx_error(ctx, path, false, "needs \"subnet\" and \"gateway\" (IPv4), "
                  "\"subnet6\" and \"gateway6\" (IPv6), or both");
    }

    bool subnet_ok = subnet && check_ipv4(ctx, subnet_path,
                                          json_string_value(subnet), true,
                                          false, &net->subnet);
    struct ofg_ipv4_prefix gwp;
    bool gw_ok = gw && check_ipv4(ctx, gw_path, json_string_value(gw), false,
                                  true, &gwp);
    if (gw_ok) {
        net->gateway = gwp.addr;
    }
    if (subnet_ok && gw_ok) {
        const char *gws = json_string_value(gw);
        ovs_be32 mask = ipv4_mask(net->subnet.plen);
        if (!ipv4_contains(&net->subnet, net->gateway)) {
            ctx_error(ctx, gw_path, false, "%s is outside subnet %s", gws,
                      json_string_value(subnet));
            gw_ok = false;
        } else if (net->subnet.plen < 31 && net->gateway == net->subnet.addr) {
            ctx_error(ctx, gw_path, false, "%s is the network address of "
                      "subnet %s", gws, json_string_value(subnet));
            gw_ok = false;
        } else if (net->subnet.plen < 31
                   && net->gateway == (net->subnet.addr | ~mask)) {
            ctx_error(ctx, gw_path, false, "%s is the broadcast address of "
                      "subnet %s", gws, json_string_value(subnet));
            gw_ok = false;
        }
    }
    meta->ipv4_ok = subnet_ok && gw_ok;

    bool subnet6_ok = subnet6 && check_ipv6(ctx, subnet6_path,
                                            json_string_value(subnet6), true,
                                            false, &net->subnet6);
    struct ofg_ipv6_prefix gw6p;
    bool gw6_ok = gw6 && check_ipv6(ctx, gw6_path, json_string_value(gw6),
                                    false, true, &gw6p);
    if (gw6_ok) {
        net->gateway6 = gw6p.addr;
    }
    if (subnet6_ok && gw6_ok
        && !ipv6_contains(&net->subnet6, &net->gateway6)) {
        ctx_error(ctx, gw6_path, false, "%s is outside subnet6 %s",
                  json_string_value(gw6), json_string_value(subnet6));
        gw6_ok = false;
    }
    meta->ipv6_ok = subnet6_ok && gw6_ok;

    if (mac) {
        net->has_gateway_mac = check_mac(ctx, mac_path,
                                         json_string_value(mac),
                                         &net->gateway_mac);
    }

    char *cookie_path;
    json_t *cookie = get_member(ctx, path, j, "cookie", KIND_ANY, false,
                                &cookie_path);
    if (cookie) {
        meta->cookie_explicit = true;
        meta->cookie_ok = parse_cookie(ctx, cookie_path, cookie,
                                       &net->cookie);
    } else {
        net->cookie = ofg_config_derive_network_cookie(net->name);
        meta->cookie_ok = true;
    }

    free(subnet_path);
    free(gw_path);
    free(subnet6_path);
    free(gw6_path);
    free(mac_path);
    free(cookie_path);
}

/* Switches. */

static bool
parse_dpid(const char *s, uint64_t *dpid)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    size_t len = strlen(s);
    if (!len || len > 16) {
        return false;
    }
    uint64_t value = 0;
    for (const char *p = s; *p; p++) {
        if (!isxdigit((unsigned char) *p)) {
            return false;
        }
        value = (value << 4) | (isdigit((unsigned char) *p)
                                ? *p - '0'
                                : tolower((unsigned char) *p) - 'a' + 10);
    }
    *dpid = value;
    return true;
}

/* Checks that the string at 'path' is an acceptable port name. */
static bool
check_port_name(struct ofg_ctx *ctx, const char *path, const char *s)
{
    size_t len = strlen(s);
    if (!len) {
        ctx_error(ctx, path, false, "port name must not be empty");
        return false;
    } else if (len > OFG_MAX_PORT_NAME_LEN) {
        ctx_error(ctx, path, false, "port name is longer than %d characters",
                  OFG_MAX_PORT_NAME_LEN);
        return false;
    }
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            char *q = quote(s);
            ctx_error(ctx, path, false, "port name %s contains control "
                      "characters", q);
            free(q);
            return false;
        }
    }
    return true;
}

static void
parse_switch(struct ofg_ctx *ctx, const char *path, json_t *j,
             struct ofg_switch *sw, struct switch_meta *meta)
{
    static const char *const keys[] = {
        "datapath_id", "trusted_ports", NULL
    };
    if (!check_kind(ctx, path, j, KIND_OBJECT)) {
        return;
    }
    check_keys(ctx, path, j, keys);

    char *dpid_path;
    json_t *dpid = get_member(ctx, path, j, "datapath_id", KIND_STRING, true,
                              &dpid_path);
    if (dpid) {
        meta->dpid_ok = parse_dpid(json_string_value(dpid),
                                   &sw->datapath_id);
        if (!meta->dpid_ok) {
            char *q = quote(json_string_value(dpid));
            ctx_error(ctx, dpid_path, false, "%s is not a datapath ID (up to "
                      "16 hexadecimal digits, as \"ovs-ofctl show\" prints "
                      "it)", q);
            free(q);
        }
    }
    free(dpid_path);

    char *ports_path;
    json_t *ports = get_member(ctx, path, j, "trusted_ports", KIND_ARRAY,
                               false, &ports_path);
    if (ports) {
        size_t n = json_array_size(ports);
        sw->trusted_ports = xmalloc((n ? n : 1) * sizeof *sw->trusted_ports);
        for (size_t i = 0; i < n; i++) {
            char *ppath = path_index(ports_path, i);
            json_t *p = json_array_get(ports, i);
            if (check_kind(ctx, ppath, p, KIND_STRING)
                && check_port_name(ctx, ppath, json_string_value(p))) {
                const char *name = json_string_value(p);
                bool dup = false;
                for (size_t k = 0; k < i; k++) {
                    json_t *q = json_array_get(ports, k);
                    if (json_is_string(q)
                        && !strcmp(json_string_value(q), name)) {
                        char *qn = quote(name);
                        ctx_error(ctx, ppath, false, "%s is already listed "
                                  "as trusted_ports[%"PRIuSIZE"]", qn, k);
                        free(qn);
                        dup = true;
                        break;
                    }
                }
                if (!dup) {
                    sw->trusted_ports[sw->n_trusted_ports++] = xstrdup(name);
                }
            }
            free(ppath);
        }
    } else if (!json_object_get(j, "trusted_ports")) {
        sw->trusted_ports = xmalloc(sizeof *sw->trusted_ports);
        sw->trusted_ports[0] = xstrdup("LOCAL");
        sw->n_trusted_ports = 1;
    }
    free(ports_path);
}

/* Containers. */

static bool
parse_cookie(struct ofg_ctx *ctx, const char *path, json_t *j,
             uint64_t *cookie)
{
    uint64_t value;
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);
        if (v <= 0 || (uint64_t) v > OFG_COOKIE_ID_MASK) {
            ctx_error(ctx, path, false, "cookie %lld is out of range (1 to "
                      "0x%"PRIx64")", (long long) v, OFG_COOKIE_ID_MASK);
            return false;
        }
        value = v;
    } else if (json_is_string(j)) {
        const char *s = json_string_value(j);
        const char *digits = s;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            digits += 2;
        }
        bool ok = digits[0] != '\0';
        for (const char *p = digits; *p; p++) {
            if (!isxdigit((unsigned char) *p)) {
                ok = false;
                break;
            }
        }
        if (!ok) {
            char *q = quote(s);
            ctx_error(ctx, path, false, "%s is not a hexadecimal cookie "
                      "(expected \"0x...\")", q);
            free(q);
            return false;
        }

        /* Saturate rather than overflow on absurdly long strings. */
        value = 0;
        for (const char *p = digits; *p; p++) {
            int c = (unsigned char) *p;
            if (value > OFG_COOKIE_ID_MASK) {
                break;
            }
            value = (value << 4) | (isdigit(c) ? c - '0'
                                    : tolower(c) - 'a' + 10);
        }
        if (!value || value > OFG_COOKIE_ID_MASK) {
            ctx_error(ctx, path, false, "cookie %s is out of range (1 to "
                      "0x%"PRIx64")", s, OFG_COOKIE_ID_MASK);
            return false;
        }
    } else {
        ctx_error(ctx, path, false, "must be a hexadecimal string or an "
                  "integer, not %s", json_type_name(j));
        return false;
    }
    *cookie = value;
    return true;
}

static const struct ofg_network *
find_network(const struct ofg_config *config, const char *name)
{
    size_t lo = 0, hi = config->n_networks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, config->networks[mid].name);
        if (!cmp) {
            return &config->networks[mid];
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

/* Checks that the container address or prefix 'p' (the string 's', at
 * 'path') is one a container may own: not link-local, no network's gateway,
 * and, if 'own' (the container's network, when its IPv4 part is valid) is
 * nonnull, neither the network nor the broadcast address of its subnet.
 * Reports an error and returns false otherwise. */
static bool
check_ipv4_use(struct ofg_ctx *ctx, const char *path, const char *s,
               const struct ofg_ipv4_prefix *p,
               const struct ofg_config *config,
               const struct net_meta *net_metas,
               const struct ofg_network *own)
{
    const char *verb = p->plen == 32 ? "is" : "includes";
    static const struct ofg_ipv4_prefix link_local = {
        .addr = CONSTANT_HTONL(0xa9fe0000), .plen = 16
    };
    if (ipv4_overlap(p, &link_local)) {
        /* Link-local addresses are not routed, and the gateway-only model
         * has no place for them; a host picks one itself (RFC 3927). */
        ctx_error(ctx, path, false, "%s %s %s", s, verb,
                  p->plen == 32 ? "a link-local address (169.254.0.0/16)"
                  : "link-local addresses (169.254.0.0/16)");
        return false;
    }

    /* Owning any network's gateway address would let the container answer
     * for that gateway, on this switch or another. */
    for (size_t i = 0; i < config->n_networks; i++) {
        const struct ofg_network *n = &config->networks[i];
        if (net_metas[i].ipv4_ok && ipv4_contains(p, n->gateway)) {
            ctx_error(ctx, path, false, "%s %s the gateway "IP_FMT" of "
                      "network %s", s, verb, IP_ARGS(n->gateway), n->name);
            return false;
        }
    }

    if (own && p->plen == 32 && own->subnet.plen < 31) {
        ovs_be32 bcast = own->subnet.addr | ~ipv4_mask(own->subnet.plen);
        if (p->addr == own->subnet.addr || p->addr == bcast) {
            ctx_error(ctx, path, false, "%s is the %s address of subnet "
                      IP_FMT"/%u of network %s", s,
                      p->addr == bcast ? "broadcast" : "network",
                      IP_ARGS(own->subnet.addr), own->subnet.plen,
                      own->name);
            return false;
        }
    }
    return true;
}

/* Like check_ipv4_use(), for IPv6: no network's gateway, and not the
 * subnet-router anycast address (the subnet's own address, RFC 4291
 * 2.6.1) of the container's subnet.  Link-local addresses were refused
 * already (they are always derived from the MAC). */
static bool
check_ipv6_use(struct ofg_ctx *ctx, const char *path, const char *s,
               const struct ofg_ipv6_prefix *p,
               const struct ofg_config *config,
               const struct net_meta *net_metas,
               const struct ofg_network *own)
{
    for (size_t i = 0; i < config->n_networks; i++) {
        const struct ofg_network *n = &config->networks[i];
        if (net_metas[i].ipv6_ok && ipv6_contains(p, &n->gateway6)) {
            struct ds d = DS_EMPTY_INITIALIZER;
            ipv6_format_addr(&n->gateway6, &d);
            ctx_error(ctx, path, false, "%s %s the gateway %s of network %s",
                      s, p->plen == 128 ? "is" : "includes", ds_cstr(&d),
                      n->name);
            ds_destroy(&d);
            return false;
        }
    }
    if (own && p->plen == 128 && own->subnet6.plen < 127
        && ipv6_addr_equals(&p->addr, &own->subnet6.addr)) {
        struct ds d = DS_EMPTY_INITIALIZER;
        format_ipv6_prefix(&own->subnet6, &d);
        ctx_error(ctx, path, false, "%s is the subnet-router anycast address "
                  "of subnet6 %s of network %s", s, ds_cstr(&d), own->name);
        ds_destroy(&d);
        return false;
    }
    return true;
}

/* Parses the "ipv4" or "ipv6" list of a container.  'family_wanted' says
 * whether the container's network has that family (false also when the
 * network is unknown, in which case 'net' is NULL). */
static void
parse_addr_list(struct ofg_ctx *ctx, const char *cpath, json_t *cj,
                bool is_ipv4, const struct ofg_config *config,
                const struct net_meta *net_metas,
                const struct ofg_network *net, const struct net_meta *nm,
                struct ofg_container *c, struct container_meta *meta)
{
    const char *key = is_ipv4 ? "ipv4" : "ipv6";
    bool wanted = net && (is_ipv4 ? nm->want_ipv4 : nm->want_ipv6);
    bool required = is_ipv4 ? wanted : net && wanted && !nm->want_ipv4;

    char *path;
    json_t *list = get_member(ctx, cpath, cj, key, KIND_ARRAY, required,
                              &path);
    if (!list) {
        free(path);
        return;
    }

    size_t n = json_array_size(list);
    if (!n) {
        if (required) {
            ctx_error(ctx, path, false, "must not be empty: network %s has "
                      "an %s subnet", net->name, is_ipv4 ? "IPv4" : "IPv6");
        }
        free(path);
        return;
    }
    if (net && !wanted) {
        ctx_error(ctx, path, false, "network %s has no %s subnet", net->name,
                  is_ipv4 ? "IPv4" : "IPv6");
    }

    if (is_ipv4) {
        c->ipv4 = xmalloc(n * sizeof *c->ipv4);
        meta->ipv4_idx = xmalloc(n * sizeof *meta->ipv4_idx);
    } else {
        c->ipv6 = xmalloc(n * sizeof *c->ipv6);
        meta->ipv6_idx = xmalloc(n * sizeof *meta->ipv6_idx);
    }

    for (size_t i = 0; i < n; i++) {
        char *epath = path_index(path, i);
        json_t *e = json_array_get(list, i);
        if (!check_kind(ctx, epath, e, KIND_STRING)) {
            free(epath);
            continue;
        }
        const char *s = json_string_value(e);

        if (is_ipv4) {
            struct ofg_ipv4_prefix p;
            if (!check_ipv4(ctx, epath, s, true, true, &p)) {
                free(epath);
                continue;
            }
            if (i == 0 && p.plen != 32) {
                ctx_error(ctx, epath, false, "%s: the first (primary) entry "
                          "must be a single address", s);
            } else if (!check_ipv4_use(ctx, epath, s, &p, config, net_metas,
                                       wanted && nm->ipv4_ok ? net : NULL)) {
                /* Reported. */
            } else {
                size_t k;
                for (k = 0; k < c->n_ipv4; k++) {
                    if (ipv4_overlap(&p, &c->ipv4[k])) {
                        ctx_error(ctx, epath, false, "%s %s ipv4[%d]", s,
                                  (p.plen == c->ipv4[k].plen
                                   ? "is already listed as"
                                   : "overlaps"), meta->ipv4_idx[k]);
                        break;
                    }
                }
                if (k == c->n_ipv4) {
                    meta->ipv4_idx[c->n_ipv4] = i;
                    c->ipv4[c->n_ipv4++] = p;
                }
            }
        } else {
            struct ofg_ipv6_prefix p;
            if (!check_ipv6(ctx, epath, s, true, true, &p)) {
                free(epath);
                continue;
            }
            if (!check_ipv6_use(ctx, epath, s, &p, config, net_metas,
                                wanted && nm->ipv6_ok ? net : NULL)) {
                /* Reported. */
            } else {
                size_t k;
                for (k = 0; k < c->n_ipv6; k++) {
                    if (ipv6_overlap(&p, &c->ipv6[k])) {
                        ctx_error(ctx, epath, false, "%s %s ipv6[%d]", s,
                                  (p.plen == c->ipv6[k].plen
                                   ? "is already listed as"
                                   : "overlaps"), meta->ipv6_idx[k]);
                        break;
                    }
                }
                if (k == c->n_ipv6) {
                    meta->ipv6_idx[c->n_ipv6] = i;
                    c->ipv6[c->n_ipv6++] = p;
                }
            }
        }
        free(epath);
    }
    free(path);
}

static void
parse_container(struct ofg_ctx *ctx, const char *path, json_t *j,
                const struct ofg_config *config,
                const struct net_meta *net_metas,
                struct ofg_container *c, struct container_meta *meta)
{
    static const char *const keys[] = {
        "switch", "port", "network", "mac", "ipv4", "ipv6",
        "allow_dhcp", "allow_multicast", "cookie", NULL
    };
    if (!check_kind(ctx, path, j, KIND_OBJECT)) {
        return;
    }
    check_keys(ctx, path, j, keys);

    char *mpath;
    json_t *v;

    meta->switch_ok = true;
    v = get_member(ctx, path, j, "switch", KIND_STRING, false, &mpath);
    if (v) {
        const char *name = json_string_value(v);
        c->switch_name = xstrdup(name);
        c->sw = ofg_config_find_switch(config, name);
        if (!c->sw) {
            char *q = quote(name);
            ctx_error(ctx, mpath, false, "no switch named %s in \"switches\"",
                      q);
            free(q);
            meta->switch_ok = false;
        }
    } else if (json_object_get(j, "switch")) {
        meta->switch_ok = false;
    }
    free(mpath);

    v = get_member(ctx, path, j, "port", KIND_STRING, true, &mpath);
    if (v) {
        c->port = xstrdup(json_string_value(v));
        meta->port_ok = check_port_name(ctx, mpath, c->port);
    }
    free(mpath);

    const struct net_meta *nm = NULL;
    v = get_member(ctx, path, j, "network", KIND_STRING, true, &mpath);
    if (v) {
        const char *name = json_string_value(v);
        c->network = find_network(config, name);
        if (c->network) {
            nm = &net_metas[c->network - config->networks];
        } else {
            char *q = quote(name);
            ctx_error(ctx, mpath, false, "no network named %s in "
                      "\"networks\"", q);
            free(q);
        }
    }
    free(mpath);

    v = get_member(ctx, path, j, "mac", KIND_STRING, true, &mpath);
    if (v) {
        meta->mac_ok = check_mac(ctx, mpath, json_string_value(v), &c->mac);
    }
    free(mpath);

    parse_addr_list(ctx, path, j, true, config, net_metas, c->network, nm,
                    c, meta);
    parse_addr_list(ctx, path, j, false, config, net_metas, c->network, nm,
                    c, meta);

    v = get_member(ctx, path, j, "allow_dhcp", KIND_BOOLEAN, false, NULL);
    c->allow_dhcp = v && json_is_true(v);
    v = get_member(ctx, path, j, "allow_multicast", KIND_BOOLEAN, false,
                   NULL);
    c->allow_multicast = v && json_is_true(v);

    v = get_member(ctx, path, j, "cookie", KIND_ANY, false, &mpath);
    if (v) {
        meta->cookie_explicit = true;
        meta->cookie_ok = parse_cookie(ctx, mpath, v, &c->cookie);
    } else {
        c->cookie = ofg_config_derive_cookie(c->name);
        meta->cookie_ok = true;
    }
    free(mpath);
}

/* Cross-checks between containers. */

/* Sorts indexes of containers by position in the file, so that a conflict
 * is always reported at the later of the two entries. */
static const struct container_meta *sort_metas;

static int
compare_by_position(const void *a_, const void *b_)
{
    const size_t *a = a_;
    const size_t *b = b_;
    const struct ofg_pos *pa = &sort_metas[*a].pos;
    const struct ofg_pos *pb = &sort_metas[*b].pos;
    if (pa->line != pb->line) {
        return pa->line < pb->line ? -1 : 1;
    } else if (pa->column != pb->column) {
        return pa->column < pb->column ? -1 : 1;
    }
    return *a < *b ? -1 : *a > *b;
}

/* The containers that use one port name, in file order. */
struct port_users {
    const struct ofg_container **containers;
    size_t n;
};

/* One address or prefix of one container, as an interval of addresses
 * (IPv4 ones mapped into IPv6 space, so that one comparison serves both). */
struct addr_entry {
    struct in6_addr start, end;
    size_t container;           /* Index in the config's containers. */
    size_t rank;                /* The container's place in the file. */
    size_t index;               /* In ipv4[] then ipv6[]. */
    bool is_ipv6;
    bool reported;
};

static const struct ofg_config *sort_config;

static void check_address_conflicts(struct ofg_ctx *,
                                    const struct ofg_config *,
                                    const struct container_meta *,
                                    const size_t *order);
static void report_addr_conflict(struct ofg_ctx *, const struct ofg_config *,
                                 const struct container_meta *,
                                 const struct addr_entry *,
                                 const struct addr_entry *);
static bool same_addr_group(const struct ofg_config *,
                            const struct addr_entry *,
                            const struct addr_entry *);
static int compare_addr_entries(const void *, const void *);

static void
check_container_conflicts(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                          const struct container_meta *metas)
{
    size_t n = cfg->n_containers;
    size_t *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
    }
    sort_metas = metas;
    qsort(order, n, sizeof *order, compare_by_position);
    sort_metas = NULL;

    struct shash macs = SHASH_INITIALIZER(&macs);
    struct shash cookies = SHASH_INITIALIZER(&cookies);
    struct shash ports = SHASH_INITIALIZER(&ports);

    for (size_t oi = 0; oi < n; oi++) {
        size_t i = order[oi];
        const struct ofg_container *c = &cfg->containers[i];
        const struct container_meta *m = &metas[i];

        if (m->mac_ok) {
            char *key = xasprintf(ETH_ADDR_FMT, ETH_ADDR_ARGS(c->mac));
            const struct ofg_container *other = shash_find_data(&macs, key);
            char *mpath = path_member(m->path, "mac");
            if (other) {
                ctx_error(ctx, mpath, false, "%s is also the MAC of "
                          "containers.%s", key, other->name);
            } else {
                shash_add(&macs, key, c);
            }
            for (size_t k = 0; k < cfg->n_networks; k++) {
                const struct ofg_network *net = &cfg->networks[k];
                if (net->has_gateway_mac
                    && eth_addr_equals(net->gateway_mac, c->mac)) {
                    ctx_error(ctx, mpath, false, "%s is the gateway_mac of "
                              "networks.%s", key, net->name);
                    break;
                }
            }
            free(mpath);
            free(key);
        }

        if (m->cookie_ok) {
            char *key = xasprintf("%"PRIx64, c->cookie);
            const struct ofg_container *other = shash_find_data(&cookies,
                                                                key);
            if (!other) {
                shash_add(&cookies, key, c);
            } else if (m->cookie_explicit) {
                char *cpath = path_member(m->path, "cookie");
                ctx_error(ctx, cpath, false, "cookie 0x%s is also the cookie "
                          "of containers.%s", key, other->name);
                free(cpath);
            } else {
                ctx_error(ctx, m->path, false, "derived cookie 0x%s is also "
                          "the cookie of containers.%s; set \"cookie\" "
                          "explicitly", key, other->name);
            }
            free(key);
        }

        if (m->port_ok && m->switch_ok) {
            /* Only containers with the same port name can clash, so each
             * is compared with those alone (usually none), not with every
             * other container. */
            struct port_users *users = shash_find_data(&ports, c->port);
            if (!users) {
                users = xzalloc(sizeof *users);
                shash_add(&ports, c->port, users);
            }
            for (size_t k = 0; k < users->n; k++) {
                const struct ofg_container *d = users->containers[k];

                /* A container without "switch" may appear on any
                 * switch. */
                if (!c->switch_name || !d->switch_name
                    || !strcmp(c->switch_name, d->switch_name)) {
                    char *ppath = path_member(m->path, "port");
                    ctx_error(ctx, ppath, false, "port %s is also used by "
                              "containers.%s%s%s", c->port, d->name,
                              c->switch_name && d->switch_name
                              ? " on switch " : "",
                              c->switch_name && d->switch_name
                              ? c->switch_name : "");
                    free(ppath);
                }
            }
            users->containers = xrealloc(users->containers,
                                         (users->n + 1)
                                         * sizeof *users->containers);
            users->containers[users->n++] = c;
        }
    }

    check_address_conflicts(ctx, cfg, metas, order);

    struct shash_node *node;
    SHASH_FOR_EACH (node, &ports) {
        struct port_users *users = node->data;
        free(users->containers);
    }
    shash_destroy_free_data(&ports);
    shash_destroy(&macs);
    shash_destroy(&cookies);
    free(order);
}

/* Checks that no two containers of one network have the same or
 * overlapping addresses.  Sorting every address by network, family and
 * first address and sweeping once finds every overlap in O(n log n): an
 * entry that overlaps any earlier one overlaps the one reaching furthest.
 * The error goes to whichever of the two comes later in the file, naming
 * the other, as the other duplicate checks do. */
static void
check_address_conflicts(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                        const struct container_meta *metas,
                        const size_t *order)
{
    size_t n_containers = cfg->n_containers;
    size_t n = 0;
    for (size_t i = 0; i < n_containers; i++) {
        n += cfg->containers[i].n_ipv4 + cfg->containers[i].n_ipv6;
    }
    struct addr_entry *entries = xmalloc((n ? n : 1) * sizeof *entries);
    size_t *rank = xmalloc((n_containers ? n_containers : 1) * sizeof *rank);
    for (size_t oi = 0; oi < n_containers; oi++) {
        rank[order[oi]] = oi;
    }

    n = 0;
    for (size_t i = 0; i < n_containers; i++) {
        const struct ofg_container *c = &cfg->containers[i];
        if (!c->network) {
            continue;
        }
        for (size_t a = 0; a < c->n_ipv4 + c->n_ipv6; a++) {
            struct addr_entry *e = &entries[n++];
            memset(e, 0, sizeof *e);
            e->container = i;
            e->rank = rank[i];
            e->index = a;
            e->is_ipv6 = a >= c->n_ipv4;
            if (!e->is_ipv6) {
                const struct ofg_ipv4_prefix *p = &c->ipv4[a];
                ovs_be32 host = ~ipv4_mask(p->plen);
                in6_addr_set_mapped_ipv4(&e->start, p->addr);
                in6_addr_set_mapped_ipv4(&e->end, p->addr | host);
            } else {
                const struct ofg_ipv6_prefix *p = &c->ipv6[a - c->n_ipv4];
                struct in6_addr mask = ipv6_create_mask(p->plen);
                e->start = p->addr;
                for (int k = 0; k < 16; k++) {
                    e->end.s6_addr[k] = (p->addr.s6_addr[k]
                                         | (uint8_t) ~mask.s6_addr[k]);
                }
            }
        }
    }
    sort_config = cfg;
    qsort(entries, n, sizeof *entries, compare_addr_entries);
    sort_config = NULL;

    struct addr_entry *widest = NULL;
    for (size_t k = 0; k < n; k++) {
        struct addr_entry *e = &entries[k];
        if (!widest || !same_addr_group(cfg, widest, e)
            || memcmp(&widest->end, &e->start, sizeof e->start) < 0) {
            /* Nothing before 'e' in its group reaches it. */
            widest = e;
            continue;
        }
        if (widest->container != e->container) {
            /* Overlaps within one container are reported elsewhere. */
            struct addr_entry *later = e->rank > widest->rank ? e : widest;
            struct addr_entry *other = later == e ? widest : e;
            if (!later->reported) {
                report_addr_conflict(ctx, cfg, metas, later, other);
                later->reported = true;
            }
        }
        if (memcmp(&e->end, &widest->end, sizeof e->end) > 0) {
            widest = e;
        }
    }
    free(rank);
    free(entries);
}

static void
report_addr_conflict(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                     const struct container_meta *metas,
                     const struct addr_entry *e, const struct addr_entry *o)
{
    const struct ofg_container *c = &cfg->containers[e->container];
    const struct ofg_container *d = &cfg->containers[o->container];
    const struct container_meta *m = &metas[e->container];
    struct ds ps = DS_EMPTY_INITIALIZER;
    struct ds qs = DS_EMPTY_INITIALIZER;
    unsigned int p_plen, q_plen;
    char *lpath, *epath;

    if (!e->is_ipv6) {
        const struct ofg_ipv4_prefix *p = &c->ipv4[e->index];
        const struct ofg_ipv4_prefix *q = &d->ipv4[o->index];
        format_ipv4_prefix(p, &ps);
        format_ipv4_prefix(q, &qs);
        p_plen = p->plen;
        q_plen = q->plen;
        lpath = path_member(m->path, "ipv4");
        epath = path_index(lpath, m->ipv4_idx[e->index]);
    } else {
        size_t pi = e->index - c->n_ipv4, qi = o->index - d->n_ipv4;
        format_ipv6_prefix(&c->ipv6[pi], &ps);
        format_ipv6_prefix(&d->ipv6[qi], &qs);
        p_plen = c->ipv6[pi].plen;
        q_plen = d->ipv6[qi].plen;
        lpath = path_member(m->path, "ipv6");
        epath = path_index(lpath, m->ipv6_idx[pi]);
    }
    if (p_plen == q_plen) {
        ctx_error(ctx, epath, false, "%s is also an address of "
                  "containers.%s", ds_cstr(&ps), d->name);
    } else {
        ctx_error(ctx, epath, false, "%s overlaps %s of containers.%s",
                  ds_cstr(&ps), ds_cstr(&qs), d->name);
    }
    ds_destroy(&ps);
    ds_destroy(&qs);
    free(epath);
    free(lpath);
}

static bool
same_addr_group(const struct ofg_config *cfg, const struct addr_entry *a,
                const struct addr_entry *b)
{
    return (a->is_ipv6 == b->is_ipv6
            && (cfg->containers[a->container].network
                == cfg->containers[b->container].network));
}

/* Orders address entries by network, family, first address, then place in
 * the file. */
static int
compare_addr_entries(const void *a_, const void *b_)
{
    const struct addr_entry *a = a_;
    const struct addr_entry *b = b_;
    const struct ofg_network *na, *nb;

    na = sort_config->containers[a->container].network;
    nb = sort_config->containers[b->container].network;
    if (na != nb) {
        return na < nb ? -1 : 1;
    }
    if (a->is_ipv6 != b->is_ipv6) {
        return a->is_ipv6 ? 1 : -1;
    }
    int cmp = memcmp(&a->start, &b->start, sizeof a->start);
    if (cmp) {
        return cmp;
    }
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}


/* Whole configuration. */

static void
validate(struct ofg_ctx *ctx, json_t *root, struct ofg_config *config)
{
    static const char *const keys[] = {
        "networks", "switches", "containers", NULL
    };
    if (!json_is_object(root)) {
        ctx_error(ctx, "", false, "the configuration must be a JSON object, "
                  "not %s", json_type_name(root));
        return;
    }
    check_keys(ctx, "", root, keys);

    json_t *networks = get_member(ctx, "", root, "networks", KIND_OBJECT,
                                  true, NULL);
    json_t *switches = get_member(ctx, "", root, "switches", KIND_OBJECT,
                                  false, NULL);
    json_t *containers = get_member(ctx, "", root, "containers", KIND_OBJECT,
                                    true, NULL);

    /* Networks first: containers point into the final array. */
    struct net_meta *net_metas = NULL;
    if (networks) {
        const char **names = sorted_keys(networks);
        size_t n = json_object_size(networks);
        config->networks = xcalloc(n ? n : 1, sizeof *config->networks);
        net_metas = xcalloc(n ? n : 1, sizeof *net_metas);
        config->n_networks = n;
        for (size_t i = 0; i < n; i++) {
            struct ofg_network *net = &config->networks[i];
            net->name = xstrdup(names[i]);
            net_metas[i].path = path_member("networks", names[i]);
            check_name(ctx, net_metas[i].path, names[i]);
            parse_network(ctx, net_metas[i].path,
                          json_object_get(networks, names[i]), net,
                          &net_metas[i]);
        }
        free(names);
    }

    struct switch_meta *sw_metas = NULL;
    if (switches) {
        const char **names = sorted_keys(switches);
        size_t n = json_object_size(switches);
        config->switches = xcalloc(n ? n : 1, sizeof *config->switches);
        sw_metas = xcalloc(n ? n : 1, sizeof *sw_metas);
        config->n_switches = n;
        for (size_t i = 0; i < n; i++) {
            struct ofg_switch *sw = &config->switches[i];
            sw->name = xstrdup(names[i]);
            sw_metas[i].path = path_member("switches", names[i]);
            check_name(ctx, sw_metas[i].path, names[i]);
            parse_switch(ctx, sw_metas[i].path,
                         json_object_get(switches, names[i]), sw,
                         &sw_metas[i]);
        }
        free(names);

        /* Report a duplicate datapath ID at the later entry. */
        for (size_t i = 0; i < n; i++) {
            char *dpath_i = path_member(sw_metas[i].path, "datapath_id");
            const struct ofg_pos *pi = shash_find_data(&ctx->positions,
                                                       dpath_i);
            for (size_t k = 0; pi && sw_metas[i].dpid_ok && k < n; k++) {
                char *dpath_k = path_member(sw_metas[k].path, "datapath_id");
                const struct ofg_pos *pk = shash_find_data(&ctx->positions,
                                                           dpath_k);
                free(dpath_k);
                if (k != i && pk && sw_metas[k].dpid_ok
                    && config->switches[k].datapath_id
                       == config->switches[i].datapath_id
                    && (pk->line < pi->line
                        || (pk->line == pi->line
                            && pk->column < pi->column))) {
                    ctx_error(ctx, dpath_i, false, "%016"PRIx64" is also the "
                              "datapath ID of switches.%s",
                              config->switches[i].datapath_id,
                              config->switches[k].name);
                    break;
                }
            }
            free(dpath_i);
        }
    }

    if (containers) {
        const char **names = sorted_keys(containers);
        size_t n = json_object_size(containers);
        struct container_meta *metas = xcalloc(n ? n : 1, sizeof *metas);
        config->containers = xcalloc(n ? n : 1, sizeof *config->containers);
        config->n_containers = n;
        for (size_t i = 0; i < n; i++) {
            struct ofg_container *c = &config->containers[i];
            c->name = xstrdup(names[i]);
            metas[i].path = path_member("containers", names[i]);
            const struct ofg_pos *pos = shash_find_data(&ctx->positions,
                                                        metas[i].path);
            if (pos) {
                metas[i].pos = *pos;
            }
            check_name(ctx, metas[i].path, names[i]);
            parse_container(ctx, metas[i].path,
                            json_object_get(containers, names[i]), config,
                            net_metas, c, &metas[i]);
        }
        free(names);

        check_container_conflicts(ctx, config, metas);
        check_network_conflicts(ctx, config, net_metas, metas);

        for (size_t i = 0; i < n; i++) {
            free(metas[i].path);
            free(metas[i].ipv4_idx);
            free(metas[i].ipv6_idx);
        }
        free(metas);
    }

    for (size_t i = 0; i < config->n_networks; i++) {
        free(net_metas[i].path);
    }
    free(net_metas);
    for (size_t i = 0; i < config->n_switches; i++) {
        free(sw_metas[i].path);
    }
    free(sw_metas);
}

/* Where the containers of one network are. */
struct net_use {
    size_t n_containers;
    bool any_switch;            /* A container without "switch". */
    struct sset switches;       /* Names of the switches named. */
};

static void check_network_cookies(struct ofg_ctx *, const struct ofg_config *,
                                  const struct net_meta *,
                                  const struct container_meta *);
static void check_network_overlaps(struct ofg_ctx *,
                                   const struct ofg_config *,
                                   const struct net_meta *,
                                   const struct net_use *);
static const char *net_use_common_switch(const struct net_use *,
                                         const struct net_use *);
static bool ctx_is_before(const struct ofg_ctx *, const char *a,
                          const char *b);

/* Cross-checks of networks: cookies unique among networks and containers,
 * and no overlapping subnets where a switch has containers of both
 * networks (a switch could not tell which network an address belongs to,
 * and neither could its gateway). */
static void
check_network_conflicts(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                        const struct net_meta *net_metas,
                        const struct container_meta *metas)
{
    check_network_cookies(ctx, cfg, net_metas, metas);

    struct net_use *uses = xcalloc(cfg->n_networks ? cfg->n_networks : 1,
                                   sizeof *uses);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        sset_init(&uses[i].switches);
    }
    for (size_t i = 0; i < cfg->n_containers; i++) {
        const struct ofg_container *c = &cfg->containers[i];
        if (!c->network || !metas[i].switch_ok) {
            continue;
        }
        struct net_use *u = &uses[c->network - cfg->networks];
        u->n_containers++;
        if (c->switch_name) {
            sset_add(&u->switches, c->switch_name);
        } else {
            u->any_switch = true;
        }
    }
    check_network_overlaps(ctx, cfg, net_metas, uses);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        sset_destroy(&uses[i].switches);
    }
    free(uses);
}

static void
check_network_cookies(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                      const struct net_meta *net_metas,
                      const struct container_meta *metas)
{
    struct simap cookies = SIMAP_INITIALIZER(&cookies);
    for (size_t i = 0; i < cfg->n_networks; i++) {
        const struct ofg_network *n = &cfg->networks[i];
        if (!net_metas[i].cookie_ok) {
            continue;
        }
        char *key = xasprintf("%"PRIx64, n->cookie);
        const struct simap_node *other = simap_find(&cookies, key);
        if (other) {
            char *path = path_member(net_metas[i].path, "cookie");
            ctx_error(ctx, net_metas[i].cookie_explicit ? path
                      : net_metas[i].path, false, "%scookie 0x%s is also the "
                      "cookie of networks.%s%s",
                      net_metas[i].cookie_explicit ? "" : "derived ", key,
                      cfg->networks[other->data].name,
                      net_metas[i].cookie_explicit ? ""
                      : "; set \"cookie\"");
            free(path);
        } else {
            simap_put(&cookies, key, i);
        }
        free(key);
    }
    for (size_t i = 0; i < cfg->n_containers; i++) {
        const struct ofg_container *c = &cfg->containers[i];
        if (!metas[i].cookie_ok) {
            continue;
        }
        char *key = xasprintf("%"PRIx64, c->cookie);
        const struct simap_node *net = simap_find(&cookies, key);
        if (net) {
            char *path = path_member(metas[i].path, "cookie");
            ctx_error(ctx, metas[i].cookie_explicit ? path : metas[i].path,
                      false, "%scookie 0x%s is also the cookie of "
                      "networks.%s%s",
                      metas[i].cookie_explicit ? "" : "derived ", key,
                      cfg->networks[net->data].name,
                      metas[i].cookie_explicit ? "" : "; set \"cookie\"");
            free(path);
        }
        free(key);
    }
    simap_destroy(&cookies);
}

static void
check_network_overlaps(struct ofg_ctx *ctx, const struct ofg_config *cfg,
                       const struct net_meta *net_metas,
                       const struct net_use *uses)
{
    for (size_t i = 0; i < cfg->n_networks; i++) {
        const struct ofg_network *a = &cfg->networks[i];
        for (size_t k = 0; k < i; k++) {
            const struct ofg_network *b = &cfg->networks[k];
            const char *where = net_use_common_switch(&uses[i], &uses[k]);
            if (!where) {
                continue;
            }
            for (int family = 4; family <= 6; family += 2) {
                bool v4 = family == 4;
                bool overlap = (v4
                                ? (net_metas[i].ipv4_ok && net_metas[k].ipv4_ok
                                   && ipv4_overlap(&a->subnet, &b->subnet))
                                : (net_metas[i].ipv6_ok && net_metas[k].ipv6_ok
                                   && ipv6_overlap(&a->subnet6,
                                                   &b->subnet6)));
                if (!overlap) {
                    continue;
                }
                /* Reported at the later of the two in the file. */
                size_t later = i, other = k;
                if (ctx_is_before(ctx, net_metas[i].path,
                                  net_metas[k].path)) {
                    later = k;
                    other = i;
                }
                const struct ofg_network *ln = &cfg->networks[later];
                const struct ofg_network *on = &cfg->networks[other];
                struct ds sa = DS_EMPTY_INITIALIZER;
                struct ds sb = DS_EMPTY_INITIALIZER;
                if (v4) {
                    format_ipv4_prefix(&ln->subnet, &sa);
                    format_ipv4_prefix(&on->subnet, &sb);
                } else {
                    format_ipv6_prefix(&ln->subnet6, &sa);
                    format_ipv6_prefix(&on->subnet6, &sb);
                }
                char *path = path_member(net_metas[later].path,
                                         v4 ? "subnet" : "subnet6");
                ctx_error(ctx, path, false, "%s overlaps %s %s of "
                          "networks.%s, and both networks have containers "
                          "on %s%s", ds_cstr(&sa), v4 ? "subnet" : "subnet6",
                          ds_cstr(&sb), on->name, *where ? "switch " : "",
                          *where ? where : "any switch (a container without "
                          "\"switch\" goes wherever its port is)");
                free(path);
                ds_destroy(&sa);
                ds_destroy(&sb);
            }
        }
    }
}

/* True if the entry at 'a' comes before the one at 'b' in the file (or
 * either position is unknown and 'a' sorts first). */
static bool
ctx_is_before(const struct ofg_ctx *ctx, const char *a, const char *b)
{
    const struct ofg_pos *pa = shash_find_data(&ctx->positions, a);
    const struct ofg_pos *pb = shash_find_data(&ctx->positions, b);
    if (!pa || !pb) {
        return strcmp(a, b) < 0;
    }
    return (pa->line < pb->line
            || (pa->line == pb->line && pa->column < pb->column));
}

/* Returns the name of a switch on which both 'a' and 'b' have containers,
 * "" if they may meet on any switch, or NULL if they never meet. */
static const char *
net_use_common_switch(const struct net_use *a, const struct net_use *b)
{
    if (!a->n_containers || !b->n_containers) {
        return NULL;
    } else if (a->any_switch || b->any_switch) {
        return "";
    }
    const char *name;
    SSET_FOR_EACH (name, &a->switches) {
        if (sset_contains(&b->switches, name)) {
            return name;
        }
    }
    return NULL;
}

static bool
network_equal(const struct ofg_network *a, const struct ofg_network *b)
{
    if (strcmp(a->name, b->name)
        || a->has_ipv4 != b->has_ipv4
        || a->has_ipv6 != b->has_ipv6
        || a->has_gateway_mac != b->has_gateway_mac
        || a->cookie != b->cookie) {
        return false;
    }
    if (a->has_ipv4
        && (a->subnet.addr != b->subnet.addr
            || a->subnet.plen != b->subnet.plen
            || a->gateway != b->gateway)) {
        return false;
    }
    if (a->has_ipv6
        && (!ipv6_addr_equals(&a->subnet6.addr, &b->subnet6.addr)
            || a->subnet6.plen != b->subnet6.plen
            || !ipv6_addr_equals(&a->gateway6, &b->gateway6))) {
        return false;
    }
    return !a->has_gateway_mac
           || eth_addr_equals(a->gateway_mac, b->gateway_mac);
}
