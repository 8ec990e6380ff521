#!/usr/bin/env python3
"""Mutation fuzzing of bundles read in place.

Usage: bundle_mutate.py GAVEL BUNDLE DATA N [SEED]

Sets one byte of BUNDLE's payload at a time (to 0x00, 0xff, 0x7f, 0x80,
0x01, a flip or an increment), recomputes the XXH3 checksum so the reader
goes past it, and runs `GAVEL validate -r MUTANT -d DATA` on each of N
mutants. Every mutant must be refused (exit 5) or evaluated (0, 19, 255,
101) without a signal, a sanitizer report or a hang; run it with the
ASan/UBSan build (`make check` leaves one in build-san/). Prints the bad
mutants and keeps them next to the mutant file. Not part of `make test`
(minutes under the sanitizers); see docs/bundles.md.
"""
import ctypes
import os
import random
import struct
import subprocess
import sys
import tempfile

HEADER = 40  # magic, version, isa, count, reserved, payload size, checksum at 32


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    gavel, bundle, data, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rnd = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 7)
    raw = open(bundle, 'rb').read()
    xx = ctypes.CDLL('libxxhash.so.0')
    xx.XXH3_64bits.restype = ctypes.c_uint64
    xx.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    out = tempfile.mkdtemp(prefix='gv-bundle-mutate-')
    path = os.path.join(out, 'm.gvb')
    bad = 0
    for k in range(n):
        b = bytearray(raw)
        pos = rnd.randrange(HEADER, len(b))
        b[pos] = rnd.choice([0, 0xff, 0x7f, 0x80, 1, b[pos] ^ 0x55, (b[pos] + 1) & 0xff])
        payload = bytes(b[HEADER:])
        struct.pack_into('<Q', b, 32, xx.XXH3_64bits(payload, len(payload)))
        with open(path, 'wb') as f:
            f.write(b)
        try:
            r = subprocess.run([gavel, 'validate', '-r', path, '-d', data], capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            print('hang: byte %d' % pos)
            bad += 1
            continue
        err = r.stderr.decode('utf-8', 'replace')
        if r.returncode not in (0, 5, 19, 101, 255) or 'Sanitizer' in err or 'runtime error' in err:
            print('bad: byte %d, exit %d: %s' % (pos, r.returncode, err[:300]))
            with open(os.path.join(out, 'bad-%d.gvb' % k), 'wb') as f:
                f.write(b)
            bad += 1
    print('%d mutants, %d bad (%s)' % (n, bad, out))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
