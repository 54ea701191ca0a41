package dev.archivist.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The descriptor limit bounds the folders a walk holds open (two descriptors each). */
class OpenFileLimitTest {
    @Test
    void readsTheSoftLimitFromProcLimits() {
        assertThat(OpenFileLimit.parse("Max open files            20000                40000                files"))
                .isEqualTo(20000);
        assertThat(OpenFileLimit.parse("Max open files            unlimited            unlimited            files"))
                .isZero();
        assertThat(OpenFileLimit.current()).isPositive(); // Linux, where the tests run
    }

    @Test
    void theFolderBudgetIsAnEighthOfWhatIsLeftBetweenFourAndTheMaximum() {
        assertThat(OpenFileLimit.folderBudget(0)).isEqualTo(OpenFileLimit.MAX_FOLDERS);
        assertThat(OpenFileLimit.folderBudget(1 << 20)).isEqualTo(OpenFileLimit.MAX_FOLDERS);
        assertThat(OpenFileLimit.folderBudget(1024)).isEqualTo(112);
        assertThat(OpenFileLimit.folderBudget(160)).isEqualTo(4);
        assertThat(OpenFileLimit.folderBudget(64)).isEqualTo(4);
    }

    /** Running out of descriptors fails the backup: skipping would report success with the data missing. */
    @Test
    void runningOutOfDescriptorsIsAFailureNamingTheLimit() {
        assertThat(OpenFileLimit.exhausted(new java.nio.file.FileSystemException("f", null, "Too many open files")))
                .isTrue();
        assertThat(OpenFileLimit.exhausted(new java.io.IOException("x: Too many open files in system"))).isTrue();
        assertThat(OpenFileLimit.exhausted(new java.nio.file.AccessDeniedException("f"))).isFalse();
        assertThat(OpenFileLimit.exhausted(new java.io.IOException())).isFalse();
        assertThat(OpenFileLimit.failure("opening /srv/a", new java.io.IOException("a: Too many open files"))
                .getMessage()).startsWith("out of file descriptors while opening /srv/a (raise the limit, ulimit -n, now ")
                .endsWith("a: Too many open files");
    }
}
