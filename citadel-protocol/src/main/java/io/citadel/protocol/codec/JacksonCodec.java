package io.citadel.protocol.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;

/** JSON and CBOR through Jackson, with strict parsing and bounded nesting. */
final class JacksonCodec implements ContentCodec {
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(64)
            .maxStringLength(8 * 1024 * 1024)
            .maxNumberLength(64)
            .build();

    static final JacksonCodec JSON =
            new JacksonCodec(Serialization.JSON, configure(JsonMapper.builder().build()));
    static final JacksonCodec CBOR = new JacksonCodec(
            Serialization.CBOR,
            configure(new CBORMapper(
                    CBORFactory.builder().streamReadConstraints(LIMITS).build())));

    private final Serialization serialization;
    private final ObjectMapper mapper;

    private JacksonCodec(Serialization serialization, ObjectMapper mapper) {
        this.serialization = serialization;
        this.mapper = mapper;
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(LIMITS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.USE_LONG_FOR_INTS);
        return mapper;
    }

    @Override
    public Serialization serialization() {
        return serialization;
    }

    @Override
    public Object decode(byte[] bytes) {
        try {
            return mapper.readValue(bytes, Object.class);
        } catch (StreamConstraintsException e) {
            throw MalformedContent.tooComplex(serialization, e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            boolean binary = serialization == Serialization.CBOR;
            throw MalformedContent.refused(
                    serialization,
                    e,
                    at == null || binary ? -1 : at.getLineNr(),
                    at == null ? -1 : binary ? at.getByteOffset() : at.getColumnNr());
        } catch (IOException e) {
            throw MalformedContent.refused(serialization, e, -1, -1);
        }
    }

    @Override
    public byte[] encode(Object tree) {
        try {
            return mapper.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode content", e);
        }
    }
}
