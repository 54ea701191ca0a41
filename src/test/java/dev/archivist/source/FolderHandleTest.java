package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries read relative to their open folder give what {@code lstat} through their paths gives. */
class FolderHandleTest {
    @TempDir
    Path root;

    private FolderHandle rootHandle() throws Exception {
        FolderHandles owner = new FolderHandles();
        return owner.register(new FolderHandle(root, Files.newDirectoryStream(root), owner));
    }

    @Test
    void theJdksRelativeAttributesAreReadHereAsInBinArchivist() {
        // the tests run with the jar manifest's Add-Opens (pom.xml's argLine): without it the walker would take its slower path unseen
        assertThat(JdkUnixAttributes.available()).isTrue();
    }

    @Test
    void fullAttributesReadRelativeEqualThoseReadThroughThePath() throws Exception {
        Path file = Files.writeString(root.resolve("setuid-file"), "x");
        new ProcessBuilder("chmod", "4751", file.toString()).start().waitFor();
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_123L));
        Files.createLink(root.resolve("second-name"), file);
        Path dir = Files.createDirectories(root.resolve("sticky-dir"));
        new ProcessBuilder("chmod", "1777", dir.toString()).start().waitFor();
        Files.createSymbolicLink(root.resolve("link"), Path.of("setuid-file"));

        FolderHandle folder = rootHandle();
        try {
            for (String name : List.of("setuid-file", "second-name", "sticky-dir", "link")) {
                FileStat relative = folder.fullStat(name);
                assertThat(relative).as(name).isEqualTo(FileStat.lstat(root.resolve(name)));
            }
            assertThat(folder.fullStat("setuid-file").permissions()).isEqualTo(04751);
            assertThat(folder.fullStat("setuid-file").hardLinked()).isTrue();
            assertThat(folder.fullStat("sticky-dir").permissions()).isEqualTo(01777);
            try (FileChannel ch = folder.openFile("setuid-file")) {
                assertThat(ch.size()).isEqualTo(1);
            }
        } finally {
            folder.release();
        }
    }

    @Test
    void aHandleThatWorksThroughPathsLeavesFullAttributesToThePath() throws Exception {
        Files.writeString(root.resolve("f"), "x");
        assertThat(FolderHandle.byPath(root).fullStat("f")).isNull();
        assertThat(FolderHandle.byPath(root).stat("f").size()).isEqualTo(1);
    }
}
