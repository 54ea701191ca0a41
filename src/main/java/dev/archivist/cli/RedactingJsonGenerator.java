package dev.archivist.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import dev.archivist.config.Redactor;
import java.io.IOException;

/**
 * A JSON generator that masks the secrets in every string value it writes ({@link Redactor#redact}), so that
 * {@code --json} output holds no more than the logs do (a path holding {@code password=…} comes out as
 * {@code password=***}) and stays valid JSON: the masking happens before the value is quoted and escaped. Field names
 * are the commands' own and pass unchanged.
 */
final class RedactingJsonGenerator extends JsonGeneratorDelegate {
    RedactingJsonGenerator(JsonGenerator out) {
        super(out, false); // false: objects written through this generator are serialized through it, masked too
    }

    @Override
    public void writeString(String text) throws IOException {
        delegate.writeString(Redactor.redact(text));
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
