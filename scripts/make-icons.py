#!/usr/bin/env python3
"""Draws the extension's icons (extension/icons/icon-N.png) with the standard
library only: a rounded blue square with a white "L" and a green tick mark.
Run once when the design changes; the PNGs are committed."""
import struct, zlib, os

def png(size, pixels):
    raw = b''.join(b'\x00' + bytes(sum(pixels[y * size:(y + 1) * size], ())) for y in range(size))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) + \
        chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')

def seg(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5

def draw(n):
    S = 4  # supersampling for smooth edges
    N = n * S
    r = 0.22 * N
    out = []
    for y in range(n):
        for x in range(n):
            acc = [0, 0, 0, 0]
            for sy in range(S):
                for sx in range(S):
                    px, py = x * S + sx + 0.5, y * S + sy + 0.5
                    # rounded square
                    cx = min(max(px, r), N - r); cy = min(max(py, r), N - r)
                    if (px - cx) ** 2 + (py - cy) ** 2 > r * r:
                        continue
                    col = (29, 78, 216)
                    u, v = px / N, py / N
                    if (0.24 <= u <= 0.40 and 0.18 <= v <= 0.80) or (0.24 <= u <= 0.62 and 0.66 <= v <= 0.80):
                        col = (255, 255, 255)
                    # a green tick at the top right
                    if min(seg(u, v, 0.56, 0.33, 0.65, 0.44), seg(u, v, 0.65, 0.44, 0.82, 0.20)) < 0.045:
                        col = (74, 222, 128)
                    acc[0] += col[0]; acc[1] += col[1]; acc[2] += col[2]; acc[3] += 255
            k = S * S
            a = acc[3] // k
            out.append((acc[0] // max(1, acc[3] // 255), acc[1] // max(1, acc[3] // 255), acc[2] // max(1, acc[3] // 255), a) if a else (0, 0, 0, 0))
    return out

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'extension', 'icons')
os.makedirs(root, exist_ok=True)
for n in (16, 32, 48, 128):
    with open(os.path.join(root, f'icon-{n}.png'), 'wb') as f:
        f.write(png(n, draw(n)))
