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
#include "config/ofg-config-watch.h"
#include "openvswitch/dynamic-string.h"
#include "sset.h"
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
 * next time and compared by content, as git does with its index.
 *
 * With a watch (ofg-config-watch.c), a drop-in that no event names is not
 * looked at at all, unless a change could come without an event (see
 * is_watchable()). */

#define OFG_MAIN_FILE "ofguard.json"
#define OFG_DROPIN_DIR "containers.d"
#define OFG_RACY_NSEC (2LL * 1000 * 1000 * 1000)

struct dropins;
static char *find_dropins(const struct ofg_config *old, bool main_kept,
                          const char *dir, struct ofg_config_watch *,
                          struct dropins *, const struct sset **changed);
static size_t load_dropins(const struct ofg_config *old, size_t *next_old,
                           const char *dir, const struct dropins *,
                           const struct sset *changed,
                           struct ofg_config_part *main, bool main_kept,
                           struct ofg_config_part **parts, size_t *n_parts,
                           struct ds *errors);
static char *list_dropins(const char *dir, struct dropins *);
static void list_changed_dropins(const struct ofg_config *old,
                                 const char *dir, const struct sset *changed,
                                 struct dropins *);
static int compare_names(const void *, const void *);
static bool is_dropin_name(const char *name);
static struct ofg_config_part *load_part(int dirfd, const char *dir,
                                         const char *name,
                                         enum ofg_part_kind,
                                         struct ofg_config_part *main,
                                         struct ofg_config_part *old,
                                         bool missing_ok, char **errorp);
static char *read_fd(int fd, const char *file_name, struct ds *text);
static bool is_watchable(int dirfd, const char *name, const struct stat *);
static struct ofg_file_id file_id(const struct stat *);
static bool file_id_equals(const struct ofg_file_id *,
                           const struct ofg_file_id *);
static bool file_id_is_racy(const struct ofg_file_id *);
static struct ofg_config_part *find_old(const struct ofg_config *,
                                        size_t *next, const char *dir,
                                        const char *name);

/* The names of the drop-in files to read, sorted: pointers into the
 * previous configuration's file names and the watch's events, or into
 * 'storage' for names read from the directory. */
struct dropins {
    const char **names;
    size_t n;
    struct svec storage;
};

char *
ofg_config_read(const char *path, struct ofg_config **configp)
{
    return ofg_config_reload(path, NULL, NULL, configp);
}

char *
ofg_config_reload(const char *path, const struct ofg_config *old,
                  struct ofg_config_watch *watch,
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
        NULL, find_old(old, &next_old, NULL, main_name), false, &error);
    free(main_name);
    if (!main) {
        return error;
    }
    bool main_kept = old && main == old->parts[0];

    struct dropins dropins = { .names = NULL };
    svec_init(&dropins.storage);
    const struct sset *changed = NULL;
    char *dir = (is_dir ? xasprintf("%.*s/%s", dir_len, path, OFG_DROPIN_DIR)
                 : NULL);
    if (dir) {
        error = find_dropins(old, main_kept, dir, watch, &dropins, &changed);
    }
    if (error) {
        ofg_config_part_unref(main);
        free(dropins.names);
        svec_destroy(&dropins.storage);
        free(dir);
        return error;
    }

    struct ofg_config_part **parts = xmalloc((dropins.n + 1)
                                             * sizeof *parts);
    size_t n_parts = 0;
    parts[n_parts++] = main;
    struct ds errors = DS_EMPTY_INITIALIZER;
    size_t n_parsed = !main_kept;
    if (dropins.n) {
        n_parsed += load_dropins(old, &next_old, dir, &dropins, changed,
                                 main, main_kept, parts, &n_parts, &errors);
    }

    error = ofg_config_assemble_from(path, old, parts, n_parts, configp);
    if (error) {
        ds_put_cstr(&errors, error);
        free(error);
    }
    if (errors.length) {
        ofg_config_destroy(*configp);
        *configp = NULL;
    } else {
        (*configp)->n_parsed = n_parsed;
        if (watch && dir) {
            ofg_config_watch_done(watch, (*configp)->serial);
        }
    }
    for (size_t i = 0; i < n_parts; i++) {
        ofg_config_part_unref(parts[i]);
    }
    free(parts);
    free(dropins.names);
    svec_destroy(&dropins.storage);
    free(dir);
    return errors.length ? ds_steal_cstr(&errors) : NULL;
}

/* Stores in 'd' the drop-in files of 'dir' to look at: with 'watch', if
 * it can tell, those of 'old' (whose main file's part the new configuration
 * keeps, if 'main_kept') and those that events name, which go to
 * '*changed'; otherwise all of them, and '*changed' is NULL.  Returns NULL,
 * or an error if 'dir' exists but cannot be read. */
static char *
find_dropins(const struct ofg_config *old, bool main_kept, const char *dir,
             struct ofg_config_watch *watch, struct dropins *d,
             const struct sset **changed)
{
    *changed = NULL;
    if (watch && ofg_config_watch_poll(watch, dir, old ? old->serial : 0,
                                       changed)
        && main_kept) {
        list_changed_dropins(old, dir, *changed, d);
        return NULL;
    }
    *changed = NULL;
    return list_dropins(dir, d);
}

