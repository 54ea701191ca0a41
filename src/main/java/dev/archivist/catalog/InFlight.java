package dev.archivist.catalog;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The ids of backups being written: one empty file per id in {@code .archivist/in-flight/}, made when the id is
 * allocated and removed once its manifest is committed. The leftover sweep removes the files of a backup without a
 * manifest only when its id is marked here, i.e. when an interrupted run wrote them; data whose manifest was lost or
 * moved away (an incomplete copy, a bad block) is left alone and named, never deleted without a word.
 *
 * <p>A mark is not fsynced: after a power cut that kept an archive's renamed parts but lost their mark, those parts are
 * left alone and named, the safe way round; a killed process loses nothing the page cache holds.
 */
final class InFlight {
    private InFlight() {
    }

    private static Path dir(Path stateDir) {
        return stateDir.resolve("in-flight");
    }

    /** Marks {@code id} as being written, before any of its files exists under its final name. */
    static void mark(Path stateDir, String id) throws IOException {
        Durable.ensureDirectory(dir(stateDir));
        try {
            Durable.createOwnerOnly(dir(stateDir).resolve(id)).close();
        } catch (FileAlreadyExistsException e) {
            // marked already: the same id again after a crash between its mark and its manifest
        }
    }

    /** Ends the mark of a committed backup; one left behind is removed by the next sweep. */
    static void clear(Path stateDir, String id) {
        try {
            Files.deleteIfExists(dir(stateDir).resolve(id));
        } catch (IOException e) {
            // the sweep removes it: the backup has its manifest, so its files are kept either way
        }
    }

    /** The marked ids. */
    static Set<String> ids(Path stateDir) throws IOException {
        Set<String> ids = new HashSet<>();
        if (!Files.isDirectory(dir(stateDir))) {
            return ids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir(stateDir))) {
            files.forEach(f -> ids.add(f.getFileName().toString()));
        }
        return ids;
    }
}
