# Copyright (c) 2026 The ofguard authors.
#
# Licensed under the Apache License, Version 2.0.

# OFG_CHECK_OVS
# -------------
# Finds an Open vSwitch source tree and build tree, the way OVN does
# (--with-ovs-source, --with-ovs-build).  Debian ships no libopenvswitch-dev
# and several headers ofguard needs (unixctl.h, daemon.h, stream-ssl.h) only
# exist in OVS's source tree.  Without the options, build-aux/build-ovs.sh
# prints the directory of a cached build, if one exists.
AC_DEFUN([OFG_CHECK_OVS], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=DIR],
                    [Open vSwitch source tree (default: cached build)])],
    [OVSDIR=$withval], [OVSDIR=])
  AC_ARG_WITH([ovs-build],
    [AS_HELP_STRING([--with-ovs-build=DIR],
                    [Open vSwitch build tree (default: the source tree)])],
    [OVSBUILDDIR=$withval], [OVSBUILDDIR=])

  if test -z "$OVSDIR"; then
    OVSDIR=`$srcdir/build-aux/build-ovs.sh --print-dir 2>/dev/null`
  fi
  if test -z "$OVSBUILDDIR"; then
    OVSBUILDDIR=$OVSDIR
  fi
  AC_MSG_CHECKING([for the Open vSwitch source tree])
  if test ! -f "$OVSDIR/lib/unixctl.h"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([no OVS source tree at "$OVSDIR"; run build-aux/build-ovs.sh or give --with-ovs-source=DIR])
  fi
  OVSDIR=`cd "$OVSDIR" && pwd`
  AC_MSG_RESULT([$OVSDIR])
  AC_MSG_CHECKING([for the Open vSwitch build tree])
  if test ! -f "$OVSBUILDDIR/config.h" \
     || test ! -f "$OVSBUILDDIR/lib/.libs/libopenvswitch.so"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([no built shared libopenvswitch under "$OVSBUILDDIR" (configure OVS with --enable-shared)])
  fi
  OVSBUILDDIR=`cd "$OVSBUILDDIR" && pwd`
  AC_MSG_RESULT([$OVSBUILDDIR])

  OVS_CFLAGS="-I$OVSBUILDDIR -I$OVSDIR/include -I$OVSBUILDDIR/include -I$OVSDIR/lib -I$OVSBUILDDIR/lib -I$OVSDIR"
  OVS_LIBDIR="$OVSBUILDDIR/lib/.libs"
  # The rpath lets an uninstalled ofguard run against the cached library;
  # "make install" installs the library in $(pkglibdir) and links ofguard
  # again with that run path instead (see Makefile.am).
  OVS_LIBS="-L$OVS_LIBDIR -Wl,-rpath,$OVS_LIBDIR -lopenvswitch"
  AC_SUBST([OVSDIR])
  AC_SUBST([OVSBUILDDIR])
  AC_SUBST([OVS_CFLAGS])
  AC_SUBST([OVS_LIBDIR])
  AC_SUBST([OVS_LIBS])
])

# OFG_CHECK_JANSSON
# -----------------
AC_DEFUN([OFG_CHECK_JANSSON], [
  PKG_CHECK_MODULES([JANSSON], [jansson >= 2.10], [],
    [AC_MSG_ERROR([jansson is required (libjansson-dev)])])
])

# OFG_ENABLE_WERROR
# -----------------
AC_DEFUN([OFG_ENABLE_WERROR], [
  AC_ARG_ENABLE([Werror],
    [AS_HELP_STRING([--disable-Werror], [do not treat warnings as errors])],
    [], [enable_Werror=yes])
  WARNING_FLAGS="-Wall -Wextra -Wno-sign-compare -Wpointer-arith -Wformat-security -Wstrict-prototypes -Wold-style-definition -Wmissing-prototypes -Wshadow"
  if test "$enable_Werror" = yes; then
    WARNING_FLAGS="$WARNING_FLAGS -Werror"
  fi
  AC_SUBST([WARNING_FLAGS])
])

# OFG_ENABLE_SANITIZERS
# ---------------------
AC_DEFUN([OFG_ENABLE_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers],
                    [build with AddressSanitizer and UBSan])],
    [], [enable_sanitizers=no])
  SANITIZER_FLAGS=
  if test "$enable_sanitizers" = yes; then
    SANITIZER_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
  fi
  AC_SUBST([SANITIZER_FLAGS])
])
