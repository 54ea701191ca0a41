package dev.archivist.catalog;

import dev.archivist.archive.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.BackupType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A backup's manifest: the JSON document written last, whose presence makes a backup exist. Keeps the original's keys
 * ({@code timestamp, type, original_path, backup_path, file_size, checksum, created_at}) and adds ours. Unknown keys
 * are preserved.
 */
public final class Manifest {
    /** Suffix of manifest files. */
    public static final String SUFFIX = ".json";

    private final ObjectNode json;
    private Instant createdAt;
    /** Whether the file it was read from holds exactly the bytes {@link #toBytes} gives (true when not read). */
    private boolean asWritten = true;

    public Manifest(ObjectNode json) {
        this.json = json;
    }

    /**
     * Jackson's pretty printer with its indent of two spaces and {@code \n} after every line whatever the system's line
     * separator, so that a manifest's bytes do not depend on the machine that reads or writes it.
     */
    private static final com.fasterxml.jackson.databind.ObjectWriter FILE_WRITER = Json.MAPPER.writer(
            new com.fasterxml.jackson.core.util.DefaultPrettyPrinter().withObjectIndenter(
                    new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n")));

    /** The bytes of a manifest file: what a commit writes, and all a manifest file may hold. */
    public static byte[] toBytes(ObjectNode json) throws IOException {
        return FILE_WRITER.writeValueAsBytes(json);
    }

    /**
     * Reads and minimally checks a manifest file. Anything but a regular file (through a link too) is refused before
     * it is opened: the open of a FIFO at a manifest's name waits for a writer for ever, and so did every command
     * that lists the catalog (a daemon's backups included).
     */
    public static Manifest read(Path file) throws IOException {
        java.nio.file.attribute.BasicFileAttributes attributes =
                Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + " is not a regular file but " + (attributes.isDirectory() ? "a folder"
                    : "a FIFO, socket or device") + ": not read");
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        JsonNode node = Json.MAPPER.readTree(bytes);
        if (!(node instanceof ObjectNode obj) || !obj.hasNonNull("id") || !obj.hasNonNull("type")) {
            throw new IOException("not an Archivist manifest: " + file);
        }
        // the id names the manifest, its verification record and its files' folder: never a path
        if (!BackupIds.isId(obj.path("id").asText())) {
            throw new IOException("manifest " + file + " has no valid backup id: '" + obj.path("id").asText() + "'");
        }
        // verify hashes, restore reads and rotation deletes the files a manifest names: only ever inside its folder
        List<String> named = new ArrayList<>();
        obj.path("parts").forEach(p -> named.add(p.path("path").asText()));
        if (obj.path("index").isObject()) {
            named.add(obj.path("index").path("path").asText());
        }
        for (String name : named) {
            if (!isFileName(name)) {
                throw new IOException("manifest " + file + " names a file outside its folder: '" + name + "'");
            }
        }
        Manifest m = new Manifest(obj);
        // an edit that keeps the meaning (spaces, bytes after the closing brace, which the parser ignores) changes no
        // checksum of the parsed document, but it is still an edit: the file must be byte for byte what was written
        m.asWritten = java.util.Arrays.equals(bytes, toBytes(obj));
        return m;
    }

    /** A plain file name (no folder, not {@code .} or {@code ..}): what the files of a backup are called. */
    static boolean isFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }

    public ObjectNode json() {
        return json;
    }

    public String id() {
        return json.path("id").asText();
    }

    public BackupType type() {
        return BackupType.parse(json.path("type").asText());
    }

    /**
     * When the backup was taken; parsed once (listing sorts thousands of manifests by it). A damaged value falls back
     * to the time in the id, so one bad manifest never breaks listing (verify reports it through the self-checksum).
     */
    public Instant createdAt() {
        if (createdAt == null) {
            try {
                createdAt = Instant.parse(json.path("created_at").asText());
            } catch (java.time.format.DateTimeParseException e) {
                try {
                    createdAt = BackupIds.instantOf(id());
                } catch (RuntimeException notAnId) {
                    createdAt = Instant.EPOCH;
                }
            }
        }
        return createdAt;
    }

    public String checksum() {
        return json.path("checksum").asText(null);
    }

    public long fileSize() {
        return json.path("file_size").asLong();
    }

    /** Bytes this backup stores: its data files and its index (a full backup records its components' sum). */
    public long storedBytes() {
        return json.path("file_size").asLong(0) + json.path("index").path("size").asLong(0);
    }

    /**
     * The bytes of {@link #storedBytes()} on disk: the recorded sizes of the files named in {@code missing}
     * ({@code <type>/<name>}, as {@link Catalog#storedFiles} names them) left out, since they are no longer there, and a
     * file of another size than recorded counted at its size on disk ({@code onDisk}, by {@code <type>/<name>}): a part
     * truncated to 1 KB holds 1 KB, not the recorded 500 MB.
     */
    public long storedBytes(java.util.Collection<String> missing, java.util.Map<String, Long> onDisk) {
        long bytes = storedBytes();
        String folder = type().wireName() + "/";
        for (Part p : parts()) {
            bytes -= onDiskCorrection(folder + p.path(), p.size(), missing, onDisk);
        }
        if (indexFile() != null) {
            bytes -= onDiskCorrection(folder + indexFile(), json.path("index").path("size").asLong(0), missing, onDisk);
        }
        return Math.max(0, bytes);
    }

