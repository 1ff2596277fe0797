package dev.cargoreg.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The one shared ObjectMapper: configured once, thread-safe, with limits against hostile JSON. It is built on first use:
 * a function whose request path writes only plain maps and lists ({@link #write}) never builds it, which keeps
 * Jackson's data binding (about 500 classes) out of its cold start.
 */
public final class Json {
    private static final int MAX_NESTING = 64;
    private static final JsonFactory FACTORY = factory(MAX_NESTING);

    private Json() {
    }

    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /** Holds the mapper, so that it is built when first asked for, not with this class. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = create(FACTORY);
    }

    /**
     * Compact JSON of {@code value}, exactly as {@code mapper().writeValueAsString(value)} writes it. A plain tree (maps
     * with string keys, lists, strings, booleans, integers, longs, doubles and nulls: every response body and log line)
     * is written with the streaming generator, map entries ordered as the mapper orders them; anything else goes
     * through the mapper.
     */
    public static String write(Object value) {
        try {
            if (!PlainJson.isPlain(value, MAX_NESTING)) {
                return mapper().writeValueAsString(value);
            }
            StringWriter out = new StringWriter();
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                PlainJson.write(g, value);
            }
            return out.toString();
        } catch (IOException e) {
            // a value the mapper cannot write (a programming error): a StringWriter itself never fails
            throw new IllegalStateException(e);
        }
    }

    /** What {@code writing} writes with the shared factory's generator: compact JSON, written without the mapper. */
    public static String generate(Writing writing) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writing.to(g);
        } catch (IOException e) {
            // a StringWriter never fails: a generator refusing a call is a programming error
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** A value {@link #write} would write plainly (maps sorted as the mapper sorts them), inside a generator's output. */
    public static void writePlain(JsonGenerator g, Object value) throws IOException {
        if (!PlainJson.isPlain(value, MAX_NESTING)) {
            throw new IllegalArgumentException("not a plain JSON tree: " + value.getClass().getName());
        }
        PlainJson.write(g, value);
    }

    /** Writes one JSON value to a generator. */
    @FunctionalInterface
    public interface Writing {
        void to(JsonGenerator g) throws IOException;
    }

    /**
     * {@code json} as a tree, as {@code mapper().readTree(json)} reads it (the same limits, duplicate keys refused,
     * nothing allowed after the value, a {@code MissingNode} for no content), without building the mapper.
     */
    public static JsonNode readTree(String json) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return TreeReader.readDocument(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #readTree(String)} of UTF-8 (or, as Jackson detects it, UTF-16 or UTF-32) bytes. */
    public static JsonNode readTree(byte[] json) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return TreeReader.readDocument(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The one document {@code parser} holds, as a tree: for another format's parser (the TOML of a Cargo.toml) that
     * should not build a mapper either.
     */
    public static JsonNode readTree(JsonParser parser) throws IOException {
        return TreeReader.readDocument(parser);
    }

    private static JsonFactory factory(int maxNesting) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNesting)
                        .maxStringLength(2 * 1024 * 1024)
                        .maxNumberLength(64)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    private static ObjectMapper create(JsonFactory factory) {
        JsonMapper mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                .build();
        // `"name": true` is not a string: refuse it as crates.io does, never coerce it to "true".
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
