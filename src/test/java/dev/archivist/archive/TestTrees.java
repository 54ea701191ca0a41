package dev.archivist.archive;

import dev.archivist.testing.Trees;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds storage trees for tests, describes trees for comparison, runs shell commands. */
final class TestTrees {
    private TestTrees() {
    }

    static final String LONG_NAME = "l".repeat(120) + "-" + "n".repeat(90) + ".txt"; // 215 bytes

    /** A tree with every awkward case; files of several sizes, some over 1 MiB. */
    static void buildAwkward(Path root, Path outside) throws IOException {
        Random rnd = new Random(42);
        Files.createDirectories(root.resolve("empty-dir"));
        Files.createFile(root.resolve("empty-file"));
        Files.createDirectories(root.resolve("docs"));
        Files.createFile(root.resolve("docs/empty.txt"));
        Files.writeString(root.resolve("docs/with space name.txt"), "spaces\n");
        Files.writeString(root.resolve("docs/Ünïcødé ✓ 日本語.txt"), "unicode\n");
        Files.writeString(root.resolve("docs/" + LONG_NAME), "long\n");
        Path longDir = Files.createDirectories(root.resolve("d".repeat(150) + "/" + "e".repeat(150)));
        Files.writeString(longDir.resolve("f".repeat(180)), "deep long\n");
        Path deep = root;
        for (int i = 0; i < 40; i++) {
            deep = deep.resolve("level" + i);
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom.txt"), "bottom\n");
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        rnd.nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            text.append("line ").append(i).append(" of some compressible text\n");
        }
        Files.writeString(root.resolve("docs/text.txt"), text);
        for (int i = 0; i < 50; i++) {
            byte[] b = new byte[rnd.nextInt(5000)];
            rnd.nextBytes(b);
            Files.write(Files.createDirectories(root.resolve("many/d" + (i % 5))).resolve("f" + i), b);
        }
        Path exe = root.resolve("run.sh");
        Files.writeString(exe, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(root.resolve("docs/empty.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(outside, "outside\n");
        Files.createSymbolicLink(root.resolve("link-inside"), Path.of("docs/text.txt"));
        Files.createSymbolicLink(root.resolve("link-outside"), outside);
        Files.createSymbolicLink(root.resolve("link-dangling"), Path.of("../nowhere/at all"));
        Files.createSymbolicLink(root.resolve("link-to-dir"), Path.of("docs"));
        setMtimes(root, 1_700_000_000L);
    }

    static void setMtimes(Path root, long epochSeconds) throws IOException {
        Trees.setMtimes(root, epochSeconds);
    }

    static TreeMap<String, String> describe(Path root) throws IOException {
        return Trees.describe(root);
    }

    static String sha256(byte[] data) {
        return Trees.sha256(data);
    }

    static String sha256(Path file) throws IOException {
        return Trees.sha256(file);
    }

    static String sh(String script) throws IOException, InterruptedException {
        return Trees.sh(script);
    }

    static String q(Path p) {
        return Trees.q(p);
    }
}
