/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "config/ofg-config-watch.h"

#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "sset.h"
#include "util.h"

/* Telling which drop-in files may have changed, without a stat() each.
 *
 * The kernel queues an inotify event for a change to a file of a watched
 * directory before the system call that made it returns, so the events read
 * at the start of a reload name every file changed before the reload began.
 * What inotify does not see is left to stat(), as before: a file changed
 * through another link (a symbolic link in the directory, or a second hard
 * link elsewhere; ofg-config-files.c stats those every time), a directory
 * replaced or lost, a queue that overflowed, and network file systems,
 * where another host's changes raise no event. */

struct ofg_config_watch {
    int fd;                     /* inotify, or -1 if it could not start. */
    int wd;                     /* The watch on 'dir', or -1. */
    char *dir;                  /* The directory watched, or NULL. */
    dev_t dev;                  /* Its identity when the watch started. */
    ino_t ino;

    /* The names in events since the configuration 'serial' was read, and
     * whether every name may have changed (a lost event, a new watch). */
    struct sset names;
    bool lost;
    unsigned long long int serial;
};

static void watch_dir(struct ofg_config_watch *, const char *dir);
static void read_events(struct ofg_config_watch *);
static bool is_remote_fs(const char *dir);

struct ofg_config_watch *
ofg_config_watch_create(void)
{
    struct ofg_config_watch *w = xzalloc(sizeof *w);
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    w->wd = -1;
    sset_init(&w->names);
    w->lost = true;
    return w;
}

void
ofg_config_watch_destroy(struct ofg_config_watch *w)
{
    if (w) {
        if (w->fd >= 0) {
            close(w->fd);
        }
        free(w->dir);
        sset_destroy(&w->names);
        free(w);
    }
}

/* Brings the watch up to date for drop-in directory 'dir', for a reload
 * whose last configuration is 'serial'.  Returns true, with the names of
 * the entries of 'dir' that may have changed since that configuration was
 * read in '*names', if the events say which; false if every entry must be
 * looked at. */
bool
ofg_config_watch_poll(struct ofg_config_watch *w, const char *dir,
                      unsigned long long int serial,
                      const struct sset **names)
{
    *names = NULL;
    if (w->fd < 0) {
        return false;
    }
    read_events(w);

    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        /* No drop-ins: nothing to watch until the directory appears. */
        watch_dir(w, NULL);
    } else if (!w->dir || strcmp(w->dir, dir)
               || st.st_dev != w->dev || st.st_ino != w->ino) {
        watch_dir(w, dir);
    }
    if (w->lost || !serial || serial != w->serial) {
        return false;
    }
    *names = &w->names;
    return true;
}

/* Records that the configuration 'serial' was read with every change that
 * the events read so far name: later reloads need only the names in later
 * events. */
void
ofg_config_watch_done(struct ofg_config_watch *w,
                      unsigned long long int serial)
{
    sset_clear(&w->names);
    w->lost = w->wd < 0;
    w->serial = serial;
}

/* Watches 'dir' (none if NULL) instead of what was watched.  Events about
 * the old directory that are still queued are read later and ignored, by
 * their watch descriptor. */
static void
watch_dir(struct ofg_config_watch *w, const char *dir)
{
    if (w->wd >= 0) {
        inotify_rm_watch(w->fd, w->wd);
        w->wd = -1;
    }
    free(w->dir);
    w->dir = NULL;
    w->lost = true;
    if (!dir || is_remote_fs(dir)) {
        return;
    }

    /* The identity is taken before and after adding the watch: if the
     * directory was replaced in between, the watch may be on either, and
     * the next reload tries again. */
    struct stat before, after;
    if (stat(dir, &before)) {
        return;
    }
    w->wd = inotify_add_watch(w->fd, dir,
                              IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB
                              | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                              | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    if (w->wd < 0 || stat(dir, &after)
        || before.st_dev != after.st_dev || before.st_ino != after.st_ino) {
        return;
    }
    w->dir = xstrdup(dir);
    w->dev = after.st_dev;
    w->ino = after.st_ino;
}

/* Reads every queued event into 'w->names', or sets 'w->lost'. */
static void
read_events(struct ofg_config_watch *w)
{
    /* Aligned for struct inotify_event, as inotify(7) shows. */
    char buf[16384]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n <= 0) {
            if (n < 0 && errno != EAGAIN) {
                w->lost = true;
            }
            return;
        }
        for (char *p = buf; p < buf + n; ) {
            const struct inotify_event *ev = (const void *) p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                w->lost = true;
            } else if (ev->wd != w->wd) {
                /* About a directory no longer watched. */
            } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF
                                   | IN_IGNORED | IN_UNMOUNT)) {
                w->lost = true;
            } else if (ev->len && ev->name[0]) {
                sset_add(&w->names, ev->name);
            }
        }
    }
}

/* True if 'dir' is on a file system where changes made by other hosts
 * raise no inotify event. */
static bool
is_remote_fs(const char *dir)
{
    static const unsigned long int remote[] = {
        0x6969,                 /* NFS */
        0x517b,                 /* SMB */
        0xff534d42,             /* CIFS */
        0xfe534d42,             /* SMB2 */
        0x65735546,             /* FUSE */
        0x01021997,             /* 9P */
        0x00c36400,             /* Ceph */
        0x47504653,             /* GPFS */
        0x0bd00bd0,             /* Lustre */
    };
    struct statfs sfs;
    if (statfs(dir, &sfs)) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(remote); i++) {
        if ((unsigned long int) sfs.f_type == remote[i]) {
            return true;
        }
    }
    return false;
}
