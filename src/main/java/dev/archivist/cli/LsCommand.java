package dev.archivist.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.archivist.BackupService;
import dev.archivist.Plural;
import dev.archivist.StorageFiles;
import dev.archivist.archive.IndexEntry;
import dev.archivist.catalog.Manifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archivist ls <id|latest> [--path GLOB]...}: the files of a storage backup, from its per-file index. */
@Command(name = "ls", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"List the files of a storage backup, from its per-file index.",
                "%nA full backup's id lists its storage part. The index is checked against the manifest first; no "
                        + "archive is read. One line per entry, as tar -tv (times in UTC); the backup listed and the "
                        + "totals go to stderr. Exit 1 when a --path glob matches nothing."})
public final class LsCommand implements Callable<Integer> {
    /** What a BACKUP argument of a command reading one storage backup's files may be (ls, dump). */
    static final String STORAGE_BACKUP = "a storage or full backup's id, latest (the newest storage backup that can be restored), or a manifest path";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "BACKUP", description = STORAGE_BACKUP)
    String ref;

    @Option(names = "--path", paramLabel = "GLOB",
            description = "Only the entries matching GLOB, a matching folder with everything in it (repeatable).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON: the backup, its entries as the index records them, totals.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        BackupService service = Services.create(config.loadForReading(), spec);
        StorageFiles files = service.files(ref, paths);
        Output.catalogNotices(service, spec.commandLine().getErr());
        PrintWriter out = Output.unmasked(spec.commandLine().getOut()); // only entries and totals: names as recorded
        PrintWriter err = spec.commandLine().getErr();
        Output.missingPartsNote(files, err);
        Manifest m = files.backup();
        Totals totals = new Totals();
        List<String> unmatched;
        if (json) {
            try (JsonGenerator g = Output.entriesJsonStream(out)) {
                g.writeStartObject();
                g.writeStringField("backup_id", m.id());
                g.writeStringField("created_at", m.createdAt().toString());
                g.writeArrayFieldStart("entries");
                Output.Watch watch = new Output.Watch(out);
                unmatched = files.forEach(totals.then(e -> {
                    write(g, e);
                    watch.wrote();
                }));
                g.writeEndArray();
                totals.write(g);
                g.writeArrayFieldStart("unmatched");
                for (String glob : unmatched) {
                    g.writeString(glob);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            out.println();
        } else {
            err.println("archivist: files of " + Output.taken(m));
            err.flush();
            Output.Watch watch = new Output.Watch(out);
            unmatched = files.forEach(totals.then(e -> {
                out.println(EntryLine.of(e));
                watch.wrote();
            }));
            out.flush();
            if (!Output.writeFailed(out)) { // totals of a listing cut short (| head) would read as complete
                err.println("archivist: " + totals);
            }
        }
        if (Output.writeFailed(out)) {
            throw new Output.Lost(null);
        }
        if (!unmatched.isEmpty()) {
            unmatched.forEach(glob -> err.println("archivist: --path '" + glob + "': not found in " + m.id()));
            err.flush();
            return ExitCodes.FAILED;
        }
        err.flush();
        return ExitCodes.OK;
    }

    private static void write(JsonGenerator g, IndexEntry e) {
        try {
            g.writeObject(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Counts of what was listed. */
    private static final class Totals {
        long files;
        long bytes;
        long folders;
        long symlinks;
        long hardLinks;

        Consumer<IndexEntry> then(Consumer<IndexEntry> action) {
            return e -> {
                switch (e.type()) {
                    case IndexEntry.FILE -> {
                        files++;
                        bytes += e.size();
                    }
                    case IndexEntry.DIR -> folders++;
                    case IndexEntry.SYMLINK -> symlinks++;
                    case IndexEntry.HARDLINK -> hardLinks++;
                    default -> {
                    }
                }
                action.accept(e);
            };
        }

        void write(JsonGenerator g) throws IOException {
            g.writeNumberField("files", files);
            g.writeNumberField("bytes", bytes);
            g.writeNumberField("folders", folders);
            g.writeNumberField("symlinks", symlinks);
            g.writeNumberField("hard_links", hardLinks);
        }

        @Override
        public String toString() {
            return Plural.of(files, "file") + " (" + Output.size(bytes) + "), " + Plural.of(folders, "folder") + ", "
                    + Plural.of(symlinks, "symlink") + (hardLinks == 0 ? "" : ", " + Plural.of(hardLinks, "hard link"));
        }
    }
}
