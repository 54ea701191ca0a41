#!/usr/bin/env python3
"""Deterministic storage data sets for the benchmarks (same bytes on every machine).

  gen-files.py media DIR   ~640 MiB (637 MiB): 120 x 4 MiB random, 3,000 x 40 KiB text, 20,000 x 2 KiB, in 200 folders
  gen-files.py small DIR   100,000 x 1 KiB in 1,000 folders
"""
import os
import random
import sys

WORDS = ("backup restore archive photo video document invoice report quarterly meeting notes draft final "
         "customer order shipment payment account profile session upload thumbnail gallery album").split()


def text(rng, size):
    out = []
    n = 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14))) + f" {rng.randint(0, 10**6)}\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()[:size]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def media(root):
    rng = random.Random(20261128)
    folders = [f"album-{i // 20:02d}/set-{i % 20:02d}" for i in range(200)]
    for i in range(120):
        write(f"{root}/{folders[i % 200]}/video-{i:04d}.mp4", rng.randbytes(4 << 20))
    for i in range(3000):
        write(f"{root}/{folders[(i * 7) % 200]}/doc-{i:05d}.txt", text(rng, 40 << 10))
    for i in range(20000):
        data = text(rng, 2048) if i % 2 else rng.randbytes(2048)
        write(f"{root}/{folders[(i * 13) % 200]}/thumb-{i:05d}.bin", data)


def small(root):
    rng = random.Random(1024)
    for i in range(100000):
        write(f"{root}/d{i % 1000:04d}/f{i:06d}.txt", text(rng, 1024))


if __name__ == "__main__":
    kind, root = sys.argv[1], sys.argv[2]
    {"media": media, "small": small}[kind](root)
