/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-scan.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "hash.h"
#include "random.h"
#include "util.h"

/* One value of the text: its parent and its own key or index, so that no
 * value costs the length of its path. */
struct scan_node {
    struct hmap_node hmap_node; /* In 'nodes', by hash of 'path_hash'. */
    uint64_t path_hash;         /* path_hash_add() of the full path. */
    size_t path_len;            /* Length of the full path. */
    const struct scan_node *parent;     /* NULL for the root. */
    char *key;                  /* A member's key after a '.', which paths
                                 * need; NULL for an element. */
    size_t index;               /* An element's index. */
    struct ofg_pos pos;
    struct scan_node *next;     /* In 'all'. */
};

struct scanner {
    const char *p, *end;
    int line, column;
    int depth;                  /* Objects and arrays open around 'p'. */
    bool stopped;               /* A limit was exceeded. */
    bool root_empty_key;        /* The root object has a "" member. */
    unsigned int n_objects;

    struct ofg_positions *positions;
    const struct ofg_scan_hooks *hooks;
    void *aux;
};

static void scan_value(struct scanner *, const struct scan_node *);
static void scan_object(struct scanner *, const struct scan_node *);
static void scan_array(struct scanner *, const struct scan_node *);
static void scan_member(struct scanner *, const struct scan_node *,
                        unsigned int id);
static struct scan_node *add_node(struct scanner *,
                                  const struct scan_node *parent, char *key,
                                  size_t index, const struct ofg_pos *,
                                  bool *duplicate);
static struct scan_node *new_node(struct ofg_positions *,
                                  const struct scan_node *parent, char *key,
                                  size_t index);
static void scan_limit(struct scanner *, int line, int column,
                       const struct scan_node *, char *message);
static char *node_path(const struct scan_node *);
static bool node_matches(const struct scan_node *, const char *path,
                         size_t len);
static size_t format_component(const struct scan_node *parent,
                               const char *key, size_t index,
                               char buf[static 24], const char **datap);
static uint64_t path_hash_add(uint64_t hash, const void *, size_t);
static void scan_string(struct scanner *, struct ds *);
static void scan_whitespace(struct scanner *);
static void scan_advance(struct scanner *);

/* Initializes 'positions' as empty. */
void
ofg_positions_init(struct ofg_positions *positions)
{
    hmap_init(&positions->nodes);
    positions->all = NULL;
    positions->basis = random_uint64();
}

/* Frees what 'positions' holds. */
void
ofg_positions_destroy(struct ofg_positions *positions)
{
    struct scan_node *node = positions->all;
    while (node) {
        struct scan_node *next = node->next;
        free(node->key);
        free(node);
        node = next;
    }
    hmap_destroy(&positions->nodes);
}

/* Returns where the value at 'path' is, or NULL if the text has none.
 * Costs the length of 'path', whatever the size of the text. */
const struct ofg_pos *
ofg_positions_find(const struct ofg_positions *positions, const char *path)
{
    size_t len = strlen(path);
    uint64_t h = path_hash_add(positions->basis, path, len);
    const struct scan_node *node;
    HMAP_FOR_EACH_WITH_HASH (node, hmap_node, hash_uint64(h),
                             &positions->nodes) {
        if (node->path_hash == h && node->path_len == len
            && node_matches(node, path, len)) {
            return &node->pos;
        }
    }
    return NULL;
}

/* Records in 'positions' where each value of 'text' (the 'len' bytes that
 * jansson has accepted) starts, and reports through 'hooks' (with 'aux')
 * every key that appears again in the same object, at the later key's
 * position.  Stops at the first value that exceeds a limit, which it
 * reports, and returns false then. */
