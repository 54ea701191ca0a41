package dev.archivist.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * zstd-jni's native library, for a CLI process that cannot unpack it itself (a temporary folder it may not write, a
 * umask that leaves the file it makes there unwritable): passed as {@code -DZstdNativePath}, as bin/archivist does.
 */
public final class ZstdLibrary {
    private ZstdLibrary() {
    }

    /** This machine's library, copied into {@code folder}; the test is skipped on a platform zstd-jni has none for. */
    public static Path copyInto(Path folder) throws IOException {
        String resource = "/linux/" + System.getProperty("os.arch") + "/libzstd-jni-"
                + com.github.luben.zstd.util.ZstdVersion.VERSION + ".so";
        Path lib = folder.resolve("libzstd-jni.so");
        try (InputStream in = com.github.luben.zstd.util.Native.class.getResourceAsStream(resource)) {
            Assumptions.assumeTrue(in != null, "no zstd-jni library for this platform: " + resource);
            Files.copy(in, lib);
        }
        return lib;
    }
}
