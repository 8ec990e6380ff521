#!/usr/bin/env python3
"""Benchmark driver behind bench/run.sh: gavel against cfn-guard 3.1.1 on the
templates of bench/gen_templates.py with all Control Tower rules.

For every size and output mode it runs gavel and cfn-guard on the same file
with the same rules, alternating (gavel, cfn-guard, gavel, cfn-guard, ...),
REPS times each, and records per run the wall time, the CPU time (user+sys)
and the peak RSS (wait4's ru_maxrss). Before the timed runs gavel runs once
untimed (warm-up; its output is counted and its exit code checked).
cfn-guard is skipped ("—") at sizes where one run is predicted (linearly from
the smaller sizes) to exceed --cfn-budget seconds, and once it has timed out.
Every run is killed after --timeout seconds.

Prints a Markdown table and writes it to --results.
Standard library only.
"""
import argparse
import json
import os
import shutil
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

MODES = {
    # name: (gavel/cfn-guard arguments after -r RULES -d FILE, description)
    "structured": (["-z", "-o", "json", "-S", "none"], "`-z -o json -S none` (structured JSON)"),
    "text": (["-S", "none"], "`-S none` (default text report of the failures)"),
}
OK_CODES = (0, 19)   # all pass/skip, some rule failed


def limit_memory(mb):
    """An address-space limit of mb MiB for every run: set on this process
    and inherited (a preexec_fn would make Python fork itself instead of
    spawning, and a wrapper would cost an exec per run)."""
    if mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))


TIME = "/usr/bin/time"
RSS_TAG = "@@bench-rss-kb "


def measure_rss(argv):
    """argv started by GNU time, which reports the peak RSS of what it runs.
    The kernel keeps the largest resident size a process had before exec
    (ru_maxrss survives exec), so a child spawned from Python reports at
    least the interpreter's ~16 MB; time(1) is small."""
    if not os.access(TIME, os.X_OK):
        return argv
    return [TIME, "-f", "\n" + RSS_TAG + "%M"] + argv


def rss_reported(err, fallback_kb):
    """The peak RSS time(1) appended to stderr (removed from it), else fallback_kb."""
    i = err.rfind(RSS_TAG)
    if i < 0:
        return fallback_kb, err
    try:
        kb = int(err[i + len(RSS_TAG):].split()[0])
    except (ValueError, IndexError):
        return fallback_kb, err
    err = err[:i].rstrip("\n")
    lines = err.split("\n")
    if lines and lines[-1].startswith(("Command exited with non-zero status", "Command terminated by signal")):
        err = "\n".join(lines[:-1])  # time(1)'s own note about the exit
    return kb, err


def run_once(argv, timeout, count_output=False, rss=False):
    """Runs argv; returns dict(wall, cpu, rss_kb, rc, out_bytes, timed_out, stderr).
    stdout goes to /dev/null, or through a pipe when count_output (to count it).
    With rss the run goes through time(1), which reports the peak RSS (and costs
    a fork and exec of its own, ~2 ms: a run timed for speed does without it,
    rss_kb None)."""
    errf = tempfile.TemporaryFile()
    stdout = subprocess.PIPE if count_output else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.Popen(measure_rss(argv) if rss else argv, stdout=stdout, stderr=errf,
                         stdin=subprocess.DEVNULL)
    killed = []

    def kill():
        killed.append(True)
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    nbytes = 0
    if count_output:
        while True:
            chunk = p.stdout.read(1 << 20)
            if not chunk:
                break
            nbytes += len(chunk)
        p.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    errf.seek(0, os.SEEK_END)
    errf.seek(max(0, errf.tell() - 400))
    err = errf.read().decode("utf-8", "replace")
    errf.close()
    rss_kb, err = rss_reported(err, ru.ru_maxrss) if rss else (None, err)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kb": rss_kb,
            "rc": p.returncode, "out_bytes": nbytes, "timed_out": bool(killed), "stderr": err}


def fmt_s(x):
    if x is None:
        return "—"
    if x < 0.01:
        return "%.1f ms" % (x * 1e3)
    if x < 1:
        return "%.0f ms" % (x * 1e3)
    return "%.2f s" % x


def fmt_mb(kb):
    return "—" if kb is None else "%.0f MB" % (kb / 1024.0) if kb >= 10240 else "%.1f MB" % (kb / 1024.0)


