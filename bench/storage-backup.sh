#!/usr/bin/env bash
# Storage-backup benchmark (issue 3): times `archivist backup storage` beside GNU tar with the stock compressors on
# the same data in the same run, for two generated data sets:
#   media  ~640 MiB (637 MiB): 120 x 4 MiB random, 3,000 x 40 KiB text, 20,000 x 2 KiB, in 200 folders
#   small  100,000 x 1 KiB text in 1,000 folders
# (bench/gen-files.py, seeded: the same data as bench/run-all, bench/restore-verify.sh and bench/jvm-floor.sh)
# Per set and run (RUNS, default 3, interleaved; medians compared):
#   archivist (zstd, default level 3)  vs  tar -I 'zstd -3 -T0' -cf   and   tar -czf
#   archivist (BACKUP_COMPRESSION=gz)  vs  tar -I pigz -cf
#
#   bench/storage-backup.sh                 # generates bench/data/{media,small} once (cached), then measures both
#   RUNS=5 bench/storage-backup.sh
#   SETS=small bench/storage-backup.sh      # one set only (media, small)
#   SKIP_TAR_GZ=1 bench/storage-backup.sh   # leave out the slow single-threaded tar -czf
#
# Targets (wall-time ratios in the same run): media <= 1.1 x tar+zstd, small <= 1.5 x tar+zstd,
# gz <= 1.0 x tar+pigz; Archivist peak RSS <= 300 MiB (JVM included). Archivist fsyncs its output, tar does not.
# Page caches are not dropped (that needs privileges): every set is read once before measuring, so all sides start warm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-3}"
sets="${SETS:-media small}"
data="$here/bench/data"
out="$here/bench/out/storage"

source "$here/bench/tools.sh"
need_tools python3 tar zstd gzip pigz awk /usr/bin/time
remove_on_exit "$out"   # KEEP_OUT=1 keeps the outputs

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
size_of() { du -sb "$@" | awk '{s += $1} END {print s}'; }

# --- 1. the data sets, generated once by gen-files.py (seeded) and shared with run-all, restore-verify and jvm-floor
generate() {
  local dir="$data/$1"
  [ -d "$dir" ] && return 0
  echo "bench: generating $dir ..." >&2
  local t0; t0=$(now)
  rm -rf "$dir.tmp"
  python3 "$here/bench/gen-files.py" "$1" "$dir.tmp"
  mv "$dir.tmp" "$dir"
  echo "bench: generated in $(sub "$(now)" "$t0") s" >&2
}

# --- 2. warm-up: the jar and its CDS archive, one read of each set -----------------------------------------------
"$here/bin/archivist" --version >/dev/null
source "$here/bench/jar-guard.sh"
jar_guard_start
mkdir -p "$out"

run_archivist() { # codec set-dir out-dir -> wall seconds on stdout; RSS in $out/time.txt
  local codec="$1" set="$2" dest="$3" t0 t1
  rm -rf "$dest"; mkdir -p "$dest"; sync
  t0=$(now)
  env -i PATH="$PATH" HOME="$HOME" LANG="${LANG:-C.UTF-8}" \
      STORAGE_PATH="$set" BACKUP_DIR="$dest" BACKUP_COMPRESSION="$codec" JSON_LOGS=false LOG_LEVEL=WARN \
      /usr/bin/time -v -o "$out/time.txt" "$here/bin/archivist" backup storage --no-rotate >"$out/archivist.out"
  t1=$(now)
  jar_guard_check "archivist backup storage ($codec)"
  sub "$t1" "$t0"
}

run_tar() { # label set-dir output-file tar-args... -> wall seconds
  local set="$1" file="$2"; shift 2
  local t0 t1
  rm -f "$file"; sync
  t0=$(now)
  tar -C "$set" "$@" -f "$file" .
  t1=$(now)
  sub "$t1" "$t0"
}

