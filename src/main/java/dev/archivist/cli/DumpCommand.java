package dev.archivist.cli;

import dev.archivist.ArchivistException;
import dev.archivist.BackupService;
import dev.archivist.NotFoundException;
import dev.archivist.StorageDump;
import dev.archivist.StorageFiles;
import dev.archivist.archive.IndexEntry;
import dev.archivist.catalog.DeletedOnStop;
import dev.archivist.catalog.Durable;
import dev.archivist.config.Settings;
import dev.archivist.restore.ExactTimes;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
                        + "passed (created under a temporary name, fsynced, then given its name); on stdout a damaged "
                        + "file is reported with exit 1 after its bytes. A folder, a symlink or a path the backup does "
                        + "not hold is refused before any archive is read."})
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "BACKUP", description = LsCommand.STORAGE_BACKUP)
    String ref;

    @Parameters(index = "1", paramLabel = "PATH",
            description = "the file: relative to the storage folder, as ls shows it, or its live path inside STORAGE_PATH")
    String path;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write into this new file (never overwrites), with the mode and mtime the backup recorded.")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (output != null && output.toString().isEmpty()) { // Path.of("") is the working directory: "names a folder"
            throw new IllegalArgumentException("--output is empty (a variable left unset in a script?): name the new file");
        }
        if (output != null && (output.toString().endsWith("/") || Files.isDirectory(output))) {
            throw new IllegalArgumentException("--output " + output + " names a folder: give the new file's name");
        }
        Path folder = output == null ? null : output.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--output " + output + ": the folder " + folder + " does not exist");
        }
        if (output != null && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--output " + output + " exists: dump writes a new file, never over one");
        }
        if (output == null && Terminals.isTerminal(1)) {
            throw new IllegalArgumentException(
                    "stdout is a terminal: redirect it (archivist dump ... > FILE) or give --output FILE");
        }
        Settings settings = config.loadForReading();
        BackupService service = Services.create(settings, spec);
        StorageFiles files = service.files(ref, List.of());
        Output.catalogNotices(service, spec.commandLine().getErr());
        IndexEntry entry = find(files, settings.storagePath());
        StorageDump.Dumped dumped = output == null ? toStdout(files, entry) : toFile(files, entry);
        StringBuilder done = new StringBuilder("archivist: ");
        EntryLine.escape(dumped.entry().path(), done);
        spec.commandLine().getErr().println(done.append(" from ").append(files.backup().id()).append(": ")
                .append(Output.size(dumped.bytes())).append(", content checked"));
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }

    /**
     * The entry of {@code path} as {@code ls} prints it (escapes read back: {@code nl\\n} is the name with a newline,
     * {@code nl\\\\n} the one with a backslash), else as given, else as the live file's path inside the storage folder
     * ({@code /srv/app/storage/photos/a.jpg}). Read as {@code ls} prints it first, so that a name copied from its
     * output always gives that entry.
     */
    private IndexEntry find(StorageFiles files, Path storage) throws IOException {
        String unescaped = EntryLine.unescape(path);
        if (!unescaped.equals(path)) {
            try {
                return StorageDump.find(files, unescaped);
            } catch (NotFoundException | IllegalArgumentException notAsShown) {
                // the name as given, below
            }
        }
        try {
            return StorageDump.find(files, path);
        } catch (NotFoundException e) {
            Path asGiven = Path.of(path);
            if (storage != null && asGiven.isAbsolute() && asGiven.normalize().startsWith(storage)
                    && !asGiven.normalize().equals(storage)) {
                return StorageDump.find(files, storage.relativize(asGiven.normalize()).toString());
            }
            throw e;
        }
    }

    private static StorageDump.Dumped toStdout(StorageFiles files, IndexEntry entry) throws IOException {
        OutputStream out = new Named(new FileOutputStream(FileDescriptor.out), "stdout");
        StorageDump.Dumped dumped = StorageDump.write(files, entry, out);
        out.flush();
        return dumped;
    }

    /**
     * Into a new file: written under a temporary name created new (never through a link planted there), fsynced, given
     * the recorded mtime and mode (as {@code tar -xp}), then linked to its name, which fails if the name was taken
     * meanwhile (a rename would replace it), then the temporary name is removed. Where the file system has no hard
     * links, the file is copied to its name created new instead.
     */
    private StorageDump.Dumped toFile(StorageFiles files, IndexEntry entry) throws IOException {
        Path target = output.toAbsolutePath();
        Path temp = Durable.tempFor(target);
        FileChannel created = createNew(temp);
        DeletedOnStop.add(temp); // a Ctrl-C while a big file is written must not leave its part behind
        try {
            StorageDump.Dumped dumped;
            try (FileChannel channel = created; OutputStream out = new Named(Channels.newOutputStream(channel),
                    target.toString())) {
                dumped = StorageDump.write(files, entry, out);
                out.flush();
                channel.force(true);
            }
            ExactTimes.setMtime(temp, dumped.mtime()); // before 1970 and after 2262 too, as restore sets them
            if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)) { // its mode is set through an open: no FIFO
                setMode(temp, entry); // last: the mode may not let its owner read
            }
            if (!Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)) {
                // the folder is another user's, who swapped the temporary file for a link: never linked, never copied
                throw new ArchivistException("--output " + output + ": its temporary file " + temp + " was replaced"
                        + " while the file was written; nothing was written at " + output);
            }
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw appeared();
            } catch (UnsupportedOperationException | FileSystemException e) { // no hard links here (FAT, some mounts)
                try {
                    // creates new: never over a file; a link put in its place is copied as a link, not followed
                    Files.copy(temp, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } catch (FileAlreadyExistsException taken) {
                    throw appeared();
                }
                Durable.fsync(target);
            }
            Durable.fsyncDirectoryAfterSwitch(target.getParent()); // the file is there, whole and checked
            return dumped;
        } finally {
            Files.deleteIfExists(temp); // created above by this process (a name taken already fails createNew)
            DeletedOnStop.remove(temp);
        }
    }

    private ArchivistException appeared() {
        return new ArchivistException("--output " + output + " appeared while the file was read: left as it is");
    }

    /**
     * The temporary file, created new and readable and writable by its owner only while it is written, whatever the
     * umask ({@code umask 777} would leave it closed to its owner, whose mtime and mode could then not be set).
     */
    private FileChannel createNew(Path temp) throws IOException {
        try {
            return Durable.createOwnerOnly(temp);
        } catch (IOException e) {
            throw new IOException("cannot create --output " + output + ": " + ArchivistException.reason(e), e);
        }
    }

    /**
     * The mode the backup recorded, with its sticky bit and without setuid or setgid, as {@code restore} gives files
     * (a file from a backup never gains a privilege).
     */
    private static void setMode(Path file, IndexEntry entry) throws IOException {
        int mode = entry.permissions() & 01777;
        if ((mode & 01000) != 0) { // beyond what PosixFilePermission can express
            Files.setAttribute(file, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
            return;
        }
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // owner read ... others execute: 0400 ... 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        // never through a link another user put at the temporary name (its folder may be that user's)
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(permissions);
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
            if (name.equals("stdout")) {
                throw new Output.Lost(e); // a closed pipe (dump | head -c 100) or a full disk, as for a listing
            }
            return new IOException("cannot write to " + name + ": " + ArchivistException.reason(e), e);
        }
    }
}
