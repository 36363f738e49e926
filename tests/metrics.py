#!/usr/bin/python3
"""metrics.py: ofguard's metrics read by a real Prometheus parser
(prometheus_client's, for the text exposition format 0.0.4), for
tests/metrics.test.

  metrics.py samples FILE
      Parses FILE ("-" for standard input) and prints one line per sample,
      "NAME{LABEL="VALUE",...} VALUE", labels sorted, values as the parser
      read them.  Fails if the parser refuses the text, if a family has no
      HELP or TYPE line, or if two samples have the same name and labels
      (Prometheus would refuse the scrape).

  metrics.py watch FILE SECONDS
      Reads FILE over and over for SECONDS (or until FILE.stop exists), as
      fast as it can, while it is
      being replaced: every read must be a whole file (it parses, and has
      the families of the first read).  Prints "reads=N versions=N
      hashes=N" (versions: how many times the file read was another than
      the one before, by inode and modification time; hashes: how many
      distinct ofguard_config_info sha256 labels).  Fails on the first bad
      read, which it saves as FILE.bad.
"""

import os
import sys
import time

from prometheus_client.parser import text_string_to_metric_families


def parse(text):
    """Returns the families of 'text'; raises ValueError if they are not
    well formed."""
    families = list(text_string_to_metric_families(text))
    seen = set()
    for family in families:
        if family.type not in ("counter", "gauge"):
            raise ValueError("%s: type %s (no TYPE line?)"
                             % (family.name, family.type))
        if not family.documentation:
            raise ValueError("%s: no HELP line" % family.name)
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            if key in seen:
                raise ValueError("duplicate sample %s" % (key,))
            seen.add(key)
    return families


def format_value(value):
    if value == int(value):
        return "%d" % value
    return repr(value)


def escape(value):
    """The label value escaped as in the text format, so that each sample
    stays on one line."""
    return (value.replace("\\", "\\\\").replace('"', '\\"')
            .replace("\n", "\\n"))


def samples(path):
    text = sys.stdin.read() if path == "-" else open(path).read()
    for family in parse(text):
        for sample in family.samples:
            labels = ",".join('%s="%s"' % (k, escape(v))
                              for k, v in sorted(sample.labels.items()))
            print("%s{%s} %s" % (sample.name, labels,
                                 format_value(sample.value)))


def config_hash(families):
    for family in families:
        if family.name == "ofguard_config_info":
            return family.samples[0].labels["sha256"]
    raise ValueError("no ofguard_config_info")


def watch(path, seconds):
    deadline = time.monotonic() + seconds
    reads = 0
    versions = 0
    last = None
    hashes = set()
    names = None
    while (time.monotonic() < deadline
           and not os.path.exists(path + ".stop")):
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            data = f.read()
        reads += 1
        try:
            text = data.decode("utf-8")
            if not text.endswith("\n"):
                raise ValueError("does not end with a newline")
            families = parse(text)
            these = sorted(f.name for f in families)
            if names is None:
                names = these
            elif these != names:
                raise ValueError("families %s, expected %s" % (these, names))
            hashes.add(config_hash(families))
        except Exception as e:
            with open(path + ".bad", "wb") as bad:
                bad.write(data)
            print("read %d (%d bytes) is not a whole file: %s (saved in %s)"
                  % (reads, len(data), e, path + ".bad"))
            return 1
        if (st.st_ino, st.st_mtime_ns) != last:
            versions += 1
            last = (st.st_ino, st.st_mtime_ns)
    print("reads=%d versions=%d hashes=%d" % (reads, versions, len(hashes)))
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "samples":
        try:
            samples(sys.argv[2])
        except ValueError as e:
            print("not valid: %s" % e, file=sys.stderr)
            return 1
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "watch":
        return watch(sys.argv[2], float(sys.argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
