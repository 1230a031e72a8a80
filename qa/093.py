#!/usr/bin/env python3
"""093.py - the checking side of QA test 093 (hostile names through pmcd).

    093.py MANIFEST

MANIFEST has one line per ad-hoc container the test made:
    tag<TAB>kind<TAB>hex(cgroup path, no leading /)<TAB>hex(raw name)<TAB>hex(ifname) or -
kind is "ctr" (a container: LXC or nspawn, named by the raw name) or "none"
(a cgroup that must not be an instance).  Waits (20 s at most) until every
"ctr" path is an instance, then prints one line per check: what the
instance is called (the escaping is recomputed here: printable ASCII but
space, '"', "'" and '\\' kept, every other byte \\xHH, cut to 255 bytes
never inside an escape), whether container.info.cgroup gives the path back
byte for byte, pids.current, whether every label set is valid JSON, and
the same for the interface of a container with IFNAME.  Instance names of
every container and interface must be printable and distinct.
"""
import json
import re
import subprocess
import sys
import time

LINE = re.compile(rb'^\s+inst \[(\d+) or "([^"]*)"\] (value|labels) (.*)$')
NAME_OK = re.compile(r'^([!#-&(-\[\]-~]|\\x[0-9a-f]{2})+$')


def escape(raw):
    out = []
    for c in raw:
        if 0x20 < c < 0x7f and c not in b'"\'\\':
            out.append(chr(c))
        else:
            out.append('\\x%02x' % c)
    return ''.join(out)


def cut(name, limit=255):
    if len(name) <= limit:
        return name
    k = limit
    for i in range(k - 3, k):
        if name[i] == '\\':
            k = i
            break
    return name[:k]


def pminfo(*args):
    """{metric: {inst: (name, kind, rest)}} of a pminfo run, as bytes."""
    out = subprocess.run(['pminfo'] + list(args), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout
    res, metric = {}, None
    for line in out.split(b'\n'):
        if line.startswith(b'container.'):
            metric = line.decode()
            res.setdefault(metric, {})
            continue
        m = LINE.match(line)
        if m and metric:
            res[metric].setdefault(int(m.group(1)), {})[m.group(3).decode()] = \
                (m.group(2).decode('ascii', 'replace'), m.group(4))
    return res


def string_value(v):
    return v[1:-1] if v.startswith(b'"') and v.endswith(b'"') else None


def label_check(entry):
    """'labels valid' or why not, for one instance's pminfo entry."""
    if 'labels' not in entry:
        return None, 'no labels'
    try:
        labels = json.loads(entry['labels'][1].decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as e:
        return None, 'labels not JSON (%s)' % e
    return labels, 'labels valid JSON'


def main():
    entries = []
    with open(sys.argv[1]) as f:
        for line in f:
            tag, kind, rel, raw, ifn = line.rstrip('\n').split('\t')
            entries.append((tag, kind, bytes.fromhex(rel), bytes.fromhex(raw),
                            None if ifn == '-' else bytes.fromhex(ifn)))
    want = {b'/' + e[2] for e in entries if e[1] == 'ctr'}
    for _ in range(40):
        ctr = pminfo('-fl', 'container.info.cgroup', 'container.pids.current')
        paths = {string_value(e['value'][1]): i
                 for i, e in ctr.get('container.info.cgroup', {}).items() if 'value' in e}
        net = pminfo('-fl', 'container.net.in.bytes').get('container.net.in.bytes', {})
        nets = {e['value'][0] for e in net.values() if 'value' in e}
        netwant = {cut(escape(e[3])) + '::' + escape(e[4]) for e in entries if e[4]}
        if want <= set(paths) and netwant <= nets:
            break
        time.sleep(0.5)

    cg = ctr.get('container.info.cgroup', {})
    pids = ctr.get('container.pids.current', {})
    for tag, kind, rel, raw, ifn in entries:
        path = b'/' + rel
        inst = paths.get(path)
        if kind == 'none':
            print('%s: %s' % (tag, 'not an instance' if inst is None else
                              'instance %r' % cg[inst]['value'][0]))
            continue
        if inst is None:
            print('%s: no instance' % tag)
            continue
        name = cg[inst]['value'][0]
        expect = cut(escape(raw))
        res = ['name as escaped' if name == expect else
               'name %r, expected %r' % (name, expect)]
        res.append('cgroup round-trips' if string_value(cg[inst]['value'][1]) == path
                   else 'cgroup %r' % cg[inst]['value'][1])
        pv = pids.get(inst, {}).get('value', (None, b'?'))[1]
        res.append('pids.current %s' % pv.decode())
        labels, msg = label_check(cg[inst])
        if labels is not None and labels.get('engine') not in ('lxc', 'nspawn'):
            msg += ', engine %r' % labels.get('engine')
        res.append(msg)
        print('%s: %s' % (tag, ', '.join(res)))
        if ifn is None:
            continue
        iname = expect + '::' + escape(ifn)
        found = [e for e in net.values() if e.get('value', ('',))[0] == iname]
        if not found:
            print('%s::IF: no interface instance %r' % (tag, iname))
            continue
        labels, msg = label_check(found[0])
        if labels is not None:
            msg += ', interface label %s' % ('as escaped' if labels.get('interface') ==
                                             escape(ifn) else repr(labels.get('interface')))
        print('%s::IF: interface instance as escaped, %s' % (tag, msg))

    bad, seen_names, seen_insts = 0, {}, set()
    for metric, table in (('container', cg), ('interface', net)):
        for i, e in table.items():
            n = e.get('value', e.get('labels'))[0]
            if not NAME_OK.match(n):
                bad += 1
                print('%s instance %d: name %r is not printable and escaped' % (metric, i, n))
            if (metric, n) in seen_names:
                print('%s instance name %r twice' % (metric, n))
            seen_names[(metric, n)] = i
            seen_insts.add((metric, i))
    print('all instance names printable, escaped and distinct' if bad == 0 else
          '%d bad instance names' % bad)


if __name__ == '__main__':
    main()
