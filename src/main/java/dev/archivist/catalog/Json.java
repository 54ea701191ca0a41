package dev.archivist.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one Jackson mapper manifests and {@code --json} output use. */
public final class Json {
    /** Shared, thread-safe mapper; pretty printing is chosen per call. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /**
     * Why a JSON file could not be read, in one line a person can act on: "not valid JSON at line 1, column 56:
     * Illegal unquoted character …" rather than Jackson's message, which runs over several lines and names its own
     * settings ({@code StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION}).
     */
    public static String readFailure(Exception e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String what = String.valueOf(j.getOriginalMessage()).lines().findFirst().orElse("").strip();
            return "not valid JSON" + where + ": " + what;
        }
        return dev.archivist.ArchivistException.reason(e);
    }
}
