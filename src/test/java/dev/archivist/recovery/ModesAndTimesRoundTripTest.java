package dev.archivist.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What JDK 17's file-time and permission calls cannot set, a restore still reproduces: folders keep their sticky and
 * setgid bits, files their sticky bit (never setuid or setgid), and files keep modification times before 1970 and after 2262 to the nanosecond (GNU tar extracts
 * both from the same archive).
 */
class ModesAndTimesRoundTripTest {
    @TempDir
    Path dir;

    private static void touch(Path p, String epochSeconds) throws Exception {
        Process t = new ProcessBuilder("touch", "-h", "-m", "-d", "@" + epochSeconds, p.toString()).inheritIO().start();
        assertThat(t.waitFor()).isZero();
    }

    @Test
    void stickyAndSetgidFoldersAndTimesOutsideJavasRangeComeBack() throws Exception {
        Fixture f = new Fixture(dir);
        Path sticky = Files.createDirectories(f.storage.resolve("drop-box"));
        Path shared = Files.createDirectories(f.storage.resolve("team"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Files.setAttribute(shared, "unix:mode", 02750);
        Path stickyFile = Files.writeString(f.storage.resolve("sticky-file"), "t");
        Files.setAttribute(stickyFile, "unix:mode", 01644);
        Path setuidFile = Files.writeString(f.storage.resolve("setuid-file"), "s");
        Files.setAttribute(setuidFile, "unix:mode", 06755);
        Map<String, String> times = Map.of("old.txt", "-302616000.25", "just-before-1970.txt", "-1.5",
                "far-future.txt", "10413792000.75",
                // past 2262 JDK 17's stat gives microseconds only: the walk reads the seconds and nanoseconds as they are
                // (before 1677, the same, but ext4 holds no time before 1901)
                "2300-nanoseconds.txt", "10413792000.123456789",
                // fractions finer than a millisecond before 1970: the index once rounded them toward zero, and the
                // restore then "corrected" the exact time to the index's, which Java clamped to 1970
                "1960-nanoseconds.txt", "-315619199.876543211", "1969-microseconds.txt", "-0.0001");
        for (Map.Entry<String, String> t : times.entrySet()) {
            Path p = f.storage.resolve("team").resolve(t.getKey());
            Files.writeString(p, t.getKey());
            touch(p, t.getValue());
        }
        touch(shared, "1000000000.123456789"); // after the files were written into it
        Fixture.Run backup = f.cli("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        assertThat(backup.stdout()).as("an exact time read twice is the same time: nothing changed").doesNotContain("changed");

        Path target = dir.resolve("restored");
        Fixture.Run restore = f.cli("restore", "storage", "latest", "--target", target.toString());
        assertThat(restore.exitCode()).as(restore.describe()).isZero();

        assertThat(mode(target.resolve("drop-box"))).isEqualTo(01777);
        assertThat(mode(target.resolve("team"))).isEqualTo(02750);
        assertThat(mode(target.resolve("sticky-file"))).as("the sticky bit of a file, as GNU tar keeps it").isEqualTo(01644);
        assertThat(mode(target.resolve("setuid-file"))).as("setuid and setgid never come back").isEqualTo(0755);
        for (Map.Entry<String, String> t : times.entrySet()) {
            Instant expected = Files.getLastModifiedTime(f.storage.resolve("team").resolve(t.getKey())).toInstant();
            assertThat(expected).as("the source holds the time").isNotEqualTo(Instant.EPOCH);
            assertThat(Files.getLastModifiedTime(target.resolve("team").resolve(t.getKey())).toInstant())
                    .as(t.getKey()).isEqualTo(expected);
        }
        // Java's own reading of this time stops at microseconds on both sides: ask stat for all nine digits
        assertThat(statSeconds(target.resolve("team").resolve("2300-nanoseconds.txt"))).isEqualTo("10413792000.123456789");
        assertThat(Files.getLastModifiedTime(target.resolve("team")).toInstant())
                .isEqualTo(Instant.ofEpochSecond(1_000_000_000L, 123_456_789));
    }

    /** The modification time as {@code stat} prints it, seconds with nine decimals. */
    private static String statSeconds(Path p) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%.9Y", p.toString()).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes()).strip();
        assertThat(stat.waitFor()).as(out).isZero();
        return out;
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
