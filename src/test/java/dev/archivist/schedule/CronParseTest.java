package dev.archivist.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronParseTest {

    private static final ZonedDateTime START = ZonedDateTime.of(2023, 12, 31, 23, 59, 0, 0, ZoneOffset.UTC);

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            61 * * * *        | minute: '61' out of range 0-59
            * 24 * * *        | hour: '24' out of range 0-23
            * * 0 * *         | day-of-month: '0' out of range 1-31
            * * 32 * *        | day-of-month: '32' out of range 1-31
            * * * 13 *        | month: '13' out of range 1-12
            * * * * 8         | day-of-week: '8' out of range 0-7
            * * * * 99999999999 | day-of-week: '99999999999' out of range 0-7
            * * * foo *       | month: 'foo' is not a number 1-12 or a name jan-dec
            * * * * sunday    | day-of-week: 'sunday' is not a number 0-7 or a name sun-sat
            * * * * jan       | day-of-week: 'jan' is not a number 0-7 or a name sun-sat
            * mon * * *       | hour: 'mon' is not a number 0-23
            -1 * * * *        | minute: '-1' is not a range (write 'a-b')
            5- * * * *        | minute: '5-' is not a range (write 'a-b')
            1-2-3 * * * *     | minute: '2-3' is not a number 0-59
            1,,2 * * * *      | minute: empty list element
            1, * * * *        | minute: empty list element
            30-10 * * * *     | minute: '30-10' starts after it ends
            * * * * sun-sat-x | day-of-week: 'sat-x' is not a number 0-7 or a name sun-sat
            */0 * * * *       | minute: step '0' out of range 1-60
            */61 * * * *      | minute: step '61' out of range 1-60
            */x * * * *       | minute: step 'x' out of range 1-60
            */ * * * *        | minute: step '' out of range 1-60
            x/15 * * * *      | minute: 'x' is not a number 0-59
            70/15 * * * *     | minute: '70' out of range 0-59
            0 0 30 2 *        | day-of-month: '30' never occurs in month '2'
            0 0 31 4,6,9,11 * | day-of-month: '31' never occurs in month '4,6,9,11'
            0 0 30-31 feb */2 | day-of-month: '30-31' never occurs in month 'feb'
            * * * *           | expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '* * * *'
            0 * * * * *       | expected 5 fields (minute hour day-of-month month day-of-week), got 6 in '0 * * * * *'
            @reboot           | @reboot is not supported: jobs run at clock times only; run a backup at startup from your service manager instead
            @often            | unknown macro '@often' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)
            @daily 5          | unknown macro '@daily 5' (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)
            """)
    void rejectsWithFieldAndToken(String expression, String message) {
        assertThatThrownBy(() -> CronExpression.parse(expression))
                .isInstanceOf(CronParseException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    /** Cron reads ASCII digits only; Java's isDigit and parseInt also take other scripts' digits (U+0663 reads as 3). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            \u0663 * * * *        | minute: '\u0663' is not a number 0-59
            0 \u0662 * * *        | hour: '\u0662' is not a number 0-23
            0 0 1\uFF15 * *       | day-of-month: '1\uFF15' is not a number 1-31
            0 0 * 1-\u0969 *      | month: '\u0969' is not a number 1-12 or a name jan-dec
            */\u0661\u0665 * * * * | minute: step '\u0661\u0665' out of range 1-60
            """)
    void rejectsDigitsOtherThanAscii(String expression, String message) {
        assertThatThrownBy(() -> CronExpression.parse(expression))
                .isInstanceOf(CronParseException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(value = {"''", "'   '"})
    void rejectsBlank(String expression) {
        assertThatThrownBy(() -> CronExpression.parse(expression))
                .isInstanceOf(CronParseException.class)
                .hasMessageStartingWith("expected 5 fields (minute hour day-of-month month day-of-week), got 0");
    }

    @ParameterizedTest(name = "''{0}'' fires like ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            @yearly              | 0 0 1 1 *
            @annually            | 0 0 1 1 *
            @monthly             | 0 0 1 * *
            @weekly              | 0 0 * * 0
            @DAILY               | 0 0 * * *
            @midnight            | 0 0 * * *
            @hourly              | 0 * * * *
            0 0 * JAN-Mar,oct *  | 0 0 * 1-3,10 *
            0 0 * * Sun          | 0 0 * * 0
            0 0 * * 7            | 0 0 * * 0
            0 0 * * 5-7          | 0 0 * * 0,5,6
            0 0 * * fri-sat,7    | 0 0 * * 0,5,6
            0 0 * * 0-7          | 0 0 * * *
            0 0 * * */7          | 0 0 * * 0
            0 0 * * */2          | 0 0 * * 0,2,4,6
            0 0 * * 1-7/3        | 0 0 * * 0,1,4
            */20 * * * *         | 0,20,40 * * * *
            5-59/20 * * * *      | 5,25,45 * * * *
            5/20 * * * *         | 5,25,45 * * * *
            0/30 * * * *         | 0,30 * * * *
            0 22/1 * * *         | 0 22,23 * * *
            0 0 * * 1/2          | 0 0 * * 0,1,3,5
            0 1-5/2 * * *        | 0 1,3,5 * * *
            0	0  *   *  *      | 0 0 * * *
            0 0 30 2 mon         | 0 0 * 2 1
            0 0 */30 2 *         | 0 0 1 2 *
            """)
    void equivalentSpellingsFireAlike(String expression, String equivalent) {
        assertThat(fireTimes(CronExpression.parse(expression))).isEqualTo(fireTimes(CronExpression.parse(equivalent)));
    }

    private static List<ZonedDateTime> fireTimes(CronExpression cron) {
        List<ZonedDateTime> times = new ArrayList<>();
        ZonedDateTime time = START;
        for (int i = 0; i < 40; i++) {
            time = cron.next(time);
            times.add(time);
        }
        return times;
    }
}
