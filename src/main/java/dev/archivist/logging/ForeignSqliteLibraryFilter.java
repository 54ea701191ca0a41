package dev.archivist.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops sqlite-jdbc's ERROR that it could not delete a native library another process extracted.
 *
 * <p>Where sqlite-jdbc extracts its library at each start (no pre-extracted one), it first deletes the libraries of
 * other processes that have no lock file beside them. A process that is exiting deletes its lock file, then its
 * library; another process starting at that moment lists the library, and its delete then fails. sqlite-jdbc logs
 * that at ERROR with a stack trace, in the middle of a backup that succeeds. Two archivist processes (the daemon's job
 * and a cron command) hit it. The file is another process's temporary file and nothing of ours failed. sqlite-jdbc has
 * no setting for it, and silencing its loader's logger would also hide why a library could not be loaded; hence this
 * filter on that one message.
 */
final class ForeignSqliteLibraryFilter extends TurboFilter {
    static final String LOGGER = "org.sqlite.SQLiteJDBCLoader";
    static final String MESSAGE = "Failed to delete old native lib";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        return format != null && format.startsWith(MESSAGE) && LOGGER.equals(logger.getName())
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
