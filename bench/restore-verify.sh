#!/usr/bin/env bash
# Restore and verify benchmark (issue 4). In one run, on one storage backup of the ~640 MiB "media" set:
#   - `archivist restore storage <id> --target X --yes`  beside  `cat parts | zstd -d -c | tar -x -C Y` (the same archive),
#     RUNS times each, interleaved; medians and their ratio (target <= 1.2);
#   - `archivist verify <id>` (deep: part checksums, whole archive, every file against the index) in MiB/s of archive
#     bytes and of content bytes;
#   - peak RSS of both Archivist commands via /usr/bin/time -v.
#
#   bench/restore-verify.sh          # RUNS=3
#   RUNS=5 bench/restore-verify.sh
#
# Data: bench/data/media (shared with bench/run-all, bench/storage-backup.sh and bench/jvm-floor.sh) if present; otherwise generated
# deterministically (120 x 4 MiB random, 3,000 x 40 KiB text, 20,000 x 2 KiB, in ~200 folders) by bench/gen-files.py,
# or by the fallback generator below when that script is absent. Needs zstd, tar, python3, GNU time, a JDK and Maven.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-3}"
data="$here/bench/data"
src="$data/media"
out="$here/bench/out/restore-verify"
archivist="$here/bin/archivist"

source "$here/bench/tools.sh"
need_tools zstd tar python3 awk /usr/bin/time
remove_on_exit "$out"   # KEEP_OUT=1 keeps the outputs
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"; }
rss_of() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# ---- 1. the data set (deterministic, cached) -------------------------------------------------------------------------
if [ ! -d "$src" ]; then
  mkdir -p "$data"
  echo "bench: generating $src (~640 MiB)..." >&2
  if [ -f "$here/bench/gen-files.py" ]; then
    python3 "$here/bench/gen-files.py" media "$src.tmp"
  else
    python3 - "$src.tmp" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(20261128)
words = "backup restore archive photo video document invoice report meeting notes draft final order payment".split()
def text(size):
    out, n = [], 0
    while n < size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(5, 14))) + f" {rng.randint(0, 10**6)}\n"
        out.append(line); n += len(line)
    return "".join(out).encode()[:size]
def write(rel, data):
    p = os.path.join(root, rel); os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(data)
for i in range(120): write(f"videos/v{i % 10:02d}/clip-{i:04d}.mp4", rng.randbytes(4 << 20))
for i in range(3000): write(f"documents/d{i % 40:02d}/report-{i:05d}.txt", text(40 << 10))
for i in range(20000): write(f"thumbs/t{i % 150:03d}/thumb-{i:05d}.jpg", rng.randbytes(1024) + text(1024))
PY
  fi
  mv "$src.tmp" "$src"
fi
content_bytes=$(find "$src" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$src" -type f | wc -l)

"$archivist" --version >/dev/null   # builds the jar (and CDS archive) once, outside the timings
source "$here/bench/jar-guard.sh"
jar_guard_start

# ---- 2. one storage backup ---------------------------------------------------------------------------------------------
rm -rf "$out"; mkdir -p "$out"
run_env=(env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 STORAGE_PATH="$src" BACKUP_DIR="$out/b" DATABASE_URL="$out/none.db"
         JSON_LOGS=false LOG_LEVEL=WARN BACKUP_COMPRESSION=zstd)
"${run_env[@]}" "$archivist" backup storage --no-rotate --json >"$out/backup.json"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$out/backup.json")
mapfile -t parts < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); [print(sys.argv[2] + "/" + p["path"]) for p in m["parts"]]' "$out/backup.json" "$out/b/storage")
archive_bytes=$(cat "${parts[@]}" | wc -c)
cat "${parts[@]}" >/dev/null   # both sides start with the archive in the page cache
printf 'backup %s: %d files, %.1f MiB content, %.1f MiB archive in %d part(s)\n' "$id" "$files" \
  "$(awk -v b="$content_bytes" 'BEGIN {print b / 1048576}')" "$(awk -v b="$archive_bytes" 'BEGIN {print b / 1048576}')" "${#parts[@]}"

# ---- 3. measure, interleaved -------------------------------------------------------------------------------------------
a_walls=(); s_walls=(); v_walls=(); a_rss=0; v_rss=0
for i in $(seq 1 "$runs"); do
  rm -rf "$out/x"
  /usr/bin/time -v -o "$out/time-restore.txt" "${run_env[@]}" "$archivist" restore storage "$id" --target "$out/x" --yes >"$out/restore.out"
  jar_guard_check "archivist restore storage --target"
  a_walls+=("$(wall_of "$out/time-restore.txt")"); r=$(rss_of "$out/time-restore.txt"); [ "$r" -gt "$a_rss" ] && a_rss=$r

  rm -rf "$out/y"; mkdir -p "$out/y"
  /usr/bin/time -v -o "$out/time-stock.txt" sh -c 'cat "$@" | zstd -q -d -c | tar -x -C "'"$out/y"'"' sh "${parts[@]}"
  s_walls+=("$(wall_of "$out/time-stock.txt")")

  /usr/bin/time -v -o "$out/time-verify.txt" "${run_env[@]}" "$archivist" verify "$id" >"$out/verify.out"
  jar_guard_check "archivist verify"
  v_walls+=("$(wall_of "$out/time-verify.txt")"); r=$(rss_of "$out/time-verify.txt"); [ "$r" -gt "$v_rss" ] && v_rss=$r
  printf 'run %d: restore %.2f s, zstd|tar %.2f s, verify %.2f s\n' "$i" "${a_walls[-1]}" "${s_walls[-1]}" "${v_walls[-1]}"
done
if ! diff -r --no-dereference "$out/x" "$out/y" >/dev/null; then
  echo "bench: the restored tree differs from what tar extracted" >&2; exit 1
fi
a=$(printf '%s\n' "${a_walls[@]}" | median); s=$(printf '%s\n' "${s_walls[@]}" | median); v=$(printf '%s\n' "${v_walls[@]}" | median)
echo
printf 'restore storage --target (median): %.2f s   (peak RSS %d MiB; includes JVM start, checksum check, index comparison)\n' "$a" $(( a_rss / 1024 ))
printf 'cat parts | zstd -d | tar -x:       %.2f s\n' "$s"
printf 'ratio archivist/stock:              %.2f   (target <= 1.2)\n' "$(awk -v a="$a" -v s="$s" 'BEGIN {print a / s}')"
printf 'verify (deep, median):              %.2f s = %.0f MiB/s of archive, %.0f MiB/s of content   (peak RSS %d MiB)\n' "$v" \
  "$(awk -v b="$archive_bytes" -v t="$v" 'BEGIN {print b / 1048576 / t}')" "$(awk -v b="$content_bytes" -v t="$v" 'BEGIN {print b / 1048576 / t}')" $(( v_rss / 1024 ))
echo "($(nproc) cores; RUNS=$runs)"
