package dev.archivist.restore;

import dev.archivist.catalog.Durable;
import dev.archivist.source.DirectoryDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Extracts an uncompressed tar stream into an empty staging folder without ever writing outside it
 * (the tar-slip defect of the original tool).
 *
 * <p>Every entry is validated, even those the {@code include} filter skips; one unsafe entry fails the
 * whole extraction with an {@link UnsafeEntryException} and the caller deletes the staging folder
 * (without following symlinks). Refused: absolute names (leading {@code /}), {@code ..}, empty or
 * {@code .} components inside a path, NUL, empty names,
 * names or link targets that are not valid UTF-8, symlinks whose target is absolute or resolves outside
 * the root (following the archive's own symlinks, also re-checked once all entries are known), any
 * entry whose path goes through a symlink or a file, duplicates (except a directory repeated), hard
 * links not pointing at a regular file earlier in the archive, devices, FIFOs, sparse files and any
 * other special type, and a global PAX header that renames entries.
 *
 * <p>Restored: regular files (content hashed with SHA-256 while written), directories, relative symlinks
 * and hard links (written as independent copies of their target). Permission bits are {@code mode & 0777} for
 * files (setuid and setgid, which grant privileges, are never restored) and {@code mode & 03777} for directories
 * (their setgid and sticky bits are kept). Modification times are set on the path itself, never
 * through a link; directory modes and times are applied after all entries, deepest first (or, extracting in step
 * with an index, as the archive leaves each folder; a mode that denies its owner search still at the end). Archived
 * owners are given by {@link Ownership}: here only when extracting in step with an index. The entry {@code ./} (the
 * root itself) is accepted and ignored.
 *
 * <p>Assumes nothing else writes into the staging folder during the extraction. Names are compared
 * byte-exactly, as on Linux; on a case-insensitive filesystem two names differing in case collide and
 * fail the extraction (CREATE_NEW) rather than alias. A backslash or a drive prefix ({@code c:x}) is an
 * ordinary character of a POSIX name: such an entry lands inside the root, named as it is, like GNU tar does.
 */
public final class SafeExtractor {
    private final boolean keepOutsideLinks;

    /** An extractor that refuses symlinks whose target is absolute or resolves outside the root. */
    public SafeExtractor() {
        this(false);
    }

    /**
     * @param keepOutsideLinks restore symlinks whose target is absolute or resolves outside the root as they are (never
     *                         followed; an entry whose path goes through any symlink is still refused)
     */
    public SafeExtractor(boolean keepOutsideLinks) {
        this.keepOutsideLinks = keepOutsideLinks;
    }

    /**
     * @param tar     an uncompressed tar stream; read to the end of the archive, not closed
     * @param staging an existing, empty directory
     * @param include filter on each entry's normalized relative path (e.g. {@code dir/file.txt}); directories
     *                needed by included entries are created whether or not they match
     * @return metadata of what was written
     * @throws UnsafeEntryException if any entry is unsafe
     * @throws IOException          if the stream is not a valid tar or writing fails
     */
    public ExtractionResult extract(InputStream tar, Path staging, Predicate<String> include) throws IOException {
        return extract(tar, staging, include, Set.of());
    }

    /**
     * As above, also keeping the content of {@code linkSources}, files that {@code include} leaves out, for included
     * hard links that name them: in a folder beside staging ({@code <staging>.hardlinks}), removed before returning.
     */
    public ExtractionResult extract(InputStream tar, Path staging, Predicate<String> include,
            Set<String> linkSources) throws IOException {
        Objects.requireNonNull(tar, "tar");
        Objects.requireNonNull(include, "include");
        Path root = requireEmptyDirectory(staging);
        return run(root, linkSources, writer -> new ExtractionRun(new RawTarInputStream(tar), writer, include,
                keepOutsideLinks));
    }

    /**
     * As above, for an archive with its per-file index ({@code indexFile}, read into {@code plan}). When the index is
     * in {@link dev.archivist.source.WalkOrder}, as Archivist writes it, each entry is compared with it and given its
     * archived owner (as {@link Ownership#applyArchived} would) while it is extracted, and the result's
     * {@code checked} holds the outcome: memory then stays flat whatever the number of entries, and an entry out of
     * that order is refused.
     * Otherwise this is {@link #extract(InputStream, Path, Predicate, Set)}, the comparison left to the caller.
     */
    public ExtractionResult extractAgainstIndex(InputStream tar, Path staging, Predicate<String> include,
            IndexPlan plan, Path indexFile) throws IOException {
        if (!plan.inWalkOrder()) {
            return extract(tar, staging, include, plan.linkSources());
        }
        Objects.requireNonNull(tar, "tar");
        Objects.requireNonNull(include, "include");
        Path root = requireEmptyDirectory(staging);
        Ownership.Changes owners = Ownership.Changes.start(root);
        try (IndexMerge merge = new IndexMerge(indexFile, include)) {
            return run(root, plan.linkSources(), writer -> ExtractionRun.againstIndex(new RawTarInputStream(tar), writer,
                    include, keepOutsideLinks, merge, plan.hardLinkTargets(), owners));
        }
    }

    private interface RunFactory {
        ExtractionRun create(StagingWriter writer) throws IOException;
    }

    /** Runs an extraction into {@code root}, keeping {@code linkSources} in a spare folder beside it when there are any. */
    private static ExtractionResult run(Path root, Set<String> linkSources, RunFactory runs) throws IOException {
        if (linkSources.isEmpty()) {
            return runs.create(new StagingWriter(root)).run();
        }
        Path real = DirectoryDescriptor.isHeld(root) ? Files.readSymbolicLink(root) : root;
        Path spare = real.resolveSibling(real.getFileName() + ".hardlinks");
        Durable.deleteTree(spare);
        RestoreFiles.createClosed(spare);
        try (HeldFolder held = HeldFolder.hold(spare)) {
            return runs.create(new StagingWriter(root)).keepingLinkSources(linkSources, new StagingWriter(held.path()))
                    .run();
        } finally {
            Durable.deleteTree(spare);
        }
    }

    private static Path requireEmptyDirectory(Path staging) throws IOException {
        Objects.requireNonNull(staging, "staging");
        if (!Files.isDirectory(staging)) {
            throw new IOException("staging folder " + staging + " is not a directory");
        }
        // a folder held by its descriptor is used through it as it is: its name may lead elsewhere by now
        Path root = DirectoryDescriptor.isHeld(staging) ? staging : staging.toRealPath();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            if (children.iterator().hasNext()) {
                throw new IOException("staging folder " + root + " is not empty");
            }
        }
        return root;
    }
}
