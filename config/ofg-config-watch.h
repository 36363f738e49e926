/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_WATCH_H
#define OFG_CONFIG_WATCH_H 1

/* A watch on a configuration directory's drop-ins (inotify), which lets a
 * reload read again only the files named in events since the last read,
 * without a stat() of every file.  Pass one to ofg_config_reload(); with
 * none, or where inotify cannot tell (ofg-config-watch.c says when), a
 * reload stats every file, as it would anyway. */

#include <stdbool.h>

struct sset;

struct ofg_config_watch *ofg_config_watch_create(void);
void ofg_config_watch_destroy(struct ofg_config_watch *);

/* For ofg-config-files.c. */
bool ofg_config_watch_poll(struct ofg_config_watch *, const char *dir,
                           unsigned long long int serial,
                           const struct sset **names);
void ofg_config_watch_done(struct ofg_config_watch *,
                           unsigned long long int serial);

#endif /* config/ofg-config-watch.h */
