package dev.archivist.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Logback's configuration until the settings are loaded: warnings only, readable, on stderr; {@link LoggingSetup}
 * replaces it. Found through {@code META-INF/services} and done in code rather than with a {@code logback.xml}:
 * parsing XML costs about a tenth of a second at every start of a command-line tool.
 *
 * <p>An application that embeds the library and configures Logback itself ({@code logback.xml} or
 * {@code logback-test.xml} on its class path, {@code -Dlogback.configurationFile}, or a {@link Configurator} service of
 * its own) keeps its configuration: this one then steps aside for Logback's own, or the application's.
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
                || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null
                || otherConfigurator(loader);
    }

    /**
     * Whether another {@link Configurator} service is on the class path: Logback invokes the services by rank, and this
     * one, ranked high, would otherwise tell it to invoke none after it.
     */
    private static boolean otherConfigurator(ClassLoader loader) {
        try {
            return ServiceLoader.load(Configurator.class, loader).stream()
                    .anyMatch(provider -> provider.type() != BootstrapConfigurator.class);
        } catch (ServiceConfigurationError e) {
            return false; // a broken registration: Logback reports it itself
        }
    }
}
