#!/usr/bin/env python3
"""Coverage summary of corpus/ct/verdicts.tsv (markdown on stdout).

An input's status for a rule is FAIL if any summary line for it is FAIL,
else PASS if any line is PASS, else SKIP. Forms: hook-* inputs are hook
documents, tmpl-* inputs are templates (.json or .yaml); multi/* inputs are
reported separately.
"""
import collections
import os
import sys

CT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ct")


def main():
    verdicts = collections.defaultdict(set)
    for line in open(os.path.join(CT, "verdicts.tsv")):
        inp, rf, name, st = line.rstrip("\n").split("\t")
        verdicts[(inp, rf, name)].add(st)
    exits = collections.Counter()
    for line in open(os.path.join(CT, "exits.tsv")):
        exits[line.rstrip("\n").split("\t")[2]] += 1

    def overall(sts):
        return "FAIL" if "FAIL" in sts else ("PASS" if "PASS" in sts else "SKIP")

    table = collections.defaultdict(lambda: collections.Counter())
    multi = collections.Counter()
    rules = {}
    for (inp, rf, name), sts in sorted(verdicts.items()):
        st = overall(sts)
        rules.setdefault(rf, set()).add(name)
        if inp.startswith("multi/"):
            multi[st] += 1
            continue
        base = os.path.basename(inp)
        form = "hook" if base.startswith("hook-") else ("yaml" if base.endswith(".yaml") else "json")
        table[(rf, name)][(form, st)] += 1
    out = []
    out.append("| rule file | rule | hook P/F/S | json P/F/S | yaml P/F/S |")
    out.append("|---|---|---|---|---|")
    missing = []
    for (rf, name) in sorted(table):
        c = table[(rf, name)]
        cells = []
        for form in ("hook", "json", "yaml"):
            cells.append("/".join(str(c[(form, s)]) for s in ("PASS", "FAIL", "SKIP")))
        out.append("| %s | %s | %s |" % (rf, name, " | ".join(cells)))
        for form, label in (("hook", "hook"), ("tmpl", "template")):
            forms = ("hook",) if form == "hook" else ("json", "yaml")
            for s in ("PASS", "FAIL", "SKIP"):
                if not any(c[(f, s)] for f in forms):
                    missing.append((rf, name, label, s))
    full = sum(1 for k in table if all(
        any(table[k][(f, s)] for f in fs) for fs in (("hook",), ("json", "yaml")) for s in ("PASS", "FAIL", "SKIP")))
    hdr = ["Rule files with verdicts: %d; rules: %d; rules reaching PASS, FAIL and SKIP in both hook and template form: %d"
           % (len(set(rf for rf, _ in table)), len(table), full),
           "Multi-resource pairs (rule file x template): PASS %d, FAIL %d, SKIP %d"
           % (multi["PASS"], multi["FAIL"], multi["SKIP"]),
           "Exit codes over all pairs: " + ", ".join("%s: %d" % kv for kv in sorted(exits.items())),
           ""]
    # per-form gaps (hook / JSON template / YAML template separately)
    form_missing = []
    for (rf, name) in sorted(table):
        c = table[(rf, name)]
        for form in ("hook", "json", "yaml"):
            for s in ("PASS", "FAIL", "SKIP"):
                if not c[(form, s)]:
                    form_missing.append((rf, name, form, s))
    # input kinds, from the file names (<hook|tmpl>-<status>-<n>-<kind>.<ext>)
    kinds = collections.Counter()
    for inp in set(k[0] for k in verdicts):
        if inp.startswith("multi/"):
            continue
        base = os.path.basename(inp)
        form = "hook" if base.startswith("hook-") else ("yaml" if base.endswith(".yaml") else "json")
        kinds[(base.split("-", 3)[3].rsplit(".", 1)[0], form)] += 1
    panics = [l.rstrip("\n").split("\t") for l in open(os.path.join(CT, "exits.tsv")) if l.rstrip("\n").endswith("\t101")]
    if "--missing" in sys.argv:
        for m in missing:
            print("\t".join(m))
        return
    print("\n".join(hdr))
    print("Statuses not reached:")
    print()
    if missing:
        for m in missing:
            print("- %s `%s`: no %s input reaches %s" % m)
    else:
        print("- none")
    print()
    print("Per form (hook / JSON template / YAML template), statuses not reached:")
    print()
    if form_missing:
        for m in form_missing:
            print("- %s `%s`: no %s input reaches %s" % m)
    else:
        print("- none")
    print()
    print("Inputs by kind (hook / json / yaml):")
    print()
    for k in sorted(set(k for k, _ in kinds)):
        print("- %s: %d / %d / %d" % (k, kinds[(k, "hook")], kinds[(k, "json")], kinds[(k, "yaml")]))
    print()
    print("Pairs where cfn-guard panicked after the summary (exit 101; gavel must exit 19/0 instead):")
    print()
    for p in panics or [["none", "", ""]]:
        print("- %s %s" % (p[0], p[1]))
    print()
    print("\n".join(out))


if __name__ == "__main__":
    main()
