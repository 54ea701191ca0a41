package dev.archivist.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The backup-time forecast of what a default restore refuses. */
class RestoreWarningsTest {
    @Test
    void namesWithABackslashOrADrivePrefix() {
        assertThat(RestoreWarnings.nameProblem("docs/a\\b.txt")).contains("backslash");
        assertThat(RestoreWarnings.nameProblem("c:notes.txt")).contains("drive");
        assertThat(RestoreWarnings.nameProblem("docs/c:notes.txt")).isNull();
        assertThat(RestoreWarnings.nameProblem("docs/ordinary name.txt")).isNull();
    }

    @Test
    void linksThatAreAbsoluteOrClimbOut() {
        assertThat(RestoreWarnings.linkProblem("l", "/etc/passwd")).contains("absolute");
        assertThat(RestoreWarnings.linkProblem("l", "../x")).contains("out of the storage folder");
        assertThat(RestoreWarnings.linkProblem("a/b/l", "../../x")).isNull();
        assertThat(RestoreWarnings.linkProblem("a/b/l", "../../../x")).contains("out of the storage folder");
        assertThat(RestoreWarnings.linkProblem("a/l", "./../b/../../x")).contains("out of the storage folder");
        assertThat(RestoreWarnings.linkProblem("a/l", "sub/../../b")).isNull();
    }
}