    /** What to take off a file's recorded size to get its size on disk. */
    private static long onDiskCorrection(String name, long recorded, java.util.Collection<String> missing,
                                         java.util.Map<String, Long> onDisk) {
        if (missing.contains(name)) {
            return recorded;
        }
        Long size = onDisk.get(name);
        return size == null ? 0 : recorded - size;
    }

    /** The id of a manifest file {@code <id>.json}. */
    public static String idOf(Path manifestFile) {
        String name = manifestFile.getFileName().toString();
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    public String compression() {
        return json.path("compression").asText("none");
    }

    public boolean preRestore() {
        return json.path("pre_restore").asBoolean(false);
    }

    /** The stored data files in order ({@code parts}); empty for a full backup. */
    public List<Part> parts() {
        List<Part> parts = new ArrayList<>();
        for (JsonNode p : json.path("parts")) {
            parts.add(new Part(p.path("path").asText(), p.path("size").asLong(), p.path("sha256").asText()));
        }
        return parts;
    }

    /** Name of the per-file index beside a storage archive, or null. */
    public String indexFile() {
        JsonNode idx = json.path("index");
        return idx.isObject() ? idx.path("path").asText(null) : null;
    }

    /** SHA-256 of the per-file index, or null. */
    public String indexChecksum() {
        JsonNode idx = json.path("index");
        return idx.isObject() ? idx.path("sha256").asText(null) : null;
    }

    /** For a full backup: the component of the given type ({@code id}, {@code checksum}), or null. */
    public JsonNode component(BackupType type) {
        JsonNode c = json.path(type.wireName());
        return c.isObject() ? c : null;
    }

    /**
     * For a full backup: whether {@code c} is the component it recorded, by the checksum written beside its id (a
     * component replaced or forged since, its own manifest re-signed, is not).
     */
    public boolean recordedComponent(Manifest c) {
        JsonNode ref = component(c.type());
        return ref != null && ref.path("checksum").asText("").equals(c.checksum());
    }

    /**
     * For a full backup: the id its component of type {@code t} names, or null when it names none, or something that
     * is no id of that type (a hand-edited {@code ../../database/x}, a database id in the storage slot).
     */
    public String componentId(BackupType t) {
        JsonNode c = component(t);
        String id = c == null ? null : c.path("id").asText(null);
        return BackupIds.isId(id, t) ? id : null;
    }

    /** Every file name this backup owns in its type folder (parts, index), excluding the manifest itself. */
    public List<String> ownedFiles() {
        List<String> files = new ArrayList<>();
        parts().forEach(p -> files.add(p.path()));
        if (indexFile() != null) {
            files.add(indexFile());
        }
        return files;
    }

    /**
     * The size the manifest records for each file of {@link #ownedFiles()}, by name: a part's, the index's (or -1 when
     * it records none).
     */
    public java.util.Map<String, Long> recordedSizes() {
        java.util.Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        parts().forEach(p -> sizes.put(p.path(), p.size()));
        if (indexFile() != null) {
            sizes.put(indexFile(), json.path("index").path("size").asLong(-1));
        }
        return sizes;
    }

    /** A stored part: its file name (relative to the type folder), size and SHA-256. */
    public record Part(String path, long size, String sha256) {
    }

    /**
     * Key of the manifest's own checksum (SHA-256 of its compact JSON without this key): with the file's bytes, which
     * must be exactly {@link #toBytes}, detects edits.
     */
    public static final String SELF_CHECKSUM = "manifest_checksum";

    /** Computes the self checksum of a manifest document (ignoring any existing one). */
    public static String selfChecksum(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove(SELF_CHECKSUM);
        try {
            return Sha256.of(Json.MAPPER.writeValueAsBytes(copy));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest", e);
        }
    }

    /** What its {@link #SELF_CHECKSUM} says of this manifest. */
    public enum SelfCheck { INTACT, MISSING, MISMATCH }

    /** Whether this manifest still matches its own checksum, has none, or was changed after it was written. */
    public SelfCheck selfCheck() {
        String recorded = json().path(SELF_CHECKSUM).asText(null);
        return recorded == null ? SelfCheck.MISSING
                : asWritten && recorded.equals(selfChecksum(json())) ? SelfCheck.INTACT : SelfCheck.MISMATCH;
    }

    /**
     * Whether this manifest was changed after it was written: its {@link #SELF_CHECKSUM} does not match. What it
     * records (parts, components, checksums) is not to be trusted; one without the key at all is not judged here.
     */
    public boolean editedAfterWriting() {
        return selfCheck() == SelfCheck.MISMATCH;
    }

    /** Builds the {@code parts} array. */
    public static ArrayNode partsNode(List<Part> parts) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Part p : parts) {
            array.addObject().put("path", p.path()).put("size", p.size()).put("sha256", p.sha256());
        }
        return array;
    }

    /** The manifest file name for a backup id. */
    public static String fileName(String id) {
        return id + SUFFIX;
    }

    /** Whether a file in a type folder is a manifest. */
    public static boolean isManifest(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(SUFFIX) && !n.startsWith(Durable.TEMP_PREFIX) && Files.isRegularFile(file);
    }
}
