package dev.archivist.schedule;

import java.util.Locale;
import java.util.Map;

/** The {@code @} shorthands of Vixie cron, expanded to their five fields. */
final class CronMacros {

    private static final Map<String, String> FIELDS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    private CronMacros() {
    }

    static String expand(String macro) {
        String key = macro.toLowerCase(Locale.ROOT);
        if (key.equals("@reboot")) {
            throw new CronParseException("@reboot is not supported: jobs run at clock times only;"
                    + " run a backup at startup from your service manager instead");
        }
        String fields = FIELDS.get(key);
        if (fields == null) {
            throw new CronParseException("unknown macro '" + macro
                    + "' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)");
        }
        return fields;
    }
}
