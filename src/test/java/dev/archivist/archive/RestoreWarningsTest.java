package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The backup-time forecast of what a default restore refuses. */
class RestoreWarningsTest {
    @Test
    void linksThatAreAbsoluteOrClimbOut() {
        assertThat(RestoreWarnings.linkProblem("l", "/etc/passwd")).contains("absolute");
        assertThat(RestoreWarnings.linkProblem("l", "../x")).contains("out of the storage folder");
        assertThat(RestoreWarnings.linkProblem("a/b/l", "../../x")).isNull();
        assertThat(RestoreWarnings.linkProblem("a/b/l", "../../../x")).contains("out of the storage folder");
        assertThat(RestoreWarnings.linkProblem("a/l", "./../b/../../x")).contains("out of the storage folder");
        assertThat(RestoreWarnings.linkProblem("a/l", "sub/../../b")).isNull();
    }

    /** Paths no restore can create (4,095 bytes or more, in UTF-8): only the first on each branch is named. */
    @Test
    void aPathOf4095BytesOrMoreIsNamedOnceOnItsBranch() {
        String ok = "a".repeat(4094);
        String past = "b/" + "c".repeat(4093);
        assertThat(RestoreWarnings.pathProblem(ok)).isNull();
        assertThat(RestoreWarnings.pathProblem(past)).contains("path of 4095 bytes").contains("GNU tar");
        assertThat(RestoreWarnings.pathProblem(past + "/below.txt")).as("implied by its folder").isNull();
        assertThat(RestoreWarnings.pathProblem("short/name.txt")).isNull();
    }

    @Test
    void bytesAreCountedInUtf8() {
        String mixed = "é€".repeat(700); // 2 + 3 bytes per pair: 3,500 bytes in 1,400 chars
        assertThat(RestoreWarnings.pathProblem(mixed)).isNull();
        String past = "€".repeat(1365); // 4,095 bytes in 1,365 chars
        assertThat(RestoreWarnings.pathProblem(past)).contains("path of 4095 bytes");
        assertThat(RestoreWarnings.pathProblem("😀".repeat(1024))).contains("path of 4096 bytes");
    }
}
