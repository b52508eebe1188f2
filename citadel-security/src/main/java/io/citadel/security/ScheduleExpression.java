package io.citadel.security;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.List;

/**
 * One {@code actw} entry (m2m:scheduleEntry): seven space-separated fields
 * {@code second minute hour day-of-month month day-of-week year}, evaluated in UTC (TS-0004 Table
 * 7.4.9.1-4). Each field is {@code *}, a number, a range {@code a-b}, a step {@code * /n} or {@code a-b/n},
 * or a comma-separated list of those. Day of week 0 is Sunday (7 is accepted as Sunday too). All seven
 * fields must match (no cron-style OR between day-of-month and day-of-week).
 */
public final class ScheduleExpression {
    private static final int[][] BOUNDS = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}, {1970, 9999}};
    private static final String[] NAMES = {"second", "minute", "hour", "day-of-month", "month", "day-of-week", "year"};

    private final String text;
    private final BitSet[] fields;

    private ScheduleExpression(String text, BitSet[] fields) {
        this.text = text;
        this.fields = fields;
    }

    /** Parses one schedule entry; throws {@link IllegalArgumentException} with a readable reason. */
    public static ScheduleExpression parse(String text) {
        if (text == null || text.length() > 256) {
            throw new IllegalArgumentException("a time window must be a string of at most 256 characters");
        }
        String[] parts = text.trim().split(" +");
        if (parts.length != 7) {
            throw new IllegalArgumentException("time window '" + text
                    + "' must have 7 fields: second minute hour day-of-month month day-of-week year");
        }
        BitSet[] fields = new BitSet[7];
        for (int i = 0; i < 7; i++) {
            fields[i] = parseField(parts[i], i);
        }
        if (fields[5].get(7)) {
            fields[5].set(0);
        }
        return new ScheduleExpression(text, fields);
    }

    private static BitSet parseField(String field, int index) {
        int min = BOUNDS[index][0];
        int max = BOUNDS[index][1];
        BitSet bits = new BitSet(max + 1);
        for (String item : field.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(item.substring(slash + 1), index, 1, max);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                int dash = range.indexOf('-');
                from = number(range.substring(0, dash), index, min, max);
                to = number(range.substring(dash + 1), index, min, max);
                if (from > to) {
                    throw new IllegalArgumentException(NAMES[index] + " range '" + range + "' runs backwards");
                }
            } else {
                from = number(range, index, min, max);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String s, int index, int min, int max) {
        if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(NAMES[index] + " field has '" + s + "', which is not a number");
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new IllegalArgumentException(NAMES[index] + " value " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    /** True if the instant, in UTC, falls in this window. */
    public boolean matches(Instant when) {
        ZonedDateTime t = when.atZone(ZoneOffset.UTC);
        int[] values = {
            t.getSecond(),
            t.getMinute(),
            t.getHour(),
            t.getDayOfMonth(),
            t.getMonthValue(),
            t.getDayOfWeek().getValue() % 7,
            t.getYear()
        };
        for (int i = 0; i < 7; i++) {
            if (!fields[i].get(values[i])) {
                return false;
            }
        }
        return true;
    }

    /** True if any entry matches. */
    public static boolean anyMatches(List<ScheduleExpression> windows, Instant when) {
        for (ScheduleExpression w : windows) {
            if (w.matches(when)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
