package io.citadel.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14, defect 17: malformed content is answered with a short message of ours (4000), never the
 * parser library's message (class names, setting names, source excerpts), and the cause is logged once.
 */
class MalformedContentTest {
    private static final Logger CODEC_LOG = Logger.getLogger("citadel.codec");
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void capture() {
        CODEC_LOG.addHandler(capture);
        MalformedContent.budget(new io.citadel.protocol.LogBudget(1000));
    }

    @AfterEach
    void release() {
        CODEC_LOG.removeHandler(capture);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "JSON|{\"m2m:cin\":{\"con\":",
                "JSON|{\"m2m:cin\":{\"con\":\"a\"}} trailing",
                "JSON|{\"m2m:cin\":{\"con\":\"a\",\"con\":\"b\"}}",
                "JSON|{\"a\":tru}",
                "JSON|''",
                "JSON|'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'",
                "CBOR|{",
                "CBOR|\u00ff\u00ff",
                "XML|<m2m:cin><con>a</con>",
                "XML|<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
            })
    void malformed_content_gets_our_short_message_and_one_log_line(Serialization serialization, String body) {
        OneM2mException e = catchThrowableOfType(
                OneM2mException.class,
                () -> ContentCodec.of(serialization).decode(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(e.status()).isEqualTo(ResponseStatusCode.BAD_REQUEST);
        assertThat(e.getMessage())
                .startsWith("malformed " + serialization + " content")
                .hasSizeLessThan(100)
                .doesNotContain(
                        "Exception",
                        "Source",
                        "REDACTED",
                        "StreamReadConstraints",
                        "com.fasterxml",
                        "feature",
                        "Feature",
                        "http://",
                        "disallow-doctype",
                        "marker",
                        "token",
                        "passwd");
        assertThat(logged).as("one log line with the cause").hasSize(1);
        assertThat(logged.get(0).getMessage())
                .contains(serialization.toString())
                .contains("Exception");
    }
}