bool
ofg_scan_positions(const char *text, size_t len,
                   struct ofg_positions *positions,
                   const struct ofg_scan_hooks *hooks, void *aux)
{
    struct scanner s = {
        .p = text,
        .end = text + len,
        .line = 1,
        .column = 1,
        .positions = positions,
        .hooks = hooks,
        .aux = aux,
    };

    /* Skip a UTF-8 byte order mark, which jansson also tolerates. */
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        s.p += 3;
    }

    struct scan_node *root = new_node(positions, NULL, NULL, 0);
    root->path_hash = positions->basis;
    scan_whitespace(&s);
    root->pos = (struct ofg_pos) { .line = s.line, .column = s.column };
    hmap_insert(&positions->nodes, &root->hmap_node,
                hash_uint64(root->path_hash));
    scan_value(&s, root);
    return !s.stopped;
}

/* Returns the path of member 'key' of the object at path 'parent' (the
 * caller must free it).  The root's path is "". */
char *
ofg_path_member(const char *parent, const char *key)
{
    return parent[0] ? xasprintf("%s.%s", parent, key) : xstrdup(key);
}

/* Returns the path of element 'index' of the array at path 'parent' (the
 * caller must free it). */
char *
ofg_path_index(const char *parent, size_t index)
{
    return xasprintf("%s[%"PRIuSIZE"]", parent, index);
}

/* Orders positions 'a' and 'b' as they come in the text. */
int
ofg_pos_compare(const struct ofg_pos *a, const struct ofg_pos *b)
{
    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    } else if (a->column != b->column) {
        return a->column < b->column ? -1 : 1;
    }
    return 0;
}

/* Scans the value that starts at the current position, whose node
 * 'node' is already recorded. */
static void
scan_value(struct scanner *s, const struct scan_node *node)
{
    if (s->p >= s->end || s->stopped) {
        return;
    }

    if (*s->p == '{' || *s->p == '[') {
        if (++s->depth > OFG_CONFIG_MAX_DEPTH) {
            scan_limit(s, s->line, s->column, NULL,
                       xasprintf("nesting deeper than %d levels",
                                 OFG_CONFIG_MAX_DEPTH));
            return;
        }
        if (*s->p == '{') {
            scan_object(s, node);
        } else {
            scan_array(s, node);
        }
        s->depth--;
    } else if (*s->p == '"') {
        int line = s->line, column = s->column;
        struct ds string = DS_EMPTY_INITIALIZER;
        scan_string(s, &string);
        if (string.length > OFG_CONFIG_MAX_STRING) {
            scan_limit(s, line, column, node,
                       xasprintf("string longer than %d bytes",
                                 OFG_CONFIG_MAX_STRING));
        }
        ds_destroy(&string);
    } else {
        /* Number, true, false, null. */
        while (s->p < s->end && *s->p != ',' && *s->p != '}'
               && *s->p != ']' && *s->p != ' ' && *s->p != '\t'
               && *s->p != '\n' && *s->p != '\r') {
            scan_advance(s);
        }
    }
}

/* Scans the object of 'node', starting at its '{'. */
static void
scan_object(struct scanner *s, const struct scan_node *node)
{
    unsigned int id = ++s->n_objects;
    scan_advance(s);
    while (!s->stopped) {
        scan_whitespace(s);
        if (s->p >= s->end || *s->p == '}') {
            break;
        } else if (*s->p == ',') {
            scan_advance(s);
            continue;
        }
        scan_member(s, node, id);
    }
    if (s->p < s->end && !s->stopped) {
        scan_advance(s);
    }
}

/* Scans one member, key and value, of the object of 'node' whose id is
 * 'id'. */
static void
scan_member(struct scanner *s, const struct scan_node *node, unsigned int id)
{
    int kline = s->line, kcolumn = s->column;
    struct ds key = DS_EMPTY_INITIALIZER;
    ds_put_char(&key, '.');
    scan_string(s, &key);
    if (key.length - 1 > OFG_CONFIG_MAX_STRING) {
        scan_limit(s, kline, kcolumn, node,
                   xasprintf("key longer than %d bytes",
                             OFG_CONFIG_MAX_STRING));
        ds_destroy(&key);
        return;
    }

    scan_whitespace(s);
    if (s->p < s->end && *s->p == ':') {
        scan_advance(s);
    }
    scan_whitespace(s);

    struct ofg_pos pos = {
        .line = s->line, .column = s->column,
        .key_line = kline, .key_column = kcolumn,
        .parent = id,
    };
    bool duplicate;
    struct scan_node *child = add_node(s, node, ds_steal_cstr(&key), 0,
                                       &pos, &duplicate);
    if (duplicate) {
        char *path = node_path(node);
        s->hooks->duplicate_key(s->aux, kline, kcolumn, path,
                                child->key + 1);
        free(path);
    }
    scan_value(s, child);
}

