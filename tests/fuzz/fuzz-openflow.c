/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* libFuzzer target: every OpenFlow message a switch can send to ofguard, as
 * one switch connection (controller/ofg-switch.c) handles it, in any state
 * of the connection.
 *
 * ofguard's code runs unchanged, through its public API
 * (ofg_sw_create_passive(), ofg_sw_run(), ...), over a connection whose
 * other end is this program: a vconn class of its own (OVS's
 * lib/vconn-provider.h) that hands ofguard the fuzz input's messages and
 * records what ofguard sends.  The rconn and vconn layers in between are
 * libopenvswitch's, as in the daemon (hello exchange, version checks).
 *
 * The input:
 *
 *   byte 0     the state: bits 0-3 are how many of ofguard's requests a
 *              well-behaved switch (fuzz-switch.c) answers first, in order
 *              (0: the features request is outstanding; 1: the fragment
 *              handling and port list; 3: the flow dump; 4: the round's
 *              bundle is open; 5: the barrier after its flows; 6: the
 *              commit and its barrier; 8: in sync), then:
 *              0x10  a "flows" query ("ovs-appctl -t ofguard flows vm1")
 *                    once the switch has its containers placed;
 *              0x20  the well-behaved switch answers what ofguard asks
 *                    after that, too (the input's messages then come
 *                    between its answers);
 *              0x40  a reload to another configuration follows;
 *              0x80  the switch already holds ofguard's flows but one.
 *   the rest   OpenFlow messages, each as long as its header says (the last
 *              one cut at the end of the input).  A header with a length
 *              below 4 drops the connection, as a stream connection would;
 *              with a length from 4 to 7 it is no message but time passing
 *              (1, 4, 16 or 64 s: backoffs expire).  An xid below
 *              0x100 stands for the xid of the Nth most recent message
 *              ofguard sent (0: the last), so that the input can answer
 *              ofguard's requests whatever xids they got; other xids are
 *              kept (a round's flow mods have the xids 0x80000000 on).
 *
 * The session itself (the switch's end of the connection, time) is
 * fuzz-session.c's.
 *
 * OFG_FUZZ_VERBOSE=1 in the environment logs to the console and prints
 * each step. */

#include <config.h>

#include <stdlib.h>
#include "tests/fuzz/fuzz-session.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc OVS_UNUSED, char ***argv)
{
    set_program_name((*argv)[0]);
    fuzz_session_init(getenv("OFG_FUZZ_VERBOSE") != NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    fuzz_session_start(data[0]);
    data++;
    size--;
    for (;;) {
        size_t n = fuzz_session_feed(data, size);
        if (!n) {
            break;
        }
        data += n;
        size -= n;
    }
    fuzz_session_finish();
    return 0;
}
