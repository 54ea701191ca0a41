package dev.archivist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizes as people read them (B, KB, MB, GB, TB, one decimal), as the Python tool printed them. */
class OutputSizeTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0 B", "1023, 1023 B", "1024, 1.0 KB", "1536, 1.5 KB", "1048524, 1023.9 KB",
        // rounded up to 1024.0 of a unit: the next unit's 1.0
        "1048525, 1.0 MB", "1048575, 1.0 MB", "1048576, 1.0 MB", "1073741823, 1.0 GB",
        "5905580032, 5.5 GB", "1099511627776, 1.0 TB", "1125899906842624, 1024.0 TB"
    })
    void oneDecimalInTheLargestUnitBelow1024(long bytes, String shown) {
        assertThat(Output.size(bytes)).isEqualTo(shown);
    }
}
