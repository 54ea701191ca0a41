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
}
