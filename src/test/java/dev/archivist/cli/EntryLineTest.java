package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archivist.archive.IndexEntry;
import org.junit.jupiter.api.Test;

/**
 * {@code archivist ls} lines: names escaped exactly as GNU tar 1.34 prints them with {@code tar -tv} in a UTF-8
 * locale (the expected strings were taken from its output for files with these names), modes as {@code ls -l}.
 */
class EntryLineTest {
    @Test
    void namesAreEscapedAsGnuTarEscapesThem() {
        assertThat(escaped("c_\u0007")).isEqualTo("c_\\a");
        assertThat(escaped("c_\b c_\u000b c_\f c_\r c_\t c_\n")).isEqualTo("c_\\b c_\\v c_\\f c_\\r c_\\t c_\\n");
        assertThat(escaped("c_\u001b c_\u007f")).isEqualTo("c_\\033 c_\\177");
        assertThat(escaped("back\\slash")).isEqualTo("back\\\\slash");
        assertThat(escaped("nel\u0085 ls\u2028")).isEqualTo("nel\\302\\205 ls\\342\\200\\250");
        assertThat(escaped("é 😀 \uFF21 zero\u200Bwidth")).isEqualTo("é 😀 \uFF21 zero\u200Bwidth");
        // noncharacters as their bytes (as GNU tar shows them); a newer emoji (🫠, Unicode 14) as it is
        assertThat(escaped("x\uFFFF x\uFDD0 x\uDBFF\uDFFF x\uD83F\uDFFE x🫠"))
                .isEqualTo("x\\357\\277\\277 x\\357\\267\\220 x\\364\\217\\277\\277 x\\360\\237\\277\\276 x🫠");
    }

    @Test
    void aShownNameReadsBackAsTheName() {
        for (String name : new String[] {"plain.txt", "c_\u0007\b\u000b\f\r\t\n", "back\\slash", "nel\u0085 ls\u2028",
                "esc\u001b del\u007f", "é 😀 \uFF21", "\\n literally", "non\uFFFFchar\uD83F\uDFFE"}) {
            assertThat(EntryLine.unescape(escaped(name))).as(escaped(name)).isEqualTo(name);
        }
        assertThat(EntryLine.unescape("no\\qescape \\9 \\47")).isEqualTo("no\\qescape \\9 \\47");
    }

    @Test
    void aReasonKeepsItsBackslashesButNotItsControlCharacters() {
        assertThat(dev.archivist.Printable.controlsEscaped("cannot open: a\nb/evil\n\u001b[2J.txt"))
                .isEqualTo("cannot open: a\\nb/evil\\n\\033[2J.txt");
        assertThat(dev.archivist.Printable.controlsEscaped("C:\\dir\nline")).isEqualTo("C:\\dir\\nline");
    }

    @Test
    void typesAndModesReadAsLsAndTarShowThem() {
        assertThat(EntryLine.mode(entry(IndexEntry.FILE, "0644"))).isEqualTo("-rw-r--r--");
        assertThat(EntryLine.mode(entry(IndexEntry.HARDLINK, "0640"))).isEqualTo("hrw-r-----");
        assertThat(EntryLine.mode(entry(IndexEntry.DIR, "1777"))).isEqualTo("drwxrwxrwt");
        assertThat(EntryLine.mode(entry(IndexEntry.DIR, "1770"))).isEqualTo("drwxrwx--T");
        assertThat(EntryLine.mode(entry(IndexEntry.FILE, "6755"))).isEqualTo("-rwsr-sr-x");
        assertThat(EntryLine.mode(entry(IndexEntry.FILE, "6644"))).isEqualTo("-rwSr-Sr--");
        assertThat(EntryLine.mode(entry(IndexEntry.SYMLINK, "0777"))).isEqualTo("lrwxrwxrwx");
        assertThat(EntryLine.of(new IndexEntry("a\nb", IndexEntry.SYMLINK, 0, 0, "0777", "t\tx", null)))
                .isEqualTo("lrwxrwxrwx            0  1970-01-01 00:00:00  a\\nb -> t\\tx");
    }

    private static String escaped(String name) {
        StringBuilder b = new StringBuilder();
        EntryLine.escape(name, b);
        return b.toString();
    }

    private static IndexEntry entry(String type, String mode) {
        return new IndexEntry("x", type, 0, 0, mode, null, null);
    }
}
