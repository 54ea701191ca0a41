package dev.archivist.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.BackupType;
import dev.archivist.Plural;
import dev.archivist.catalog.Catalog;
import dev.archivist.catalog.Json;
import dev.archivist.catalog.Manifest;
import dev.archivist.restore.EntryNames;
import dev.archivist.verify.Problem;
import dev.archivist.verify.VerifyReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archivist verify}: checks backups deeply and reports every problem. */
@Command(name = "verify", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = "Verify a backup (id, 'latest' or manifest path) or --all: part sizes and SHA-256, the whole archive, every file against the index, integrity_check of databases. Exit 0 only when clean.")
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BACKUP", description = "id, latest (the newest, as it is), or the path of a manifest in BACKUP_DIR")
    String ref;

    @Option(names = "--type", paramLabel = "TYPE", description = "With 'latest' or --all: database, storage or full.")
    String type;

    @Option(names = "--all", description = "Verify every backup and print a summary.")
    boolean all;

    @Option(names = "--quick", description = "Check sizes and checksums only, skip the deep read.")
    boolean quick;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (!all && ref == null) {
            throw new IllegalArgumentException("name a backup (id, latest or manifest path) or use --all");
        }
        if (all && ref != null) {
            throw new IllegalArgumentException("name a backup or use --all, not both (got --all and '" + ref + "')");
        }
        BackupType filter = type == null ? null : BackupType.parseOrAll(type);
        BackupService service = Services.create(config.loadForReading(), spec);
        java.nio.file.Path backupDir = service.settings().backupDir();
        if (all && !java.nio.file.Files.isDirectory(backupDir)) { // a mistyped path must not keep a monitoring job green
            throw new dev.archivist.NotFoundException("BACKUP_DIR " + backupDir + " does not exist: no backup to verify"
                    + " (a mistyped path? an existing empty folder passes, as a fresh install)");
        }
        Output.catalogNotices(service, spec.commandLine().getErr());
        List<Manifest> targets = all ? service.list(filter) : List.of(service.find(ref, filter));
        List<VerifyReport> reports = new ArrayList<>();
        PrintWriter out = spec.commandLine().getOut();
        java.util.Set<String> removed = new java.util.HashSet<>();
        Map<String, String> notVerified = new java.util.LinkedHashMap<>();
        // a full backup's components come after it (newest first): checked with it, they are not read again
        Map<String, VerifyReport> checked = new java.util.HashMap<>();
        for (Manifest m : targets) {
            VerifyReport r;
            try {
                r = service.verify(m, !quick, checked);
            } catch (ArchivistException e) {
                if (!all) {
                    throw e;
                }
                // this machine could not check it (its copy for integrity_check did not fit): go on with the others
                notVerified.put(m.id(), e.getMessage());
                if (!json) {
                    out.printf("ERROR  %s: %s%n", m.id(), e.getMessage());
                    out.flush();
                }
                continue;
            }
            if (!all && service.removedWhileVerified(m, r)) { // its problems are those of the removal, not damage
                throw new ArchivistException("verify of " + m.id() + ": the backup was removed while it was verified"
                        + " (by a rotation or by hand), so nothing can be said of it");
            }
            if (all && service.removedWhileVerified(m, r)) { // a rotation in another process: not a failed backup
                removed.add(r.backupId());
                if (!json) {
                    out.printf("GONE   %s: removed while it was verified (by a rotation or by hand)%n", r.backupId());
                    out.flush();
                }
                continue;
            }
            reports.add(r);
            if (!json) {
                out.printf("%s %s: %s (%s checked%s)%n", r.clean() ? "OK    " : "FAILED", r.backupId(), r.clean() ? "clean" : Plural.of(r.problems().size(), "problem"),
                        Output.size(r.bytesChecked()), r.filesChecked() > 0 ? ", " + Plural.of(r.filesChecked(), "file") : "");
                for (Problem p : r.problems()) {
                    out.println("    - " + describe(p, r.backupId()));
                }
                if (!r.restoreWarnings().isEmpty()) { // no damage, but a default restore of it fails: say so here
                    out.println("    note: " + Plural.of(r.restoreWarnings().size(), "entry is", "entries are")
                            + " refused by a default restore (see restore_warnings in the manifest), e.g. "
                            + describe(r.restoreWarnings().get(0), r.backupId()));
                }
                out.flush();
            }
        }
        if (all) { // a manifest that cannot be read is a backup that fails verification, not one to skip
            java.util.Set<String> listed = new java.util.HashSet<>();
            targets.forEach(m -> listed.add(m.id()));
            for (java.nio.file.Path bad : service.catalog().unreadableManifests(filter, listed)) {
                String id = Manifest.idOf(bad);
                String type = bad.getParent().getFileName().toString();
                // why, as list says it: "permission denied" (a file another user wrote there) is no damage
                String why = Catalog.unreadableReason(bad, BackupType.parse(type));
                VerifyReport r = new VerifyReport(id, type, java.time.Instant.now(), !quick, 0, 0,
                        List.of(new Problem(id, "manifest " + bad.getFileName(), "unreadable ("
                                + (why != null ? why : "not valid JSON or not a manifest")
                                + "): its backup cannot be verified or restored")));
                reports.add(r);
                if (!json) {
                    out.printf("FAILED %s: %s%n    - %s%n", id, "1 problem", describe(r.problems().get(0), id));
                    out.flush();
                }
            }
            // nor is a backup whose files are there without their manifest (deleted by hand, say, as the Python tool's
            // metadata): passed over, it left verify --all green over backups nobody could list or restore any more
            java.util.SortedMap<String, BackupType> withoutManifest;
            try {
                withoutManifest = service.catalog().idsWithoutManifest(filter);
            } catch (java.io.IOException e) {
                throw new ArchivistException("cannot look for backups without a manifest in " + backupDir + ": "
                        + ArchivistException.reason(e), e);
            }
            for (Map.Entry<String, BackupType> e : withoutManifest.entrySet()) {
                String id = e.getKey();
                String folder = e.getValue().wireName();
                VerifyReport r = new VerifyReport(id, folder, java.time.Instant.now(), !quick, 0, 0,
                        List.of(new Problem(id, "manifest " + folder + "/" + Manifest.fileName(id), "missing, while"
                                + " the backup's files are there (lost or moved away?): it cannot be listed, verified or"
                                + " restored until the manifest is back; delete its files if it is not needed")));
                reports.add(r);
                if (!json) {
                    out.printf("FAILED %s: %s%n    - %s%n", id, "1 problem", describe(r.problems().get(0), id));
                    out.flush();
                }
            }
        }
        long failed = reports.stream().filter(r -> !r.clean()).count();
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (VerifyReport r : reports) {
                ObjectNode n = array.addObject();
                n.put("id", r.backupId()).put("type", r.type()).put("clean", r.clean()).put("deep", r.deep())
                        .put("verified_at", r.verifiedAt().toString()).put("bytes_checked", r.bytesChecked()).put("files_checked", r.filesChecked());
                ArrayNode ps = n.putArray("problems");
                r.problems().forEach(p -> ps.addObject().put("backup_id", p.backupId()).put("where", p.where()).put("what", p.what()));
                ArrayNode ws = n.putArray("restore_warnings");
                r.restoreWarnings().forEach(p -> ws.addObject().put("backup_id", p.backupId()).put("where", p.where())
                        .put("what", p.what()));
            }
            if (all) {
                ObjectNode root = Json.MAPPER.createObjectNode();
                root.put("verified", reports.size()).put("clean", reports.size() - failed).put("failed", failed)
                        .put("removed_while_verified", removed.size()).put("not_verified", notVerified.size());
                ObjectNode errors = root.putObject("errors");
                notVerified.forEach(errors::put);
                root.set("reports", array);
                Output.json(out, root);
            } else {
                Output.json(out, array.get(0));
            }
        } else if (all) {
            out.printf("%s verified: %d clean, %d with problems%s%s%n", Plural.of(reports.size(), "backup"), reports.size() - failed, failed,
                    removed.isEmpty() ? "" : ", " + removed.size() + " removed while verified",
                    notVerified.isEmpty() ? "" : ", " + notVerified.size() + " could not be checked here (ERROR above)");
            out.flush();
        }
        return failed == 0 && notVerified.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * One line per problem: names with control characters escaped (a damaged stream yields garbage names, and a real
     * name may hold a newline), and the backup named when it is a component of the one verified.
     */
    private static String describe(Problem p, String verified) {
        String where = EntryNames.display(p.where()) + ": " + EntryNames.display(p.what());
        return p.backupId() == null || p.backupId().equals(verified) ? where : p.backupId() + ": " + where;
    }
}
