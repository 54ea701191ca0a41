package dev.archivist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluralTest {
    @Test
    void oneTakesTheSingularEveryOtherCountThePlural() {
        assertThat(Plural.of(1, "part")).isEqualTo("1 part");
        assertThat(Plural.of(0, "part")).isEqualTo("0 parts");
        assertThat(Plural.of(3, "part")).isEqualTo("3 parts");
        assertThat(Plural.of(1, "entry was", "entries were")).isEqualTo("1 entry was");
        assertThat(Plural.of(2, "entry was", "entries were")).isEqualTo("2 entries were");
    }
}
