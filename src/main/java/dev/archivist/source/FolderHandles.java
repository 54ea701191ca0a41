package dev.archivist.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * The folders one walk holds open, so that a backup that stops half-way (a full disk, an interrupt) closes them all
 * at once, whoever still held them: a daemon runs many backups in one process and must not leak descriptors.
 */
final class FolderHandles {
    private final Set<FolderHandle> open = new HashSet<>();
    private boolean closed;

    synchronized FolderHandle register(FolderHandle handle) throws IOException {
        if (closed) {
            handle.close();
            throw new IOException("the walk was stopped");
        }
        open.add(handle);
        return handle;
    }

    synchronized void closed(FolderHandle handle) {
        open.remove(handle);
    }

    /** Closes every folder still open; folders opened after this fail. */
    void closeAll() {
        ArrayList<FolderHandle> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(open);
        }
        left.forEach(FolderHandle::close);
    }

    synchronized int openCount() {
        return open.size();
    }
}
