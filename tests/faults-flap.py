#!/usr/bin/python3
"""faults-flap.py: a port deleted and added again N times, each change
waited for the way "ovs-vsctl" waits (the switch has applied it), over one
connection to ovsdb-server instead of 2 N ovs-vsctl processes.

usage: faults-flap.py DB_SOCKET BRIDGE PORT N OFPORT FINAL_OFPORT TIMEOUT

The port (type dummy) is added back with ofport_request OFPORT each time but
the last, which asks for FINAL_OFPORT.  Stops after TIMEOUT seconds whatever
the count.  Prints "flaps=K seconds=S" on success."""

import json
import socket
import sys
import time


class Db:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = ""
        self.dec = json.JSONDecoder()
        self.next_id = 0
        self.cur_cfg = None

    def send(self, method, params):
        self.next_id += 1
        msg = {"method": method, "params": params, "id": self.next_id}
        self.sock.sendall(json.dumps(msg).encode())
        return self.next_id

    def recv(self, deadline):
        while True:
            self.buf = self.buf.lstrip()
            if self.buf:
                try:
                    obj, end = self.dec.raw_decode(self.buf)
                    self.buf = self.buf[end:]
                    return obj
                except ValueError:
                    pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from ovsdb-server")
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("ovsdb-server closed the connection")
            self.buf += data.decode()

    def call(self, method, params, deadline):
        xid = self.send(method, params)
        while True:
            msg = self.recv(deadline)
            self.handle(msg)
            if msg.get("id") == xid and "result" in msg:
                if msg.get("error"):
                    raise RuntimeError("%s failed: %s" % (method, msg["error"]))
                return msg["result"]

    def handle(self, msg):
        if msg.get("method") == "echo":
            self.sock.sendall(json.dumps({"result": msg["params"],
                                          "error": None,
                                          "id": msg["id"]}).encode())
        elif msg.get("method") == "update":
            self.note_cfg(msg["params"][1])

    def note_cfg(self, updates):
        for row in updates.get("Open_vSwitch", {}).values():
            new = row.get("new", {})
            if "cur_cfg" in new:
                self.cur_cfg = new["cur_cfg"]

    def transact(self, ops, deadline):
        """Runs 'ops' with next_cfg incremented, then waits until the switch
        reports cur_cfg >= the new next_cfg.  Returns the ops' results."""
        ops = ops + [
            {"op": "mutate", "table": "Open_vSwitch", "where": [],
             "mutations": [["next_cfg", "+=", 1]]},
            {"op": "select", "table": "Open_vSwitch", "where": [],
             "columns": ["next_cfg"]}]
        result = self.call("transact", ["Open_vSwitch"] + ops, deadline)
        for r in result:
            if r is not None and "error" in r:
                raise RuntimeError("transaction failed: %s" % result)
        want = result[-1]["rows"][0]["next_cfg"]
        while self.cur_cfg is None or self.cur_cfg < want:
            self.handle(self.recv(deadline))
        return result


def main():
    path, bridge, port = sys.argv[1], sys.argv[2], sys.argv[3]
    n, ofport, final = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    deadline = time.monotonic() + float(sys.argv[7])

    db = Db(path)
    mon = db.call("monitor", ["Open_vSwitch", None,
                              {"Open_vSwitch": {"columns": ["cur_cfg"]}}],
                  deadline)
    db.note_cfg(mon)
    sel = db.call("transact", ["Open_vSwitch",
                               {"op": "select", "table": "Port",
                                "where": [["name", "==", port]],
                                "columns": ["_uuid"]}], deadline)
    rows = sel[0]["rows"]
    if len(rows) != 1:
        sys.exit("no port %s" % port)
    port_uuid = rows[0]["_uuid"][1]

    start = time.monotonic()
    done = 0
    for i in range(n):
        if time.monotonic() > deadline:
            break
        db.transact([{"op": "mutate", "table": "Bridge",
                      "where": [["name", "==", bridge]],
                      "mutations": [["ports", "delete",
                                     ["uuid", port_uuid]]]}], deadline)
        req = final if i == n - 1 else ofport
        res = db.transact([
            {"op": "insert", "table": "Interface", "uuid-name": "i",
             "row": {"name": port, "type": "dummy", "ofport_request": req}},
            {"op": "insert", "table": "Port", "uuid-name": "p",
             "row": {"name": port, "interfaces": ["named-uuid", "i"]}},
            {"op": "mutate", "table": "Bridge",
             "where": [["name", "==", bridge]],
             "mutations": [["ports", "insert", ["named-uuid", "p"]]]}],
            deadline)
        port_uuid = res[1]["uuid"][1]
        done += 1
    print("flaps=%d seconds=%.2f" % (done, time.monotonic() - start))
    if done < n:
        sys.exit("only %d of %d flaps in the time allowed" % (done, n))


if __name__ == "__main__":
    main()