/* Scans the array of 'node', starting at its '['. */
static void
scan_array(struct scanner *s, const struct scan_node *node)
{
    size_t index = 0;
    scan_advance(s);
    while (!s->stopped) {
        scan_whitespace(s);
        if (s->p >= s->end || *s->p == ']') {
            break;
        } else if (*s->p == ',') {
            scan_advance(s);
            continue;
        }

        struct ofg_pos pos = { .line = s->line, .column = s->column };
        bool duplicate;
        scan_value(s, add_node(s, node, NULL, index++, &pos, &duplicate));
    }
    if (s->p < s->end && !s->stopped) {
        scan_advance(s);
    }
}

/* Records the value at 'pos', member 'key' (which it takes, with the '.'
 * before the key) or element
 * 'index' (if 'key' is NULL) of 'parent', and returns its node.  A value
 * whose path was seen before replaces the earlier one, as it does in
 * jansson, so positions keep matching the parsed values; '*duplicate' tells
 * whether that was a key seen before in the same object. */
static struct scan_node *
add_node(struct scanner *s, const struct scan_node *parent, char *key,
         size_t index, const struct ofg_pos *pos, bool *duplicate)
{
    struct ofg_positions *positions = s->positions;
    char buf[24];
    const char *data;
    size_t n = format_component(parent, key, index, buf, &data);
    uint64_t h = path_hash_add(parent->path_hash, data, n);
    size_t len = parent->path_len + n;

    *duplicate = false;
    if (!n) {
        /* A "" member of the root has the root's own path: keep it out of
         * the index, which answers "" with the root. */
        *duplicate = s->root_empty_key;
        s->root_empty_key = true;
        struct scan_node *node = new_node(positions, parent, key, index);
        node->pos = *pos;
        return node;
    }

    struct scan_node *node;
    HMAP_FOR_EACH_WITH_HASH (node, hmap_node, hash_uint64(h),
                             &positions->nodes) {
        if (node->path_hash == h && node->path_len == len) {
            *duplicate = pos->parent && node->pos.parent == pos->parent;
            free(node->key);
            node->key = key;
            node->index = index;
            node->parent = parent;
            node->pos = *pos;
            return node;
        }
    }

    node = new_node(positions, parent, key, index);
    node->path_hash = h;
    node->path_len = len;
    node->pos = *pos;
    hmap_insert(&positions->nodes, &node->hmap_node, hash_uint64(h));
    return node;
}

/* Returns a new node, not yet indexed, member 'key' (which it takes) or
 * element 'index' of 'parent'. */
static struct scan_node *
new_node(struct ofg_positions *positions, const struct scan_node *parent,
         char *key, size_t index)
{
    struct scan_node *node = xzalloc(sizeof *node);
    node->parent = parent;
    node->key = key;
    node->index = index;
    node->next = positions->all;
    positions->all = node;
    return node;
}

/* Reports 'message' (which it frees) at 'line':'column' in the value of
 * 'node' (if nonnull), and stops the scan. */
static void
scan_limit(struct scanner *s, int line, int column,
           const struct scan_node *node, char *message)
{
    char *path = node ? node_path(node) : NULL;
    s->hooks->limit(s->aux, line, column, path, message);
    free(path);
    free(message);
    s->stopped = true;
    s->p = s->end;
}

/* Returns the path of 'node' (the caller must free it).  Only for errors:
 * it costs the length of the path. */
static char *
node_path(const struct scan_node *node)
{
    char *path = xmalloc(node->path_len + 1);
    size_t len = node->path_len;
    path[len] = '\0';
    for (; node->parent; node = node->parent) {
        char buf[24];
        const char *data;
        size_t n = format_component(node->parent, node->key, node->index,
                                    buf, &data);
        len -= n;
        memcpy(path + len, data, n);
    }
    return path;
}

