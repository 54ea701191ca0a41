package dev.archivist.config;

import dev.archivist.schedule.CronExpression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parses and validates a {@link RawConfig} into {@link Settings}, collecting every problem before failing so the
 * operator sees them all at once.
 */
public final class SettingsLoader {
    private static final Set<String> TRUE = Set.of("true", "yes", "on", "1");
    private static final Set<String> FALSE = Set.of("false", "no", "off", "0");
    /**
     * Logback's levels, and Python's names for them (logging.basicConfig takes these: WARNING, CRITICAL, FATAL, NOTSET),
     * so that a .env written for the Python tool keeps working.
     */
    private static final Map<String, String> LEVELS = Map.of("TRACE", "TRACE", "DEBUG", "DEBUG", "INFO", "INFO",
            "WARN", "WARN", "WARNING", "WARN", "ERROR", "ERROR", "CRITICAL", "ERROR", "FATAL", "ERROR", "NOTSET", "DEBUG");
    private static final long MIB = 1024L * 1024L;

    /** What a command does with the backup directory: only a command that writes needs it writable. */
    public enum CatalogAccess {
        /** Backups, restores, rotation, the daemon: the directory must be writable (or creatable). */
        READ_WRITE,
        /** {@code list}, {@code stats}, {@code verify}, {@code rotate --dry-run}, a restore into a new place: a
         *  read-only directory (a read-only mount, another user's backups) is enough, and a missing one is not created. */
        READ_ONLY
    }

    private final RawConfig raw;
    private final List<String> problems;
    private final CatalogAccess access;

    private SettingsLoader(RawConfig raw, List<String> problems, CatalogAccess access) {
        this.raw = raw;
        this.problems = problems;
        this.access = access;
    }

    /** Loads from the given sources; throws {@link ConfigException} listing every problem. */
    public static Settings load(Map<String, String> environment, Path envFile, boolean envFileRequired,
                                Map<ConfigKey, String> flags) {
        java.util.Objects.requireNonNull(environment, "environment must not be null");
        java.util.Objects.requireNonNull(flags, "flags must not be null");
        List<String> problems = new ArrayList<>();
        RawConfig raw = RawConfig.load(environment, envFile, envFileRequired, flags, problems);
        return validate(raw, problems);
    }

    /** Validates already layered values; throws {@link ConfigException} listing every problem. */
    public static Settings validate(RawConfig raw, List<String> earlierProblems) {
        return validate(raw, earlierProblems, CatalogAccess.READ_WRITE);
    }

