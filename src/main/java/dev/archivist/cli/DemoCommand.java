package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.Plural;
import dev.archivist.archive.ProgressListener;
import dev.archivist.catalog.Durable;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import dev.archivist.schedule.BackupScheduler;
import dev.archivist.verify.VerifyReport;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code archivist demo}: builds a sample application under {@code ./demo} (first run only, or again when an earlier
 * run was cut short while building it), writes {@code ./demo/.env} for it, and runs the main job on it end to end: full
 * backup, list, verify, restore into {@code ./demo/restored} and compare, and the schedule it would run. Exit 1 when
 * the verification or the comparison fails.
 *
 * <p>It runs on built-in defaults and that file only: the environment and {@code ./.env} are ignored, since on a
 * server they describe the real application, whose catalog the demo's backup and rotation must never touch.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Create a sample application under ./demo and back it up (the README's first command).")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "demo", paramLabel = "PATH", description = "Where to create the sample application (default ./demo).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = dir.toAbsolutePath().normalize();
        Path db = root.resolve("app_data.db");
        Path storage = root.resolve("storage");
        Path envFile = root.resolve(".env");
        Path built = root.resolve(".sample-complete");
        boolean complete = Files.exists(built) && Files.exists(db) && Files.isDirectory(storage);
        if (!complete && (Files.exists(db) || Files.exists(storage)) && !writtenByDemo(envFile)) {
            // never delete what the demo did not make: --dir may name a real application's folder
            throw new IllegalArgumentException(root + " holds an app_data.db or a storage folder that 'archivist"
                    + " demo' did not make: give the demo a folder of its own (--dir)");
        }
        // written before building: a run cut short while building is then known as the demo's
        writeEnv(envFile, db, storage, root);
        if (!complete) {
            Files.deleteIfExists(built);
            Durable.deleteTree(storage); // what a run cut short left half-made
            Files.deleteIfExists(db);
            Files.deleteIfExists(db.resolveSibling(db.getFileName() + "-wal"));
            Files.deleteIfExists(db.resolveSibling(db.getFileName() + "-shm"));
            DemoData.create(db, storage);
            Files.writeString(built, "written by 'archivist demo' once the sample application was complete\n");
            out.println("created sample application: " + db + " (WAL mode, 6,000 rows in 3 tables) and " + storage);
        } else {
            out.println("using existing sample application in " + root);
        }
        out.println("wrote " + envFile + " (use it with: bin/archivist <command> --env-file " + dir.resolve(".env") + ")");

        ConfigOptions options = new ConfigOptions();
        options.envFile = envFile;
        options.ignoreEnvironment = true;
        Settings settings = options.load();
        BackupService service = Services.create(settings, spec);

        out.println();
        out.println("$ archivist backup full");
        Manifest full = service.backupFull(true, ProgressListener.NONE);
        out.println(BackupCommand.describe(full));
        out.println();
        out.println("$ archivist list");
        out.flush();
        ListCommand list = new ListCommand();
        list.spec = spec;
        list.config = options;
        list.type = "all";
        list.call();

        out.println();
        out.println("$ archivist verify " + full.id());
        VerifyReport report = service.verify(full, true);
        out.println((report.clean() ? "clean: " : "PROBLEMS: ") + Plural.of(report.filesChecked(), "file") + " and "
                + Output.size(report.bytesChecked()) + " checked (part checksums, every file against the index, integrity_check)");
        report.problems().forEach(p -> out.println("  - " + p));

        Path restored = root.resolve("restored");
        Durable.deleteTree(restored);
        out.println();
        out.println("$ archivist restore database/storage " + full.id() + " --target " + restored);
        String dbId = full.json().path("database").path("id").asText();
        String storageId = full.json().path("storage").path("id").asText();
        service.restoreDatabase(dbId, restored.resolve("app_data.db"), true);
        service.restoreStorage(storageId, restored.resolve("storage"), List.of(), true);
        boolean identical = DemoComparison.print(out, db, restored.resolve("app_data.db"), storage,
                restored.resolve("storage"));

        out.println();
        out.println("$ archivist schedule");
        ScheduleView.text(out, new BackupScheduler(settings).jobs(), settings.zone(), java.time.Instant.now(), 2,
                settings.schedule().jitter());
        out.flush();
        return report.clean() && identical ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static final String ENV_HEADER = "# written by 'archivist demo'";

    private static void writeEnv(Path envFile, Path db, Path storage, Path root) throws java.io.IOException {
        Durable.createDirectories(root);
        Files.writeString(envFile, String.join("\n",
                ENV_HEADER,
                "DATABASE_URL=" + quoted("sqlite:///" + db),
                "STORAGE_PATH=" + quoted(storage.toString()),
                "BACKUP_DIR=" + quoted(root.resolve("backups").toString()),
                "BACKUP_TIMEZONE=UTC",
                "JSON_LOGS=false",
                "LOG_LEVEL=WARN",
                ""), StandardCharsets.UTF_8);
    }

    /** Whether {@code envFile} is one the demo wrote (so the folder is the demo's own). */
    private static boolean writtenByDemo(Path envFile) throws java.io.IOException {
        if (!Files.isRegularFile(envFile)) {
            return false;
        }
        try (java.io.BufferedReader r = Files.newBufferedReader(envFile, StandardCharsets.UTF_8)) {
            return ENV_HEADER.equals(r.readLine());
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /**
     * A .env value in single quotes, read back as it is by python-dotenv and by Archivist: {@code #} is no comment
     * there, {@code \} and {@code '} are escaped, and a {@code ${} in a path, which python-dotenv expands even in single
     * quotes and offers no escape for, is written as a reference to an unset variable whose default is {@code $}.
     */
    static String quoted(String value) {
        String escaped = value.replace("\\", "\\\\").replace("'", "\\'");
        return "'" + escaped.replace("${", "${" + LITERAL_DOLLAR + ":-$}{") + "'";
    }

    /** A variable nobody sets: {@code ${ARCHIVIST_LITERAL_DOLLAR:-$}} reads as a lone {@code $}. */
    static final String LITERAL_DOLLAR = "ARCHIVIST_LITERAL_DOLLAR";
}