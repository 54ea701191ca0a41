#!/usr/bin/env bash
# Database-backup benchmark (issue 2): times `archivist backup database` against the same work done by stock tools
# one after another -- sqlite3 .backup, sqlite3 PRAGMA quick_check, zstd -3 -T0 -- on the same ~500 MiB database in
# the same run. Each side runs RUNS times (default 3), interleaved; the medians are compared.
#
#   bench/db-backup.sh            # generates bench/data/bench.db once (cached), then measures
#   RUNS=5 bench/db-backup.sh
#   BENCH_MIB=100 bench/db-backup.sh   # a smaller database (cached separately)
#
# Targets: wall ratio archivist/stock <= 1.0, Archivist peak RSS <= 300 MiB (JVM included).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-3}"
mib="${BENCH_MIB:-500}"
data="$here/bench/data"
out="$here/bench/out/db"
db="$data/bench-${mib}mib-v1.db"   # bump the suffix when the generator changes

source "$here/bench/tools.sh"
need_tools sqlite3 zstd awk /usr/bin/time
remove_on_exit "$out"   # KEEP_OUT=1 keeps the outputs

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }

# --- 1. the database, generated once, deterministically --------------------------------------------------------
# A mix an application database has: narrow text rows with an index (about 30 %), and 4000-byte blobs, half
# incompressible (seeded pseudo-random bytes) and half compressible text (about 70 %). Content is reproducible:
# the shell's PRNG is seeded (.testctrl prng_seed), so randomblob() yields the same bytes every time.
if [ ! -f "$db" ]; then
  mkdir -p "$data"
  tmp="$db.tmp.$$"
  rm -f "$tmp"
  text_rows=$(( mib * 1024 * 1024 * 3 / 10 / 140 ))   # ~140 bytes per text row including its index entry
  blob_rows=$(( mib * 1024 * 1024 * 7 / 10 / 4030 ))
  echo "bench: generating $db (${mib} MiB: $text_rows text rows, $blob_rows blobs)..." >&2
  t0=$(date +%s.%N)
  sqlite3 "$tmp" >/dev/null <<SQL
.testctrl prng_seed 20261128
PRAGMA page_size = 4096;
PRAGMA journal_mode = WAL;
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, created_at TEXT NOT NULL, note TEXT);
CREATE TABLE attachments (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, name TEXT, content BLOB);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $text_rows)
INSERT INTO events (kind, created_at, note)
SELECT CASE x % 5 WHEN 0 THEN 'login' WHEN 1 THEN 'upload' WHEN 2 THEN 'comment' WHEN 3 THEN 'payment' ELSE 'logout' END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + x * 37, 'unixepoch'),
       printf('user %d did %s on item %d (session %08x)', x % 9973, 'thing ' || (x % 17), x * 7 % 100003, x * 2654435761 % 4294967296)
FROM c;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $blob_rows)
INSERT INTO attachments (event_id, name, content)
SELECT x * 13 % $text_rows + 1, printf('file-%06d.bin', x),
       CASE WHEN x % 2 = 0 THEN randomblob(4000)
            ELSE CAST(substr(replace(hex(zeroblob(400)), '00', printf('line %d of a compressible report. ', x)), 1, 4000) AS BLOB) END
FROM c;
COMMIT;
CREATE INDEX events_by_kind_time ON events (kind, created_at);
CREATE INDEX attachments_by_event ON attachments (event_id);
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  mv "$tmp" "$db"
  rm -f "$tmp-wal" "$tmp-shm"
  echo "bench: generated in $(sub "$(now)" "$t0") s" >&2
fi
size=$(stat -c %s "$db")
[ -n "${BENCH_GENERATE_ONLY:-}" ] && exit 0

# --- 2. warm-up: build the jar / CDS archive if needed, and read the database once into the page cache -----------
"$here/bin/archivist" --version >/dev/null
source "$here/bench/jar-guard.sh"
jar_guard_start
cat "$db" >/dev/null


arch_walls=(); arch_rss=(); stock_walls=(); arch_size=0; stock_size=0
for i in $(seq 1 "$runs"); do
  # (a) Archivist
  # sync before each side: no run pays for the writeback of the previous one's output (the stock tools do not fsync)
  rm -rf "$out/archivist"; mkdir -p "$out/archivist"; sync
  t0=$(now)
  env -i PATH="$PATH" HOME="$HOME" LANG="${LANG:-C.UTF-8}" \
      DATABASE_URL="$db" BACKUP_DIR="$out/archivist" JSON_LOGS=false LOG_LEVEL=WARN \
      /usr/bin/time -v -o "$out/time.txt" "$here/bin/archivist" backup database --no-rotate >"$out/archivist.out"
  t1=$(now)
  jar_guard_check "archivist backup database"
  arch_walls+=("$(sub "$t1" "$t0")")
  arch_rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")")
  arch_size=$(stat -c %s "$out"/archivist/database/*.db.zst)

  # (b) the stock tools, one after another
  rm -rf "$out/stock"; mkdir -p "$out/stock"; sync
  t0=$(now)
  sqlite3 "$db" ".backup '$out/stock/copy.db'"
  check=$(sqlite3 "$out/stock/copy.db" "PRAGMA quick_check")
  zstd -3 -T0 -q "$out/stock/copy.db" -o "$out/stock/copy.db.zst"
  t1=$(now)
  [ "$check" = ok ] || { echo "bench: stock quick_check said: $check" >&2; exit 1; }
  stock_walls+=("$(sub "$t1" "$t0")")
  stock_size=$(stat -c %s "$out/stock/copy.db.zst")
  printf 'run %d: archivist %.2f s (peak RSS %d MiB), stock %.2f s\n' "$i" "${arch_walls[-1]}" $(( ${arch_rss[-1]} / 1024 )) "${stock_walls[-1]}"
done

a=$(printf '%s\n' "${arch_walls[@]}" | median)
s=$(printf '%s\n' "${stock_walls[@]}" | median)
rss_kib=$(printf '%s\n' "${arch_rss[@]}" | sort -n | tail -1)
printf '\ndatabase:            %s (%d MiB)\n' "$db" $(( size / 1024 / 1024 ))
printf 'archivist (median):  %.2f s   backup database --no-rotate (snapshot + quick_check + zstd -3)\n' "$a"
printf 'stock (median):      %.2f s   sqlite3 .backup; sqlite3 PRAGMA quick_check; zstd -3 -T0\n' "$s"
printf 'ratio archivist/stock: %.2f   (target <= 1.0)\n' "$(awk -v a="$a" -v s="$s" 'BEGIN {print a / s}')"
printf 'archivist peak RSS:  %d MiB (max of %d runs; target <= 300)\n' $(( rss_kib / 1024 )) "$runs"
printf 'output sizes:        archivist %d MiB, stock %d MiB\n' $(( arch_size / 1024 / 1024 )) $(( stock_size / 1024 / 1024 ))
