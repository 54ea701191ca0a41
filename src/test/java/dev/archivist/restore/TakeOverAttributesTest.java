package dev.archivist.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restored database file or storage folder takes over from the one it replaces: never setuid or setgid on a
 * file, and nothing from where a link found at the replaced name leads (a user put it there: taken over from a setuid
 * program, with its own file swapped in, that gave a root shell).
 */
class TakeOverAttributesTest {
    @TempDir
    Path dir;

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void aFileNeverTakesOverSetuidOrSetgid() throws Exception {
        Path original = Files.writeString(dir.resolve("app.db"), "live");
        Files.setAttribute(original, "unix:mode", 06755);
        Path replacement = Files.writeString(dir.resolve("restored.db"), "restored");

        assertThat(Ownership.takeOverAttributes(original, replacement, "the restored database")).contains("0755");
        assertThat(mode(replacement)).isEqualTo(0755);
    }

    @Test
    void aFolderKeepsItsSetgidBitForItsGroup() throws Exception {
        Path original = Files.createDirectory(dir.resolve("storage"));
        Files.setAttribute(original, "unix:mode", 02770);
        Path replacement = Files.createDirectory(dir.resolve("restored"));

        Ownership.takeOverAttributes(original, replacement, "the restored folder");
        assertThat(mode(replacement)).isEqualTo(02770);
    }

    @Test
    void nothingIsTakenFromWhereALinkAtTheReplacedNameLeads() throws Exception {
        Path program = Files.writeString(dir.resolve("passwd"), "a setuid program");
        Files.setAttribute(program, "unix:mode", 04755);
        Path link = Files.createSymbolicLink(dir.resolve("app.db"), program);
        Path replacement = Files.writeString(dir.resolve("restored.db"), "restored");
        Files.setAttribute(replacement, "unix:mode", 0600);

        assertThat(Ownership.takeOverAttributes(link, replacement, "the restored database"))
                .contains(link + " is a link now, not followed");
        assertThat(mode(replacement)).isEqualTo(0600);
    }
}
