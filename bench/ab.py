#!/usr/bin/env python3
"""A/B timing of gavel binaries: the binaries run one after the other, N
times each, on one template with the Control Tower bundle
(`validate -r bench/out/ct.gvb -d FILE -z -o json -S none`, output to
/dev/null), and the min, first quartile and median wall times are printed.
Alternating cancels most of a shared machine's drift between binaries;
process start (through Python's subprocess) is included.

    python3 bench/ab.py 30 bench/out/tmpl-1000.json /tmp/gavel.old build/gavel
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: ab.py N TEMPLATE GAVEL...")
    n, template, bins = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    bundle = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "ct.gvb")
    times = {b: [] for b in bins}
    with open(os.devnull, "w") as null:
        for _ in range(n):
            for b in bins:
                t = time.perf_counter()
                subprocess.run([b, "validate", "-r", bundle, "-d", template, "-z", "-o", "json", "-S", "none"],
                               stdout=null, check=False)
                times[b].append((time.perf_counter() - t) * 1000)
    for b in bins:
        r = sorted(times[b])
        print("%s: min %.2f p25 %.2f med %.2f ms" % (b, r[0], r[len(r) // 4], statistics.median(r)))


if __name__ == "__main__":
    main()
