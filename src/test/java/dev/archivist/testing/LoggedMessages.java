package dev.archivist.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The messages one class logs while a piece of test code runs, as they read once formatted. */
public final class LoggedMessages {
    private LoggedMessages() {
    }

    /** What may throw, as the code under test does. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} and returns the messages {@code source}'s logger gave meanwhile, in order. */
    public static List<String> during(Class<?> source, Action action) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(source);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            action.run();
        } finally {
            logger.detachAppender(events);
        }
        return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
