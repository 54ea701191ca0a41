package dev.archivist.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each backup was last verified, whether it was clean and how deep the check went, kept in
 * {@code .archivist/verified/<id>.json} so that verification never modifies a backup's own files.
 */
public final class VerificationRecords {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VerificationRecords.class);
    /** The damaged records already named by this process, as {@link #ignoring} identifies them. */
    private static final Set<Object> NAMED = ConcurrentHashMap.newKeySet();

    private VerificationRecords() {
    }

    /** The record file of a backup. */
    public static Path file(Path stateDir, String id) {
        if (!BackupIds.isId(id)) {
            throw new IllegalArgumentException("not a backup id: '" + id + "'"); // never a path out of the folder
        }
        return stateDir.resolve("verified").resolve(id + ".json");
    }

    /**
     * Records a verification result, {@code deep} when it read the whole backup (not only its checksums). A clean
     * checksum-only result does not replace a deep one: it cannot see what the deep check saw (a damaged database page
     * whose checksum was recomputed, an entry that does not match the index), so a deep failure stays on record, and
     * so does the deep check that last found the backup clean. Returns whether it was recorded.
     */
    public static boolean record(Path stateDir, String id, Instant at, boolean clean, int problems, boolean deep)
            throws IOException {
        if (clean && !deep) {
            Result last = read(stateDir, id);
            if (last != null && last.deep()) {
                return false;
            }
        }
        Durable.ensureDirectory(stateDir.resolve("verified"));
        ObjectNode node = Json.MAPPER.createObjectNode().put("id", id).put("verified_at", at.toString())
                .put("clean", clean).put("problems", problems).put("deep", deep);
        Durable.writeAtomically(file(stateDir, id), Json.MAPPER.writeValueAsBytes(node));
        return true;
    }

    /**
     * Whether the backup {@code m} can be restored as its verifications say: false when its last verify failed, and for
     * a full backup also when one of its parts' own last verify failed ({@code verify latest --type database} picks a
     * full's part); null when nothing says either way. Rotation and {@code stats} judge a backup by this.
     */
    public static Boolean restorable(Path stateDir, Manifest m) {
        Result own = read(stateDir, m.id());
        Boolean restorable = own == null ? null : own.restorable();
        return failedComponent(stateDir, m) != null ? Boolean.FALSE : restorable;
    }

    /**
     * For a full backup, the id of a part whose own last verify failed (the database part first), which makes the full
     * backup one that cannot be restored whatever its own record says; null when there is none or {@code m} is no
     * full backup.
     */
    public static String failedComponent(Path stateDir, Manifest m) {
        if (m.type() != BackupType.FULL) {
            return null;
        }
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            String id = m.componentId(t);
            Result part = id == null ? null : read(stateDir, id);
            if (part != null && Boolean.FALSE.equals(part.restorable())) {
                return id;
            }
        }
        return null;
    }

    /**
     * The verification {@code list} and {@code stats} show for {@code m}: its own last result, or for a full backup one of
     * whose parts failed its own last verify (so it cannot be restored, as {@link #restorable} judges it), unless its
     * own result failed too, that part's result with the part's id; null when never verified.
     */
    public static Shown shown(Path stateDir, Manifest m) {
        Result own = read(stateDir, m.id());
        String failedPart = own != null && !own.clean() ? null : failedComponent(stateDir, m);
        Result part = failedPart == null ? null : read(stateDir, failedPart);
        return part != null ? new Shown(part, failedPart) : own == null ? null : new Shown(own, null);
    }

    /** A verification result as shown for a backup; {@code component}: the full backup's part it is of, or null. */
    public record Shown(Result result, String component) {
    }

    /**
     * The last result, or null when never verified. A record that is not this backup's (copied from another one's
     * name: it would call clean a backup never checked) or that cannot be read (emptied, truncated, a field missing or
     * of another kind, as a failure would be read from a missing {@code clean}) counts as no record: it is named in a
     * warning, once per file as it is, and the next verify of the backup replaces it.
     */
    public static Result read(Path stateDir, String id) {
        Path f = file(stateDir, id);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(f.toFile());
            String damage = damageOf(node, id);
            if (damage == null) {
                // records written before the depth was kept came from the default, deep, verify
                return new Result(Instant.parse(node.get("verified_at").textValue()), node.get("clean").booleanValue(),
                        !node.has("deep") || node.get("deep").booleanValue());
            }
            ignoring(f, id, damage);
        } catch (IOException | RuntimeException e) {
            ignoring(f, id, Json.readFailure(e)); // one line, not Jackson's several
        }
        return null;
    }

    /** What keeps {@code node} from being the verification record of {@code id}, or null when nothing does. */
    private static String damageOf(JsonNode node, String id) {
        if (node == null || node.isMissingNode()) {
            return "it is empty";
        }
        if (!node.isObject()) {
            return "it is no JSON object";
        }
        if (!id.equals(node.path("id").textValue())) {
            return node.path("id").isTextual() ? "it is the record of " + node.path("id").textValue() : "it names no id";
        }
        try {
            Instant.parse(node.path("verified_at").asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            return "its verified_at is no time";
        }
        if (!node.path("clean").isBoolean()) {
            return "its clean is not true or false";
        }
        if (node.has("deep") && !node.get("deep").isBoolean()) {
            return "its deep is not true or false";
        }
        return null;
    }

    /** Warns that the record {@code f} of {@code id} is ignored, once per file as it is (path, inode, time, size). */
    private static void ignoring(Path f, String id, String why) {
        Object identity;
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            identity = List.of(f.toAbsolutePath(), String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            identity = f.toAbsolutePath();
        }
        if (NAMED.add(identity)) {
            LOG.warn("ignoring the verification record {} ({}): {} counts as not verified until it is verified again"
                    + " (archivist verify {})", f, why, id, id);
        }
    }

    /** A recorded verification outcome; {@code deep} when the whole backup was read, not only its checksums. */
    public record Result(Instant verifiedAt, boolean clean, boolean deep) {
        /**
         * For retention: true when a deep check found the backup clean, false when any check found problems, null
         * when only checksums were seen clean (not enough to call the backup restorable).
         */
        public Boolean restorable() {
            return !clean ? Boolean.FALSE : deep ? Boolean.TRUE : null;
        }
    }
}
