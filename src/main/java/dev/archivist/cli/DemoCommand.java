package dev.archivist.cli;

import dev.archivist.BackupService;
import dev.archivist.catalog.Manifest;
import dev.archivist.config.Settings;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code archivist demo}: builds a sample application under {@code ./demo} (first run only), writes
 * {@code ./demo/.env} for it, and runs the main job on it end to end.
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
        if (!Files.exists(db)) {
            DemoData.create(db, storage);
            out.println("created sample application: " + db + " (WAL mode, 6,000 rows in 3 tables) and " + storage);
        } else {
            out.println("using existing sample application in " + root);
        }
        Files.writeString(envFile, String.join("\n",
                "# written by 'archivist demo'",
                "DATABASE_URL=sqlite:///" + db,
                "STORAGE_PATH=" + storage,
                "BACKUP_DIR=" + root.resolve("backups"),
                "BACKUP_TIMEZONE=UTC",
                "JSON_LOGS=false",
                "LOG_LEVEL=WARN",
                ""), StandardCharsets.UTF_8);
        out.println("wrote " + envFile + " (use it with: bin/archivist --env-file " + dir.resolve(".env") + " ...)");

        ConfigOptions options = new ConfigOptions();
        options.envFile = envFile;
        Settings settings = options.load();
        BackupService service = Services.create(settings, spec);

        out.println();
        out.println("$ archivist backup database");
        Manifest m = service.backupDatabase();
        out.println("created " + m.id() + " (" + Output.size(m.fileSize()) + ", " + m.compression()
                + ", quick_check " + m.json().path("integrity").path("result").asText() + ")");
        out.println();
        out.println("$ archivist list");
        out.flush();
        ListCommand list = new ListCommand();
        list.spec = spec;
        list.config = options;
        list.type = "all";
        list.call();
        return ExitCodes.OK;
    }
}
