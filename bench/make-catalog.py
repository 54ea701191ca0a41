#!/usr/bin/env python3
"""Clones one real database backup into a catalog of N backups (for timing `list` and `stats`).

  make-catalog.py BACKUP_DIR N

BACKUP_DIR must hold exactly one database backup made by Archivist. Each clone gets its own id, a hard link to the
data file, and a manifest whose manifest_checksum is recomputed, so every clone also verifies.
"""
import datetime
import glob
import hashlib
import json
import os
import sys

root, n = sys.argv[1], int(sys.argv[2])
db_dir = os.path.join(root, "database")
manifests = [m for m in glob.glob(os.path.join(db_dir, "db_backup_*.json"))]
src = json.load(open(manifests[0]))
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
    with open(os.path.join(db_dir, new_id + ".json"), "w") as f:
        json.dump(m, f, indent=2, ensure_ascii=False)
