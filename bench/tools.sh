# Sourced by the bench scripts and .ci/run: need_tools TOOL... makes sure the tools a script runs or compares against
# are there. Missing ones are installed with apt-get where this may (as root, or through sudo without a password), so
# that a script runs as it is on a fresh Debian or Ubuntu machine; elsewhere it names them and exits 2.
need_tools() {
  local missing=() tool
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local pkgs=()
  for tool in "${missing[@]}"; do
    case "$tool" in
      /usr/bin/time) pkgs+=(time) ;;
      awk) pkgs+=(gawk) ;;
      xz) pkgs+=(xz-utils) ;;
      javac) pkgs+=(default-jdk-headless) ;;
      *) pkgs+=("$tool") ;;
    esac
  done
  local as=()
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && as=(sudo -n)
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ ${#as[@]} -gt 0 ]; }; then
    echo "tools: installing ${pkgs[*]}" >&2
    if ${as[@]+"${as[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
       && ${as[@]+"${as[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null; then
      return 0
    fi
    echo "tools: could not install ${pkgs[*]}" >&2
    exit 2
  fi
  echo "tools: missing ${missing[*]} (install: apt-get install ${pkgs[*]})" >&2
  exit 2
}

# remove_on_exit DIR: what a script measured (archives, extracted trees: GiBs) is deleted when it ends, however it ends,
# unless KEEP_OUT=1 keeps it for a look; the generated data sets in bench/data stay cached.
remove_on_exit() {
  [ -n "${KEEP_OUT:-}" ] && return 0
  _bench_out_dir="$1"
  trap 'rm -rf -- "$_bench_out_dir"; [ "$(basename "$(dirname "$_bench_out_dir")")" = out ] && rmdir -- "$(dirname "$_bench_out_dir")" 2>/dev/null; true' EXIT
}
