package dev.archivist.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the settings are loaded: warnings only, readable, on stderr; {@link LoggingSetup}
 * replaces it. Found through {@code META-INF/services} and done in code rather than with a {@code logback.xml}:
 * parsing XML costs about a tenth of a second at every start of a command-line tool.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class BootstrapConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LoggingSetup.configure(context, "WARN", false);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
