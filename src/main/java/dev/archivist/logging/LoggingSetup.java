package dev.archivist.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.archivist.config.Redactor;
import java.nio.charset.StandardCharsets;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from the settings: JSON lines (logstash-logback-encoder) or readable lines, always on stderr so
 * stdout carries only command output, and always redacted: readable lines through {@link RedactingEncoder}, JSON lines
 * value by value as they are written (logstash-logback-encoder's masking decorator).
 */
public final class LoggingSetup {
    private static volatile boolean jsonLines;
    private static volatile boolean configured;

    private LoggingSetup() {
    }

    /** Whether log events are written as JSON lines now (the settings' {@code JSON_LOGS}, once they are loaded). */
    public static boolean jsonLines() {
        return jsonLines;
    }

    /** Whether {@link #configure} was called: the settings' logging is set up, not the bootstrap's. */
    public static boolean configured() {
        return configured;
    }

    /** Replaces the root logger's appenders; safe to call more than once. */
    public static void configure(String level, boolean json) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), level, json);
    }

    /** A JSON value as logged: masked whole under a secret's field name, else with the secrets in its text masked. */
    private static Object masked(com.fasterxml.jackson.core.JsonStreamContext field, Object value) {
        if (field.getCurrentName() != null && Redactor.isSensitiveName(field.getCurrentName())) {
            return Redactor.MASK;
        }
        return value instanceof CharSequence text ? Redactor.redact(text.toString()) : value;
    }

    static void configure(LoggerContext context, String level, boolean json) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();

        Encoder<ILoggingEvent> inner;
        if (json) {
            LogstashEncoder logstash = new LogstashEncoder();
            logstash.setContext(context);
            // The backup's own "timestamp" argument must not collide with the log time (SEED-SPEC defect 11).
            logstash.getFieldNames().setTimestamp("@timestamp");
            logstash.getFieldNames().setVersion("[ignore]");
            logstash.getFieldNames().setLevelValue("[ignore]");
            // Redact each value as it is written, before JSON escaping: redacting the finished line cut a secret at
            // its escaped quote (password=\"hunter 2\"), leaking the rest and ending the string early.
            MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
            masking.addValueMasker(LoggingSetup::masked);
            masking.start();
            logstash.setJsonGeneratorDecorator(masking);
            inner = logstash;
        } else {
            PatternLayout layout = new PatternLayout();
            layout.setContext(context);
            layout.getInstanceConverterMap().put("msg", EscapedMessageConverter::new); // one event, one line
            layout.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}: %msg%n%ex{short}");
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> lines = new LayoutWrappingEncoder<>();
            lines.setContext(context);
            lines.setLayout(layout);
            lines.setCharset(StandardCharsets.UTF_8); // RedactingEncoder reads the line back as UTF-8
            inner = lines;
        }
        Encoder<ILoggingEvent> encoder = json ? inner : new RedactingEncoder(inner);
        encoder.setContext(context);
        encoder.start();

        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();

        root.addAppender(appender);
        root.setLevel(Level.toLevel(level, Level.INFO));
        if (context.getTurboFilterList().stream().noneMatch(ForeignSqliteLibraryFilter.class::isInstance)) {
            ForeignSqliteLibraryFilter quiet = new ForeignSqliteLibraryFilter();
            quiet.setContext(context);
            quiet.start();
            context.addTurboFilter(quiet);
        }
        jsonLines = json;
        configured = true;
    }
}
