package dev.archivist.restore;

import dev.archivist.source.DirectoryDescriptor;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a modification time that JDK 17 cannot: its file-time calls clamp times before 1970 to the epoch and saturate
 * those after 2262 (nanoseconds in a long), and no allowed library calls {@code utimensat} for us. GNU {@code touch -h}
 * does, to the nanosecond and on the link itself. Only such rare times go through it (one process each); when it is
 * missing or fails, the clamped time stays and the restore goes on (the content is what a restore guarantees).
 */
public final class ExactTimes {
    private static final Logger LOG = LoggerFactory.getLogger(ExactTimes.class);

    private ExactTimes() {
    }

    /** JDK 17 sets times as nanoseconds in a long: later ones saturate here, and earlier than 1970 become 1970. */
    private static final Instant LAST_NANO_INSTANT = Instant.ofEpochSecond(0, Long.MAX_VALUE);

    /** Sets the modification time of the path itself (never following a link), exactly whatever the year. */
    public static void setMtime(Path path, FileTime mtime) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(mtime, null, null);
        Instant t = mtime.toInstant();
        if (t.isBefore(Instant.EPOCH) || t.isAfter(LAST_NANO_INSTANT)) {
            touch(path, t);
        }
    }

    private static void touch(Path path, Instant mtime) {
        String seconds = BigDecimal.valueOf(mtime.getEpochSecond()).add(BigDecimal.valueOf(mtime.getNano(), 9))
                .toPlainString();
        try {
            Process p = new ProcessBuilder("touch", "-h", "-m", "-d", "@" + seconds, "--", DirectoryDescriptor.forChild(path))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                LOG.warn("cannot set the modification time {} on {}: touch failed; kept the nearest time Java can set",
                        mtime, path);
            }
        } catch (IOException e) {
            LOG.warn("cannot set the modification time {} on {}: {}", mtime, path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
