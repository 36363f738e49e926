/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "tests/ofg-test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"

static int n_cases, n_passed, n_failed;

/* The failure message of the case being run, empty while it passes. */
static char failure[1024];

void
ofg_test_fail(const char *format, ...)
{
    if (failure[0]) {
        return;
    }
    va_list args;
    va_start(args, format);
    vsnprintf(failure, sizeof failure, format, args);
    va_end(args);
}

void
ofg_test_finish(const char *name)
{
    n_cases++;
    if (failure[0]) {
        n_failed++;
        printf("not ok %d - %s: %s\n", n_cases, name, failure);
    } else {
        n_passed++;
        printf("ok %d - %s\n", n_cases, name);
    }
    failure[0] = '\0';
}

void
ofg_test_remove_tree(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    CHECK(!system(cmd));
    free(cmd);
}

int
ofg_test_summary(void)
{
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