    /** As {@link #validate(RawConfig, List)}, for a command that uses the backup directory as {@code access} says. */
    public static Settings validate(RawConfig raw, List<String> earlierProblems, CatalogAccess access) {
        SettingsLoader loader = new SettingsLoader(raw, new ArrayList<>(earlierProblems), access);
        Settings settings = loader.build();
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(loader.problems.stream().map(raw::shownText).toList());
        }
        return settings;
    }

    private Settings build() {
        String url = raw.raw(ConfigKey.DATABASE_URL);
        Path db = databasePath(url);
        Path storage = path(ConfigKey.STORAGE_PATH, true);
        Path backupDir = path(ConfigKey.BACKUP_DIR, true);
        checkBackupDir(backupDir);
        checkNotFile(ConfigKey.STORAGE_PATH, storage);
        checkOutsideCatalog(ConfigKey.STORAGE_PATH, storage, backupDir);
        checkOutsideCatalog(ConfigKey.DATABASE_URL, db, backupDir);

        Compression named = compression();
        Compression compression = named == null ? Compression.ZSTD : named; // unknown: the problem is recorded
        int level = compressionLevel(named);
        ZoneId zone = zone();
        Duration lockTimeout = Duration.ofSeconds(integer(ConfigKey.BACKUP_LOCK_TIMEOUT_SECONDS, 0, 86_400, 60));

        Integer maxSizeMb = integerOrNull(ConfigKey.BACKUP_MAX_SIZE_MB, 1, 10_000_000);
        Integer chunkMb = integerOrNull(ConfigKey.BACKUP_CHUNK_SIZE_MB, 1, 10_000_000);
        long maxSize = maxSizeMb == null ? 500 : maxSizeMb;
        long chunk = chunkMb == null ? 100 : chunkMb;
        boolean split = bool(ConfigKey.BACKUP_AUTO_SPLIT);
        if (raw.get(ConfigKey.BACKUP_CHUNK_SIZE_MB).origin() == ConfigOrigin.DEFAULT || !split) {
            // BACKUP_MAX_SIZE_MB=50 alone means parts of 50, not an error; without splitting neither size is used
            chunk = Math.min(chunk, maxSize);
        } else if (maxSizeMb != null && chunkMb != null && chunk > maxSize) { // a bad value is reported once, above
            problem(ConfigKey.BACKUP_CHUNK_SIZE_MB, "must not exceed BACKUP_MAX_SIZE_MB (" + maxSize + ")");
        }
        Settings.ArchiveSettings archive = new Settings.ArchiveSettings(split, maxSize * MIB, chunk * MIB, excludes(storage));

        Settings.RetentionSettings retention = new Settings.RetentionSettings(
                integer(ConfigKey.MAX_BACKUPS, 1, 100_000, 7),
                optionalCount(ConfigKey.BACKUP_KEEP_LAST), optionalCount(ConfigKey.BACKUP_KEEP_HOURLY),
                optionalCount(ConfigKey.BACKUP_KEEP_DAILY), optionalCount(ConfigKey.BACKUP_KEEP_WEEKLY),
                optionalCount(ConfigKey.BACKUP_KEEP_MONTHLY), optionalCount(ConfigKey.BACKUP_KEEP_YEARLY),
                keepWithin());

        Settings.ScheduleSettings schedule = new Settings.ScheduleSettings(
                job(ConfigKey.BACKUP_DATABASE_SCHEDULE, ConfigKey.BACKUP_DATABASE_ENABLED),
                job(ConfigKey.BACKUP_STORAGE_SCHEDULE, ConfigKey.BACKUP_STORAGE_ENABLED),
                job(ConfigKey.BACKUP_FULL_SCHEDULE, ConfigKey.BACKUP_FULL_ENABLED),
                job(ConfigKey.BACKUP_ROTATION_SCHEDULE, ConfigKey.BACKUP_ROTATION_ENABLED),
                Duration.ofSeconds(integer(ConfigKey.BACKUP_MISFIRE_GRACE_SECONDS, 0, 86_400, 300)),
                bool(ConfigKey.BACKUP_CATCH_UP),
                Duration.ofSeconds(integer(ConfigKey.BACKUP_JITTER_SECONDS, 0, 3600, 0)),
                Duration.ofSeconds(integer(ConfigKey.BACKUP_SHUTDOWN_TIMEOUT_SECONDS, 0, 86_400, 60)));

        boolean json = bool(ConfigKey.JSON_LOGS);
        String logLevel = logLevel();
        return new Settings(url, db, storage, backupDir, compression, level, zone, lockTimeout, archive, retention,
                schedule, json, logLevel, bool(ConfigKey.RESTORE_OUTSIDE_SYMLINKS));
    }

    private void problem(ConfigKey key, String what) {
        String shown = raw.shown(key);
        // a variable set empty in the environment (docker compose's ${NAME} with nothing to expand, an exported blank)
        // hides the .env file's value, which the operator then reads as the one in use
        String where = shown.isBlank() && raw.get(key).origin() == ConfigOrigin.ENVIRONMENT
                ? " (set empty in the process environment, which wins over the .env file)" : "";
        problems.add(key.name() + "='" + shown + "'" + where + ": " + what);
    }

    private String trimmed(ConfigKey key) {
        return raw.raw(key) == null ? "" : raw.raw(key).strip();
    }

    private static final java.util.regex.Pattern ASCII_INTEGER = java.util.regex.Pattern.compile("[+-]?[0-9]+");
    private static final java.util.regex.Pattern SQLITE_URL = java.util.regex.Pattern.compile("sqlite(\\+[A-Za-z0-9_]+)?:///");
    private static final java.util.regex.Pattern SQLITE_HOST = java.util.regex.Pattern.compile("sqlite(\\+[A-Za-z0-9_]+)?://[^/]");

    private Path databasePath(String url) {
        String u = url == null ? "" : url.strip();
        if (u.isEmpty()) {
            problem(ConfigKey.DATABASE_URL, "must not be empty (expected sqlite:///relative, sqlite:////absolute or a path)");
            return null;
        }
        if (wrappedInQuotes(ConfigKey.DATABASE_URL)) {
            return null;
        }
        String path;
        java.util.regex.Matcher sqlite = SQLITE_URL.matcher(u);
        if (sqlite.lookingAt()) { // SQLAlchemy's dialect+driver form too (sqlite+aiosqlite:///): the same file
            path = u.substring(sqlite.end());
        } else if (u.matches("sqlite(\\+[A-Za-z0-9_]+)?://(\\?.*)?")) { // SQLAlchemy's in-memory database
            problem(ConfigKey.DATABASE_URL, "names an in-memory database (SQLAlchemy's sqlite://), which has no file to"
                    + " back up: give the application's database file (sqlite:////var/lib/app/app.db)");
            return null;
        } else if (SQLITE_HOST.matcher(u).lookingAt()) { // sqlite://x.db: SQLAlchemy reads "x.db" as a host
            problem(ConfigKey.DATABASE_URL, "a SQLite URL names no host: three slashes before a relative path"
                    + " (sqlite:///data/app.db), four before an absolute one (sqlite:////var/lib/app.db)");
            return null;
        } else if (u.matches("(?s)^[A-Za-z][A-Za-z0-9+.-]*:.*") && !u.matches("(?s)^[A-Za-z]:[\\\\/].*")) {
            problem(ConfigKey.DATABASE_URL, "only SQLite is supported (expected sqlite:///relative, sqlite:////absolute or a plain path)");
            return null;
        } else {
            path = u;
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            try {
                path = SqliteUri.fileOf(path.substring(0, query), path.substring(query + 1));
            } catch (IllegalArgumentException e) {
                problem(ConfigKey.DATABASE_URL, e.getMessage());
                return null;
            }
        }
        if (path.isEmpty() || path.equals(":memory:")) {
            problem(ConfigKey.DATABASE_URL, "must name a database file");
            return null;
        }
        if (homeShorthand(ConfigKey.DATABASE_URL, path) || unexpandedVariable(ConfigKey.DATABASE_URL, path)) {
            return null;
        }
        Path p;
        try {
            p = Path.of(path).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) { // a NUL, from an embedding application's map
            problem(ConfigKey.DATABASE_URL, "not a valid path");
            return null;
        }
        if (Files.isDirectory(p)) {
            problem(ConfigKey.DATABASE_URL, "is a directory, expected a SQLite file");
        }
        return p;
    }

    private Path path(ConfigKey key, boolean required) {
        String v = trimmed(key);
        if (v.isEmpty()) {
            if (required) {
                problem(key, "must not be empty");
            }
            return null;
        }
        if (wrappedInQuotes(key) || homeShorthand(key, v) || unexpandedVariable(key, v) || remoteUrl(key, v)) {
            return null;
        }
        try {
            return Path.of(v).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            problem(key, "not a valid path");
            return null;
        }
    }

    /**
     * A value that starts and ends with the same quote ({@code "/srv/backups"}): quotes a {@code .env} reader would
     * have taken off, passed on as they are by {@code docker run --env-file} or an orchestrator's manifest. As part of
     * a path they made it relative: the backups went into a folder named {@code "} in the working directory (in a
     * container, its own layer rather than the mounted volume), and the excludes matched nothing. Recorded as a problem.
     */
    private boolean wrappedInQuotes(ConfigKey key) {
        String v = trimmed(key);
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            problem(key, "wrapped in quotes, which would be part of the " + (key == ConfigKey.BACKUP_STORAGE_EXCLUDE
                    ? "globs" : "path") + " (docker run --env-file passes quotes on as they are): remove them");
            return true;
        }
        return false;
    }

    /**
     * A path written {@code ~/backups}: only a shell expands {@code ~}, and a {@code .env} file, docker or systemd pass
     * it on as it is, so it was a relative path, a folder named {@code ~} in the working directory (which a later
     * {@code rm -rf ~} meant to clean it up would take for the home folder). Recorded as a problem.
     */
    private boolean homeShorthand(ConfigKey key, String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            problem(key, "starts with '~', which only a shell expands: here it would be a folder named '~' in the"
                    + " working directory; give the absolute path");
            return true;
        }
        return false;
    }

    private static final java.util.regex.Pattern URL_SCHEME = java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*:)/{2}");
    /** restic's and rclone's remotes ({@code sftp:user@host:/srv/repo}, {@code rclone:gdrive:x}), scp's {@code user@host:/x}. */
    private static final java.util.regex.Pattern REMOTE = java.util.regex.Pattern.compile(
            "(?:sftp|s3|b2|azure|gs|swift|rest|rclone):[^/]*|[A-Za-z0-9._-]+(?::[^/@]*)?@[A-Za-z0-9.-]+:[^/]*");

    /**
     * A path written as a URL ({@code sftp://nas/backups}, {@code s3://bucket/x}, {@code file:///srv/backups}) or as
     * restic, rclone or scp name a remote ({@code sftp:user@nas:/srv/repo}, {@code backup@nas:/srv/backups}): it was a
     * relative path, a folder named {@code sftp:} in the working directory, so the backups the operator believed
     * offsite lay on the application's own disk. Recorded as a problem.
     */
    private boolean remoteUrl(ConfigKey key, String path) {
        java.util.regex.Matcher url = URL_SCHEME.matcher(path);
        java.util.regex.Matcher remote = REMOTE.matcher(path);
        boolean isUrl = url.lookingAt();
        if (isUrl || remote.lookingAt()) {
            problem(key, (isUrl ? "a URL" : "a remote") + ", but Archivist reads and writes local folders only: here it"
                    + " would be a folder named '" + raw.shown(key, isUrl ? url.group(1) : remote.group())
                    + "' in the working directory; give the absolute path of a local folder (or of the mounted remote)");
            return true;
        }
        return false;
    }

    private static final java.util.regex.Pattern BARE_REFERENCE = java.util.regex.Pattern.compile("\\$[A-Za-z_][A-Za-z0-9_]*");

    /**
     * A path holding {@code $HOME} without braces: python-dotenv expands only {@code ${HOME}}, and systemd's
     * {@code Environment=} and docker's {@code --env-file} nothing at all, so {@code BACKUP_DIR=$HOME/backups} was a
     * folder named {@code $HOME} in the working directory. Recorded as a problem.
     */
    private boolean unexpandedVariable(ConfigKey key, String path) {
        java.util.regex.Matcher m = BARE_REFERENCE.matcher(path);
        if (m.find()) {
            problem(key, "holds " + m.group() + ", which is not expanded here (a .env file expands ${"
                    + m.group().substring(1) + "} only): it would be part of the path; give the absolute path");
            return true;
        }
        return false;
    }

    /**
     * The live data must not lie in one of the catalog's own folders ({@code BACKUP_DIR/database}, {@code storage},
     * {@code full}, {@code .archivist}): backups would be written among the live files, and rotation deletes there.
     * ({@code BACKUP_DIR=.} with the default {@code STORAGE_PATH=./storage} is the natural way to get there.) The
     * other way round, a backup directory inside the storage folder, is fine: the walk skips it.
     */
    private void checkOutsideCatalog(ConfigKey key, Path live, Path backupDir) {
        if (live == null || backupDir == null) {
            return;
        }
        Path realLive = resolved(live);
        List<String> folders = new ArrayList<>(Arrays.stream(dev.archivist.BackupType.values())
                .map(dev.archivist.BackupType::folder).toList());
        folders.add(dev.archivist.catalog.Catalog.STATE_DIR);
        for (String folder : folders) {
            Path catalogFolder = resolved(backupDir.resolve(folder));
            if (realLive.startsWith(catalogFolder)) {
                problem(key, "lies in the backup catalog's folder " + catalogFolder + " (BACKUP_DIR='"
                        + raw.shown(ConfigKey.BACKUP_DIR) + "'), where backups are written and rotated; use another BACKUP_DIR");
                return;
            }
        }
    }

    /** The path with symlinks resolved as far as it exists (the rest appended), so aliases compare equal. */
    private static Path resolved(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (java.io.IOException | RuntimeException e) {
            return p;
        }
    }

    private void checkNotFile(ConfigKey key, Path p) {
        if (p != null && Files.exists(p) && !Files.isDirectory(p)) {
            problem(key, "exists but is not a directory");
        }
    }

    private void checkBackupDir(Path dir) {
        if (dir == null) {
            return;
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                problem(ConfigKey.BACKUP_DIR, "exists but is not a directory");
            } else if (access == CatalogAccess.READ_ONLY ? !Files.isReadable(dir) : !Files.isWritable(dir)) {
                problem(ConfigKey.BACKUP_DIR, access == CatalogAccess.READ_ONLY ? "is not readable"
                        : "is not writable (this command writes there: backups, rotation, and a restore's safety copy"
                        + " of the live data; list, stats, verify, rotate --dry-run and restore --target only read it)");
            }
            return;
        }
        if (access == CatalogAccess.READ_ONLY) {
            return; // nothing to read yet: the command reports an empty catalog, and creates nothing
        }
        Path ancestor = dir.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor)) {
            problem(ConfigKey.BACKUP_DIR, "cannot be created: " + ancestor + " is not a directory");
        } else if (!Files.isWritable(ancestor)) {
            problem(ConfigKey.BACKUP_DIR, "cannot be created: " + ancestor + " is not writable");
        }
    }

    private Compression compression() {
        Compression c = Compression.parseOrNull(trimmed(ConfigKey.BACKUP_COMPRESSION));
        if (c == null) {
            problem(ConfigKey.BACKUP_COMPRESSION, "unknown compression (expected zstd, gz, xz or none)");
            return null;
        }
        return c;
    }

    /**
     * The level for {@code c}; with an unknown codec ({@code c} null) only whether it is a whole number within some
     * codec's range: which range applies depends on the codec, and judging it against zstd's added a problem about a
     * codec nobody asked for, but a level no codec takes is wrong whichever was meant (all problems at once).
     */
    private int compressionLevel(Compression c) {
        String v = trimmed(ConfigKey.BACKUP_COMPRESSION_LEVEL);
        if (c == null) {
            if (!v.isEmpty() && !ASCII_INTEGER.matcher(v).matches()) {
                problem(ConfigKey.BACKUP_COMPRESSION_LEVEL, "not an integer (or empty for the codec's default)");
            } else if (!v.isEmpty() && !anyCodecTakes(clamped(v))) {
                problem(ConfigKey.BACKUP_COMPRESSION_LEVEL, "out of range for every codec (" + levelRanges() + ")");
            }
            return Compression.ZSTD.defaultLevel();
        }
        if (v.isEmpty()) {
            return c.defaultLevel();
        }
        if (!ASCII_INTEGER.matcher(v).matches()) {
            problem(ConfigKey.BACKUP_COMPRESSION_LEVEL, "not an integer (" + (c == Compression.NONE
                    ? "ignored with none, but a whole number or empty" : c.minLevel() + "-" + c.maxLevel() + " for "
                    + c.wireName() + ", or empty for " + c.defaultLevel()) + ")");
            return c.defaultLevel();
        }
        if (c == Compression.NONE) {
            return c.defaultLevel(); // no level applies: one kept from another codec is not recorded as used
        }
        long level = clamped(v);
        if (level < c.minLevel() || level > c.maxLevel()) {
            problem(ConfigKey.BACKUP_COMPRESSION_LEVEL,
                    "out of range " + c.minLevel() + "-" + c.maxLevel() + " for " + c.wireName());
            return c.defaultLevel();
        }
        return (int) level;
    }

    private static boolean anyCodecTakes(long level) {
        return Arrays.stream(Compression.values())
                .anyMatch(k -> k != Compression.NONE && level >= k.minLevel() && level <= k.maxLevel());
    }

    /** {@code zstd 1-19, gz 1-9, xz 0-9}: the codecs that take a level, with their ranges. */
    private static String levelRanges() {
        return Arrays.stream(Compression.values()).filter(k -> k != Compression.NONE)
                .map(k -> k.wireName() + " " + k.minLevel() + "-" + k.maxLevel())
                .collect(Collectors.joining(", "));
    }

    /**
     * An ASCII integer ({@link #ASCII_INTEGER}) as a long, any number of digits: one beyond a long's range reads as
     * {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE}, so that it is "out of range" like any other too large.
     */
    static long clamped(String asciiInteger) {
        String digits = asciiInteger.replaceFirst("^([+-]?)0+(?=\\d)", "$1");
        if (digits.replaceFirst("^[+-]", "").length() > 18) {
            return digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return Long.parseLong(digits);
    }

    private static final Map<String, String> FIXED_OFFSET_ZONES =
            Map.of("EST", "Etc/GMT+5", "MST", "Etc/GMT+7", "HST", "Etc/GMT+10");

    private ZoneId zone() {
        try {
            return zone(raw);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return ZoneId.systemDefault();
        }
    }

    /**
     * The system zone, as an empty {@code BACKUP_TIMEZONE} means it: the zone of a {@code TZ} the {@code .env} file sets
     * (read like the environment, which wins: {@link RawConfig#envFileTimeZone()}), else the JVM's, which reads the
     * environment's. A {@code .env} {@code TZ} that names no zone Java knows is left out (and named in a warning by
     * {@code run} and {@code schedule}).
     */
    public static ZoneId systemZone(RawConfig raw) {
        ZoneId fromEnvFile = raw == null ? null : SystemZone.of(raw.envFileTimeZone());
        return fromEnvFile != null ? fromEnvFile : ZoneId.systemDefault();
    }

    /**
     * The zone {@code raw}'s {@code BACKUP_TIMEZONE} names (empty: the system's), read alone: {@code archivist cron}
     * needs nothing else, and checks an expression while the rest of the configuration may still be broken.
     *
     * @throws ConfigException naming the variable and its value when no zone has that name
     */
    public static ZoneId zone(RawConfig raw) {
        String v = raw.raw(ConfigKey.BACKUP_TIMEZONE) == null ? "" : raw.raw(ConfigKey.BACKUP_TIMEZONE).strip();
        if (v.isEmpty()) {
            return systemZone(raw);
        }
        ZoneId zone = zoneNamed(v);
        if (zone == null) {
            String why = ambiguousOffset(v) ? ambiguity(v) : "unknown time zone (expected an IANA name such as Europe/Berlin)";
            throw new ConfigException(List.of(raw.shownText(ConfigKey.BACKUP_TIMEZONE.name() + "='"
                    + Redactor.redactValue(ConfigKey.BACKUP_TIMEZONE.name(), v) + "': " + why)));
        }
        return zone;
    }

    /**
     * The zone a name stands for, read in any case ({@code utc}, {@code europe/berlin}: pytz reads names in any case
     * too), as {@code BACKUP_TIMEZONE} and {@code archivist cron --zone} take it; null when there is none.
     */
    public static ZoneId zoneNamed(String name) {
        if (ambiguousOffset(name)) {
            return null;
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            for (String id : ZoneId.getAvailableZoneIds()) {
                if (id.equalsIgnoreCase(name)) {
                    return ZoneId.of(id);
                }
            }
            // IANA names that Java keeps out of its region ids, fixed offsets without daylight saving in tzdata
            // (PST, CST... are no IANA names: refused as before)
            String fixed = FIXED_OFFSET_ZONES.get(name.toUpperCase(Locale.ROOT));
            return fixed == null ? null : ZoneId.of(fixed);
        }
    }

    /** {@code GMT+5}-style names: a prefix, then an offset (see {@link #ambiguousOffset}). */
    private static final java.util.regex.Pattern OFFSET_NAME = java.util.regex.Pattern.compile("(?i)(?:GMT|UTC|UT)([+-].*)");

    /**
     * {@code GMT+5}, {@code UTC-3}: Java reads them as 5 hours ahead of UTC, POSIX {@code TZ} (and so cron, the shell)
     * as 5 hours behind, and tzdata's {@code Etc/GMT+5} is behind too. Refused rather than read one way.
     */
    public static boolean ambiguousOffset(String name) {
        java.util.regex.Matcher m = OFFSET_NAME.matcher(name);
        if (!m.matches()) {
            return false;
        }
        try { // GMT+0, UTC+00:00: no direction to get wrong
            return java.time.ZoneOffset.of(m.group(1)).getTotalSeconds() != 0;
        } catch (DateTimeException notAnOffset) {
            return true;
        }
    }

    /** Why {@code name} is refused, with what to write instead. */
    public static String ambiguity(String name) {
        return "ambiguous: POSIX reads " + name + " as the opposite of what it says, Java as written; give the offset"
                + " alone (+05:00, -03:00) or an IANA name such as Europe/Berlin";
    }

    private int integer(ConfigKey key, int min, int max, int fallback) {
        Integer n = integerOrNull(key, min, max);
        return n == null ? fallback : n;
    }

    /** The value as an integer in {@code min..max}; null, with the problem recorded, when it is not one. */
    private Integer integerOrNull(ConfigKey key, int min, int max) {
        String v = trimmed(key);
        if (v.isEmpty()) {
            problem(key, "must not be empty (expected an integer " + min + "-" + max + ")");
            return null;
        }
        if (!ASCII_INTEGER.matcher(v).matches()) { // Long.parseLong also reads other scripts' digits (٣, ７)
            problem(key, "not an integer (expected " + min + "-" + max + ")");
            return null;
        }
        long n = clamped(v);
        if (n < min || n > max) {
            problem(key, "out of range " + min + "-" + max);
            return null;
        }
        return (int) n;
    }

    /** A keep-* count: empty or 0 = not set (0 turns the rule off, as in restic), -1 = unlimited, otherwise 1 or more. */
    private Integer optionalCount(ConfigKey key) {
        String v = trimmed(key);
        if (v.isEmpty()) {
            return null;
        }
        if (!ASCII_INTEGER.matcher(v).matches()) {
            problem(key, "not an integer (expected 0-1000000, or -1 for unlimited)");
            return null;
        }
        long n = clamped(v);
        if (n == 0) {
            return null;
        }
        if (n == -1 || (n >= 1 && n <= 1_000_000)) {
            return (int) n;
        }
        problem(key, "out of range (expected 0-1000000, or -1 for unlimited)");
        return null;
    }

    private String keepWithin() {
        String v = trimmed(ConfigKey.BACKUP_KEEP_WITHIN);
        if (v.isEmpty()) {
            return null;
        }
        try {
            dev.archivist.retention.KeepWithin.parse(v);
            return v;
        } catch (IllegalArgumentException e) {
            problem(ConfigKey.BACKUP_KEEP_WITHIN, "not a duration (expected e.g. 7d, 36h, 1y6m): " + e.getMessage());
            return null;
        }
    }

    /** {@code JSON_LOGS} as given, or its default when it is not a boolean: for logging a configuration that failed. */
    public static boolean jsonLogs(RawConfig raw) {
        String v = raw.raw(ConfigKey.JSON_LOGS) == null ? "" : raw.raw(ConfigKey.JSON_LOGS).strip().toLowerCase(Locale.ROOT);
        return TRUE.contains(v) || (!FALSE.contains(v) && TRUE.contains(ConfigKey.JSON_LOGS.defaultValue()));
    }

    private boolean bool(ConfigKey key) {
        String v = trimmed(key).toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
            return true;
        }
        if (FALSE.contains(v)) {
            return false;
        }
        problem(key, "not a boolean (expected true/false, yes/no, on/off or 1/0)");
        return TRUE.contains(key.defaultValue());
    }

    private Settings.JobSettings job(ConfigKey cronKey, ConfigKey enabledKey) {
        String cron = trimmed(cronKey);
        try {
            CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            problem(cronKey, "invalid cron expression: " + e.getMessage());
        }
        return new Settings.JobSettings(cron, bool(enabledKey));
    }

    private List<String> excludes(Path storage) {
        String v = raw.raw(ConfigKey.BACKUP_STORAGE_EXCLUDE) == null ? "" : Globs.stripUnescaped(raw.raw(ConfigKey.BACKUP_STORAGE_EXCLUDE));
        List<String> globs = new ArrayList<>();
        if (v.isEmpty() || wrappedInQuotes(ConfigKey.BACKUP_STORAGE_EXCLUDE)) {
            return globs;
        }
        for (String g : Globs.splitList(v)) {
            String glob = Globs.stripUnescaped(g);
            if (glob.isEmpty()) {
                continue;
            }
            String why = Globs.problem(glob);
            if (why == null) {
                why = excludeProblem(glob, storage);
            }
            if (why == null) {
                globs.add(glob);
            } else {
                problem(ConfigKey.BACKUP_STORAGE_EXCLUDE, "bad glob '" + glob + "': " + why);
            }
        }
        return globs;
    }

    /**
     * Why a valid glob cannot mean what it says as an exclude, or null. Entries are matched by their path below the
     * storage root, which never holds a {@code ..}: such a pattern excluded nothing, silently. A leading {@code !} is
     * not a negation here ({@code .gitignore}'s re-include) but matches names starting with {@code !}: written as a
     * negation, it kept nothing in; a name starting with {@code !} is written {@code \!}.
     */
    private static String excludeProblem(String glob, Path storage) {
        String parentFolder = Globs.parentFolderProblem(glob);
        if (parentFolder != null) {
            return parentFolder;
        }
        if (belowStorage(glob, storage).replaceAll("^(?:\\.?/+)+", "").replaceAll("/+$", "").matches("\\.?")) {
            return "it names the storage folder itself, which is what is backed up: it would exclude nothing";
        }
        if (glob.startsWith("!")) {
            return "a leading '!' is not a negation here (excludes only exclude); for a name starting with '!',"
                    + " write '\\!'";
        }
        return null;
    }

    /**
     * {@code glob} with the storage folder's own absolute path (or, for a link to it, its real path) taken off its
     * start, as the walk reads such an exclude ({@code /srv/app/storage/cache/**} is {@code /cache/**}): that path
     * alone names the storage folder itself, as {@code /} does.
     */
    private static String belowStorage(String glob, Path storage) {
        if (storage == null) {
            return glob;
        }
        List<String> roots = new ArrayList<>(List.of(storage.toString()));
        try {
            roots.add(storage.toRealPath().toString());
        } catch (java.io.IOException | SecurityException e) {
            // a missing storage folder: its path as given is all there is
        }
        for (String root : roots) {
            if (!root.equals("/") && (glob.equals(root) || glob.startsWith(root + "/"))) {
                return glob.substring(root.length());
            }
        }
        return glob;
    }

    private String logLevel() {
        String v = trimmed(ConfigKey.LOG_LEVEL).toUpperCase(Locale.ROOT);
        String level = LEVELS.get(v);
        if (level == null) {
            problem(ConfigKey.LOG_LEVEL, "unknown level (expected TRACE, DEBUG, INFO, WARN or ERROR; WARNING,"
                    + " CRITICAL, FATAL and NOTSET as in Python)");
            return "INFO";
        }
        return level;
    }
}
