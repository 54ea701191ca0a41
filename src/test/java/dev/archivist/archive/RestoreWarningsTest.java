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
}
