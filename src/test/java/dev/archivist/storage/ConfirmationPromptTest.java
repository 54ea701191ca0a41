package dev.archivist.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archivist.testing.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore into live data asks on the terminal (a pseudo-terminal from util-linux {@code script}) and does nothing
 * unless the answer is yes; the question names what it replaces, masked as the rest of the output is.
 */
@Tag("system")
class ConfirmationPromptTest {
    private static final String SECRET = "S3cretPW";

    @TempDir
    Path tmp;

    @Test
    void aRestoreIntoLiveDataAsksAndNoAnswerChangesNothing() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        Path storage = tmp.resolve("https:/bob:" + SECRET + "@nas/storage");
        Map<String, String> env = backedUpThenEdited(storage);

        // stdin at its end: the question gets no answer
        CliProcess.Result asked = StorageFixtures.runWrapped(tmp, env, cmd -> List.of("script", "-qec",
                cmd.stream().map(StorageFixtures::q).collect(Collectors.joining(" ")), "/dev/null"),
                "restore", "storage", "latest");
        String shown = asked.stdout() + asked.stderr();
        assertThat(shown).as(asked.describe()).contains("into the live storage folder").contains("[y/N]")
                .contains("https:/bob:***@nas/storage").doesNotContain(SECRET).contains("restore cancelled");
        assertThat(asked.exitCode()).as(asked.describe()).isEqualTo(1);
        assertThat(Files.readString(storage.resolve("photo.jpg"))).isEqualTo("pixels, edited after the backup");
    }

    @Test
    void stdoutPipedToALogStillAsksOnTheTerminalAndYesRestores() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        Path storage = tmp.resolve("storage");
        Map<String, String> env = backedUpThenEdited(storage);
        // stdin is the terminal, stdout a pipe (| cat, as | tee restore.log): the question goes to stderr
        java.util.function.Function<List<String>, List<String>> piped = cmd -> List.of("script", "-qec",
                cmd.stream().map(StorageFixtures::q).collect(Collectors.joining(" ")) + " | cat", "/dev/null");

        CliProcess.Result no = StorageFixtures.runWrapped(tmp, env, "n\n", piped, "restore", "storage", "latest");
        assertThat(no.stdout() + no.stderr()).as(no.describe()).contains("[y/N]").contains("restore cancelled")
                .doesNotContain("no terminal");
        assertThat(Files.readString(storage.resolve("photo.jpg"))).isEqualTo("pixels, edited after the backup");

        CliProcess.Result yes = StorageFixtures.runWrapped(tmp, env, "y\n", piped, "restore", "storage", "latest");
        assertThat(yes.stdout() + yes.stderr()).as(yes.describe()).contains("[y/N]").contains("restored ");
        assertThat(Files.readString(storage.resolve("photo.jpg"))).isEqualTo("pixels");
    }

    /**
     * With {@code --json} and stdout the terminal too, stdout holds the JSON document alone: the question goes to
     * stderr (redirected to a file inside the terminal here, so that the terminal shows stdout only). Before, the
     * question was written through the console, on stdout, in front of the JSON.
     */
    @Test
    void withJsonTheQuestionStaysOffStdoutOnATerminalToo() throws Exception {
        assumeTrue(StorageFixtures.hasCommand("script"), "util-linux script is needed for a pseudo-terminal");
        Path storage = tmp.resolve("storage");
        Map<String, String> env = backedUpThenEdited(storage);
        Path err = tmp.resolve("stderr.txt");
        // stdin and stdout the terminal, stdin at its end: the question gets no answer
        CliProcess.Result asked = StorageFixtures.runWrapped(tmp, env, cmd -> List.of("script", "-qec",
                cmd.stream().map(StorageFixtures::q).collect(Collectors.joining(" ")) + " 2>" + StorageFixtures.q(
                        err.toString()), "/dev/null"),
                "restore", "storage", "latest", "--json");
        String terminal = asked.stdout().replace("\r", "").strip();
        assertThat(asked.exitCode()).as(asked.describe()).isEqualTo(1);
        assertThat(terminal).as(asked.describe()).startsWith("{").endsWith("}").doesNotContain("[y/N]");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(terminal).path("error").asText())
                .isEqualTo("restore cancelled");
        assertThat(Files.readString(err)).contains("into the live storage folder").contains("[y/N]");
        assertThat(Files.readString(storage.resolve("photo.jpg"))).isEqualTo("pixels, edited after the backup");
    }

    /** A storage folder with one photo, backed up, then the photo edited; the environment of its application. */
    private Map<String, String> backedUpThenEdited(Path storage) throws Exception {
        Files.createDirectories(storage);
        Files.writeString(storage.resolve("photo.jpg"), "pixels");
        Map<String, String> env = Map.of("STORAGE_PATH", storage.toString(), "BACKUP_DIR", tmp.resolve("b").toString(),
                "JSON_LOGS", "false");
        CliProcess.Result backup = new CliProcess(tmp).env(env).run("backup", "storage", "--no-rotate");
        assertThat(backup.exitCode()).as(backup.describe()).isZero();
        Files.writeString(storage.resolve("photo.jpg"), "pixels, edited after the backup");
        return env;
    }
}
