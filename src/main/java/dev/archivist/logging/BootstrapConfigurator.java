package dev.archivist.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the settings are loaded: warnings only, readable, on stderr; {@link LoggingSetup}
 * replaces it. Found through {@code META-INF/services} and done in code rather than with a {@code logback.xml}:
 * parsing XML costs about a tenth of a second at every start of a command-line tool.
 *
 * <p>An application that embeds the library and configures Logback itself ({@code logback.xml} or
 * {@code logback-test.xml} on its class path, or {@code -Dlogback.configurationFile}) keeps its configuration: this
 * one then steps aside for Logback's own.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class BootstrapConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (hostConfigured()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LoggingSetup.configure(context, "WARN", false);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether the application has a Logback configuration of its own, which Logback's next configurators read. */
    static boolean hostConfigured() {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return true;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = BootstrapConfigurator.class.getClassLoader();
        }
        return loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
    }
}
