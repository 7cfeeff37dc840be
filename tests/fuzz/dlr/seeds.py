#!/usr/bin/python3
"""seeds.py TSV DIR: one seed file per receipt text of the golden file TSV (its first
column; '#' lines are comments), written into DIR for the dl_receipt fuzz target."""
import os
import sys


def main(tsv, out):
    os.makedirs(out, exist_ok=True)
    n = 0
    with open(tsv, "rb") as f:
        for line in f:
            if line.startswith(b"#"):
                continue
            text = line.rstrip(b"\r\n").split(b"\t")[0]
            with open(os.path.join(out, "seed-%03d" % n), "wb") as s:
                s.write(text)
            n += 1
    print("%d seeds in %s" % (n, out))
    return 0 if n > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
