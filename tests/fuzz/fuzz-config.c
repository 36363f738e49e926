/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* libFuzzer target: ofguard's configuration file, through the code that
 * "ofguard --check FILE" runs (ofg_config_read(): reading the file, JSON,
 * validation and the errors with their positions), and for a valid one on
 * to the flows, as the daemon computes them for a switch: every switch of
 * the file (the first few) and one the file does not list, with every port
 * present, and again after one container's port went away.  The input is
 * the file, which the target writes into a memory file (memfd) and reads
 * back by its name in /proc/self/fd. */

#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "config/ofg-config.h"
#include "flows/ofg-desired.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "svec.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Switches compiled for, at most. */
#define FUZZ_MAX_SWITCHES 4

/* The file that holds the input, and its name. */
static int fd;
static char *file_name;

static void
take_and_format(struct ofg_desired *desired,
                struct ofg_flow_table *installed)
{
    struct ofg_flow_changes changes;
    ofg_flow_changes_init(&changes);
    ofg_desired_take_changes(desired, installed, &changes);
    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < changes.n_adds; i++) {
        ds_clear(&s);
        ofg_flow_format(changes.adds[i], NULL, &s);
    }
    ds_destroy(&s);
    ofg_flow_table_apply(installed, &changes);
    ofg_flow_changes_destroy(&changes);
}

/* The flows 'config' wants on switch 'sw' (NULL: one not in the file). */
static void
compile(const struct ofg_config *config, const struct ofg_switch *sw)
{
    /* Every port the file names, numbered as "ofguard --compile" does. */
    struct simap ports = SIMAP_INITIALIZER(&ports);
    unsigned int next = 1;
    for (size_t i = 0; i < config->n_containers; i++) {
        const struct ofg_container *c = &config->containers[i];
        if (!simap_contains(&ports, c->port)) {
            simap_put(&ports, c->port, next++);
        }
    }
    for (size_t i = 0; sw && i < sw->n_trusted_ports; i++) {
        const char *name = sw->trusted_ports[i];
        if (strcmp(name, "LOCAL") && !simap_contains(&ports, name)) {
            simap_put(&ports, name, next++);
        }
    }

    struct ofg_desired desired;
    struct ofg_flow_table installed;
    struct svec refused = SVEC_EMPTY_INITIALIZER;
    ofg_desired_init(&desired);
    ofg_flow_table_init(&installed);
    ofg_desired_compile(&desired, config, sw, &ports, &refused);
    take_and_format(&desired, &installed);

    /* The first container's port goes away. */
    if (config->n_containers) {
        simap_find_and_delete(&ports, config->containers[0].port);
        ofg_desired_update(&desired, config, config, sw, &ports, &refused);
        take_and_format(&desired, &installed);
    }

    svec_destroy(&refused);
    ofg_flow_table_destroy(&installed);
    ofg_desired_destroy(&desired);
    simap_destroy(&ports);
}

int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char ***argv)
{
    set_program_name((*argv)[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    fd = memfd_create("fuzz-config.json", MFD_CLOEXEC);
    if (fd < 0) {
        ovs_fatal(errno, "memfd_create failed");
    }
    file_name = xasprintf("/proc/self/fd/%d", fd);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != size) {
        ovs_fatal(errno, "%s: write failed", file_name);
    }

    /* As "ofguard --check". */
    struct ofg_config *config;
    char *error = ofg_config_read(file_name, &config);
    if (error) {
        free(error);
        return 0;
    }

    size_t n = MIN(config->n_switches, FUZZ_MAX_SWITCHES);
    for (size_t i = 0; i < n; i++) {
        compile(config, &config->switches[i]);
    }
    compile(config, NULL);
    ofg_config_destroy(config);
    return 0;
}
