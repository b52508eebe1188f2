package io.citadel.protocol.codec;

import io.citadel.protocol.OneM2mException;
import java.lang.System.Logger.Level;

/**
 * The one answer to content a parser refused: a 4000 with a short message of ours (the serialization and,
 * when the parser knows it, where the error is), and one log line naming the cause. The parser's own
 * message never reaches the originator: it names library classes and settings and can quote the body. The
 * log line names the exception type and position but not the parser's message, since the body it may
 * quote can hold secrets.
 */
final class MalformedContent {
    private static final System.Logger LOG = System.getLogger("citadel.codec");
    /** Any client can send malformed content at will: a few lines a second, the rest counted. */
    private static volatile io.citadel.protocol.LogBudget budget = new io.citadel.protocol.LogBudget(10);

    private MalformedContent() {}

    /**
     * @param line 1-based line of the error, or a value below 1 when unknown
     * @param column 1-based column (or byte offset for binary content), or a value below 1 when unknown
     */
    static OneM2mException refused(Serialization serialization, Exception cause, long line, long column) {
        String where = line > 0 && column > 0
                ? " at line " + line + ", column " + column
                : column > 0 ? " at byte " + column : "";
        log("refused malformed " + serialization + " content: "
                + cause.getClass().getSimpleName() + where);
        return OneM2mException.badRequest("malformed " + serialization + " content" + where);
    }

    /** A parser limit (nesting depth, string or number length) was exceeded. */
    static OneM2mException tooComplex(Serialization serialization, Exception cause) {
        log("refused " + serialization + " content over a parser limit: "
                + cause.getClass().getSimpleName());
        return OneM2mException.badRequest(
                "malformed " + serialization + " content: nested too deeply or a value too long");
    }

    /** Replaces the budget (tests that count lines start with a fresh one). */
    static void budget(io.citadel.protocol.LogBudget fresh) {
        budget = fresh;
    }

    private static void log(String line) {
        String suffix = budget.admit();
        if (suffix != null) {
            LOG.log(Level.INFO, line + suffix);
        }
    }
}
