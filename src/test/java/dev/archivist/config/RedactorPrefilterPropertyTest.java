package dev.archivist.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Redactor#redact} runs its patterns only on text that {@link Redactor#mayHoldSecret}: that quick scan must let
 * through nothing a pattern would mask. Texts are built from the pieces the patterns look for (the secret words in
 * either case, separators, quotes, URL parts) among ordinary characters, so that near misses are common.
 */
class RedactorPrefilterPropertyTest {
    private static final List<String> PIECES = List.of("pass", "PWD", "Secret", "token", "KEY", "credential", "auth",
            "sig", "session", "cookie", "Bearer", "private", "api_", "x", "9", "_", ".", "-", "=", ":", " ", "  ", "\t",
            "\"", "'", "&", "?", "/", "//", "@", "https", "user", "s3cr3t", "é", ",", "}", "{", "[", "\n",
            // whole parts of what the patterns match, so that matches and near misses both come often
            "https://", "s3:/", "user:", "s3cr3t@", "ghp_0123456789abcdef@", "\"api_key\"", "\"Token\" ", "\"note\"",
            "x-auth-", "password=", "pass :", "?sig=", "&");

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of(PIECES).list().ofMinSize(0).ofMaxSize(14).map(p -> String.join("", p));
    }

    @Property(tries = 20_000)
    void whatTheScanLetsThroughNoPatternWouldMask(@ForAll("texts") String text) {
        if (!Redactor.mayHoldSecret(text)) {
            assertThat(Redactor.masked(text)).as(text).isEqualTo(text);
        }
        assertThat(Redactor.redact(text)).isEqualTo(Redactor.masked(text));
    }

    @Example
    void aListingLinePassesWithoutThePatternsAndASecretDoesNot() {
        assertThat(Redactor.mayHoldSecret("-rw-r--r--  0:0  1.0 KB  2026-12-06 22:07:46  photos/2026/img-0042.jpg"))
                .isFalse();
        assertThat(Redactor.mayHoldSecret("  \"original_path\" : \"/srv/app/storage\",")).isFalse();
        assertThat(Redactor.mayHoldSecret("restored into /data/Password = x")).isTrue();
        assertThat(Redactor.mayHoldSecret("  \"api_key\" : \"x\"")).isTrue();
        assertThat(Redactor.mayHoldSecret("https://bob@host/")).isTrue();
    }
}
