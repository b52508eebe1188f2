package io.citadel.bench;

import io.citadel.protocol.Operation;
import io.citadel.protocol.ResourceType;
import io.citadel.protocol.codec.ContentCodec;
import io.citadel.protocol.codec.Serialization;
import io.citadel.protocol.schema.ResourceSchema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Decode + schema validation of a contentInstance CREATE body, per serialization; {@code baselineCopy} is a byte copy. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final byte[] json = "{\"m2m:cin\":{\"cnf\":\"text/plain:0\",\"con\":\"21.5\",\"lbl\":[\"room:1\"]}}"
            .getBytes(StandardCharsets.UTF_8);
    private final byte[] cbor = ContentCodec.of(Serialization.CBOR)
            .encode(ContentCodec.of(Serialization.JSON).decode(json));
    private final byte[] xml = ("<m2m:cin xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><cnf>text/plain:0</cnf>"
                    + "<con>21.5</con><lbl>room:1</lbl></m2m:cin>")
            .getBytes(StandardCharsets.UTF_8);
    private final ResourceSchema schema = ResourceSchema.standard();

    @Benchmark
    public byte[] baselineCopy() {
        return json.clone();
    }

    @Benchmark
    public Object json() {
        return validate(ContentCodec.of(Serialization.JSON), json);
    }

    @Benchmark
    public Object cbor() {
        return validate(ContentCodec.of(Serialization.CBOR), cbor);
    }

    @Benchmark
    public Object xml() {
        return validate(ContentCodec.of(Serialization.XML), xml);
    }

    @SuppressWarnings("unchecked")
    private Object validate(ContentCodec codec, byte[] bytes) {
        Map<String, Object> tree = (Map<String, Object>) codec.decode(bytes);
        return schema.validate(
                ResourceType.CONTENT_INSTANCE,
                Operation.CREATE,
                (Map<String, Object>) tree.get("m2m:cin"),
                codec.isTextual());
    }
}
