package dev.archivist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.Printable;
import dev.archivist.catalog.BackupIds;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.catalog.VerificationRecords;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code archivist list}: backups newest first, from manifests only. */
@Command(name = "list", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "List backups, newest first.")
public final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "all", description = "database, storage, full or all (default).")
    String type;

    @Option(names = "--json", description = "Print a JSON array of manifests.")
    boolean json;

    @Override
    public Integer call() {
        BackupType filter = BackupType.parseOrAll(type);
        BackupService service = Services.create(config.loadForReading(), spec);
        Catalog catalog = service.catalog();
        List<ObjectNode> rows = new ArrayList<>();
        java.util.Set<String> read = new java.util.HashSet<>();
        for (Manifest m : service.list(filter)) {
            ObjectNode row = describe(catalog, m);
            if (row != null) { // null: removed by a rotation while listed
                rows.add(row);
            }
            read.add(m.id());
        }
        List<java.nio.file.Path> unreadable = catalog.unreadableManifests(filter, read);
        if (!unreadable.isEmpty()) {
            unreadable.forEach(f -> rows.add(unreadableRow(f)));
            // by time, as the catalog sorts the manifests: as text, "…:05Z" (a backup at .000) sorted after
            // "…:05.500Z", and a hand-edited created_at anywhere
            rows.sort(java.util.Comparator.comparing(ListCommand::createdAt)
                    .thenComparing(r -> r.path("id").asText()).reversed());
        }
        Output.catalogNotices(service, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            array.addAll(rows);
            Output.json(out, array);
            return ExitCodes.OK;
        }
        if (rows.isEmpty()) {
            // with --type, other backups may be there: "no backups" would read as an empty catalog
            out.println("no " + (filter == null ? "" : filter.wireName() + " ") + "backups in " + catalog.root());
            out.flush();
            return ExitCodes.OK;
        }
        // Padded by hand: printf parses its format again for every line, a tenth of a second for a thousand rows.
        out.println(row("ID", "TYPE", "CREATED (UTC)", "SIZE", "VERIFIED"));
        for (ObjectNode r : rows) {
            JsonNode v = r.path("last_verified");
            String verified = v.isObject() ? (v.path("clean").asBoolean() ? "clean " : "FAILED ")
                    + verifiedHow(v) + shortTime(v.path("at").asText()) : "never";
            out.println(row(r.path("id").asText(), r.path("type").asText() + (r.path("pre_restore").asBoolean() ? "*" : ""),
                    Printable.controlsEscaped(shortTime(r.path("created_at").asText())), Output.size(r.path("total_size").asLong()),
                    verified + fullNote(r)));
        }
        if (rows.stream().anyMatch(r -> r.path("pre_restore").asBoolean())) {
            out.println("* pre_restore: safety copy taken before a restore");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** "(checksums) " for a quick verify, "(storage part) " for a full backup's failed part, both, or nothing. */
    private static String verifiedHow(JsonNode v) {
        List<String> how = new ArrayList<>();
        if (v.has("component")) {
            how.add((BackupIds.isId(v.path("component").asText(), BackupType.DATABASE) ? "database" : "storage")
                    + " part");
        }
        if (!v.path("deep").asBoolean(true)) {
            how.add("checksums");
        }
        return how.isEmpty() ? "" : "(" + String.join(", ", how) + ") ";
    }

    /** When a row's backup was taken: its {@code created_at}, or the time in its id where that is no instant. */
    private static java.time.Instant createdAt(ObjectNode row) {
        return new Manifest(row).createdAt();
    }

    /** One line: id, type and time left-aligned in their columns, the size right-aligned, then the rest. */
    private static String row(String id, String type, String created, String size, String rest) {
        StringBuilder b = new StringBuilder(128);
        pad(b.append(id), 36 - id.length()).append(' ');
        pad(b.append(type), 9 - type.length()).append(' ');
        pad(b.append(created), 20 - created.length()).append(' ');
        pad(b, 10 - size.length()).append(size).append("  ").append(rest);
        return b.toString();
    }

    private static StringBuilder pad(StringBuilder b, int spaces) {
        for (int i = 0; i < spaces; i++) {
            b.append(' ');
        }
        return b;
    }

    /** "2026-11-28 01:02:03" from an ISO instant; whatever is there (never an exception) for a hand-edited value. */
    static String shortTime(String iso) {
        String t = iso.replace('T', ' ');
        return t.length() >= 19 ? t.substring(0, 19) : t;
    }

    /**
     * A row for a manifest file that cannot be read (hand-edited, truncated): broken, with the reason; its time is
     * the one its id carries. (Such a backup used to be missing from {@code list} altogether.)
     */
    private static ObjectNode unreadableRow(java.nio.file.Path manifest) {
        String id = Manifest.idOf(manifest);
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("id", id);
        row.put("type", manifest.getParent().getFileName().toString());
        row.put("created_at", dev.archivist.catalog.BackupIds.instantOf(id).toString());
        // every row has the keys issue 2 promises a manifest has (a script reading row["checksum"] must not fail on
        // this one): what the manifest would say is not known
        row.putNull("backup_path");
        row.put("file_size", 0);
        row.putNull("checksum");
        row.putNull("last_verified");
        row.putArray("missing_files");
        row.putArray("resized_files");
        row.put("total_size", 0);
        row.put("broken", true);
        // what the listing's warning says too (an unknown type, one of another folder), not a bare "unreadable"
        String reason = Catalog.unreadableReason(manifest, BackupType.parse(manifest.getParent().getFileName().toString()));
        row.put("unreadable_manifest", dev.archivist.config.Redactor.redact(reason == null ? "unreadable" : reason));
        return row;
    }

    private static String fullNote(ObjectNode r) {
        if (r.has("unreadable_manifest")) {
            return " BROKEN: manifest unreadable (" + r.path("unreadable_manifest").asText() + ")";
        }
        String files = (r.path("edited_manifest").asBoolean() ? " BROKEN: manifest edited after it was written (its"
                + " checksum does not match)" : "")
                + (r.path("missing_files").isEmpty() ? "" : " BROKEN: files missing " + r.path("missing_files"))
                + (r.path("resized_files").isEmpty() ? "" : " BROKEN: files not of their recorded size (truncated?) "
                + r.path("resized_files"));
        if (!r.path("type").asText().equals("full")) {
            return files.isEmpty() ? "" : " " + files.trim();
        }
        // the ids as the full manifest holds them: one edited by hand may hold a newline or a terminal's escape
        String components = "  [" + Printable.controlsEscaped(r.path("database").path("id").asText("?")) + " + "
                + Printable.controlsEscaped(r.path("storage").path("id").asText("?")) + "]";
        List<String> gone = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        r.path("missing_components").forEach(c -> gone.add(c.asText()));
        r.path("unreadable_components").forEach(c -> unreadable.add(c.asText()));
        gone.removeAll(unreadable);
        String broken = (gone.isEmpty() ? "" : " BROKEN: missing " + Json.MAPPER.valueToTree(gone))
                + (unreadable.isEmpty() ? "" : " BROKEN: manifest unreadable " + Json.MAPPER.valueToTree(unreadable))
                + (r.path("edited_components").isEmpty() ? "" : " BROKEN: manifest edited after it was written "
                + r.path("edited_components"));
        return components + broken + files;
    }

    /**
     * A manifest plus what list adds: last verification, total size, the stored files that are not there (a part or
     * index deleted by hand: {@code missing_files}; one of another size than recorded: {@code resized_files}; checked
     * with one stat each, contents are verify's job) and, for a
     * full backup, its missing components (those whose manifest is there but cannot be read also in
     * {@code unreadable_components}) and its components' missing files; any of them makes the row {@code broken}.
     * Null for a backup whose manifest is gone since it was read (a rotation removing it meanwhile).
     */
    static ObjectNode describe(Catalog catalog, Manifest m) {
        ObjectNode row = m.json().deepCopy();
        // a full backup whose part failed its own verify since cannot be restored (as rotation, stats and latest
        // judge it): shown failed with that part's result, not clean with its own
        VerificationRecords.Shown shown = VerificationRecords.shown(catalog.stateDir(), m);
        if (shown == null) {
            row.putNull("last_verified");
        } else {
            VerificationRecords.Result v = shown.result();
            ObjectNode last = row.putObject("last_verified").put("at", v.verifiedAt().toString()).put("clean", v.clean())
                    .put("deep", v.deep());
            if (shown.component() != null) {
                last.put("component", shown.component());
            }
        }
        Catalog.Completeness has = catalog.completeness(m, catalog::findById);
        if (has.removed()) {
            return null;
        }
        has.missingFiles().forEach(row.putArray("missing_files")::add);
        has.resizedFiles().forEach(row.putArray("resized_files")::add);
        long total = has.onDiskBytes(m); // what is on disk: a part deleted by hand is not, a truncated one its size
        if (m.type() == BackupType.FULL) {
            has.missingComponents().forEach(row.putArray("missing_components")::add);
            ArrayNode unreadable = row.putArray("unreadable_components");
            for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
                String id = m.componentId(t);
                if (has.missingComponents().contains(id) && catalog.hasManifestFile(t, id)) {
                    unreadable.add(id);
                }
            }
            total = has.components().stream().mapToLong(has::onDiskBytes).sum();
        }
        // a manifest whose figures are not what was written: restore and rotate refuse it
        if (has.editedManifests().contains(m.id())) {
            row.put("edited_manifest", true);
        }
        if (m.type() == BackupType.FULL) {
            ArrayNode editedComponents = row.putArray("edited_components");
            has.editedManifests().stream().filter(id -> !id.equals(m.id())).forEach(editedComponents::add);
        }
        row.put("broken", has.broken());
        row.put("total_size", total);
        return row;
    }
}
