#!/usr/bin/python3
"""faults-conns.py: idle TCP connections to a listener, which never send a
byte (no OpenFlow HELLO).

usage: faults-conns.py HOST PORT N RATE SECONDS

Opens N connections to HOST:PORT, RATE a second (spread out: a burst would
mostly wait in the kernel, whose accept queue OVS makes 10 long, for the
handshake to be retried 1, 3, 7 s later), reads and ignores whatever comes
(ofguard sends its HELLO as soon as it has accepted a connection: a
connection is "greeted" then), and notes when the peer closes each one.
Ends after SECONDS (at most 120) and prints

  opened=A failed=F greeted=G closed_by_peer=C open_at_end=O
  greeted_open_3s=K close_after_median=M close_after_max=X

(one line): "opened" the connections the kernel completed (the listener
may not have accepted them yet), "greeted_open_3s" those greeted more than 3
s before the end and still open, the close times seconds from greeted to
closed by the peer."""

import errno
import selectors
import socket
import sys
import time


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rate = float(sys.argv[4])
    secs = min(float(sys.argv[5]), 120.0)
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    end = start + secs
    opened = failed = 0
    close_after = []
    conns = {}      # socket -> [connected time or None, greeted time or None]
    greeted = closed = 0

    def open_one():
        nonlocal failed
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((host, port))
        if err not in (0, errno.EINPROGRESS):
            failed += 1
            s.close()
            return
        conns[s] = [None, None]
        sel.register(s, selectors.EVENT_WRITE)

    total = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        while total < n and total < (now - start) * rate:
            open_one()
            total += 1
        for key, mask in sel.select(timeout=min(0.01, end - now)):
            s = key.fileobj
            st = conns[s]
            gone = False
            if st[0] is None:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    failed += 1
                    gone = True
                else:
                    st[0] = time.monotonic()
                    opened += 1
                    sel.modify(s, selectors.EVENT_READ)
            else:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if data and st[1] is None:
                    st[1] = time.monotonic()
                    greeted += 1
                if not data:
                    closed += 1
                    if st[1] is not None:
                        close_after.append(time.monotonic() - st[1])
                    gone = True
            if gone:
                sel.unregister(s)
                s.close()
                del conns[s]
    now = time.monotonic()
    open_at_end = sum(1 for st in conns.values() if st[0] is not None)
    greeted_open = sum(1 for st in conns.values()
                       if st[1] is not None and now - st[1] > 3)
    close_after.sort()
    med = close_after[len(close_after) // 2] if close_after else 0.0
    mx = close_after[-1] if close_after else 0.0
    print("opened=%d failed=%d greeted=%d closed_by_peer=%d open_at_end=%d "
          "greeted_open_3s=%d close_after_median=%.2f close_after_max=%.2f"
          % (opened, failed, greeted, closed, open_at_end,
             greeted_open, med, mx))
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
