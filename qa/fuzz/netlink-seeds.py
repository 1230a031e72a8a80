#!/usr/bin/env python3
"""netlink-seeds.py - seed datagrams for fuzz_nl_stats and fuzz_nl_links.

Asks the running kernel (the caller's network namespace) for the two dumps
the library makes: RTM_GETSTATS with IFLA_STATS_LINK_64, and RTM_GETLINK
with RTEXT_FILTER_SKIP_STATS, and writes every datagram received as one
seed file.  Then adds hand-made datagrams for the edges: a dump closed by
NLMSG_DONE carrying an error, an NLMSG_ERROR ack, a message of another
conversation in the middle, a message cut short, and an RTM_NEWLINK with
the peer attributes (IFLA_LINK, IFLA_LINK_NETNSID) that a veth has.

Usage: qa/fuzz/netlink-seeds.py [--kernel] [CORPUSDIR]   (default qa/fuzz/corpus)
Needs no privilege.  The hand-made seeds are rewritten; the kernel's are
recorded only if there are none yet (their counters change from run to
run), or anew with --kernel.
"""
import os
import socket
import struct
import sys

NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_DUMP = 0x1, 0x2, 0x300
RTM_NEWLINK, RTM_GETLINK = 16, 18
RTM_NEWSTATS, RTM_GETSTATS = 92, 94
IFLA_IFNAME, IFLA_LINK, IFLA_EXT_MASK, IFLA_LINK_NETNSID = 3, 5, 29, 37
IFLA_STATS_LINK_64 = 1
RTEXT_FILTER_SKIP_STATS = 1 << 3
SEQ, PORT = 4242, 777   # the hand-made conversation


def align(n):
    return (n + 3) & ~3


def nlmsg(mtype, flags, seq, port, payload):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, port) + \
        payload + b"\0" * (align(len(payload)) - len(payload))


def attr(atype, data):
    return struct.pack("=HH", 4 + len(data), atype) + data + \
        b"\0" * (align(len(data)) - len(data))


def dump(mtype, payload):
    """Every datagram of one dump of the running kernel."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    s.send(nlmsg(mtype, NLM_F_REQUEST | NLM_F_DUMP, 1, 0, payload))
    out = []
    while True:
        d = s.recv(32768)
        out.append(d)
        off, done = 0, False
        while off + 16 <= len(d):
            ln, t = struct.unpack_from("=IH", d, off)
            done |= t in (NLMSG_DONE, NLMSG_ERROR)
            off += align(max(ln, 16))
        if done:
            break
    s.close()
    return out


def stats_msg(ifindex, nfields=26):
    ifsm = struct.pack("=BBHII", 0, 0, 0, ifindex, 1)
    st = struct.pack("=%dQ" % nfields, *range(1, nfields + 1))
    return nlmsg(RTM_NEWSTATS, NLM_F_MULTI, SEQ, PORT, ifsm + attr(IFLA_STATS_LINK_64, st))


def link_msg(ifindex, name, link=None, nsid=None, seq=SEQ):
    ifi = struct.pack("=BBHiII", 0, 0, 1, ifindex, 0, 0)
    a = attr(IFLA_IFNAME, name + b"\0")
    if link is not None:
        a += attr(IFLA_LINK, struct.pack("=I", link))
    if nsid is not None:
        a += attr(IFLA_LINK_NETNSID, struct.pack("=i", nsid))
    return nlmsg(RTM_NEWLINK, NLM_F_MULTI, seq, PORT, ifi + a)


def done(err=0):
    return nlmsg(NLMSG_DONE, NLM_F_MULTI, SEQ, PORT, struct.pack("=i", err))


def error(err):
    req = struct.pack("=IHHII", 32, RTM_GETSTATS, NLM_F_REQUEST | NLM_F_DUMP, SEQ, PORT)
    return nlmsg(NLMSG_ERROR, 0, SEQ, PORT, struct.pack("=i", err) + req)


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    args = sys.argv[1:]
    anew = "--kernel" in args
    args = [a for a in args if a != "--kernel"]
    top = args[0] if args else "qa/fuzz/corpus"
    sd, ld = os.path.join(top, "fuzz_nl_stats"), os.path.join(top, "fuzz_nl_links")

    def recorded(d):
        return os.path.isdir(d) and any(f.startswith("kernel-") for f in os.listdir(d))

    if anew or not recorded(sd):
        for i, d in enumerate(dump(RTM_GETSTATS, struct.pack("=BBHII", 0, 0, 0, 0, 1))):
            write(sd, "kernel-%d" % i, d)
    if anew or not recorded(ld):
        ifi = struct.pack("=BBHiII", 0, 0, 0, 0, 0, 0)
        mask = attr(IFLA_EXT_MASK, struct.pack("=I", RTEXT_FILTER_SKIP_STATS))
        for i, d in enumerate(dump(RTM_GETLINK, ifi + mask)):
            write(ld, "kernel-%d" % i, d)

    write(sd, "two-done", stats_msg(1) + stats_msg(2, 24) + done())
    write(sd, "done-error", stats_msg(3) + done(-95))
    write(sd, "error-ack", error(-22))
    write(sd, "foreign", stats_msg(1) + nlmsg(RTM_NEWSTATS, 0, SEQ + 1, PORT, b"\0" * 12) +
          stats_msg(4) + done())
    write(sd, "short", stats_msg(1)[:60])
    write(ld, "veth-peer", link_msg(1, b"lo") + link_msg(7, b"eth0", link=12, nsid=0) +
          link_msg(9, b'pcu"q', link=3, nsid=-1) + done())
    write(ld, "foreign", link_msg(1, b"lo") + link_msg(2, b"x", seq=SEQ + 1) + done())
    write(ld, "error-ack", error(-1))


if __name__ == "__main__":
    main()