/* Loads the drop-ins 'd' of 'dir' on 'main', appending them to 'parts'
 * ('*n_parts' of them) and their errors to 'errors'.  A file of 'old' is
 * taken as it is if no event in 'changed' (if nonnull) names it, or if its
 * identity is unchanged (unless the main file changed, 'main_kept' false).
 * Returns the number of files parsed. */
static size_t
load_dropins(const struct ofg_config *old, size_t *next_old, const char *dir,
             const struct dropins *d, const struct sset *changed,
             struct ofg_config_part *main, bool main_kept,
             struct ofg_config_part **parts, size_t *n_parts,
             struct ds *errors)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        ds_put_format(errors, "%s: cannot open: %s\n", dir,
                      ovs_strerror(errno));
        return 0;
    }
    size_t n_parsed = 0;
    for (size_t i = 0; i < d->n; i++) {
        const char *name = d->names[i];
        struct ofg_config_part *prev = find_old(old, next_old, dir, name);
        struct ofg_config_part *part;
        char *error = NULL;
        if (changed && prev && prev->watchable
            && !sset_contains(changed, name)) {
            /* No event about it: the file has not changed. */
            part = ofg_config_part_ref(prev);
        } else {
            /* A name from an event may be gone already. */
            part = load_part(dirfd, dir, name, OFG_PART_DROPIN, main,
                             main_kept ? prev : NULL, changed != NULL,
                             &error);
        }
        if (part) {
            parts[(*n_parts)++] = part;
            n_parsed += part != prev;
        } else if (error) {
            ds_put_cstr(errors, error);
            free(error);
        }
    }
    close(dirfd);
    return n_parsed;
}

/* Stores in 'd' the names of the drop-in files in 'dir', sorted.  Returns
 * NULL, or an error if 'dir' exists but cannot be read. */
static char *
list_dropins(const char *dir, struct dropins *d)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        return (errno == ENOENT ? NULL
                : xasprintf("%s: cannot open: %s\n", dir,
                            ovs_strerror(errno)));
    }
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (is_dropin_name(de->d_name)) {
            svec_add(&d->storage, de->d_name);
        }
    }
    closedir(dp);
    svec_sort(&d->storage);
    d->n = d->storage.n;
    d->names = xmalloc(MAX(d->n, 1) * sizeof *d->names);
    for (size_t i = 0; i < d->n; i++) {
        d->names[i] = d->storage.names[i];
    }
    return NULL;
}

/* Stores in 'd' the names of the drop-in files of 'old' (whose drop-ins
 * are in 'dir') and the drop-in names in 'changed' (which may name files
 * that are gone), sorted, each once. */
static void
list_changed_dropins(const struct ofg_config *old, const char *dir,
                     const struct sset *changed, struct dropins *d)
{
    const char **new = xmalloc(MAX(sset_count(changed), 1) * sizeof *new);
    size_t n_new = 0;
    const char *name;
    SSET_FOR_EACH (name, changed) {
        if (is_dropin_name(name)) {
            new[n_new++] = name;
        }
    }
    qsort(new, n_new, sizeof *new, compare_names);

    /* Merge the two sorted lists. */
    size_t dir_len = strlen(dir);
    d->names = xmalloc((old->n_parts + n_new) * sizeof *d->names);
    d->n = 0;
    size_t i = 1, j = 0;
    while (i < old->n_parts || j < n_new) {
        const char *a = (i < old->n_parts
                         ? old->parts[i]->file_name + dir_len + 1 : NULL);
        const char *b = j < n_new ? new[j] : NULL;
        int cmp = !a ? 1 : !b ? -1 : strcmp(a, b);
        d->names[d->n++] = cmp <= 0 ? a : b;
        i += cmp <= 0;
        j += cmp >= 0;
    }
    free(new);
}

static int
compare_names(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
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
 * file cannot be read or is not JSON, or with no error if it does not
 * exist and 'missing_ok'. */
static struct ofg_config_part *
load_part(int dirfd, const char *dir, const char *name,
          enum ofg_part_kind kind, struct ofg_config_part *main,
          struct ofg_config_part *old, bool missing_ok, char **errorp)
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
    if (fd < 0 && errno == ENOENT && missing_ok) {
        /* Gone. */
    } else if (fd < 0 || fstat(fd, &st)) {
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
            part->watchable = dir && is_watchable(dirfd, name, &st);
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

/* True if a change to file 'name' in 'dirfd', which is 'st', raises an
 * inotify event on the directory: it is no symbolic link, and the file has
 * no other name, through which it could change. */
static bool
is_watchable(int dirfd, const char *name, const struct stat *st)
{
    struct stat lst;
    return (!fstatat(dirfd, name, &lst, AT_SYMLINK_NOFOLLOW)
            && S_ISREG(lst.st_mode) && lst.st_nlink == 1
            && lst.st_dev == st->st_dev && lst.st_ino == st->st_ino);
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
