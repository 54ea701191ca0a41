#!/usr/bin/env python3
"""Clones one real database backup into a catalog of N backups (for timing `list` and `stats`).

  make-catalog.py BACKUP_DIR N

BACKUP_DIR must hold exactly one database backup made by Archivist. Each clone gets its own id, a hard link to the
data file, and a manifest whose manifest_checksum is recomputed and whose bytes are laid out as Archivist writes them,
so every clone also verifies.
"""
import datetime
import glob
import hashlib
import json
import os
import sys



def jackson(value, nesting=0):
    """The bytes Archivist writes for a manifest (Jackson's default pretty printer, '\\n' line ends): it checks them."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = "  " * (nesting + 1)
        body = ",\n".join(pad + json.dumps(k, ensure_ascii=False) + " : " + jackson(v, nesting + 1) for k, v in value.items())
        return "{\n" + body + "\n" + "  " * nesting + "}"
    if isinstance(value, list):
        return "[ ]" if not value else "[ " + ", ".join(jackson(v, nesting) for v in value) + " ]"
    return json.dumps(value, ensure_ascii=False)


root, n = sys.argv[1], int(sys.argv[2])
db_dir = os.path.join(root, "database")
manifests = [m for m in glob.glob(os.path.join(db_dir, "db_backup_*.json"))]
raw = open(manifests[0], encoding="utf-8").read()
src = json.loads(raw)
if jackson(src) != raw:
    sys.exit("make-catalog.py: cannot reproduce the layout of " + manifests[0] + " (Archivist checks manifests byte for byte)")
data = os.path.join(db_dir, src["file"])
start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
for i in range(n - 1):
    t = start + datetime.timedelta(hours=6 * i)
    stamp = t.strftime("%Y%m%dT%H%M%S.000Z")
    new_id = f"db_backup_{stamp}"
    m = dict(src)
    ext = src["file"][len(src["id"]):]
    m["id"] = new_id
    m["file"] = new_id + ext
    m["backup_path"] = os.path.join(db_dir, m["file"])
    m["created_at"] = m["timestamp"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    m["parts"] = [dict(src["parts"][0], path=m["file"])]
    m.pop("manifest_checksum", None)
    m["manifest_checksum"] = hashlib.sha256(json.dumps(m, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    target = os.path.join(db_dir, m["file"])
    if not os.path.exists(target):
        os.link(data, target)
    with open(os.path.join(db_dir, new_id + ".json"), "w", encoding="utf-8") as f:
        f.write(jackson(m))
