#!/usr/bin/env python3
"""pngstat.py - what a PNG screenshot shows, for QA without PIL.

Usage: pngstat.py FILE [NAME=#RRGGBB ...]

Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's
--screenshot writes) with zlib and the five PNG row filters, and prints

    size WIDTHxHEIGHT
    colors N            distinct colors
    nonwhite PCT        percent of pixels that are not (near) white
    NAME COUNT          pixels within a distance of 48 of each color given

so a test can tell a blank page from one with charts drawn in known colors.
Exits 1 if the file is not such a PNG.
"""
import struct
import sys
import zlib


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if hdr is None:
        raise ValueError("no IHDR")
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG: depth %d type %d interlace %d"
                         % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        ftype = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    try:
        width, height, bpp, rows = decode(sys.argv[1])
    except (OSError, ValueError, zlib.error) as e:
        print("pngstat: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        sys.exit(1)
    want = []
    for arg in sys.argv[2:]:
        name, rgb = arg.split("=", 1)
        rgb = rgb.lstrip("#")
        want.append((name, tuple(int(rgb[k:k + 2], 16) for k in (0, 2, 4))))
    colors, counts, nonwhite = set(), [0] * len(want), 0
    for row in rows:
        for x in range(0, width * bpp, bpp):
            px = (row[x], row[x + 1], row[x + 2])
            colors.add(px)
            if min(px) < 240:
                nonwhite += 1
            for k, (_, c) in enumerate(want):
                if sum((px[j] - c[j]) ** 2 for j in range(3)) <= 48 * 48:
                    counts[k] += 1
    print("size %dx%d" % (width, height))
    print("colors %d" % len(colors))
    print("nonwhite %.1f" % (100.0 * nonwhite / max(1, width * height)))
    for k, (name, _) in enumerate(want):
        print("%s %d" % (name, counts[k]))


if __name__ == "__main__":
    main()
