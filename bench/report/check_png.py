"""Checks that a PNG screenshot shows a page, not a blank or broken one.

    check_png.py FILE WIDTH HEIGHT

Decodes the PNG with the standard library only (8-bit RGB/RGBA, no interlace, as Chromium
writes them) and requires the asked size, at least 64 distinct colours and at least 3% of pixels
that differ from the most common (background) colour.
"""
import struct
import sys
import zlib
from collections import Counter


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit(f"{path}: unsupported PNG layout (depth {depth}, colour type {colour}, interlace {interlace})")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    path, want_width, want_height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    width, height, channels, rows = read_png(path)
    if (width, height) != (want_width, want_height):
        sys.exit(f"{path}: {width}x{height}, expected {want_width}x{want_height}")
    colours = Counter()
    for row in rows[::4]:  # every fourth row is plenty for a page
        for x in range(0, width * channels, channels * 2):
            colours[row[x:x + 3]] += 1
    total = sum(colours.values())
    background = colours.most_common(1)[0][1]
    ink = 1 - background / total
    print(f"{path}: {width}x{height}, {len(colours)} colours, {ink:.1%} of pixels off the background")
    if len(colours) < 64 or ink < 0.03:
        sys.exit(f"{path}: looks blank or broken")


main()