/* True if the 'len' bytes of 'path' spell the path of 'node'. */
static bool
node_matches(const struct scan_node *node, const char *path, size_t len)
{
    for (; node->parent; node = node->parent) {
        char buf[24];
        const char *data;
        size_t n = format_component(node->parent, node->key, node->index,
                                    buf, &data);
        if (n > len || memcmp(path + len - n, data, n)) {
            return false;
        }
        len -= n;
    }
    return !len;
}

/* Spells what member 'key' (or element 'index' if 'key' is NULL) adds to
 * the path of 'parent': ".key" ("key" under the root) or "[index]".  Stores
 * a pointer to it in '*datap' ('buf' may hold it) and returns its
 * length. */
static size_t
format_component(const struct scan_node *parent, const char *key,
                 size_t index, char buf[static 24], const char **datap)
{
    if (!key) {
        *datap = buf;
        return snprintf(buf, 24, "[%"PRIuSIZE"]", index);
    } else if (!parent->parent) {
        *datap = key + 1;
        return strlen(key + 1);
    }
    *datap = key;
    return strlen(key);
}

/* Adds the 'n' bytes of 'data' to the path hash 'hash' (FNV-1a, from a
 * random basis).  A path's hash is its parent's, added to, so that no
 * path is ever hashed as a whole while scanning. */
static uint64_t
path_hash_add(uint64_t hash, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        hash = (hash ^ p[i]) * UINT64_C(0x100000001b3);
    }
    return hash;
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

/* Appends code point 'cp' to 'out' in UTF-8. */
static void
put_utf8(struct ds *out, unsigned int cp)
{
    if (cp < 0x80) {
        ds_put_char(out, cp);
    } else if (cp < 0x800) {
        ds_put_char(out, 0xc0 | (cp >> 6));
        ds_put_char(out, 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        ds_put_char(out, 0xe0 | (cp >> 12));
        ds_put_char(out, 0x80 | ((cp >> 6) & 0x3f));
        ds_put_char(out, 0x80 | (cp & 0x3f));
    } else {
        ds_put_char(out, 0xf0 | (cp >> 18));
        ds_put_char(out, 0x80 | ((cp >> 12) & 0x3f));
        ds_put_char(out, 0x80 | ((cp >> 6) & 0x3f));
        ds_put_char(out, 0x80 | (cp & 0x3f));
    }
}

/* Scans the escape sequence after a backslash and appends what it stands
 * for to 'out'. */
static void
scan_escape(struct scanner *s, struct ds *out)
{
    char c = *s->p;
    scan_advance(s);
    switch (c) {
    case 'b': ds_put_char(out, '\b'); break;
    case 'f': ds_put_char(out, '\f'); break;
    case 'n': ds_put_char(out, '\n'); break;
    case 'r': ds_put_char(out, '\r'); break;
    case 't': ds_put_char(out, '\t'); break;
    case 'u': {
        unsigned int cp = scan_hex4(s);
        if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6
            && s->p[0] == '\\' && s->p[1] == 'u') {
            scan_advance(s);
            scan_advance(s);
            unsigned int low = scan_hex4(s);
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        }
        put_utf8(out, cp);
        break;
    }
    default:
        /* '"', '\\' and '/' stand for themselves. */
        ds_put_char(out, c);
        break;
    }
}

/* Scans a string starting at its opening quote and appends it to 'out'
 * decoded, as jansson decodes object keys, so that paths match jansson's
 * keys. */
static void
scan_string(struct scanner *s, struct ds *out)
{
    scan_advance(s);            /* Opening quote. */
    while (s->p < s->end && *s->p != '"') {
        if (*s->p != '\\') {
            ds_put_char(out, *s->p);
            scan_advance(s);
            continue;
        }

        scan_advance(s);
        if (s->p >= s->end) {
            break;
        }
        scan_escape(s, out);
    }
    if (s->p < s->end) {
        scan_advance(s);        /* Closing quote. */
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
