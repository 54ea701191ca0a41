package dev.archivist.restore;

import dev.archivist.restore.EntryTree.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The checks a restore makes of each entry against the entries before it, for {@code verify}: no entry inside a
 * symlink or a file, none twice, a hard link only to a file stored before it, and entries in walk order where the index
 * is (what {@link EntryNames#refusal} cannot see in one entry alone). The same {@link EntryTree} an extraction fills,
 * with nothing written, so a backup verify calls clean is one a restore takes: a hand-made or forged archive with
 * {@code l -> sub} then {@code l/x} verified clean and was refused by every restore. Where a symlink leads is not
 * judged here: a restore refuses a link leading outside only by default ({@code --allow-outside-symlinks}).
 */
public final class EntryLayoutCheck {
    private final EntryTree tree;

    /** A check of the archive whose index {@code plan} describes, holding what the restore would hold. */
    public EntryLayoutCheck(IndexPlan plan) {
        this.tree = new EntryTree(true, plan.inWalkOrder()
                ? new DepthFirstPaths(plan.hardLinkTargets(), dir -> { }) : new AllPaths());
    }

    /** Checks the next entry of the archive: the reason a restore refuses the archive for, or empty. */
    public Optional<String> check(TarArchiveEntry entry) {
        try {
            add(entry);
            return Optional.empty();
        } catch (UnsafeEntryException e) {
            return Optional.of(e.reason());
        } catch (IOException e) { // only a folder left could throw, and nothing is done when one is
            throw new UncheckedIOException(e);
        }
    }

    /** Once every entry is in: the reason a restore refuses the archive at its end, or empty. */
    public Optional<String> finishedCheck() {
        try {
            tree.finish();
            return Optional.empty();
        } catch (UnsafeEntryException e) {
            return Optional.of(e.reason());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(TarArchiveEntry entry) throws IOException {
        String name = entry.getName();
        ExtractionRun.Type type = ExtractionRun.typeOf(name, name, entry);
        String path = EntryNames.relativePath(name, name, "path");
        if (path.isEmpty()) {
            if (type == ExtractionRun.Type.DIR) {
                return; // "./": the root itself
            }
            throw new UnsafeEntryException(name, "path is empty");
        }
        switch (type) {
            case FILE -> tree.add(name, path, Kind.FILE);
            case DIR -> tree.add(name, path, Kind.DIR);
            case SYMLINK -> tree.addSymlink(name, path, entry.getLinkName(), true);
            case HARDLINK -> tree.addHardLink(name, path, entry.getLinkName());
        }
    }
}
