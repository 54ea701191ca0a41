package dev.archivist.cli;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.StorageDump;
import dev.archivist.StorageFiles;
import dev.archivist.catalog.Durable;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code archivist dump <id|latest> PATH [-o FILE]}: one file of a storage backup, checked against the index. */
@Command(name = "dump", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Write one file of a storage backup to stdout or a new file.",
                "%nThe file is found in the backup's index (checked as ls checks it), then read from the archive and "
                        + "checked against the index's SHA-256. With --output the file appears only when the check "
                        + "passed (written under a temporary name, fsynced, renamed); on stdout a damaged file is "
                        + "reported with exit 1 after its bytes. A folder, a symlink or a path the backup does not "
                        + "hold is refused before any archive is read."})
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "BACKUP", description = LsCommand.STORAGE_BACKUP)
    String ref;

    @Parameters(index = "1", paramLabel = "PATH", description = "the file, relative to the storage folder (as ls shows it)")
    String path;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write into this new file (never overwrites).")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (output != null && (Files.exists(output, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
            throw new IllegalArgumentException("--output " + output + " exists: dump writes a new file, never over one");
        }
        if (output == null && System.console() != null) {
            throw new IllegalArgumentException("stdout is a terminal: redirect it (archivist dump ... > FILE) or give --output FILE");
        }
        BackupService service = Services.create(config.loadForReading(), spec);
        StorageFiles files = service.files(ref, List.of());
        Output.catalogNotices(service, spec.commandLine().getErr());
        StorageDump.Dumped dumped = output == null ? toStdout(files) : toFile(files);
        spec.commandLine().getErr().println("archivist: " + dumped.entry().path() + " from " + files.backup().id()
                + ": " + Output.size(dumped.bytes()) + ", content checked");
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }

    private StorageDump.Dumped toStdout(StorageFiles files) throws IOException {
        OutputStream out = new Named(new FileOutputStream(java.io.FileDescriptor.out), "stdout");
        StorageDump.Dumped dumped = StorageDump.write(files, path, out);
        out.flush();
        return dumped;
    }

    private StorageDump.Dumped toFile(StorageFiles files) throws IOException {
        Path target = output.toAbsolutePath();
        Path temp = Durable.tempFor(target);
        try {
            StorageDump.Dumped dumped;
            try (FileOutputStream file = new FileOutputStream(temp.toFile());
                 OutputStream out = new Named(file, target.toString())) {
                dumped = StorageDump.write(files, path, out);
                out.flush();
                file.getFD().sync();
            }
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new ArchivistException("--output " + output + " appeared while the file was read: left as it is");
            }
            Durable.rename(temp, target);
            return dumped;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A buffered output whose write failures name it ("cannot write to stdout: No space left on device"). */
    private static final class Named extends BufferedOutputStream {
        private final String name;

        Named(OutputStream out, String name) {
            super(out, 1 << 16);
            this.name = name;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            try {
                super.write(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            try {
                super.flush();
            } catch (IOException e) {
                throw named(e);
            }
        }

        private IOException named(IOException e) {
            return new IOException("cannot write to " + name + ": " + e.getMessage(), e);
        }
    }
}
