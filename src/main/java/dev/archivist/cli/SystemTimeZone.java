package dev.archivist.cli;

import java.time.ZoneId;
import java.util.Map;
import java.util.TimeZone;

/**
 * The system zone as the C library reads {@code TZ}, for an empty {@code BACKUP_TIMEZONE}. The JVM takes {@code TZ} as a
 * zone id after dropping a leading {@code ':'}; a file path, which glibc (and so cron, {@code date}, Python's
 * {@code tzlocal}) reads as a zoneinfo file, is no id to it, and it falls back to a fixed offset without daylight
 * saving ({@code GMT+01:00} for Berlin in winter): {@code TZ=:/etc/localtime}, a common setting, ran the daemon's
 * 02:00 jobs at 03:00 all summer. A path that leads into a {@code zoneinfo} folder (through symlinks, as
 * {@code /etc/localtime} does) is read as the zone it names; anything else is left to the JVM.
 */
final class SystemTimeZone {
    private static final String NO_ZONEINFO_FILE = "no zoneinfo file";

    private SystemTimeZone() {
    }

    /** Makes the zone {@code TZ} names by a file path the JVM's default zone; does nothing for any other value. */
    static void apply(Map<String, String> environment) {
        ZoneId zone = fromPath(environment.get("TZ"));
        if (zone != null) {
            TimeZone.setDefault(TimeZone.getTimeZone(zone));
        }
    }

    /**
     * A warning when {@code TZ} is set to what Java reads as no zone, so that the system zone is not the one cron and
     * {@code date} use: a POSIX rule ({@code CET-1CEST,M3.5.0,M10.5.0/3}: its daylight saving is lost, a fixed offset
     * remains) or a name with no zone ({@code Europe/Berln}: UTC). Empty when the schedule's {@code zone} is not the
     * system's ({@code BACKUP_TIMEZONE} set), or when {@code TZ} is unset, a zone name, or a zoneinfo file's path.
     */
    static java.util.Optional<String> warning(Map<String, String> environment, ZoneId zone) {
        return warning(environment, null, zone);
    }

    /**
     * As {@link #warning(Map, ZoneId)}, also for a {@code TZ} the {@code .env} file sets ({@code envFileTz}, which
     * counts only when the environment has no {@code TZ}): one Java cannot read leaves the system zone the schedule's.
     */
    static java.util.Optional<String> warning(Map<String, String> environment, String envFileTz, ZoneId zone) {
        boolean fromEnvFile = !environment.containsKey("TZ") && envFileTz != null && !envFileTz.isBlank();
        String tz = fromEnvFile ? envFileTz : environment.get("TZ");
        if (tz == null || tz.isBlank() || !zone.equals(ZoneId.systemDefault())
                || dev.archivist.config.SystemZone.of(tz) != null) {
            return java.util.Optional.empty();
        }
        String what = unreadable(tz);
        String advice = "; set BACKUP_TIMEZONE to an IANA name such as Europe/Berlin";
        if (fromEnvFile) {
            return java.util.Optional.of("TZ='" + tz + "' in the .env file is " + what + ": it is not applied, the"
                    + " schedule's zone is the system's, " + ZoneId.systemDefault().getId() + advice);
        }
        if (what.equals(NO_ZONEINFO_FILE)) {
            return java.util.Optional.of("TZ='" + tz + "' is " + what + ": the schedule's zone is "
                    + ZoneId.systemDefault().getId() + advice);
        }
        return java.util.Optional.of("TZ='" + tz + "' is " + what + ": the schedule's zone is the fixed "
                + ZoneId.systemDefault().getId() + ", without daylight saving" + advice);
    }

    /** What a {@code TZ} Java reads as no zone is: a path to no zoneinfo file, a POSIX rule, or a name of no zone. */
    private static String unreadable(String tz) {
        String name = tz.startsWith(":") ? tz.substring(1) : tz;
        return name.startsWith("/") ? NO_ZONEINFO_FILE : name.contains(",")
                ? "a POSIX rule, whose daylight-saving part Java cannot read" : "no time zone Java knows";
    }

    /** The zone a {@code TZ} of the form {@code [:]/path/to/zoneinfo/Area/City} names; null for any other value. */
    static ZoneId fromPath(String tz) {
        return dev.archivist.config.SystemZone.fromPath(tz);
    }
}
