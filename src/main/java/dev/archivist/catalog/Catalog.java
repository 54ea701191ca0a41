package dev.archivist.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.archivist.ArchivistException;
import dev.archivist.BackupType;
import dev.archivist.NotFoundException;
import dev.archivist.Plural;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup directory: {@code database/}, {@code storage/}, {@code full/} (the original's layout) and
 * {@code .archivist/} for the lock, the id counter, verification records and scheduler state. A backup exists exactly
 * when its manifest does; listing reads manifests only.
 */
public final class Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
    /** Name of the state folder inside the backup directory. */
    public static final String STATE_DIR = ".archivist";
    private static final java.util.regex.Pattern ID_PATTERN = BackupIds.ID_PATTERN;
    /** Files of the catalog folders that Archivist did not write and this process has already named in a warning. */
    private static final Set<Path> FOREIGN_NAMED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.regex.Pattern COMPONENT_ID =
            java.util.regex.Pattern.compile("(db_backup|storage_backup)_\\d{8}T\\d{6}\\.\\d{3}Z");

    private final Path root;
    /** Set when the process is stopping; guarded by {@code this}, like the commits it refuses. */
    private boolean commitsRefused;

    /**
     * The ids committed since {@link #rememberCommits()}, for a one-shot process's stop report; never filled for a
     * daemon or an application, whose catalog lives for months and would hold every id it ever committed.
     */
    private final List<String> committed = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The ids removed since {@link #rememberCommits()}, for the same report; as {@link #committed}, one-shot only. */
    private final List<String> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean rememberCommits;
    /**
     * The unreadable manifests this object has named in a warning, with their reason: a command lists the catalog more
     * than once (a restore of latest before and under the lock, a backup and its rotation), and names each once.
     */
    private final Set<String> namedUnreadable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Catalog(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The folder of one backup type. */
    public Path dir(BackupType type) {
        return root.resolve(type.folder());
    }

    /** The state folder ({@code .archivist}). */
    public Path stateDir() {
        return root.resolve(STATE_DIR);
    }

    /** Creates the layout if missing. */
    public void ensureLayout() throws IOException {
        Durable.ensureDirectory(root);
        for (BackupType t : BackupType.values()) {
            Durable.ensureDirectory(dir(t));
        }
        Durable.ensureDirectory(stateDir());
    }

    /**
     * Whether this backup directory exists but cannot be written (a read-only mount, media, another user's): no
     * process can change it, so reading it needs no lock.
     */
    public boolean readOnly() {
        return Files.isDirectory(root) && !Files.isWritable(root);
    }

    /** Takes the exclusive write lock of this backup directory. */
    public DirectoryLock lock(Duration timeout, String command, Consumer<String> waiting) throws IOException {
        Durable.ensureDirectory(root);
        return DirectoryLock.acquire(stateDir().resolve("lock"), timeout, command, waiting);
    }

    /** Whether another process (or thread) holds the write lock of this backup directory now; takes nothing. */
    public boolean lockHeldElsewhere() throws IOException {
        return DirectoryLock.heldElsewhere(stateDir().resolve("lock"));
    }

    /**
     * Makes every later {@link #commit} and {@link #delete} fail; returns once a commit or removal in progress has
     * ended. A process told to stop calls this before it removes what no manifest owns, so that no backup is committed
     * after its files were removed, and before it reports, so that no backup is removed after the report named those
     * removed.
     */
    public synchronized void refuseCommits() {
        commitsRefused = true;
    }

    /** Whether {@link #refuseCommits()} was called: the process is stopping, so nothing new should be switched in. */
    public synchronized boolean commitsRefused() {
        return commitsRefused;
    }

    /** Allocates a new id; call under the lock. */
    public String newId(BackupType type, Clock clock) throws IOException {
        ensureLayout();
        String id = BackupIds.next(type, clock, stateDir(), dir(type));
        InFlight.mark(stateDir(), id); // what it writes before its manifest is an interrupted run's, for the sweep
        return id;
    }

    /**
     * Ends the mark of a backup that failed and removed what it wrote. The mark stays while a file of {@code id} is
     * still in its folder (a removal that failed too), so that the next sweep removes it; temporary files are swept
     * whatever the mark.
     */
    public void abandon(BackupType type, String id) {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir(type),
                f -> f.getFileName().toString().startsWith(id))) {
            if (left.iterator().hasNext()) {
                return;
            }
        } catch (IOException e) {
            return; // cannot tell: the next sweep decides
        }
        InFlight.clear(stateDir(), id);
    }

    /**
     * Commits a backup by writing its manifest (the last step of every backup). Fails once {@link #refuseCommits()}
     * was called.
     */
    public synchronized Manifest commit(ObjectNode manifest) throws IOException {
        if (commitsRefused) {
            throw new IOException("stopped before the backup was committed (no manifest written)");
        }
        manifest.put(Manifest.SELF_CHECKSUM, Manifest.selfChecksum(manifest));
        Manifest m = new Manifest(manifest);
        Path file = dir(m.type()).resolve(Manifest.fileName(m.id()));
        try {
            Durable.writeAtomically(file, Manifest.toBytes(manifest));
        } catch (IOException e) { // renamed but not known to be durable (the folder's fsync failed): not committed
            try {
                Files.deleteIfExists(file); // ours: an id whose manifest exists is never given out
            } catch (IOException cannot) {
                e.addSuppressed(cannot);
            }
            throw e;
        }
        InFlight.clear(stateDir(), m.id());
        if (rememberCommits) {
            committed.add(m.id());
        }
        return m;
    }

    /**
     * From now on, {@link #committed()} lists the backups this object commits and {@link #removed()} those it removes:
     * for a one-shot process only.
     */
    public void rememberCommits() {
        rememberCommits = true;
    }

    /**
     * The ids of the backups this object committed since {@link #rememberCommits()}, oldest first: a stopped command
     * names those it completed. Empty without that call.
     */
    public List<String> committed() {
        return List.copyOf(committed);
    }

    /**
     * The ids of the backups this object removed since {@link #rememberCommits()} (their manifests gone), in the order
     * removed: a stopped {@code rotate} names those. Empty without that call.
     */
    public List<String> removed() {
        return List.copyOf(removed);
    }

    /**
     * From now on, an unreadable manifest already named is named again: for a process that runs one command after
     * another with this object (a daemon's jobs), each of which names it once.
     */
    public void forgetNamedManifests() {
        namedUnreadable.clear();
    }

    /**
     * Every backup of a type (all types when null), newest first. Unreadable manifests are skipped with a warning, once
     * per manifest and reason until {@link #forgetNamedManifests()}.
     */
    public List<Manifest> list(BackupType type) {
        List<Manifest> result = new ArrayList<>();
        for (BackupType t : BackupType.values()) {
            if (type == null || type == t) {
                result.addAll(listDir(t));
            }
        }
        result.sort(Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id).reversed());
        return result;
    }

    /**
     * Manifest files of {@code type} (every type when null) that cannot be read: listings skip them with a warning,
     * {@code list} shows each as a broken row and {@code verify --all} reports each as a failed backup. Only files
     * named like Archivist's manifests ({@code <id>.json}) count: other JSON files (the Python tool's metadata) are
     * not backups of ours. The manifests of {@code readIds} (those a listing just read) are not parsed again.
     */
    public List<Path> unreadableManifests(BackupType type, Set<String> readIds) {
        List<Path> bad = new ArrayList<>();
        for (BackupType t : type == null ? List.of(BackupType.values()) : List.of(type)) {
            for (Path f : manifestFiles(t)) {
                String id = Manifest.idOf(f);
                if (ID_PATTERN.matcher(id).matches() && !readIds.contains(id) && isUnreadableManifest(f, t)) {
                    bad.add(f);
                }
            }
        }
        java.util.Collections.sort(bad);
        return bad;
    }

    /**
     * Backups of {@code type} (every type when null) whose files lie in their folder without any manifest, that no run
     * is writing or removing and that no full backup names (the full's verify reports those): a manifest lost or moved
     * away. The sweep leaves such files alone and names them; {@code verify --all} reports each as a failed backup, so
     * a monitor does not stay green over backups that can no longer be listed or restored. Read without the lock: the
     * in-flight marks are read after the folder and each manifest is looked for again, so a backup committed or
     * removed meanwhile is not named. Returns id to type folder, sorted by id.
     */
    public java.util.SortedMap<String, BackupType> idsWithoutManifest(BackupType type) throws IOException {
        Map<String, BackupType> candidates = new java.util.HashMap<>();
        for (BackupType t : type == null ? List.of(BackupType.values()) : List.of(type)) {
            if (!Files.isDirectory(dir(t))) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir(t))) {
                for (Path f : files) {
                    java.util.regex.Matcher id = ID_PATTERN.matcher(f.getFileName().toString());
                    if (id.lookingAt() && !Files.exists(dir(t).resolve(Manifest.fileName(id.group())),
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        candidates.put(id.group(), t);
                    }
                }
            }
        }
        java.util.SortedMap<String, BackupType> result = new java.util.TreeMap<>();
        if (candidates.isEmpty()) {
            return result;
        }
        Set<String> readFulls = new HashSet<>();
        Set<String> named = new HashSet<>();
        for (Manifest full : listDir(BackupType.FULL)) {
            readFulls.add(full.id());
            for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
                named.add(full.componentId(t));
            }
        }
        named.addAll(idsNamedInRawText(unreadableManifests(BackupType.FULL, readFulls)).keySet());
        Set<String> inFlight = InFlight.ids(stateDir());
        candidates.forEach((id, t) -> {
            if (!named.contains(id) && !inFlight.contains(id)
                    && !Files.exists(dir(t).resolve(Manifest.fileName(id)), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                result.put(id, t);
            }
        });
        return result;
    }

    /**
     * The manifest files in the folder of {@code type} (none when it does not exist yet). A folder that cannot be
     * listed fails the listing: shown as "no backups", it would read as an empty catalog to a person or a monitor.
     */
    private List<Path> manifestFiles(BackupType type) {
        Path dir = dir(type);
        java.nio.file.attribute.BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of(); // no backup of this type taken yet
        } catch (IOException e) { // BACKUP_DIR may not be entered: its folders cannot even be looked at
            throw new ArchivistException("cannot list the " + type.wireName() + " backups in " + dir + ": "
                    + ArchivistException.reason(e) + ForeignOwner.hint(root, e), e);
        }
        if (!attributes.isDirectory() && !(attributes.isSymbolicLink() && Files.isDirectory(dir))) {
            throw new ArchivistException("cannot list the " + type.wireName() + " backups: " + dir + " is not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + Manifest.SUFFIX)) {
            for (Path f : stream) {
                if (!f.getFileName().toString().startsWith(Durable.TEMP_PREFIX)) {
                    files.add(f);
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            throw new ArchivistException("cannot list the " + type.wireName() + " backups in " + dir + ": "
                    + ArchivistException.reason(e instanceof java.nio.file.DirectoryIteratorException d ? d.getCause() : e)
                    + ForeignOwner.hint(root, e), e);
        }
        return files;
    }

    private List<Manifest> listDir(BackupType type) {
        List<Path> files = manifestFiles(type);
        // Parsing is most of a listing's cost: thousands of small JSON files are read on all cores.
        return files.parallelStream().map(f -> readListed(f, type, namedUnreadable)).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }

    /**
     * The manifest {@code f} the folder listing found, or null with a warning when it cannot be read; null without one
     * when it was removed since the folder was listed (a rotation in another process): gone, not unreadable.
     */
    static Manifest readListed(Path f, BackupType type) {
        return readListed(f, type, null);
    }

    /**
     * As {@link #readListed(Path, BackupType)}; the warning only when {@code named} (those already named, with their
     * reason) does not hold it yet, then added; null: always.
     */
    private static Manifest readListed(Path f, BackupType type, Set<String> named) {
        if (!ID_PATTERN.matcher(Manifest.idOf(f)).matches()) {
            // no Archivist manifest has such a name (the Python tool's db_backup_20240101_020000.json): a foreign file,
            // which the sweep names once; a warning here repeated it at every listing, every daemon job included
            LOG.debug("not an Archivist manifest name, not listed: {}", f);
            return null;
        }
        try {
            return readAs(f, type);
        } catch (java.nio.file.NoSuchFileException e) {
            LOG.debug("removed since its folder was listed, not listed: {}", f);
            return null;
        } catch (IOException | RuntimeException e) {
            String reason = Json.readFailure(e);
            if (named == null || named.add(f + ": " + reason)) {
                LOG.warn("skipping unreadable manifest {}: {}", f, reason);
            } else {
                LOG.debug("skipping unreadable manifest {}: {} (named above)", f, reason);
            }
            return null;
        }
    }

    /**
     * Why the manifest file {@code f} of the {@code type} folder is no backup there (it cannot be read, is of another
     * type, names another id), as {@code list} shows it; null when it reads as one.
     */
    public static String unreadableReason(Path f, BackupType type) {
        try {
            readAs(f, type);
            return null;
        } catch (IOException | RuntimeException e) {
            return Json.readFailure(e);
        }
    }

    /** Why a manifest that parses is not the backup its file name says. */
    public static String idMismatch(Manifest m) {
        return "its id '" + m.id() + "' differs from its file name";
    }

    /**
     * The manifest {@code f} of the {@code type} folder; fails when it cannot be read, is of another type, or names
     * another id than its file.
     */
    private static Manifest readAs(Path f, BackupType type) throws IOException {
        Manifest m = Manifest.read(f);
        if (m.type() != type) {
            throw new IOException("a " + m.type().wireName() + " backup's manifest in the " + type.wireName() + " folder");
        }
        if (!m.id().equals(Manifest.idOf(f))) { // edited by hand or damaged: rotation would delete another id's files
            throw new IOException(idMismatch(m));
        }
        m.createdAt();
        return m;
    }

    /**
     * Finds a backup by id, by {@code latest} (newest of {@code type}, or of any type when null, as it is: what verify
     * checks) or by a manifest path. Where the backup is to be read, {@link #latestRestorable} is what latest means.
     */
    public Manifest find(String ref, BackupType type) {
        if (ref.equals("latest")) {
            return latest(type);
        }
        Path asPath = Path.of(ref);
        if (ref.endsWith(Manifest.SUFFIX) && Files.isRegularFile(asPath)) {
            Manifest m;
            try {
                m = typed(Manifest.read(asPath), null, ref);
            } catch (IOException e) {
                throw new NotFoundException("cannot read manifest " + ref + ": " + Json.readFailure(e));
            }
            inThisCatalog(asPath, m);
            if (type != null && m.type() != type) {
                throw wrongType(m, type);
            }
            return m;
        }
        java.util.regex.Matcher idMatch = ID_PATTERN.matcher(asPath.getFileName() == null ? ref : asPath.getFileName().toString());
        String id = idMatch.lookingAt() ? idMatch.group() : ref;
        for (BackupType t : BackupType.values()) {
            if ((type == null || type == t) && id.startsWith(t.prefix() + "_")) {
                if (!ref.equals(id)) {
                    inThisCatalog(ref, asPath, t);
                }
                Path file = dir(t).resolve(Manifest.fileName(id));
                if (Files.isRegularFile(file)) {
                    Manifest m;
                    try {
                        m = typed(Manifest.read(file), t, id);
                    } catch (IOException e) {
                        throw new NotFoundException("cannot read manifest of " + id + ": " + Json.readFailure(e));
                    }
                    if (!m.id().equals(id)) { // listing skips it too: it is not the backup its name says
                        throw new NotFoundException("cannot read manifest of " + id + ": " + idMismatch(m));
                    }
                    return m;
                }
            }
        }
        if (type != null) { // 'no backup' would be wrong: it is there, of another type
            Manifest other = find(ref, null);
            throw wrongType(other, type);
        }
        throw new NotFoundException("no backup '" + ref + "' in " + root);
    }

    private static NotFoundException wrongType(Manifest m, BackupType wanted) {
        return new NotFoundException(m.id() + " is a " + m.type().wireName() + " backup, not a " + wanted.wireName()
                + " backup");
    }

    /**
     * The newest backup of {@code type} (any when null) that is not a safety copy. When a newer manifest cannot be read,
     * "latest" is refused rather than quietly resolved to an older backup (a restore of last week's data when the
     * operator meant last night's).
     */
    private Manifest latest(BackupType type) {
        List<Manifest> all = list(type);
        Manifest newest = all.stream().filter(m -> !m.preRestore()).findFirst().orElse(null);
        Set<String> read = new HashSet<>();
        all.forEach(m -> read.add(m.id()));
        for (Path bad : unreadableManifests(type, read)) {
            String id = Manifest.idOf(bad);
            if (newest == null || BackupIds.instantOf(id).isAfter(newest.createdAt())) {
                throw new NotFoundException("the newest " + (type == null ? "" : type.wireName() + " ") + "backup, " + id
                        + ", has a manifest that cannot be read (" + bad + (Files.isReadable(bad) ? ""
                        : ": permission denied" + ForeignOwner.hint(root, bad)) + "): name the backup to use by its id");
            }
        }
        if (newest == null) {
            throw noLatest(type, all);
        }
        return newest;
    }

    /**
     * The error of a {@code latest} of {@code type} that finds no backup in {@code all} (the listing, newest first)
     * but safety copies, if any: the newest of those is named, since it is what undoes a restore.
     */
    NotFoundException noLatest(BackupType type, List<Manifest> all) {
        String kind = type == null ? "" : type.wireName() + " ";
        Optional<Manifest> safetyCopy = all.stream().filter(Manifest::preRestore).findFirst();
        return new NotFoundException("no " + kind + "backup found in " + root + safetyCopy.map(m -> " but pre_restore"
                + " safety copies, which latest never takes: name one by its id (the newest is " + m.id() + ")")
                .orElse(""));
    }

    /**
     * The newest backup of {@code type} that can be restored as far as a cheap check tells (see
     * {@link LatestRestorable}): what {@code latest} means to restore, ls, dump and diff. Each newer one passed over is
     * named in a warning; when none is complete, the error names the newest and why.
     */
    public Manifest latestRestorable(BackupType type) {
        return LatestRestorable.of(this, type);
    }

    /**
     * A manifest given by path is checked and restored with the files of this catalog, so it must be one of this
     * catalog's: a copy elsewhere was once "verified" against the files of the configured catalog instead.
     */
    private void inThisCatalog(Path manifestFile, Manifest m) {
        Path folder = manifestFile.toAbsolutePath().normalize().getParent();
        if (!isFolderOf(folder, m.type()) || !manifestFile.getFileName().toString().equals(Manifest.fileName(m.id()))) {
            throw notInThisCatalog("manifest " + manifestFile, folder, m.type());
        }
    }

    /**
     * A backup named by the path of one of its files ({@code backups/database/db_backup_….db.zst}, a part, its index)
     * is checked and restored with the files of this catalog, so that path must lie in this catalog's folder of its
     * type, as a manifest path must: a damaged copy elsewhere (offsite, or where no such file is) was once "verified"
     * clean against the configured catalog's files. A bare name with no such file here stands for the id it starts with.
     */
    private void inThisCatalog(String ref, Path asPath, BackupType type) {
        if (asPath.getParent() == null && !Files.exists(asPath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path folder = asPath.toAbsolutePath().normalize().getParent();
        if (!isFolderOf(folder, type)) {
            throw notInThisCatalog(ref, folder, type);
        }
    }

    /** Whether {@code folder} is this catalog's folder of {@code type} (through a link or a bind mount too). */
    private boolean isFolderOf(Path folder, BackupType type) {
        try {
            return folder != null && Files.isSameFile(folder, dir(type));
        } catch (IOException e) {
            return false;
        }
    }

    private NotFoundException notInThisCatalog(String what, Path folder, BackupType type) {
        Path otherRoot = folder == null || folder.getParent() == null ? folder : folder.getParent();
        // a catalog keeps a backup's files in the folder of its type: only then is the folder above one to suggest
        boolean inTypeFolder = folder != null && folder.getFileName() != null
                && folder.getFileName().toString().equals(type.wireName());
        return new NotFoundException(what + " is not one of the backup directory " + root
                + (inTypeFolder ? " (to use the catalog it belongs to, set BACKUP_DIR=" + otherRoot + ")"
                : " (a backup is used in its catalog, BACKUP_DIR/" + type.wireName() + "/, beside its files)"));
    }

    /**
     * {@code m} if its type field names a known type ({@code expected}, when given: the folder it was found in); a
     * damaged one is not found, as listing skips it.
     */
    private static Manifest typed(Manifest m, BackupType expected, String ref) {
        String type = m.json().path("type").asText("");
        try {
            if (expected == null ? m.type() != null : m.type() == expected) {
                return m;
            }
        } catch (IllegalArgumentException e) {
            // an unknown type: reported below
        }
        throw new NotFoundException("cannot read manifest of " + ref + ": it is damaged (type '" + type + "'"
                + (expected == null ? "" : " in the " + expected.wireName() + " folder") + ")");
    }

    /** Optional lookup that never throws. */
    public Optional<Manifest> findById(String id) {
        try {
            return Optional.of(find(id, null));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * The database and storage backup ids that full manifests which cannot be read name in their raw text, each with
     * the manifest naming it: their backups stay protected until those manifests are mended.
     */
    public Map<String, String> idsNamedInRawText(List<Path> unreadableFullManifests) {
        Map<String, String> named = new java.util.HashMap<>();
        for (Path full : unreadableFullManifests) {
            if (!Files.isRegularFile(full)) { // a FIFO there would wait for a writer for ever (see Manifest.read)
                continue;
            }
            try {
                var ids = COMPONENT_ID.matcher(Files.readString(full, java.nio.charset.StandardCharsets.ISO_8859_1));
                while (ids.find()) {
                    named.putIfAbsent(ids.group(), full.getFileName().toString());
                }
            } catch (IOException e) {
                LOG.warn("cannot read {} for the backups it names: {}", full, e.getMessage());
            }
        }
        return named;
    }

    /**
     * Removes a backup: the manifest first (so it stops existing atomically), then its files. Its id is marked in
     * flight meanwhile: a crash in between leaves unreferenced files of a marked id, which {@link #removeLeftovers()}
     * deletes. Fails with {@link RemovalRefused}, removing nothing, once {@link #refuseCommits()} was called; a removal
     * begun before it ends whole.
     */
    public synchronized void delete(Manifest m) throws IOException {
        if (commitsRefused) {
            throw new RemovalRefused(m.id());
        }
        Path dir = dir(m.type());
        try {
            InFlight.mark(stateDir(), m.id());
        } catch (IOException e) { // a full disk is when space is freed: a crash in between then leaves named files
            LOG.debug("cannot mark {} as being removed: {}", m.id(), e.toString());
        }
        Files.deleteIfExists(dir.resolve(Manifest.fileName(m.id())));
        Durable.fsyncDirectory(dir);
        if (rememberCommits) { // its manifest gone, it is no backup any more, whatever happens to its files
            removed.add(m.id());
        }
        // the names Archivist writes for this id: a file the manifest names under another backup's id (a manifest
        // copied or forged, its checksum recomputed) belongs to that backup and stays
        java.util.regex.Pattern ours = java.util.regex.Pattern.compile("(?:" + java.util.regex.Pattern.quote(
                Durable.TEMP_PREFIX) + ")?" + java.util.regex.Pattern.quote(m.id())
                + "\\.(?:tar(?:\\.(?:zst|gz|xz))?(?:\\.part\\d+)?|index\\.jsonl\\.(?:zst|gz)|db(?:\\.(?:zst|gz|xz))?|json)");
        for (String f : m.ownedFiles()) {
            if (ours.matcher(f).matches()) {
                Files.deleteIfExists(dir.resolve(f));
            } else {
                LOG.warn("{} names {}, which is not one of its own files: left in place", m.id(), f);
            }
        }
        // and what else of the names Archivist writes carries its id (an extra part verify reported, a temporary
        // file); an operator's copy (<id>.json.bak) stays
        try (DirectoryStream<Path> rest = Files.newDirectoryStream(dir,
                f -> ours.matcher(f.getFileName().toString()).matches())) {
            for (Path f : rest) {
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        Files.deleteIfExists(VerificationRecords.file(stateDir(), m.id()));
        InFlight.clear(stateDir(), m.id());
    }

    /** Thrown by {@link #delete} once the process is stopping: the backup was left whole. */
    public static final class RemovalRefused extends java.io.InterruptedIOException {
        RemovalRefused(String id) {
            super("stopped before " + id + " was removed (left whole)");
        }
    }

    /**
     * Deletes what a crashed run left: temporary files, and data files no manifest references of a backup that was
     * being written or removed ({@link InFlight}); the files of a backup whose manifest was lost or moved away are left
     * alone and named in a warning. Only names Archivist writes are candidates (an id such as
     * {@code storage_backup_20261128T010203.456Z}, bare or behind the temporary prefix); anything else in the catalog folders (an operator's file, a backup of the Python tool, a live folder
     * that was configured into the catalog) is never deleted, only reported once. Call under the lock.
     *
     * @return the removed paths
     */
    public List<Path> removeLeftovers() throws IOException {
        return leftovers(true);
    }

    /**
     * What {@link #removeLeftovers()} would remove now, removing nothing: for {@code rotate --dry-run}, which takes no
     * lock (a backup running meanwhile may still be writing some of them).
     */
    public List<Path> leftovers() throws IOException {
        return leftovers(false);
    }

    private List<Path> leftovers(boolean remove) throws IOException {
        List<Path> removed = new ArrayList<>();
        Map<BackupType, List<Manifest>> listed = new java.util.EnumMap<>(BackupType.class);
        for (BackupType t : BackupType.values()) {
            listed.put(t, listDir(t));
        }
        // a component whose manifest was deleted by hand is still named by its full backup: its data stays
        Set<String> readFulls = new HashSet<>();
        listed.get(BackupType.FULL).forEach(full -> readFulls.add(full.id()));
        Map<String, String> namedByFulls = idsNamedInRawText(unreadableManifests(BackupType.FULL, readFulls));
        for (Manifest full : listed.get(BackupType.FULL)) {
            for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
                String id = full.componentId(t);
                if (id != null) {
                    namedByFulls.putIfAbsent(id, Manifest.fileName(full.id()));
                }
            }
        }
        Set<String> inFlight = InFlight.ids(stateDir());
        Set<String> stuck = new HashSet<>();
        for (BackupType t : BackupType.values()) {
            Path dir = dir(t);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Set<String> referenced = new HashSet<>();
            for (Manifest m : listed.get(t)) {
                referenced.add(Manifest.fileName(m.id()));
                referenced.addAll(m.ownedFiles());
            }
            // Ids that have a manifest file, readable or not: a damaged manifest must not get its backup's data deleted
            // (the files stay for verify to report and for a person to recover); only ids without any manifest are leftovers.
            Set<String> withManifest = new HashSet<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Manifest.SUFFIX)) {
                for (Path f : files) {
                    if (!f.getFileName().toString().startsWith(Durable.TEMP_PREFIX)) {
                        withManifest.add(Manifest.idOf(f));
                    }
                }
            }
            List<Path> foreign = new ArrayList<>();
            Set<String> orphaned = new java.util.TreeSet<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    boolean temporary = name.startsWith(Durable.TEMP_PREFIX);
                    java.util.regex.Matcher id = ID_PATTERN.matcher(temporary ? name.substring(Durable.TEMP_PREFIX.length()) : name);
                    if (!id.lookingAt()) {
                        foreign.add(f);
                        continue;
                    }
                    boolean ownManifest = !temporary && withManifest.contains(id.group());
                    if (!temporary && !ownManifest && namedByFulls.containsKey(id.group())) {
                        LOG.warn("{} has no manifest but {} names it as a component: left alone", f,
                                namedByFulls.get(id.group()));
                        continue;
                    }
                    if (referenced.contains(name) || ownManifest) {
                        continue;
                    }
                    if (temporary || inFlight.contains(id.group())) {
                        if (remove && !removedOrNamed(f)) {
                            stuck.add(id.group()); // its mark stays: the next sweep tries again
                            continue;
                        }
                        removed.add(f);
                    } else { // no interrupted run wrote it: its manifest was lost or moved away
                        orphaned.add(id.group());
                    }
                }
            }
            if (!orphaned.isEmpty()) {
                LOG.warn("{} holds the files of {} without a manifest, which no interrupted run wrote (a manifest lost or"
                        + " moved away?): left alone, they are no backup until their manifest is back; delete them by"
                        + " hand if they are not needed: {}", dir, Plural.of(orphaned.size(), "backup"), orphaned);
            }
            // named once per process: a daemon sweeps before every job, and the same files (the Python tool's
            // backups, kept on purpose) filled its log with the same warnings every time
            foreign.removeIf(f -> !FOREIGN_NAMED.add(f));
            if (!foreign.isEmpty()) {
                java.util.Collections.sort(foreign);
                LOG.warn("{} holds {} Archivist did not write; left alone: {}", dir, Plural.of(foreign.size(), "file"),
                        foreign.size() > 10 ? foreign.subList(0, 10) + " ..." : foreign);
            }
        }
        Path state = stateDir();
        if (Files.isDirectory(state)) {
            // The id counter, the lock holder and the before-restore records (restore and rotation) are written under
            // the lock; scheduler state and verification records also without it, so only their temporary files old
            // enough to be abandoned are removed.
            java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(
                    java.time.Instant.now().minus(java.time.Duration.ofMinutes(10)));
            for (Path folder : List.of(state, state.resolve("verified"), state.resolve("before-restore"))) {
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, Durable.TEMP_PREFIX + "*")) {
                    for (Path f : files) {
                        boolean writtenWithoutLock = folder.endsWith("verified")
                                || f.getFileName().toString().startsWith(Durable.TEMP_PREFIX + "scheduler-state");
                        if (!writtenWithoutLock || Files.getLastModifiedTime(f).compareTo(cutoff) < 0) {
                            if (remove) {
                                Durable.deleteTree(f);
                            }
                            removed.add(f);
                        }
                    }
                }
            }
        }
        if (!remove) {
            return removed;
        }
        // under the lock no run is writing: each marked one ended (committed, failed or killed), what it left is gone
        inFlight.stream().filter(id -> !stuck.contains(id)).forEach(id -> InFlight.clear(stateDir(), id));
        if (!removed.isEmpty()) {
            LOG.info("removed {} of an interrupted run: {}", Plural.of(removed.size(), "leftover file"), removed);
        }
        return removed;
    }

    /**
     * Removes the leftover {@code f}; one that cannot be removed (a file another client of a network share holds open,
     * one marked immutable) is named in a warning and left for the next sweep, rather than fail the command that swept:
     * it failed every backup until someone removed it.
     *
     * @return whether it was removed
     */
    private static boolean removedOrNamed(Path f) {
        try {
            Durable.deleteTree(f);
            return true;
        } catch (IOException e) {
            LOG.warn("cannot remove {}, left by an interrupted run: {}; the next run tries again", f,
                    ArchivistException.reason(e));
            return false;
        }
    }

    /**
     * Whether a manifest of the {@code type} folder cannot be listed: unreadable, or of another type (moved by hand).
     * Such a manifest is kept (and reported by list and verify), never silently deleted.
     */
    private static boolean isUnreadableManifest(Path f, BackupType type) {
        try {
            readAs(f, type);
            return false;
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // removed since the folder was listed (a rotation in another process): gone, not unreadable
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * The stored files of {@code m} (parts, index, database file) that are not there, as {@code <type>/<name>}: one
     * stat each, contents are verify's job. A parts list that cannot be read counts as nothing missing (verify reports
     * it); a database or storage backup whose manifest lists no part at all misses its data.
     */
    public List<String> missingFiles(Manifest m) {
        return storedFiles(m).missing();
    }

    /**
     * The stored files of {@code m}, checked with one stat each: those that are not there ({@link #missingFiles}) and
     * those there with another size than the manifest records (a part truncated or emptied by a full disk or by hand,
     * as {@code <type>/<name>}): either makes the backup one that cannot be restored, which list shows and rotation
     * does not count as a kept backup. Contents are verify's job.
     */
    public StoredFiles storedFiles(Manifest m) {
        Map<String, Long> sizes;
        try {
            sizes = m.recordedSizes();
            if (m.type() != BackupType.FULL && m.parts().isEmpty()) {
                return new StoredFiles(List.of(m.type().wireName() + "/" + m.id() + " (its manifest lists no parts)"),
                        Map.of());
            }
        } catch (RuntimeException e) {
            return new StoredFiles(List.of(), Map.of());
        }
        List<String> missing = new ArrayList<>();
        Map<String, Long> resized = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Long> f : sizes.entrySet()) {
            String name = m.type().wireName() + "/" + f.getKey();
            long size;
            try {
                size = Files.readAttributes(dir(m.type()).resolve(f.getKey()), BasicFileAttributes.class).size();
            } catch (IOException | RuntimeException e) { // as Files.exists: what cannot be read is not there
                missing.add(name);
                continue;
            }
            if (f.getValue() >= 0 && size != f.getValue()) {
                resized.put(name, size);
            }
        }
        return new StoredFiles(missing, resized);
    }

    /**
     * What {@link #storedFiles} found: the files not there and those of another size, as {@code <type>/<name>}; the
     * latter with their size on disk.
     */
    public record StoredFiles(List<String> missing, Map<String, Long> resizedSizes) {
        /** The files of another size than recorded. */
        public List<String> resized() {
            return List.copyOf(resizedSizes.keySet());
        }
    }

    /**
     * What a backup needs and has: for a full backup its components found through {@code lookup} and those missing
     * (by id, or by type when the manifest names none); the stored files missing of the backup or of its components.
     */
    public record Completeness(List<Manifest> components, List<String> missingComponents, List<String> missingFiles,
                               Map<String, Long> resizedSizes, List<String> editedManifests, boolean removed) {
        /** The stored files of another size than recorded (truncated?), as {@code <type>/<name>}. */
        public List<String> resizedFiles() {
            return List.copyOf(resizedSizes.keySet());
        }

        /** The bytes {@code m} (this backup or one of its components) holds on disk, as one stat of each file found. */
        public long onDiskBytes(Manifest m) {
            return m.storedBytes(missingFiles, resizedSizes);
        }

        /**
         * Whether something is missing, or a manifest (the backup's or a component's, {@link #editedManifests}) was
         * edited after it was written: the backup cannot be restored. Not for a backup {@link #removed} meanwhile.
         */
        public boolean broken() {
            return !removed && (!missingComponents.isEmpty() || !missingFiles.isEmpty() || !resizedSizes.isEmpty()
                    || !editedManifests.isEmpty());
        }
    }

    /** See {@link Completeness}; {@code lookup} finds a component by id (a map of a listing, or {@link #findById}). */
    public Completeness completeness(Manifest m, java.util.function.Function<String, Optional<Manifest>> lookup) {
        return completeness(m, lookup, true);
    }

    /**
     * As {@link #completeness(Manifest, java.util.function.Function)}; without {@code checkEdits} the manifests' own
     * checksums are not recomputed ({@link Completeness#editedManifests} stays empty), which is most of the cost over
     * a large catalog.
     */
    public Completeness completeness(Manifest m, java.util.function.Function<String, Optional<Manifest>> lookup,
            boolean checkEdits) {
        List<String> edited = new ArrayList<>();
        if (checkEdits && m.editedAfterWriting()) {
            edited.add(m.id());
        }
        if (m.type() != BackupType.FULL) {
            StoredFiles stored = storedFiles(m);
            return new Completeness(List.of(), List.of(), stored.missing(), stored.resizedSizes(), edited,
                    (!stored.missing().isEmpty() || !stored.resized().isEmpty()) && removed(m));
        }
        List<Manifest> components = new ArrayList<>();
        List<String> missingComponents = new ArrayList<>();
        StoredFiles own = storedFiles(m);
        List<String> missing = new ArrayList<>(own.missing());
        Map<String, Long> resized = new java.util.LinkedHashMap<>(own.resizedSizes());
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            String id = m.componentId(t);
            Optional<Manifest> component = id == null ? Optional.empty() : lookup.apply(id).filter(c -> c.type() == t);
            if (component.isEmpty()) {
                missingComponents.add(id == null ? t.wireName() : id);
            } else {
                components.add(component.get());
                StoredFiles stored = storedFiles(component.get());
                missing.addAll(stored.missing());
                resized.putAll(stored.resizedSizes());
                if (checkEdits && component.get().editedAfterWriting()) {
                    edited.add(component.get().id());
                }
            }
        }
        return new Completeness(components, missingComponents, missing, resized, edited,
                (!missing.isEmpty() || !resized.isEmpty() || !missingComponents.isEmpty()) && removed(m));
    }

    /**
     * Whether {@code m}'s manifest is gone since it was read: a rotation of another process removes a backup manifest
     * first (a full backup before its components), so what it removes after may look missing to a listing made
     * meanwhile, which must not call the backup broken (a monitor alerts on that).
     */
    private boolean removed(Manifest m) {
        return !Files.exists(dir(m.type()).resolve(Manifest.fileName(m.id())), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether a manifest file for {@code id} is in {@code type}'s folder: a component that cannot be found although its
     * manifest is there has an unreadable manifest (truncated, hand-edited), not a missing one.
     */
    public boolean hasManifestFile(BackupType type, String id) {
        return id != null && Files.isRegularFile(dir(type).resolve(Manifest.fileName(id)));
    }

    /** Whether a full backup's components both exist. */
    public boolean componentsPresent(Manifest full) {
        for (BackupType t : List.of(BackupType.DATABASE, BackupType.STORAGE)) {
            if (!hasManifestFile(t, full.componentId(t))) {
                return false;
            }
        }
        return true;
    }
}