summary=()
for name in $sets; do
  generate "$name"
  set_dir="$data/$name"
  set_bytes=$(size_of "$set_dir")
  set_files=$(find "$set_dir" -type f | wc -l)
  tar -C "$set_dir" -cf - . | cat >/dev/null   # warm the page cache (tar skips reading when writing to /dev/null)

  a_z=(); a_g=(); t_z=(); t_g=(); t_p=(); rss=()
  for i in $(seq 1 "$runs"); do
    a_z+=("$(run_archivist zstd "$set_dir" "$out/archivist-zstd")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")")
    az_size=$(size_of "$out"/archivist-zstd/storage/storage_backup_*.tar.zst*)
    t_z+=("$(run_tar "$set_dir" "$out/tar.tar.zst" -I 'zstd -3 -T0' -c)")
    tz_size=$(size_of "$out/tar.tar.zst")
    a_g+=("$(run_archivist gz "$set_dir" "$out/archivist-gz")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")")
    ag_size=$(size_of "$out"/archivist-gz/storage/storage_backup_*.tar.gz*)
    t_p+=("$(run_tar "$set_dir" "$out/tar-pigz.tar.gz" -I pigz -c)")
    tp_size=$(size_of "$out/tar-pigz.tar.gz")
    if [ -z "${SKIP_TAR_GZ:-}" ]; then
      t_g+=("$(run_tar "$set_dir" "$out/tar.tar.gz" -cz)")
      tg_size=$(size_of "$out/tar.tar.gz")
    fi
    printf '%s run %d: archivist zstd %.2f s, tar+zstd %.2f s | archivist gz %.2f s, tar+pigz %.2f s%s | RSS %d/%d MiB\n' \
      "$name" "$i" "${a_z[-1]}" "${t_z[-1]}" "${a_g[-1]}" "${t_p[-1]}" \
      "$([ -z "${SKIP_TAR_GZ:-}" ] && printf ', tar -czf %.2f s' "${t_g[-1]}")" \
      $(( ${rss[-2]} / 1024 )) $(( ${rss[-1]} / 1024 ))
  done
  m_az=$(printf '%s\n' "${a_z[@]}" | median); m_tz=$(printf '%s\n' "${t_z[@]}" | median)
  m_ag=$(printf '%s\n' "${a_g[@]}" | median); m_tp=$(printf '%s\n' "${t_p[@]}" | median)
  rss_max=$(( $(printf '%s\n' "${rss[@]}" | sort -n | tail -1) / 1024 ))
  target_z=1.1; [ "$name" = small ] && target_z=1.5
  echo
  printf '== %s: %d files, %s MiB (%s)\n' "$name" "$set_files" "$(mib "$set_bytes")" "$set_dir"
  printf '   archivist zstd-3   %7.2f s  %9s MiB   ratio to tar+zstd %s (target <= %s)\n' "$m_az" "$(mib "$az_size")" "$(ratio "$m_az" "$m_tz")" "$target_z"
  printf '   tar -I zstd -3 -T0 %7.2f s  %9s MiB\n' "$m_tz" "$(mib "$tz_size")"
  if [ -z "${SKIP_TAR_GZ:-}" ]; then
    m_tg=$(printf '%s\n' "${t_g[@]}" | median)
    printf '   tar -czf           %7.2f s  %9s MiB   (archivist zstd is %sx faster)\n' "$m_tg" "$(mib "$tg_size")" "$(ratio "$m_tg" "$m_az")"
  fi
  printf '   archivist gz       %7.2f s  %9s MiB   ratio to tar+pigz %s (target <= 1.0)\n' "$m_ag" "$(mib "$ag_size")" "$(ratio "$m_ag" "$m_tp")"
  printf '   tar -I pigz        %7.2f s  %9s MiB\n' "$m_tp" "$(mib "$tp_size")"
  printf '   archivist peak RSS %d MiB (max of %d runs x 2 codecs; target <= 300)\n' "$rss_max" "$runs"
  summary+=("$name: zstd $(ratio "$m_az" "$m_tz") (<= $target_z), gz $(ratio "$m_ag" "$m_tp") (<= 1.0), RSS ${rss_max} MiB (<= 300)")
done
echo
printf 'summary  %s\n' "${summary[@]}"
