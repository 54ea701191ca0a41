# Sourced by the bench scripts (after they set $here). bin/archivist rebuilds the jar when a source under src/main is
# newer than it, so an edit while a bench runs would put a Maven build inside a measured run (it once showed as a
# 400 MiB "peak RSS"). jar_guard_start records the jar built before the timings; jar_guard_check NAME stops the bench
# when the jar changed since.
jar_guard_stamp() { stat -c '%Y %s' "$here/target/archivist.jar"; }
jar_guard_start() { jar_guard_built=$(jar_guard_stamp); }
jar_guard_check() {
  [ "$(jar_guard_stamp)" = "$jar_guard_built" ] || {
    echo "bench: the jar was rebuilt during '$1' (sources changed while the bench ran): rerun" >&2; exit 1; }
}
