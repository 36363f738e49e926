/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

#include <config.h>
#include "flows/ofg-violation.h"

#include <string.h>

static const char *const names[OFG_N_VIOLATIONS] = {
    [OFG_VIOLATION_NONE] = "none",
#define OFG_VIOLATION(ENUM, NAME, DESC) [OFG_VIOLATION_##ENUM] = NAME,
    OFG_VIOLATIONS
#undef OFG_VIOLATION
};

static const char *const descriptions[OFG_N_VIOLATIONS] = {
    [OFG_VIOLATION_NONE] = "no violation",
#define OFG_VIOLATION(ENUM, NAME, DESC) [OFG_VIOLATION_##ENUM] = DESC,
    OFG_VIOLATIONS
#undef OFG_VIOLATION
};

const char *
ofg_violation_name(enum ofg_violation v)
{
    return (unsigned) v < OFG_N_VIOLATIONS ? names[v] : "unknown";
}

const char *
ofg_violation_description(enum ofg_violation v)
{
    return (unsigned) v < OFG_N_VIOLATIONS ? descriptions[v] : "unknown";
}

bool
ofg_violation_from_name(const char *name, enum ofg_violation *v)
{
    for (int i = 1; i < OFG_N_VIOLATIONS; i++) {
        if (!strcmp(name, names[i])) {
            *v = i;
            return true;
        }
    }
    return false;
}

bool
ofg_violation_is_container(enum ofg_violation v)
{
    return v > OFG_VIOLATION_NONE && v < OFG_N_VIOLATIONS
           && v != OFG_VIOLATION_UNKNOWN_PORT;
}
