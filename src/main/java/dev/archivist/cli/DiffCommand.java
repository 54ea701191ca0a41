package dev.archivist.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.archivist.BackupService;
import dev.archivist.Plural;
import dev.archivist.StorageDiff;
import dev.archivist.StorageDiff.Change;
import dev.archivist.StorageDiff.Difference;
import dev.archivist.StorageFiles;
import dev.archivist.archive.IndexEntry;
import dev.archivist.catalog.Manifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archivist diff <from> <to>}: what changed between two storage backups, from their indexes. */
@Command(name = "diff", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Show what changed between two storage backups, from their per-file indexes.",
                "%nA full backup's id stands for its storage part. One line per changed entry: + added, - removed, "
                        + "M modified (content or a symlink's target), T another type, U mode or mtime only (with "
                        + "--metadata); the backups compared and the totals go to stderr. Both indexes are checked "
                        + "against their manifests first; no archive is read."})
public final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "FROM",
            description = "the older backup: a storage or full backup's id, latest, or a manifest path")
    String from;

    @Parameters(index = "1", paramLabel = "TO",
            description = "the newer backup: the same, or latest (the newest storage backup that can be restored)")
    String to;

    @Option(names = "--metadata", description = "Also list entries whose mode or mtime alone changed.")
    boolean metadata;

    @Option(names = "--json", description = "Print JSON: both backups, every change, the totals.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        BackupService service = Services.create(config.loadForReading(), spec);
        StorageFiles before = service.files(from, List.of());
        StorageFiles after = service.files(to, List.of());
        Output.catalogNotices(service, spec.commandLine().getErr());
        PrintWriter out = Output.unmasked(spec.commandLine().getOut()); // only changes and totals: names as recorded
        PrintWriter err = spec.commandLine().getErr();
        if (before.backup().createdAt().isAfter(after.backup().createdAt())) {
            err.println("archivist: note: FROM " + before.backup().id() + " is newer than TO " + after.backup().id()
                    + ": the changes are shown from the newer to the older");
        }
        Output.missingPartsNote(before, err);
        Output.missingPartsNote(after, err);
        StorageDiff.Summary summary;
        if (json) {
            try (JsonGenerator g = Output.entriesJsonStream(out)) {
                g.writeStartObject();
                backup(g, "from", before.backup());
                backup(g, "to", after.backup());
                g.writeArrayFieldStart("changes");
                Output.Watch watch = new Output.Watch(out);
                summary = StorageDiff.compare(before, after, metadata, d -> {
                    write(g, d);
                    watch.wrote();
                });
                g.writeEndArray();
                for (Change c : Change.values()) {
                    g.writeNumberField(c.wireName(), summary.count(c));
                }
                g.writeNumberField("added_bytes", summary.addedBytes());
                g.writeNumberField("removed_bytes", summary.removedBytes());
                g.writeEndObject();
            }
            out.println();
        } else {
            err.println("archivist: from " + Output.taken(before.backup()) + " to " + Output.taken(after.backup()));
            err.flush();
            Output.Watch watch = new Output.Watch(out);
            summary = StorageDiff.compare(before, after, metadata, d -> {
                StringBuilder line = new StringBuilder(d.change().mark()).append("    ");
                EntryLine.escape(d.path(), line);
                out.println(line.append(IndexEntry.DIR.equals((d.after() != null ? d.after() : d.before()).type()) ? "/" : ""));
                watch.wrote();
            });
            out.flush();
            err.println("archivist: " + totals(summary));
        }
        err.flush();
        if (Output.writeFailed(out)) {
            throw new Output.Lost(null);
        }
        return ExitCodes.OK;
    }

    private String totals(StorageDiff.Summary s) {
        String text = s.count(Change.ADDED) + " added (" + Output.size(s.addedBytes()) + "), "
                + s.count(Change.REMOVED) + " removed (" + Output.size(s.removedBytes()) + "), "
                + s.count(Change.MODIFIED) + " modified, " + s.count(Change.TYPE_CHANGED) + " of another type";
        return metadata ? text + ", " + Plural.of(s.count(Change.METADATA), "entry", "entries")
                + " with other metadata only" : text;
    }

    private static void backup(JsonGenerator g, String field, Manifest m) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("id", m.id());
        g.writeStringField("created_at", m.createdAt().toString());
        g.writeEndObject();
    }

    private static void write(JsonGenerator g, Difference d) {
        try {
            g.writeStartObject();
            g.writeStringField("change", d.change().wireName());
            g.writeStringField("path", d.path());
            g.writeObjectField("before", d.before());
            g.writeObjectField("after", d.after());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
