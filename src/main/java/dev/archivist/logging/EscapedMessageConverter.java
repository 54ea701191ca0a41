package dev.archivist.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.archivist.Printable;

/**
 * {@code %msg} of the readable log lines with control characters escaped ({@link Printable}): a message naming a file
 * whose name holds a newline stays one line, so it cannot forge a log line that looks like another event. JSON lines
 * need no such care: JSON escapes them.
 */
public final class EscapedMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Printable.controlsEscaped(super.convert(event));
    }
}
