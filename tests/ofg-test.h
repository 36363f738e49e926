/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#ifndef OFG_TEST_H
#define OFG_TEST_H 1

/* What the unit-test programs share: checks that record the first failure
 * of a case instead of stopping, and TAP-like output ("ok N - NAME" or
 * "not ok N - NAME: WHY"), ending with the "N passed, N failed" line that
 * tests/run.sh reads. */

#include "openvswitch/compiler.h"

/* Records a failure of the case being run; only the first one is kept. */
void ofg_test_fail(const char *format, ...) OVS_PRINTF_FORMAT(1, 2);

#define CHECK(COND)                                                     \
    do {                                                                \
        if (!(COND)) {                                                  \
            ofg_test_fail("line %d: check failed: %s", __LINE__, #COND); \
        }                                                               \
    } while (0)

/* Ends the case 'name': prints its result and starts the next one. */
void ofg_test_finish(const char *name);

/* Removes directory 'dir' and all it holds, checking that it could. */
void ofg_test_remove_tree(const char *dir);

/* Prints the totals; returns the program's exit status. */
int ofg_test_summary(void);

#endif /* tests/ofg-test.h */
