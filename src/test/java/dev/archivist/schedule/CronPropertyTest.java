package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Compares {@link CronExpression#next} with brute force over randomly generated expressions.
 * Each generated field carries the set of values it means, so the parser is checked too.
 */
class CronPropertyTest {

    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> WEEKDAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final List<String> DST_ZONES = List.of("America/New_York", "Europe/Berlin",
            "Australia/Lord_Howe", "America/Sao_Paulo", "America/Santiago", "Asia/Tehran", "Pacific/Apia",
            "Antarctica/Troll", "Europe/Dublin");

    /** One generated field: its text and the values it stands for (day-of-week 7 kept as 7). */
    record Field(String text, Set<Integer> values) {
        boolean star() {
            return text.startsWith("*");
        }
    }

    /** A generated expression with a brute-force matcher that does not use the parser. */
    record Spec(Field minute, Field hour, Field dayOfMonth, Field month, Field dayOfWeek) {
        String expression() {
            return String.join(" ", minute.text, hour.text, dayOfMonth.text, month.text, dayOfWeek.text);
        }

        boolean dayMatches(LocalDate date) {
            int weekday = date.getDayOfWeek().getValue() % 7;
            boolean dom = dayOfMonth.values.contains(date.getDayOfMonth());
            boolean dow = dayOfWeek.values.contains(weekday) || weekday == 0 && dayOfWeek.values.contains(7);
            boolean day = dayOfMonth.star() || dayOfWeek.star() ? dom && dow : dom || dow;
            return day && month.values.contains(date.getMonthValue());
        }

        boolean matches(LocalDateTime time) {
            return minute.values.contains(time.getMinute()) && hour.values.contains(time.getHour())
                    && dayMatches(time.toLocalDate());
        }

        /** First match strictly after {@code after} and not after {@code limit}, minute by minute. */
        LocalDateTime bruteForce(LocalDateTime after, LocalDateTime limit) {
            LocalDateTime time = after.withSecond(0).withNano(0).plusMinutes(1);
            while (!time.isAfter(limit)) {
                if (!dayMatches(time.toLocalDate())) {
                    time = time.toLocalDate().plusDays(1).atStartOfDay();
                } else if (matches(time)) {
                    return time;
                } else {
                    time = time.plusMinutes(1);
                }
            }
            return null;
        }
    }

    @Property(tries = 1000)
    void nextInUtcEqualsBruteForce(@ForAll("expressions") Spec spec, @ForAll("times") LocalDateTime after) {
        LocalDateTime possible = spec.bruteForce(after, after.plusYears(401));
        if (possible == null) {
            assertThatThrownBy(() -> CronExpression.parse(spec.expression()))
                    .isInstanceOf(CronParseException.class).hasMessageContaining("never occurs");
            return;
        }
        LocalDateTime next = CronExpression.parse(spec.expression()).next(after.atZone(ZoneOffset.UTC)).toLocalDateTime();
        assertThat(next).isEqualTo(spec.bruteForce(after, next));
    }

    @Property(tries = 300)
    void nextAroundDstTransitionsEqualsOracle(@ForAll("dailyExpressions") Spec spec,
                                              @ForAll("nearTransitions") ZonedDateTime after) {
        CronExpression cron = CronExpression.parse(spec.expression());
        CronDstOracle oracle = new CronDstOracle(spec::matches, spec.minute.star() || spec.hour.star(), after.getZone());
        assertThat(cron.isWallClock()).isEqualTo(spec.minute.star() || spec.hour.star());
        assertThat(cron.next(after).toInstant()).isEqualTo(oracle.next(after.toInstant()));
    }

    @Provide
    Arbitrary<Spec> expressions() {
        return Combinators.combine(field(0, 59, List.of()), field(0, 23, List.of()), field(1, 31, List.of()),
                field(1, 12, MONTHS), field(0, 7, WEEKDAYS)).as(Spec::new);
    }

    /** Any minute, hour and weekday fields, every day of the month: the next fire is at most a week away. */
    @Provide
    Arbitrary<Spec> dailyExpressions() {
        return Combinators.combine(field(0, 59, List.of()), field(0, 23, List.of()), field(0, 7, WEEKDAYS))
                .as((minute, hour, dayOfWeek) -> new Spec(minute, hour,
                        new Field("*", values(1, 31, 1)), new Field("*", values(1, 12, 1)), dayOfWeek));
    }

    @Provide
    Arbitrary<LocalDateTime> times() {
        long from = LocalDate.of(2000, 1, 1).toEpochDay() * 86_400;
        long to = LocalDate.of(2100, 1, 1).toEpochDay() * 86_400;
        return Arbitraries.longs().between(from, to).map(s -> LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC));
    }

    /** Instants up to two days either side of the zones' transitions between 2005 and 2025. */
    @Provide
    Arbitrary<ZonedDateTime> nearTransitions() {
        List<Tuple2<ZoneId, Instant>> transitions = new ArrayList<>();
        Instant end = Instant.parse("2025-12-31T00:00:00Z");
        for (String id : DST_ZONES) {
            ZoneId zone = ZoneId.of(id);
            ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse("2005-01-01T00:00:00Z"));
            while (t != null && t.getInstant().isBefore(end)) {
                transitions.add(Tuple.of(zone, t.getInstant()));
                t = zone.getRules().nextTransition(t.getInstant());
            }
        }
        long twoDays = Duration.ofDays(2).toSeconds();
        return Combinators.combine(Arbitraries.of(transitions), Arbitraries.longs().between(-twoDays, twoDays))
                .as((t, seconds) -> t.get2().plusSeconds(seconds).atZone(t.get1()));
    }

    private static Arbitrary<Field> field(int min, int max, List<String> names) {
        Arbitrary<Field> element = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new Field("*", values(min, max, 1)))),
                Tuple.of(2, Arbitraries.integers().between(1, max - min + 1)
                        .map(step -> new Field("*/" + step, values(min, max, step)))),
                Tuple.of(3, value(min, max, names).map(v -> new Field(v.get1(), Set.of(v.get2())))),
                Tuple.of(2, range(min, max, names)),
                Tuple.of(2, Combinators.combine(range(min, max, names), Arbitraries.integers().between(1, max - min + 1))
                        .as((range, step) -> stepped(range, step))));
        return element.list().ofMinSize(1).ofMaxSize(3).map(elements -> new Field(
                elements.stream().map(Field::text).collect(Collectors.joining(",")),
                elements.stream().flatMap(e -> e.values().stream()).collect(Collectors.toSet())));
    }

    private static Arbitrary<Field> range(int min, int max, List<String> names) {
        return Combinators.combine(value(min, max, names), value(min, max, names))
                .filter((a, b) -> a.get2() <= b.get2())
                .as((a, b) -> new Field(a.get1() + "-" + b.get1(), values(a.get2(), b.get2(), 1)));
    }

    private static Field stepped(Field range, int step) {
        int low = range.values.stream().mapToInt(Integer::intValue).min().orElseThrow();
        int high = range.values.stream().mapToInt(Integer::intValue).max().orElseThrow();
        return new Field(range.text + "/" + step, values(low, high, step));
    }

    /** A value and its spelling: a number, or a name in random case where the field has one. */
    private static Arbitrary<Tuple2<String, Integer>> value(int min, int max, List<String> names) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.integers().between(0, 3))
                .as((v, spelling) -> {
                    int index = v - min;
                    if (spelling == 0 || index >= names.size()) {
                        return Tuple.of(String.valueOf(v), v);
                    }
                    String name = names.get(index);
                    return Tuple.of(spelling == 1 ? name : spelling == 2 ? name.toUpperCase(Locale.ROOT)
                            : Character.toUpperCase(name.charAt(0)) + name.substring(1), v);
                });
    }

    private static Set<Integer> values(int low, int high, int step) {
        return IntStream.iterate(low, v -> v <= high, v -> v + step).boxed().collect(Collectors.toCollection(HashSet::new));
    }
}
