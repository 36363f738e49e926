/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/ofg-config-part.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

/* Reading a configuration's files, and telling which changed since the
 * last read.
 *
 * A file whose identity (device, inode, size, modification and change
 * times) is what it was when last read, and that was not "racy" then, is
 * not read again: at 10,000 drop-in files, one stat() each is what a
 * reload costs for the files that did not change.  Timestamps are coarse
 * (a file system may stamp two writes a few milliseconds apart alike), so
 * a file modified less than OFG_RACY_NSEC before it was read is read again
 * next time and compared by content, as git does with its index. */

#define OFG_MAIN_FILE "ofguard.json"
#define OFG_DROPIN_DIR "containers.d"
#define OFG_RACY_NSEC (2LL * 1000 * 1000 * 1000)

static char *list_dropins(const char *dir, struct svec *names);
static bool is_dropin_name(const char *name);
static struct ofg_config_part *load_part(int dirfd, const char *dir,
                                         const char *name,
                                         enum ofg_part_kind,
                                         struct ofg_config_part *main,
                                         struct ofg_config_part *old,
                                         char **errorp);
static char *read_fd(int fd, const char *file_name, struct ds *text);
static struct ofg_file_id file_id(const struct stat *);
static bool file_id_equals(const struct ofg_file_id *,
                           const struct ofg_file_id *);
static bool file_id_is_racy(const struct ofg_file_id *);
static struct ofg_config_part *find_old(const struct ofg_config *,
                                        size_t *next, const char *dir,
                                        const char *name);

char *
ofg_config_reload(const char *path, const struct ofg_config *old,
                  struct ofg_config **configp)
{
    *configp = NULL;

    struct stat st;
    if (stat(path, &st)) {
        return xasprintf("%s: cannot open: %s\n", path, ovs_strerror(errno));
    }
    if (old && strcmp(old->file_name, path)) {
        old = NULL;
    }

    bool is_dir = S_ISDIR(st.st_mode);
    /* "DIR/" names files "DIR/FILE", not "DIR//FILE", and "/" names
     * "/FILE". */
    int dir_len = strlen(path);
    while (dir_len > 0 && path[dir_len - 1] == '/') {
        dir_len--;
    }
    char *main_name = (is_dir
                       ? xasprintf("%.*s/%s", dir_len, path, OFG_MAIN_FILE)
                       : xstrdup(path));
    char *error = NULL;
    size_t next_old = 0;
    struct ofg_config_part *main = load_part(
        AT_FDCWD, NULL, main_name, is_dir ? OFG_PART_MAIN : OFG_PART_WHOLE,
        NULL, find_old(old, &next_old, NULL, main_name), &error);
    free(main_name);
    if (!main) {
        return error;
    }
    bool main_kept = old && main == old->parts[0];

    struct svec names = SVEC_EMPTY_INITIALIZER;
    char *dir = (is_dir ? xasprintf("%.*s/%s", dir_len, path, OFG_DROPIN_DIR)
                 : NULL);
    int dirfd = -1;
    if (dir) {
        error = list_dropins(dir, &names);
        dirfd = names.n ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (names.n && dirfd < 0) {
            error = xasprintf("%s: cannot open: %s\n", dir,
                              ovs_strerror(errno));
        }
    }
    if (error) {
        ofg_config_part_unref(main);
        svec_destroy(&names);
        free(dir);
        return error;
    }

    struct ofg_config_part **parts = xmalloc((names.n + 1) * sizeof *parts);
    size_t n_parts = 0;
    parts[n_parts++] = main;
    struct ds errors = DS_EMPTY_INITIALIZER;
    size_t n_parsed = !main_kept;
    for (size_t i = 0; i < names.n; i++) {
        struct ofg_config_part *prev = find_old(old, &next_old, dir,
                                                names.names[i]);
        struct ofg_config_part *part = load_part(dirfd, dir, names.names[i],
                                                 OFG_PART_DROPIN, main,
                                                 main_kept ? prev : NULL,
                                                 &error);
        if (part) {
            parts[n_parts++] = part;
            n_parsed += part != prev;
        } else {
            ds_put_cstr(&errors, error);
            free(error);
        }
    }
    if (dirfd >= 0) {
        close(dirfd);
    }

    error = ofg_config_assemble(path, parts, n_parts, configp);
    if (error) {
        ds_put_cstr(&errors, error);
        free(error);
    }
    if (errors.length) {
        ofg_config_destroy(*configp);
        *configp = NULL;
    } else {
        (*configp)->n_parsed = n_parsed;
    }
    for (size_t i = 0; i < n_parts; i++) {
        ofg_config_part_unref(parts[i]);
    }
    free(parts);
    svec_destroy(&names);
    free(dir);
    return errors.length ? ds_steal_cstr(&errors) : NULL;
}

/* Stores in 'names' the names of the drop-in files in 'dir', sorted.
 * Returns NULL, or an error if 'dir' exists but cannot be read. */
static char *
list_dropins(const char *dir, struct svec *names)
{
    DIR *d = opendir(dir);
    if (!d) {
        return (errno == ENOENT ? NULL
                : xasprintf("%s: cannot open: %s\n", dir,
                            ovs_strerror(errno)));
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (is_dropin_name(de->d_name)) {
            svec_add(names, de->d_name);
        }
    }
    closedir(d);
    svec_sort(names);
    return NULL;
}

