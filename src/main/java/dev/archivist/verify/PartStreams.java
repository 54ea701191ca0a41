package dev.archivist.verify;

import dev.archivist.catalog.Manifest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Opens a backup's parts, in order, as one stream (the parts concatenated are the archive). */
public final class PartStreams {
    private PartStreams() {
    }

    public static InputStream open(Path dir, List<Manifest.Part> parts) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        try {
            for (Manifest.Part p : parts) {
                streams.add(Files.newInputStream(dir.resolve(p.path())));
            }
        } catch (IOException e) {
            for (InputStream s : streams) {
                s.close();
            }
            throw e;
        }
        return new BufferedInputStream(new SequenceInputStream(Collections.enumeration(streams)), 1 << 20);
    }
}