def fmt_n(x):
    if x is None:
        return "—"
    if x >= 1e6:
        return "%.2f M" % (x / 1e6)
    if x >= 1e3:
        return "%.1f k" % (x / 1e3)
    return "%.0f" % x


class Tool:
    def __init__(self, name, binary):
        self.name = name
        self.binary = binary
        self.hist = {}      # mode -> [(resources, median wall)]
        self.dead = {}      # mode -> why it failed (timeout, exit code): larger sizes are skipped

    def argv(self, rules, data, mode):
        return [self.binary, "validate", "-r", rules, "-d", data] + MODES[mode][0]

    def predict(self, mode, n):
        """One run's time at n resources, extrapolated linearly from the last two
        template sizes measured (the rules-only run counts as size 0)."""
        h = self.hist.get(mode, [])
        if not h:
            return 0.0
        if len(h) == 1:
            n1, t1 = h[0]
            return t1 * n / n1 if n1 else t1
        (n1, t1), (n2, t2) = h[-2], h[-1]
        slope = max((t2 - t1) / max(1, n2 - n1), 0.0)
        return t2 + slope * (n - n2)


def summarize(runs, rss_kb=None):
    """Medians of the runs; the peak RSS of those that measured it (and of
    an untimed run, rss_kb)."""
    ok = [r for r in runs if not r["timed_out"] and r["rc"] in OK_CODES]
    if not ok:
        return None
    rss = [r["rss_kb"] for r in ok if r["rss_kb"] is not None] + ([rss_kb] if rss_kb is not None else [])
    return {"wall": statistics.median(r["wall"] for r in ok),
            "cpu": statistics.median(r["cpu"] for r in ok),
            "rss_kb": max(rss) if rss else 0,
            "runs": len(ok), "rc": ok[-1]["rc"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gavel", required=True)
    ap.add_argument("--cfn-guard", default="")
    ap.add_argument("--rules", required=True)
    ap.add_argument("--gavel-rules", default="",
                    help="what gavel loads instead of --rules (a bundle compiled from them)")
    ap.add_argument("--out", required=True, help="directory holding tmpl-N.json / hook-*.json")
    ap.add_argument("--sizes", default="10,100,1000,10000,100000")
    ap.add_argument("--modes", default="structured")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--cfn-budget", type=float, default=60.0,
                    help="skip cfn-guard where one run is predicted to take longer (seconds)")
    ap.add_argument("--max-total", type=float, default=180.0,
                    help="stop repeating a tool at a size once its runs there add up to this (seconds)")
    ap.add_argument("--mem-limit", type=int, default=16384,
                    help="address-space limit of every run, MB (0: none)")
    ap.add_argument("--hook", default="", help="hook document (also run through both CLIs)")
    ap.add_argument("--hook-bench", default="", help="output of hook_bench (its RESULT line)")
    ap.add_argument("--hook-from", default="", help="'bundle' when hook_bench read the rules from the bundle")
    ap.add_argument("--results", required=True)
    a = ap.parse_args()
    limit_memory(a.mem_limit)

    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    modes = [m for m in a.modes.split(",") if m.strip()]
    for m in modes:
        if m not in MODES:
            sys.exit("bench: unknown mode %s (known: %s)" % (m, ", ".join(MODES)))
    gavel = Tool("gavel", a.gavel)

    def rules_of(t):
        return a.gavel_rules if t is gavel and a.gavel_rules else a.rules
    cfn = Tool("cfn-guard", a.cfn_guard) if a.cfn_guard and os.access(a.cfn_guard, os.X_OK) else None
    if not cfn:
        print("bench: cfn-guard not found (%s): run 'make peers'; measuring gavel only" % a.cfn_guard,
              file=sys.stderr)

    cases = []   # (label, resources, path)
    empty = os.path.join(a.out, "tmpl-0.json")
    with open(empty, "w") as f:
        f.write('{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {}\n}\n')
    cases.append(("0 (rules only)", 0, empty, True))
    if a.hook:
        cases.append(("hook (1 resource)", 1, a.hook, False))
    for n in sizes:
        cases.append(("{:,}".format(n), n, os.path.join(a.out, "tmpl-%d.json" % n), True))

    load0 = os.getloadavg()
    rows = []
    baseline = {}
    for label, n, path, is_template in cases:
        if not os.path.exists(path):
            sys.exit("bench: missing %s (run bench/gen_templates.py)" % path)
        size = os.path.getsize(path)
        for mode in modes:
            tools = [t for t in (gavel, cfn) if t is not None]
            plan = {}
            for t in tools:
                budget = a.cfn_budget if t is cfn else a.timeout
                pred = t.predict(mode, n)
                if mode in t.dead:
                    plan[t.name] = "skipped (%s at a smaller size)" % t.dead[mode]
                elif pred > budget:
                    plan[t.name] = "skipped (predicted %.0f s/run)" % pred
                else:
                    plan[t.name] = None
            print("bench: %-18s %-10s %9d bytes  %s" % (label, mode, size, "; ".join(
                "%s: %s" % (t.name, plan[t.name] or "%d runs%s" % (
                    a.reps, " (predicted %.1f s/run)" % t.predict(mode, n) if t.predict(mode, n) else ""))
                for t in tools)), file=sys.stderr, flush=True)
            runs = {t.name: [] for t in tools}
            total = {t.name: 0.0 for t in tools}
            out_bytes = None
            warm_rss = None
            # warm-up (untimed) when cheap, measuring the output and the peak RSS;
            # otherwise the first timed run of each tool measures them
            if plan["gavel"] is None and gavel.predict(mode, n) < 5:
                w = run_once(gavel.argv(rules_of(gavel), path, mode), a.timeout, count_output=True, rss=True)
                out_bytes, warm_rss = w["out_bytes"], w["rss_kb"]
            for rep in range(a.reps):
                for t in tools:
                    if plan[t.name] is not None or (rep > 0 and total[t.name] >= a.max_total):
                        continue
                    count = t is gavel and out_bytes is None
                    rss = rep == 0 and not (t is gavel and warm_rss is not None)
                    r = run_once(t.argv(rules_of(t), path, mode), a.timeout, count_output=count, rss=rss)
                    if count:
                        out_bytes = r["out_bytes"]
                    runs[t.name].append(r)
                    total[t.name] += r["wall"]
                    bad = r["timed_out"] or r["rc"] not in OK_CODES
                    if bad:
                        why = ("timeout (%.0f s, cpu %.0f s)" % (a.timeout, r["cpu"]) if r["timed_out"]
                               else "exit %d" % r["rc"])
                        t.dead[mode] = why
                        plan[t.name] = why
                        print("bench:   %s: %s%s" % (t.name, why, ": " + r["stderr"].strip()
                                                      if r["stderr"].strip() else ""), file=sys.stderr)
            g = summarize(runs["gavel"], warm_rss)
            c = summarize(runs["cfn-guard"]) if cfn else None
            for t, res in ((gavel, g), (cfn, c)):
                if t is not None and res and is_template:
                    t.hist.setdefault(mode, []).append((n, res["wall"]))
            if g and c and c["rc"] != g["rc"]:
                print("bench:   WARNING exit codes differ: gavel %s, cfn-guard %s" % (g["rc"], c["rc"]),
                      file=sys.stderr)
            if n == 0 and g:
                baseline[mode] = g["wall"]
            rows.append({"label": label, "n": n, "bytes": size, "mode": mode, "gavel": g, "cfn": c,
                         "gavel_out": out_bytes if g else None,
                         "gavel_note": plan["gavel"], "cfn_note": plan.get("cfn-guard")})
            print("bench:   gavel %s   cfn-guard %s" % (
                "%s (cpu %s, %s, %d runs)" % (fmt_s(g["wall"]), fmt_s(g["cpu"]), fmt_mb(g["rss_kb"]), g["runs"])
                if g else plan["gavel"],
                "%s (cpu %s, %s, %d runs)" % (fmt_s(c["wall"]), fmt_s(c["cpu"]), fmt_mb(c["rss_kb"]), c["runs"])
                if c else plan.get("cfn-guard") or "—"), file=sys.stderr, flush=True)
    load1 = os.getloadavg()

    # ---- table
    L = []
    L.append("# gavel vs cfn-guard 3.1.1: all %s Control Tower rule files" % count_rules(a.rules))
    if a.gavel_rules:
        L.append("")
        L.append("gavel loads them precompiled: `%s` (`gavel compile`); cfn-guard parses the sources."
                 % os.path.basename(a.gavel_rules))
    L.append("")
    L.append("%s, %d cores, load average %.1f before / %.1f after; %d repetitions, medians; "
             "cfn-guard skipped (—) where one run was predicted to exceed %.0f s."
             % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count() or 0, load0[0], load1[0], a.reps, a.cfn_budget))
    L.append("")
    for mode in modes:
        L.append("Mode %s: `validate -r RULES -d FILE %s`" % (MODES[mode][1], " ".join(MODES[mode][0])))
    L.append("")
    L.append("| resources | mode | file | gavel | gavel cpu | cfn-guard | cfn-guard cpu | speed-up | "
             "cpu speed-up | gavel RSS | cfn-guard RSS | gavel MB/s | gavel res/s | net MB/s | gavel output |")
    L.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        g, c = r["gavel"], r["cfn"]
        gw = g["wall"] if g else None
        ratio = "%.1f×" % (c["wall"] / gw) if c and gw else "—"
        cratio = "%.1f×" % (c["cpu"] / g["cpu"]) if c and g and g["cpu"] > 0 else "—"
        mbs = rps = net = None
        if gw and r["n"] > 0:
            mbs = r["bytes"] / 1e6 / gw
            rps = r["n"] / gw
            b = baseline.get(r["mode"])
            if b is not None and gw > b * 1.05:
                net = r["bytes"] / 1e6 / (gw - b)
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["label"], r["mode"], fmt_bytes(r["bytes"]), fmt_s(gw) if g else note(r["gavel_note"], "skipped"),
            fmt_s(g["cpu"]) if g else "—",
            fmt_s(c["wall"]) if c else note(r["cfn_note"]), fmt_s(c["cpu"]) if c else "—", ratio, cratio,
            fmt_mb(g["rss_kb"]) if g else "—", fmt_mb(c["rss_kb"]) if c else "—",
            fmt_rate(mbs), fmt_n(rps), fmt_rate(net), fmt_bytes(r["gavel_out"])))
    if a.hook_bench and os.path.exists(a.hook_bench):
        res = parse_result(a.hook_bench)
        if res:
            L.append("")
            L.append("In-process hook case (bench/hook_bench.c, %s): %s rules files %s in %s ms; "
                     "one evaluation of all of them on the hook document: **%s µs** (cpu %s µs, "
                     "median of batches, %s evaluations); rule statuses PASS %s, FAIL %s, SKIP %s."
                     % (os.path.basename(a.hook) if a.hook else "hook document", res.get("files"),
                        "read from the bundle (first read in the process)" if a.hook_from == "bundle"
                        else "parsed and compiled",
                        res.get("load_ms"), res.get("eval_us"), res.get("eval_cpu_us"), res.get("iters"),
                        res.get("pass"), res.get("fail"), res.get("skip")))
    L.append("")
    L.append("Columns: wall-clock medians (gavel, cfn-guard) and CPU user+sys medians; speed-up = "
             "cfn-guard / gavel wall time (cpu speed-up: the same for CPU time); RSS = peak resident set of the process; MB/s and res/s = "
             "template bytes and resources over gavel's wall time, start-up and rule compilation "
             "included; net MB/s subtracts the `0 (rules only)` row (process start + compiling the "
             "rules); gavel output = bytes written to stdout.")
    text = "\n".join(L) + "\n"
    with open(a.results, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.results)[0] + ".json", "w") as f:
        json.dump({"rows": rows, "load": [load0, load1], "reps": a.reps,
                   "host": platform.node()}, f, indent=1, default=str)
    print()
    print(text)


def note(why, dash="—"):
    """Table cell for a tool that has no timing at a size."""
    if not why or why.startswith("skipped"):
        return dash
    return why


def fmt_rate(x):
    if not x:
        return "—"
    return "%.1f" % x if x >= 1 else "%.2f" % x if x >= 0.1 else "%.3f" % x


def fmt_bytes(b):
    if b is None:
        return "—"
    if b >= 1e6:
        return "%.1f MB" % (b / 1e6)
    if b >= 1e3:
        return "%.0f KB" % (b / 1e3)
    return "%d B" % b


def count_rules(d):
    n = 0
    for _, _, fs in os.walk(d):
        n += sum(1 for f in fs if f.endswith(".guard"))
    return n


def parse_result(path):
    for line in open(path):
        if line.startswith("RESULT "):
            return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return None


if __name__ == "__main__":
    main()
