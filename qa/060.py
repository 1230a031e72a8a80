#!/usr/bin/env python3
"""060.py - the independent side of QA test 060.

Recomputes what pcp-container-report should say from pmrep's CSV output
of the same archive, and compares.  Percentiles are nearest-rank: of M
values sorted ascending, the P-th is the one of rank ceil(P*M/100).

    060.py full NAMES REPORT.json REPORT.csv RATES.csv RAW.csv HOST.csv MEMLIMIT.tsv
    060.py window NAMES REPORT.json RATES.csv
    060.py live NAMES REPORT.json

NAMES has "style<TAB>instance" lines.  RATES.csv is `pmrep -o csv -P 9`
(counters as rates per second), RAW.csv `pmrep -o csv -r` (raw counters),
HOST.csv hinv.ncpu and mem.physmem, MEMLIMIT.tsv "instance<TAB>value" per
sample from pmval (pmrep 6.0.3 prints 2^64-1 as 0).  Prints one line per
check, "ok" or what differs.
"""
import csv
import json
import sys

U64_MAX = 18446744073709551615.0
NS = 1e9


def nearest_rank(values, p):
    s = sorted(v for v in values if v is not None)
    if not s:
        return None
    return s[-(-p * len(s) // 100) - 1]


def last(values):
    for v in reversed(values):
        if v is not None:
            return v
    return None


def delta(values):
    """increase over the window, across gaps; a decrease is a reset"""
    total, prev = None, None
    for v in values:
        if v is None:
            continue
        if prev is not None:
            d = v - prev if v >= prev else v
            total = d if total is None else total + d
        prev = v
    return total


def load_pmrep(path):
    """(metric, instance or None) -> list of float or None, one per row"""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, cols = rows[0], {}
    for j, name in enumerate(header[1:], 1):
        metric, inst = name, None
        for m in KNOWN:     # instance names may contain '-'
            if name.startswith(m + "-"):
                metric, inst = m, name[len(m) + 1:]
        cols[(metric, inst)] = [
            float(r[j]) if j < len(r) and r[j] not in ("", "N/A") else None
            for r in rows[1:]]
    return cols


KNOWN = ["container.cpu.usage", "container.memory.usage", "container.cpu.limit",
         "container.memory.limit", "container.io.read_bytes",
         "container.io.write_bytes", "container.net.all.in.bytes",
         "container.net.all.out.bytes", "container.cpu.nr_periods",
         "container.cpu.nr_throttled", "container.memory.events.oom_kill",
         "hinv.ncpu", "mem.physmem"]


def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


class Checker:
    def __init__(self):
        self.bad = []

    def eq(self, what, got, want, tol=1e-9):
        if not close(got, want, tol):
            self.bad.append("%s: report %r, expected %r" % (what, got, want))

    def say(self, label):
        print("%s: %s" % (label, "ok" if not self.bad else "; ".join(self.bad)))
        self.bad = []


def names(path):
    with open(path) as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]


def containers(report):
    return {c["name"]: c for c in report["containers"]}


def cpu_series(rates, inst):
    return [None if v is None else v / NS for v in rates.get(("container.cpu.usage", inst), [])]


def check_cpu(ck, c, rates, inst, limits=True):
    cpu = cpu_series(rates, inst)
    ck.eq("samples", c["cpu"]["samples"], sum(v is not None for v in cpu))
    for p, key in ((50, "p50"), (95, "p95"), (100, "max")):
        ck.eq(key, c["cpu"][key], nearest_rank(cpu, p))
    if not limits:
        return
    lim = last(rates.get(("container.cpu.limit", inst), []))
    unlimited = lim is not None and lim < 0
    ck.eq("limit", c["cpu"]["limit"], None if unlimited else lim)
    ck.eq("unlimited", c["cpu"]["unlimited"], unlimited)


def check_memory(ck, c, rates, inst, limits=True):
    mem = rates.get(("container.memory.usage", inst), [])
    ck.eq("samples", c["memory"]["samples"], sum(v is not None for v in mem))
    ck.eq("p95", c["memory"]["p95"], nearest_rank(mem, 95))
    ck.eq("peak", c["memory"]["peak"], nearest_rank(mem, 100))
    if not limits:
        return
    lim = last(rates.get(("container.memory.limit", inst), []))
    unlimited = lim is not None and lim >= U64_MAX
    ck.eq("limit", c["memory"]["limit"], None if unlimited else lim)
    ck.eq("unlimited", c["memory"]["unlimited"], unlimited)


def full(argv):
    styles = names(argv[0])
    with open(argv[1]) as f:
        report = json.load(f)
    rates, raw, host = load_pmrep(argv[3]), load_pmrep(argv[4]), load_pmrep(argv[5])
    with open(argv[6]) as f:
        for line in f:
            inst, value = line.split("\t")
            rates.setdefault(("container.memory.limit", inst), []).append(float(value))
    byname = containers(report)
    ck = Checker()
    print("containers: %s" % ("ok" if sorted(byname) == sorted(i for _, i in styles)
                              else "report has %s" % sorted(byname)))
    for style, inst in styles:
        c = byname.get(inst)
        if c is None:
            print("%s: not in the report" % style)
            continue
        check_cpu(ck, c, rates, inst)
        ck.say("%s cpu" % style)
        periods = delta(raw.get(("container.cpu.nr_periods", inst), []))
        throttled = delta(raw.get(("container.cpu.nr_throttled", inst), []))
        ck.eq("periods", c["cpu"]["periods"], periods)
        ck.eq("throttled", c["cpu"]["throttled_periods"], throttled)
        ck.eq("throttled_pct", c["cpu"]["throttled_pct"],
              100.0 * throttled / periods if periods else None)
        ck.say("%s throttling" % style)
        check_memory(ck, c, rates, inst)
        ck.say("%s memory" % style)
        ck.eq("oom_kills", c["memory"]["oom_kills"],
              delta(raw.get(("container.memory.events.oom_kill", inst), [])))
        ck.say("%s oom kills" % style)
        for key, metric in (("read_peak", "container.io.read_bytes"),
                            ("write_peak", "container.io.write_bytes")):
            ck.eq(key, c["io"][key], nearest_rank(rates.get((metric, inst), []), 100))
        for key, metric in (("in_peak", "container.net.all.in.bytes"),
                            ("out_peak", "container.net.all.out.bytes")):
            ck.eq(key, c["net"][key], nearest_rank(rates.get((metric, inst), []), 100))
        ck.say("%s io and net peaks" % style)
    check_totals(ck, report, styles, rates, raw, host)
    check_real(report, styles)
    check_csv(argv[2], report)


def per_sample_sum(series):
    out = []
    for k in range(max(len(s) for s in series)):
        vals = [s[k] for s in series if k < len(s) and s[k] is not None]
        out.append(sum(vals) if vals else None)
    return out


def check_totals(ck, report, styles, rates, raw, host):
    t = report["totals"]
    insts = [i for _, i in styles]
    # logged once, at the start: a pmcd busy elsewhere may have missed them
    ncpu = last(host.get(("hinv.ncpu", None), []))
    physmem = last(host.get(("mem.physmem", None), []))
    physmem = None if physmem is None else physmem * 1024     # Kbyte
    cpu_lims = [last(rates.get(("container.cpu.limit", i), [])) for i in insts]
    mem_lims = [last(rates.get(("container.memory.limit", i), [])) for i in insts]
    cpu_sum = sum(v for v in cpu_lims if v is not None and v >= 0)
    mem_sum = sum(v for v in mem_lims if v is not None and v < U64_MAX)
    ck.eq("cpus", t["cpus"], ncpu)
    ck.eq("memory", t["memory"], physmem)
    ck.eq("cpu_limit_sum", t["cpu_limit_sum"], cpu_sum)
    ck.eq("cpu_unlimited", t["cpu_unlimited"], sum(v is not None and v < 0 for v in cpu_lims))
    ck.eq("cpu_overcommit", t["cpu_overcommit"], cpu_sum / ncpu if ncpu else None)
    ck.eq("memory_limit_sum", t["memory_limit_sum"], mem_sum)
    ck.eq("memory_unlimited", t["memory_unlimited"],
          sum(v is not None and v >= U64_MAX for v in mem_lims))
    ck.eq("memory_overcommit", t["memory_overcommit"], mem_sum / physmem if physmem else None)
    cpu = per_sample_sum([cpu_series(rates, i) for i in insts])
    mem = per_sample_sum([rates.get(("container.memory.usage", i), []) for i in insts])
    ck.eq("cpu_p95", t["cpu_p95"], nearest_rank(cpu, 95))
    ck.eq("cpu_max", t["cpu_max"], nearest_rank(cpu, 100))
    ck.eq("memory_p95", t["memory_p95"], nearest_rank(mem, 95))
    ck.eq("memory_max", t["memory_max"], nearest_rank(mem, 100))
    ck.eq("oom_kills", t["oom_kills"],
          sum(delta(raw.get(("container.memory.events.oom_kill", i), [])) or 0 for i in insts))
    ck.say("totals and overcommit")


def check_real(report, styles):
    """what the test did to the docker container shows"""
    byname = containers(report)
    for style, inst in styles:
        c = byname[inst]
        if style == "docker":
            print("docker: limits 0.5 CPU and 64 MiB: %s" % (
                "yes" if c["cpu"]["limit"] == 0.5 and c["memory"]["limit"] == 64 << 20
                else "no (%r, %r)" % (c["cpu"]["limit"], c["memory"]["limit"])))
            print("docker: throttled: %s" % ("yes" if (c["cpu"]["throttled_periods"] or 0) > 0
                                             else "no"))
            print("docker: OOM kills: %s" % ("yes" if (c["memory"]["oom_kills"] or 0) >= 1
                                             else "no"))
            print("docker: memory peak within the limit: %s" % (
                "yes" if 0 < c["memory"]["peak"] <= c["memory"]["limit"] else "no"))
            notes = c["notes"]
            print("docker: notes say throttled and OOM kill: %s" % (
                "yes" if any(n.startswith("throttled") for n in notes) and
                any("OOM kill" in n for n in notes) else "no (%s)" % notes))
        else:
            print("%s: unlimited: %s" % (style, "yes" if c["cpu"]["unlimited"] and
                                         c["memory"]["unlimited"] else "no"))


CSV_TOL = {"cpu_p50": 1e-6, "cpu_p95": 1e-6, "cpu_max": 1e-6, "cpu_limit": 1e-6,
           "cpu_headroom": 1e-6}


def check_csv(path, report):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    with open(path, newline="") as f:
        widths = {len(r) for r in csv.reader(f)}
    kinds = [r["kind"] for r in rows]
    print("csv: %s" % ("parses, %d containers and a total" % kinds.count("container")
                       if widths == {33} and kinds[-1] == "total" else
                       "fields per row %s, kinds %s" % (widths, kinds)))
    byname, bad = containers(report), []

    def num(s):
        return None if s in ("", "unlimited") else float(s)

    for r in rows:
        if r["kind"] == "total":
            c, pairs = report["totals"], [("cpu_p95", "cpu_p95"), ("cpu_max", "cpu_max"),
                                          ("cpu_limit", "cpu_limit_sum"),
                                          ("mem_limit_bytes", "memory_limit_sum"),
                                          ("host_cpus", "cpus"),
                                          ("host_memory_bytes", "memory")]
            got = {k: num(r[k]) for k, _ in pairs}
            for k, j in pairs:
                if not close(got[k], c[j], 1e-6):
                    bad.append("total %s %r != %r" % (k, got[k], c[j]))
            continue
        c = byname.get(r["container"], {})
        pairs = [("cpu_p50", c["cpu"]["p50"]), ("cpu_p95", c["cpu"]["p95"]),
                 ("cpu_max", c["cpu"]["max"]), ("cpu_limit", c["cpu"]["limit"]),
                 ("mem_p95_bytes", c["memory"]["p95"]), ("mem_peak_bytes", c["memory"]["peak"]),
                 ("mem_limit_bytes", c["memory"]["limit"]),
                 ("oom_kills", c["memory"]["oom_kills"]),
                 ("cpu_throttled_periods", c["cpu"]["throttled_periods"])]
        for k, want in pairs:
            if not close(num(r[k]), want, CSV_TOL.get(k, 1e-9)):
                bad.append("%s %s %r != %r" % (r["container"], k, r[k], want))
        if (r["cpu_limit"] == "unlimited") != c["cpu"]["unlimited"]:
            bad.append("%s cpu_limit %r" % (r["container"], r["cpu_limit"]))
    print("csv: agrees with json: %s" % ("ok" if not bad else "; ".join(bad)))


def window(argv):
    styles = names(argv[0])
    with open(argv[1]) as f:
        report = json.load(f)
    rates = load_pmrep(argv[2])
    byname, ck = containers(report), Checker()
    for style, inst in styles:
        check_cpu(ck, byname[inst], rates, inst, limits=False)
        check_memory(ck, byname[inst], rates, inst, limits=False)
        ck.say("window %s cpu and memory" % style)


def live(argv):
    styles = names(argv[0])
    with open(argv[1]) as f:
        report = json.load(f)
    got = sorted(containers(report))
    print("live: %d samples, %s" % (report["samples"], "the 3 containers"
                                    if got == sorted(i for _, i in styles) else got))


if __name__ == "__main__":
    {"full": full, "window": window, "live": live}[sys.argv[1]](sys.argv[2:])