/* "NAME.json", NAME not empty and not starting with '.': an editor's or a
 * hook's temporary file is skipped until it is renamed into place. */
static bool
is_dropin_name(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".json");
}

/* Returns the part of file 'name' (in directory 'dir' open as 'dirfd', or
 * a path if 'dir' is NULL): 'old' if that was read from the same version
 * of the file, otherwise the file parsed again as a file of 'kind' (a
 * drop-in on 'main').  Returns NULL, with the error in '*errorp', if the
 * file cannot be read or is not JSON. */
static struct ofg_config_part *
load_part(int dirfd, const char *dir, const char *name,
          enum ofg_part_kind kind, struct ofg_config_part *main,
          struct ofg_config_part *old, char **errorp)
{
    *errorp = NULL;

    struct stat st;
    if (old && !old->racy && !fstatat(dirfd, name, &st, 0)) {
        struct ofg_file_id id = file_id(&st);
        if (file_id_equals(&id, &old->id)) {
            return ofg_config_part_ref(old);
        }
    }

    char *file_name = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
    struct ofg_config_part *part = NULL;
    struct ds text = DS_EMPTY_INITIALIZER;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st)) {
        *errorp = xasprintf("%s: cannot open: %s\n", file_name,
                            ovs_strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        *errorp = xasprintf("%s: not a regular file\n", file_name);
    } else if (!(*errorp = read_fd(fd, file_name, &text))) {
        struct ofg_file_id id = file_id(&st);
        part = ofg_config_part_parse(file_name, ds_cstr(&text), text.length,
                                     kind, main, errorp);
        if (part && old && !strcmp(part->sha256, old->sha256)
            && part->main == old->main) {
            /* Touched, not changed: the old part has its positions, and the
             * running configuration shares it. */
            ofg_config_part_unref(part);
            part = ofg_config_part_ref(old);
        }
        if (part) {
            part->id = id;
            part->racy = file_id_is_racy(&id);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    ds_destroy(&text);
    free(file_name);
    return part;
}

/* Reads all of 'fd' into 'text', but at most one byte more than
 * OFG_CONFIG_MAX_SIZE, whatever the file's size (it may grow, or be a
 * pipe): the parser refuses it then. */
static char *
read_fd(int fd, const char *file_name, struct ds *text)
{
    for (;;) {
        size_t room = OFG_CONFIG_MAX_SIZE + 1 - text->length;
        if (!room) {
            return NULL;
        }
        ds_reserve(text, text->length + MIN(room, 65536));
        ssize_t n = read(fd, text->string + text->length,
                         MIN(room, text->allocated - text->length));
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0) {
            return xasprintf("%s: read error: %s\n", file_name,
                             ovs_strerror(errno));
        } else if (!n) {
            return NULL;
        }
        text->length += n;
        text->string[text->length] = '\0';
    }
}

static struct ofg_file_id
file_id(const struct stat *st)
{
    return (struct ofg_file_id) {
        .dev = st->st_dev, .ino = st->st_ino, .size = st->st_size,
        .mtime_ns = st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
        .ctime_ns = st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec,
    };
}

static bool
file_id_equals(const struct ofg_file_id *a, const struct ofg_file_id *b)
{
    return (a->dev == b->dev && a->ino == b->ino && a->size == b->size
            && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns);
}

/* True if the file was changed so recently (or, by a wrong clock, in the
 * future) that another change could come with the same timestamps. */
static bool
file_id_is_racy(const struct ofg_file_id *id)
{
    struct timespec now;
    xclock_gettime(CLOCK_REALTIME, &now);
    long long int now_ns = now.tv_sec * 1000000000LL + now.tv_nsec;
    return now_ns - MAX(id->mtime_ns, id->ctime_ns) < OFG_RACY_NSEC;
}

/* Returns the part of 'old' read from 'name' in 'dir' (the main file, by
 * its full name, if 'dir' is NULL), or NULL.  'old''s parts are the main
 * file's, then the drop-ins' sorted by name, all in 'dir', and the caller
 * looks them up in that order, '*next' keeping the place (start it at 0),
 * so that finding all of them costs one pass and no string built. */
static struct ofg_config_part *
find_old(const struct ofg_config *old, size_t *next, const char *dir,
         const char *name)
{
    if (!old) {
        return NULL;
    } else if (!dir) {
        *next = 1;
        return !strcmp(old->parts[0]->file_name, name) ? old->parts[0] : NULL;
    }

    size_t dir_len = strlen(dir);
    for (; *next < old->n_parts; (*next)++) {
        const char *file_name = old->parts[*next]->file_name;
        if (strncmp(file_name, dir, dir_len) || file_name[dir_len] != '/') {
            return NULL;        /* Another directory: nothing to share. */
        }
        int cmp = strcmp(file_name + dir_len + 1, name);
        if (!cmp) {
            return old->parts[(*next)++];
        } else if (cmp > 0) {
            return NULL;
        }
    }
    return NULL;
}
