# Copyright (c) 2026 The ofguard authors.
#
# Licensed under the Apache License, Version 2.0.
#
# The libFuzzer targets, built by clang with AddressSanitizer and
# UndefinedBehaviorSanitizer.  Run by tests/fuzz/build.sh, which sets SRCDIR,
# OUT, OVSDIR, JANSSON_CFLAGS and JANSSON_LIBS; not part of the automake
# build, so that a normal build needs no clang.  ofguard's own code is
# compiled here again, instrumented; libopenvswitch is the cached gcc
# build, linked uninstrumented (shared, after jansson, as in Makefile.am).

CC = clang
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
WARNINGS = -Wall -Wextra -Wno-sign-compare -Wpointer-arith \
	-Wformat-security -Wstrict-prototypes -Wold-style-definition \
	-Wmissing-prototypes -Wshadow -Werror
CFLAGS = -std=gnu11 -g -O1 -fno-omit-frame-pointer $(WARNINGS) $(SANITIZE)
CPPFLAGS = -I$(OVSDIR) -I$(OVSDIR)/include -I$(OVSDIR)/lib -I$(SRCDIR) \
	$(JANSSON_CFLAGS) -DOFGUARD_VERSION='"fuzz"'
LIBS = $(JANSSON_LIBS) -L$(OVSDIR)/lib/.libs \
	-Wl,-rpath,$(OVSDIR)/lib/.libs -lopenvswitch -lssl -lcrypto

# The same files as libofguard.a in Makefile.am.
LIB_SRCS = $(sort $(wildcard $(SRCDIR)/config/*.c $(SRCDIR)/flows/*.c))
LIB_OBJS = $(patsubst $(SRCDIR)/%.c,$(OUT)/obj/%.o,$(LIB_SRCS))
# ofguard's switch connection code and the session that plays a switch to
# it (time passes for that code as the session says: see fuzz-session.c).
SESSION_OBJS = $(OUT)/obj/tests/fuzz/fuzz-session.o \
	$(OUT)/obj/tests/fuzz/fuzz-switch.o $(OUT)/obj/controller/ofg-switch.o \
	$(OUT)/obj/controller/ofg-violations.o
SESSION_LDFLAGS = -Wl,--wrap=time_msec

all: $(OUT)/fuzz-config $(OUT)/fuzz-openflow $(OUT)/gen-seeds

$(OUT)/fuzz-config: $(OUT)/obj/tests/fuzz/fuzz-config.o $(LIB_OBJS)
	$(CC) -fsanitize=fuzzer $(SANITIZE) -o $@ $^ $(LIBS)

$(OUT)/fuzz-openflow: $(OUT)/obj/tests/fuzz/fuzz-openflow.o \
		$(SESSION_OBJS) $(LIB_OBJS)
	$(CC) -fsanitize=fuzzer $(SANITIZE) $(SESSION_LDFLAGS) -o $@ $^ \
	    $(LIBS)

$(OUT)/gen-seeds: $(OUT)/obj/tests/fuzz/gen-seeds.o $(SESSION_OBJS) \
		$(LIB_OBJS)
	$(CC) $(SANITIZE) $(SESSION_LDFLAGS) -o $@ $^ $(LIBS)

# Everything is instrumented for coverage; gen-seeds, which has its own
# main(), links without libFuzzer.
$(OUT)/obj/%.o: $(SRCDIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
	    -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(OUT)/obj/controller/ofg-switch.d \
	$(OUT)/obj/controller/ofg-violations.d \
	$(wildcard $(OUT)/obj/tests/fuzz/*.d)

.PHONY: all
