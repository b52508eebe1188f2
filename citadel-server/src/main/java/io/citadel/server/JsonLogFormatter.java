package io.citadel.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: ts, level, logger, msg and, for failures, error and trace; secrets named in
 * {@link LogRedaction} are replaced in each of them.
 */
final class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "ts", Instant.ofEpochMilli(r.getMillis()).toString()).append(',');
        field(sb, "level", r.getLevel().getName()).append(',');
        field(sb, "logger", r.getLoggerName() == null ? "" : r.getLoggerName()).append(',');
        field(sb, "msg", LogRedaction.apply(formatMessage(r)));
        if (r.getThrown() != null) {
            sb.append(',');
            field(
                            sb,
                            "error",
                            LogRedaction.apply(r.getThrown().getClass().getName() + ": "
                                    + r.getThrown().getMessage()))
                    .append(',');
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            field(sb, "trace", LogRedaction.apply(trace.toString()));
        }
        return sb.append("}\n").toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
