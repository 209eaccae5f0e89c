package nexus.shared.db;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells, with a few memory reads and no system call, whether any connection of any process may have committed to the
 * database since an earlier look. In WAL mode every connection maps the wal-index file beside the database
 * ({@code <db>-shm}); its header changes with each commit and each restart of the WAL
 * (<a href="https://sqlite.org/walformat.html">walformat</a>). This compares the header's first copy, which the
 * committing connection writes before its commit returns. A look that races a commit sees a change, never the
 * reverse. Valid while the caller holds a connection open to the database, which keeps the file in place.
 * Thread-safe.
 *
 * <p>The wal-index files it opens stay open until the process ends: closing any descriptor of a file drops every
 * POSIX lock the process holds on it (fcntl(2)), SQLite's shared lock on the wal-index included, and without that
 * lock the next process to connect takes the file as its own, truncates and rebuilds it under this process's
 * mapping: SQLite then dies of a SIGBUS.
 */
public final class CommitWatch {

    /** The 48-byte {@code WalIndexHdr}, read as six longs. */
    private static final int HEADER_LONGS = 6;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** For a database this cannot watch: every look differs, so every caller checks with SQLite itself. */
    private static final CommitWatch BLIND = new CommitWatch(null);
    /** Every wal-index file opened so far, by path; never closed (see above). */
    private static final Map<Path, FileChannel> OPENED = new ConcurrentHashMap<>();

    private final ByteBuffer header;

    private CommitWatch(ByteBuffer header) {
        this.header = header;
    }

    /**
     * Watches the wal-index of an open database file, or, when it has none yet (no connection has read it in WAL
     * mode), a watch that always answers "changed".
     */
    static CommitWatch of(Path databaseFile) {
        Path shm = databaseFile.toAbsolutePath().normalize().resolveSibling(databaseFile.getFileName() + "-shm");
        try {
            FileChannel channel = OPENED.computeIfAbsent(shm, CommitWatch::openOrNull);
            if (channel == null || channel.size() < HEADER_LONGS * Long.BYTES) {
                return BLIND;
            }
            return new CommitWatch(channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_LONGS * Long.BYTES));
        } catch (IOException | UnsupportedOperationException e) {
            return BLIND;
        }
    }

    /** Null when the file cannot be opened (no descriptor to keep), so a later call tries again. */
    private static FileChannel openOrNull(Path shm) {
        try {
            return FileChannel.open(shm, StandardOpenOption.READ);
        } catch (IOException e) {
            return null;
        }
    }

    /** True when this watch sees the wal-index (false: every look reports a change). */
    public boolean sees() {
        return header != null;
    }

    /** The header as it is now. */
    public long[] look() {
        long[] now = new long[HEADER_LONGS];
        if (header != null) {
            for (int i = 0; i < HEADER_LONGS; i++) {
                now[i] = (long) LONGS.getVolatile(header, i * Long.BYTES);
            }
        }
        return now;
    }

    /** True when the header is still as it was in {@code seen}, so nothing has been committed since that look. */
    public boolean unchangedSince(long[] seen) {
        if (header == null || seen == null) {
            return false;
        }
        for (int i = 0; i < HEADER_LONGS; i++) {
            if ((long) LONGS.getVolatile(header, i * Long.BYTES) != seen[i]) {
                return false;
            }
        }
        return true;
    }
}
