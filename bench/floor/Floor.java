import com.github.luben.zstd.ZstdOutputStream;

import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor of a storage backup on the JVM, for bench/jvm-floor.sh: the least a Java program does to turn a folder
 * into one zstd stream (level 3, two workers, as tar -I 'zstd -3 -T0'), and nothing Archivist adds on top: no real tar
 * headers (a 512-byte block per file), no pax records, no index, no parts, no manifest, no checks, one fsync.
 *
 * <pre>java -cp target/archivist.jar:CLASSES Floor SOURCE_DIR OUTPUT copy|hash</pre>
 *
 * {@code copy} only reads and compresses; {@code hash} also computes the three SHA-256 the issue asks of a backup:
 * each file's content (for the index), each part and the whole archive (here: the same stream twice). What these take
 * is what a plain Java program pays for the bare work, JVM start included.
 */
public final class Floor {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        boolean hash = args[2].equals("hash");
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        MessageDigest content = MessageDigest.getInstance("SHA-256");
        MessageDigest part = MessageDigest.getInstance("SHA-256");
        MessageDigest whole = MessageDigest.getInstance("SHA-256");
        FileOutputStream file = new FileOutputStream(args[1]);
        OutputStream hashed = new FilterOutputStream(file) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (hash) {
                    part.update(b, off, len);
                    whole.update(b, off, len);
                }
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the file stays open for the fsync below
            }
        };
        ZstdOutputStream zstd = new ZstdOutputStream(new BufferedOutputStream(hashed, 1 << 20), 3);
        zstd.setWorkers(2);
        long bytes = 0;
        try (OutputStream out = new BufferedOutputStream(zstd, 1 << 16)) {
            byte[] buf = new byte[1 << 20];
            byte[] header = new byte[512];
            for (Path f : files) {
                header[0] = (byte) f.hashCode(); // stands in for a tar header
                out.write(header);
                long size = 0;
                try (InputStream in = new FileInputStream(f.toFile())) {
                    for (int n; (n = in.read(buf)) > 0; size += n) {
                        if (hash) {
                            content.update(buf, 0, n);
                        }
                        out.write(buf, 0, n);
                    }
                }
                out.write(new byte[(int) ((512 - size % 512) % 512)]);
                if (hash) {
                    content.digest();
                }
                bytes += size;
            }
        }
        file.getFD().sync();
        file.close();
        System.out.println(files.size() + " files, " + bytes + " bytes");
    }
}
