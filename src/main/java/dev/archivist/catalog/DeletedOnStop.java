package dev.archivist.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Files a command writes outside what the catalog's sweep removes (a deep verify's decompressed copy of a database, the
 * temporary file of {@code dump --output}) that a stop (SIGTERM, Ctrl-C) deletes as the process exits, rather than
 * leave them behind as a kill does: each is added once created and removed once its writer deleted or renamed it.
 */
public final class DeletedOnStop {
    private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private DeletedOnStop() {
    }

    /** Deletes {@code file} (if it exists then) when the process exits before {@link #remove} is called. */
    public static void add(Path file) {
        FILES.add(file);
        if (HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(DeletedOnStop::deleteAll, "delete-on-stop"));
            } catch (IllegalStateException shuttingDown) {
                // the process is exiting already: the file is left, as after a kill
            }
        }
    }

    /** Leaves {@code file} alone at exit: its writer deleted it, or gave it its name. */
    public static void remove(Path file) {
        FILES.remove(file);
    }

    private static void deleteAll() {
        for (Path f : List.copyOf(FILES)) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException | RuntimeException e) {
                // best effort, as the process exits
            }
        }
    }
}
