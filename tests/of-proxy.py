#!/usr/bin/python3
"""of-proxy.py: an OpenFlow proxy between a switch and ofguard that can
spoil one flow mod of a bundle, so that the real switch refuses it at add
time (pipeline.test).

usage: of-proxy.py PORT_FILE CONTROLLER_PORT ARM_FILE LOG_FILE SECONDS

Listens on 127.0.0.1 (an ephemeral port, written to PORT_FILE once bound)
for the switch ("set-controller br0 tcp:127.0.0.1:PORT"); for each of its
connections, one at a time, connects to ofguard on 127.0.0.1:CONTROLLER_PORT
and forwards whole OpenFlow messages both ways, framed by the length in
their 8-byte header, until either side closes.  Each connection is logged
to LOG_FILE ("connection N: switch connected...", "connection N ended...").

While ARM_FILE exists, the first ONF bundle add (OpenFlow 1.3 experimenter
0x4f4e4600, type 2301) from ofguard to the switch whose embedded message is
an OFPT_FLOW_MOD with command OFPFC_ADD gets that flow mod's table_id set to
0xff (OFPTT_ALL), which OpenFlow 1.2+ allows only for deletes: Open vSwitch
refuses it with OFPFMFC_BAD_TABLE_ID when it decodes the bundle add, and
keeps the rest of the bundle.  ARM_FILE is then removed, so one arming
spoils exactly one message.  Each spoiled message is logged to LOG_FILE as
a line "corrupted ..."; a summary line "end: ..." ends the log.

Exits when ofguard no longer accepts a connection (it was stopped), when
the process that started it goes away, or after SECONDS (at most 600),
whichever comes first."""

import os
import selectors
import socket
import struct
import sys
import time

OFP13_VERSION = 0x04
OFPT_EXPERIMENTER = 4
OFPT_FLOW_MOD = 14
ONF_EXPERIMENTER_ID = 0x4f4e4600
ONFT_BUNDLE_ADD_MESSAGE = 2301
OFPFC_ADD = 0
OFPTT_ALL = 0xff

# Offsets in a bundle add: the OpenFlow 1.3 experimenter header (ofp_header,
# experimenter id, experimenter type: 16 bytes), then bundle_id (4), pad (2),
# flags (2), then the embedded message.  In the embedded OFPT_FLOW_MOD:
# ofp_header (8), cookie (8), cookie_mask (8), table_id (1), command (1).
EMBEDDED = 24
FM_TABLE_ID = EMBEDDED + 24
FM_COMMAND = EMBEDDED + 25

HEADER = struct.Struct("!BBHI")     # version, type, length, xid


class Proxy:
    def __init__(self, arm_file, log):
        self.arm_file = arm_file
        self.log_file = log
        self.n_msgs = {"to_switch": 0, "to_controller": 0}
        self.n_corrupted = 0

    def log(self, line):
        with open(self.log_file, "a") as f:
            f.write("%s %s\n" % (time.strftime("%H:%M:%S"), line))

    def maybe_corrupt(self, msg):
        """Returns 'msg' (a bytearray holding one whole message from
        ofguard), spoiled if armed and it is the first fitting one."""
        if len(msg) < FM_COMMAND + 1:
            return msg
        version, msg_type = msg[0], msg[1]
        if version != OFP13_VERSION or msg_type != OFPT_EXPERIMENTER:
            return msg
        exp_id, exp_type = struct.unpack_from("!II", msg, 8)
        if (exp_id != ONF_EXPERIMENTER_ID
                or exp_type != ONFT_BUNDLE_ADD_MESSAGE):
            return msg
        if (msg[EMBEDDED] != OFP13_VERSION
                or msg[EMBEDDED + 1] != OFPT_FLOW_MOD
                or msg[FM_COMMAND] != OFPFC_ADD):
            return msg
        if not os.path.exists(self.arm_file):
            return msg
        # Disarm first: a second message must never be spoiled, even if
        # the log cannot be written.
        os.unlink(self.arm_file)
        xid = HEADER.unpack_from(msg)[3]
        bundle_id = struct.unpack_from("!I", msg, 16)[0]
        old_table = msg[FM_TABLE_ID]
        msg[FM_TABLE_ID] = OFPTT_ALL
        self.n_corrupted += 1
        self.log("corrupted bundle add #%d to the switch: bundle %#x, "
                 "xid %#x, flow mod ADD table_id %d -> %d"
                 % (self.n_msgs["to_switch"], bundle_id, xid, old_table,
                    OFPTT_ALL))
        return msg


