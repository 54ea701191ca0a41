package dev.archivist.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A parent folder holding {@code staging/} (the extraction target) and {@code outside/} with a sentinel
 * file, plus a snapshot of everything in the parent except {@code staging/}, to prove nothing leaked.
 */
final class Sandbox {
    final Path parent;
    final Path staging;
    final Path outside;

    Sandbox(Path parent) {
        try {
            this.parent = parent.toRealPath();
            this.staging = Files.createDirectory(this.parent.resolve("staging"));
            this.outside = Files.createDirectory(this.parent.resolve("outside"));
            Files.writeString(outside.resolve("sentinel.txt"), "do not touch");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every path of the parent except those under staging, with type, size and content. */
    Map<String, String> snapshotOutsideStaging() {
        Map<String, String> snapshot = new TreeMap<>();
        try {
            Files.walkFileTree(parent, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(staging)) {
                        snapshot.put("staging", "dir");
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    snapshot.put(parent.relativize(dir).toString(), "dir");
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String description = attrs.isSymbolicLink() ? "link->" + Files.readSymbolicLink(file)
                            : attrs.isRegularFile() ? "file:" + Arrays.hashCode(Files.readAllBytes(file)) + ":" + attrs.lastModifiedTime()
                            : "other";
                    snapshot.put(parent.relativize(file).toString(), description);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return snapshot;
    }

    /** Every path under staging, relative, without following links. */
    Stream<Path> stagingPaths() throws IOException {
        return Files.walk(staging).filter(p -> !p.equals(staging));
    }

    /** Deletes the whole parent without following links. */
    void deleteAll() {
        try (Stream<Path> paths = Files.walk(parent)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    if (!Files.isSymbolicLink(p)) {
                        p.toFile().setWritable(true);
                        p.toFile().setExecutable(true);
                    }
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
