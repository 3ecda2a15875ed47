#!/usr/bin/env python3
# Seeds for fuzz-kallsyms: small kallsyms tables laid out as scripts/kallsyms.c
# writes them (each table 8-aligned), after fuzz_kallsyms.c's 64-byte header.
# Tokens are single characters (kallsyms' table before any pair is merged), so
# a name's entry is its characters' numbers.
#   old: offsets, relative_base, num_syms, names, markers, token_table, token_index (to v6.3)
#   new: num_syms, names, markers, token_table, token_index, offsets, relative_base (v6.4+)
# Usage: make-kallsyms-seeds.py OUTDIR
import os, struct, sys

BASE = 0xffff800010000000

def align8(buf):
    buf += b"\0" * (-len(buf) % 8)

def tables(nsyms, layout, absolute=False):
    tokens = [bytes([i]) if 0x21 <= i <= 0x7e else b"x%02x" % i for i in range(256)]
    names = [("T" if i % 3 else "t") + ("_stext" if i == 7 else "fn_%04d" % i) for i in range(nsyms)]
    text_base = BASE + 0x10000
    addrs = [text_base + 0x40 * i for i in range(nsyms)]
    out = bytearray(64)  # header, filled in below
    loc = {}
    def put(name, data):
        align8(out)
        loc[name] = len(out)
        out.extend(data)
    def names_blob():
        blob, markers = bytearray(), []
        for i, n in enumerate(names):
            if i % 256 == 0:
                markers.append(len(blob))
            blob.append(len(n)); blob.extend(n.encode())
        return bytes(blob), markers
    blob, markers = names_blob()
    token_table = b"".join(t + b"\0" for t in tokens)
    index, off = [], 0
    for t in tokens:
        index.append(off); off += len(t) + 1
    if absolute:
        addr_table = b"".join(struct.pack("<Q", a) for a in addrs)
    else:
        addr_table = b"".join(struct.pack("<I", a - text_base) for a in addrs)
    def put_addresses():
        put("offsets", addr_table)
        if not absolute:
            put("relative_base", struct.pack("<Q", text_base))
    if layout == "old":
        put_addresses()
    put("num_syms", struct.pack("<I", nsyms))
    put("names", blob)
    put("markers", b"".join(struct.pack("<I", m) for m in markers))
    put("token_table", token_table)
    put("token_index", b"".join(struct.pack("<H", i) for i in index))
    if layout == "new":
        put_addresses()
    align8(out)
    fields = ["num_syms", "names", "markers", "token_table", "token_index", "offsets", "relative_base"]
    struct.pack_into("<7I", out, 0, *[loc.get(f, 0) for f in fields])
    out[28] = 1 if absolute else 0
    struct.pack_into("<I", out, 60, addrs[7] - BASE)
    return bytes(out)

outdir = sys.argv[1]
os.makedirs(outdir, exist_ok=True)
for name, args in {"old-600": (600, "old"), "new-600": (600, "new"),
                   "old-abs-300": (300, "old", True), "new-1000": (1000, "new")}.items():
    with open(os.path.join(outdir, "kallsyms-" + name), "wb") as f:
        f.write(tables(*args))
