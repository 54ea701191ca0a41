package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait after a failure a scheduler thread survives: 1 s, doubling to a minute, reset by a success. */
class FailureBackoffTest {
    @Test
    void doublesFromOneSecondToAMinuteAndStartsOverAfterASuccess() {
        FailureBackoff b = new FailureBackoff();
        assertThat(b.failed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.failed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.failed()).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 40; i++) {
            assertThat(b.failed()).isLessThanOrEqualTo(Duration.ofMinutes(1));
        }
        assertThat(b.failed()).isEqualTo(Duration.ofMinutes(1));
        assertThat(b.failuresInARow()).isEqualTo(30);
        b.succeeded();
        assertThat(b.failuresInARow()).isZero();
        assertThat(b.failed()).isEqualTo(Duration.ofSeconds(1));
    }
}
