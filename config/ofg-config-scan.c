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
#include "openvswitch/shash.h"
#include "util.h"

struct scanner {
    const char *p, *end;
    int line, column;
    unsigned int n_objects;

    struct shash *positions;    /* Path string -> struct ofg_pos. */
    void (*duplicate_key)(void *aux, int line, int column,
                          const char *object_path, const char *key);
    void *aux;
};

static void scan_value(struct scanner *, const char *path,
                       int key_line, int key_column, unsigned int parent);
static void scan_object(struct scanner *, const char *path);
static void scan_array(struct scanner *, const char *path);
static char *scan_string(struct scanner *);
static void scan_whitespace(struct scanner *);
static void scan_advance(struct scanner *);

/* Records in 'positions' (path string -> struct ofg_pos) where each value
 * of 'text' (the 'len' bytes that jansson has accepted) starts, and calls
 * 'duplicate_key' with 'aux' for every key that appears again in the same
 * object, at the later key's position.  The caller frees the positions
 * (with shash_destroy_free_data()). */
void
ofg_scan_positions(const char *text, size_t len, struct shash *positions,
                   void (*duplicate_key)(void *aux, int line, int column,
                                         const char *object_path,
                                         const char *key),
                   void *aux)
{
    struct scanner s = {
        .p = text,
        .end = text + len,
        .line = 1,
        .column = 1,
        .positions = positions,
        .duplicate_key = duplicate_key,
        .aux = aux,
    };

    /* Skip a UTF-8 byte order mark, which jansson also tolerates. */
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        s.p += 3;
    }
    scan_value(&s, "", 0, 0, 0);
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

static void
scan_value(struct scanner *s, const char *path, int key_line, int key_column,
           unsigned int parent)
{
    scan_whitespace(s);
    if (s->p >= s->end) {
        return;
    }

    struct ofg_pos *pos = shash_find_data(s->positions, path);
    if (!pos) {
        pos = xmalloc(sizeof *pos);
        shash_add(s->positions, path, pos);
    }
    /* On a duplicate key the later value replaces the earlier one, as it
     * does in jansson, so positions keep matching the parsed values. */
    pos->line = s->line;
    pos->column = s->column;
    pos->key_line = key_line;
    pos->key_column = key_column;
    pos->parent = parent;

    if (*s->p == '{') {
        scan_object(s, path);
    } else if (*s->p == '[') {
        scan_array(s, path);
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

/* Scans the object at 'path', starting at its '{'. */
static void
scan_object(struct scanner *s, const char *path)
{
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

        char *child = ofg_path_member(path, key);
        const struct ofg_pos *old = shash_find_data(s->positions, child);
        if (old && old->parent == id) {
            s->duplicate_key(s->aux, kline, kcolumn, path, key);
        }
        scan_value(s, child, kline, kcolumn, id);
        free(child);
        free(key);
    }
    if (s->p < s->end) {
        scan_advance(s);
    }
}

/* Scans the array at 'path', starting at its '['. */
static void
scan_array(struct scanner *s, const char *path)
{
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
        char *child = ofg_path_index(path, index++);
        scan_value(s, child, 0, 0, 0);
        free(child);
    }
    if (s->p < s->end) {
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
        scan_escape(s, &out);
    }
    if (s->p < s->end) {
        scan_advance(s);        /* Closing quote. */
    }
    return ds_steal_cstr(&out);
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
