package dev.archivist.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.function.Predicate;

/**
 * Brute-force statement of the DST policy: steps instant by instant, one minute at a time, and
 * asks whether a job fires there. Used as the oracle for {@link CronExpression#next}.
 */
final class CronDstOracle {

    private final Predicate<LocalDateTime> matches;
    private final boolean wallClock;
    private final ZoneId zone;
    private final ZoneRules rules;

    /**
     * @param matches   whether a local (wall-clock) minute matches the expression's fields
     * @param wallClock whether the minute or hour field starts with '*'
     */
    CronDstOracle(Predicate<LocalDateTime> matches, boolean wallClock, ZoneId zone) {
        this.matches = matches;
        this.wallClock = wallClock;
        this.zone = zone;
        this.rules = zone.getRules();
    }

    /** The first firing instant strictly after {@code after}. */
    Instant next(Instant after) {
        Instant instant = after.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        while (!fires(instant)) {
            instant = instant.plus(1, ChronoUnit.MINUTES);
        }
        return instant;
    }

    /**
     * Wall-clock jobs fire at every instant whose local time matches. Fixed jobs fire at the
     * first instant showing a matching local time, and at the end of a gap that swallowed one.
     */
    boolean fires(Instant instant) {
        LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
        if (matches.test(local) && (wallClock || local.atZone(zone).toInstant().equals(instant))) {
            return true;
        }
        if (wallClock) {
            return false;
        }
        ZoneOffsetTransition transition = rules.nextTransition(instant.minusNanos(1));
        return transition != null && transition.getInstant().equals(instant) && transition.isGap()
                && gapHoldsMatch(transition);
    }

    private boolean gapHoldsMatch(ZoneOffsetTransition gap) {
        for (LocalDateTime t = gap.getDateTimeBefore(); t.isBefore(gap.getDateTimeAfter()); t = t.plusMinutes(1)) {
            if (matches.test(t)) {
                return true;
            }
        }
        return false;
    }
}