class Side:
    """One connection: bytes read and not yet framed, bytes to write."""

    def __init__(self, sock, name):
        self.sock = sock
        self.name = name
        self.inbuf = bytearray()
        self.outbuf = bytearray()
        self.closed = False


def frames(buf):
    """Removes and yields the whole messages at the start of 'buf'."""
    while len(buf) >= HEADER.size:
        length = HEADER.unpack_from(buf)[2]
        if length < HEADER.size:
            raise ValueError("bad OpenFlow length %d" % length)
        if len(buf) < length:
            return
        msg = bytearray(buf[:length])
        del buf[:length]
        yield msg


def forward(proxy, switch_sock, ctl_sock, alive):
    """Forwards messages between the two sockets until one side closes or
    'alive' says to stop.  Returns why it stopped."""
    switch = Side(switch_sock, "switch")
    ctl = Side(ctl_sock, "controller")
    peer = {switch: ctl, ctl: switch}
    sel = selectors.DefaultSelector()
    for side in (switch, ctl):
        side.sock.setblocking(False)
        side.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sel.register(side.sock, selectors.EVENT_READ, side)

    why = None
    while why is None:
        if not alive():
            why = "timeout or parent gone"
            break
        for side in (switch, ctl):
            events = selectors.EVENT_READ
            if side.outbuf:
                events |= selectors.EVENT_WRITE
            sel.modify(side.sock, events, side)
        for key, events in sel.select(timeout=0.5):
            side = key.data
            try:
                if events & selectors.EVENT_WRITE and side.outbuf:
                    n = side.sock.send(side.outbuf)
                    del side.outbuf[:n]
                if not events & selectors.EVENT_READ:
                    continue
                data = side.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as e:
                side.closed = True
                why = "%s: %s" % (side.name, e)
                break
            if not data:
                side.closed = True
                why = "%s closed the connection" % side.name
                break
            side.inbuf += data
            for msg in frames(side.inbuf):
                if side is ctl:
                    proxy.n_msgs["to_switch"] += 1
                    msg = proxy.maybe_corrupt(msg)
                else:
                    proxy.n_msgs["to_controller"] += 1
                peer[side].outbuf += msg
    sel.close()
    for side in (switch, ctl):
        # What is already framed still goes out, within a second.
        if not side.closed and side.outbuf:
            try:
                side.sock.settimeout(1)
                side.sock.sendall(side.outbuf)
            except OSError:
                pass
        side.sock.close()
    return why


def main():
    if len(sys.argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    port_file, ctl_port, arm_file, log_file = sys.argv[1:5]
    deadline = time.monotonic() + min(float(sys.argv[5]), 600.0)
    parent = os.getppid()
    proxy = Proxy(arm_file, log_file)

    def alive():
        return time.monotonic() < deadline and os.getppid() == parent

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(tmp, port_file)
    proxy.log("listening on 127.0.0.1:%d, ofguard on 127.0.0.1:%s"
              % (listener.getsockname()[1], ctl_port))

    # One switch connection after the other: a switch that gave up on a
    # slow handshake (a loaded machine) connects again.
    n_conns = 0
    why = "timeout or parent gone"
    while alive():
        try:
            switch_sock, addr = listener.accept()
        except socket.timeout:
            continue
        try:
            ctl_sock = socket.create_connection(
                ("127.0.0.1", int(ctl_port)), timeout=10)
        except OSError as e:
            switch_sock.close()
            why = "cannot connect to ofguard: %s" % e
            break
        n_conns += 1
        proxy.log("connection %d: switch connected from %s:%d"
                  % ((n_conns,) + addr))
        proxy.log("connection %d ended: %s"
                  % (n_conns, forward(proxy, switch_sock, ctl_sock, alive)))
    listener.close()
    proxy.log("end: %s; %d connections, %d messages to the switch, "
              "%d to the controller, %d corrupted"
              % (why, n_conns, proxy.n_msgs["to_switch"],
                 proxy.n_msgs["to_controller"], proxy.n_corrupted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
