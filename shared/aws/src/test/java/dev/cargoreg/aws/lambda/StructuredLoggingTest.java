package dev.cargoreg.aws.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cargoreg.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The JSON log line, and the fields a metric filter reads (the mirror's `bytes`, template.yaml MirrorBytesFetched). */
class StructuredLoggingTest {

    @Test
    void a_map_parameter_becomes_fields_without_replacing_the_standard_ones() throws Exception {
        LogRecord r = new LogRecord(Level.INFO, "mirror crate miss itoa bytes=202 upstreamMs=3");
        r.setLoggerName("dev.cargoreg.core.mirror.MirrorService");
        r.setParameters(new Object[]{Map.of("mirror", "crate", "outcome", "miss", "bytes", 202L, "message", "not this")});
        JsonNode line = Json.mapper().readTree(new StructuredLogging.JsonFormatter().format(r));
        assertEquals("mirror crate miss itoa bytes=202 upstreamMs=3", line.get("message").asText());
        assertEquals(202, line.get("bytes").asLong());
        assertEquals("miss", line.get("outcome").asText());
        assertEquals("crate", line.get("mirror").asText());
    }

    @Test
    void other_parameters_are_formatted_into_the_message_only() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "private publish of upstream name {0} refused");
        r.setParameters(new Object[]{"serde"});
        JsonNode line = Json.mapper().readTree(new StructuredLogging.JsonFormatter().format(r));
        assertEquals("private publish of upstream name serde refused", line.get("message").asText());
        assertFalse(line.has("0"));
    }
}
