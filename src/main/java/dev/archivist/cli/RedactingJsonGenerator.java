package dev.archivist.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import dev.archivist.config.Redactor;
import java.io.IOException;
import java.util.Set;

/**
 * A JSON generator that masks the secrets in every string value it writes ({@link Redactor#redact}), so that
 * {@code --json} output holds no more than the logs do (a path holding {@code password=…} comes out as
 * {@code password=***}) and stays valid JSON: the masking happens before the value is quoted and escaped. Field names
 * are the commands' own and pass unchanged. The names of storage entries a manifest lists ({@code skipped},
 * {@code changed}, {@code restore_warnings}: their {@code path}) are the folder's data and pass unchanged too, as the
 * manifest records them: a fifo named {@code password=1} was printed as {@code password=***}, an entry of no folder.
 */
final class RedactingJsonGenerator extends JsonGeneratorDelegate {
    /** The manifest arrays whose items name storage entries by their {@code path}. */
    private static final Set<String> ENTRY_LISTS = Set.of("skipped", "changed", "restore_warnings");

    RedactingJsonGenerator(JsonGenerator out) {
        super(out, false); // false: objects written through this generator are serialized through it, masked too
    }

    @Override
    public void writeString(String text) throws IOException {
        delegate.writeString(entryPath() ? text : Redactor.redact(text));
    }

    /** Whether the string written now is the {@code path} of an item of one of the {@link #ENTRY_LISTS}. */
    private boolean entryPath() {
        JsonStreamContext item = delegate.getOutputContext();
        if (!item.inObject() || !"path".equals(item.getCurrentName())) {
            return false;
        }
        JsonStreamContext list = item.getParent();
        return list != null && list.inArray() && list.getParent() != null
                && ENTRY_LISTS.contains(list.getParent().getCurrentName());
    }

    @Override
    public void writeString(char[] text, int offset, int length) throws IOException {
        writeString(new String(text, offset, length));
    }

    @Override
    public void writeString(SerializableString text) throws IOException {
        writeString(text.getValue());
    }

    @Override
    public void writeStringField(String name, String value) throws IOException {
        delegate.writeFieldName(name);
        writeString(value);
    }
}
