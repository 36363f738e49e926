/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_CONFIG_PART_H
#define OFG_CONFIG_PART_H 1

/* One file's share of a configuration, validated on its own: the main
 * file's networks, switches and containers, or a drop-in file's containers
 * (validated on the networks and switches of the main file's part).
 * Parts are reference-counted: a reload keeps the parts of the files that
 * did not change, so that it parses only the files that did
 * (ofg-config-files.c), and ofg_config_assemble() checks them together.
 *
 * Internal to config/. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config/ofg-config-ctx.h"
#include "config/ofg-config-meta.h"
#include "config/ofg-config.h"
#include "ovs-atomic.h"

/* What identifies a file's version without reading it. */
struct ofg_file_id {
    uint64_t dev, ino, size;
    long long int mtime_ns, ctime_ns;
};

struct ofg_config_part {
    struct ovs_refcount ref_cnt;
    char *file_name;
    char sha256[64 + 1];        /* Of the file's bytes. */

    /* The file's identity when it was read, and whether it was modified so
     * recently then that a later change might leave the same identity (a
     * file system's timestamps are coarse): such a file is read again. */
    struct ofg_file_id id;
    bool racy;
    bool watchable;             /* See is_watchable() in ofg-config-files.c. */

    /* Positions in the file, for errors: kept, because a later reload may
     * find a conflict with another file's entry that is reported here. */
    struct ofg_ctx ctx;

    /* NULL for a main file; for a drop-in, the main file's part whose
     * networks and switches its containers were validated on. */
    struct ofg_config_part *main;

    struct ofg_network *networks;
    struct ofg_net_meta *net_metas;
    size_t n_networks;

    struct ofg_switch *switches;
    size_t n_switches;

    struct ofg_container *containers;
    struct ofg_container_meta *metas;
    size_t n_containers;
};

/* What a file is. */
enum ofg_part_kind {
    OFG_PART_WHOLE,             /* A whole configuration: "containers" is
                                 * required. */
    OFG_PART_MAIN,              /* A directory's ofguard.json: the drop-ins
                                 * may hold every container. */
    OFG_PART_DROPIN,            /* A drop-in: only "containers". */
};

/* Parses and validates the 'len' bytes of 'text', the contents of
 * 'file_name', a file of 'kind' (a drop-in on the networks and switches of
 * 'main', otherwise 'main' is NULL).  Returns the part, whose 'ctx' holds
 * the errors found, or NULL with the error in '*errorp' if 'text' is not
 * JSON at all. */
struct ofg_config_part *ofg_config_part_parse(const char *file_name,
                                              const char *text, size_t len,
                                              enum ofg_part_kind,
                                              struct ofg_config_part *main,
                                              char **errorp);
struct ofg_config_part *ofg_config_part_ref(const struct ofg_config_part *);
void ofg_config_part_unref(struct ofg_config_part *);

/* Checks 'parts' (the main file's first) together and, if neither they
 * nor the checks found an error, stores the configuration they make,
 * named 'name', in '*configp' and returns NULL.  Otherwise returns every
 * error, file by file. */
char *ofg_config_assemble(const char *name, struct ofg_config_part **parts,
                          size_t n_parts, struct ofg_config **configp)
    OVS_WARN_UNUSED_RESULT;

/* Like ofg_config_assemble(), for the parts of a reload of 'old' (NULL if
 * none): if the main file's part is 'old''s and the files that changed
 * have no errors of their own, only their containers are checked, against
 * 'old''s index, which the new configuration then takes; otherwise, or if
 * that is not enough to tell, as ofg_config_assemble() does. */
char *ofg_config_assemble_from(const char *name,
                               const struct ofg_config *old,
                               struct ofg_config_part **parts,
                               size_t n_parts, struct ofg_config **configp)
    OVS_WARN_UNUSED_RESULT;

/* Writes 'digest' (SHA-256) in lowercase hex to 'hex'. */
void ofg_sha256_to_hex(const unsigned char digest[32], char hex[64 + 1]);

#endif /* config/ofg-config-part.h */
