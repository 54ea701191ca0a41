package dev.archivist.cli;

import dev.archivist.config.Redactor;
import java.util.List;

/**
 * The arguments that follow an option whose name names a secret ({@code --password X}, {@code --api-key X}, as another
 * tool takes them): Archivist has no such option, so picocli reports it and the argument after it as unknown or
 * unmatched, quoting that argument, which is the secret. {@code --password=X} is masked by {@link Redactor} already.
 */
final class SecretOptionValues {
    private SecretOptionValues() {
    }

    /** {@code message} with every quoted argument that follows a secret-named option in {@code args} masked. */
    static String mask(String message, List<String> args) {
        String masked = message;
        for (int i = 0; i + 1 < args.size(); i++) {
            String option = args.get(i);
            if (option.startsWith("-") && !option.contains("=") && Redactor.isSensitiveName(option)) {
                masked = masked.replace("'" + args.get(i + 1) + "'", "'" + Redactor.MASK + "'");
            }
        }
        return masked;
    }
}
