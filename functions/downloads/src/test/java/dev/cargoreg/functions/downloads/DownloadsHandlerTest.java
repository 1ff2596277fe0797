package dev.cargoreg.functions.downloads;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DownloadsHandlerTest {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Test
    void theSampleEventBridgeEventNamesTheLogFile() throws IOException {
        Path sample = Path.of(System.getProperty("events.dir", "../../events"), "downloads.json");
        Map<String, Object> event = new ObjectMapper().readValue(sample.toFile(), MAP);
        assertEquals(List.of(new DownloadsHandler.S3Object("registry-logs", "cdn-logs/E2EXAMPLE1234.2026-12-02-10.a1b2c3d4.gz")),
                DownloadsHandler.objects(event));
    }

    @Test
    void anS3NotificationNamesItsObjectsUrlDecoded() throws IOException {
        String json = """
                {"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"logs"},"object":{"key":"cdn-logs/a+b%2Bc.gz"}}},
                            {"eventSource":"aws:s3","s3":{"bucket":{"name":"logs"},"object":{"key":"cdn-logs/E1.2026-12-02-10.x.gz"}}}]}
                """;
        assertEquals(List.of(new DownloadsHandler.S3Object("logs", "cdn-logs/a b+c.gz"),
                        new DownloadsHandler.S3Object("logs", "cdn-logs/E1.2026-12-02-10.x.gz")),
                DownloadsHandler.objects(new ObjectMapper().readValue(json, MAP)));
    }

    @Test
    void anythingElseNamesNothing() throws IOException {
        assertEquals(List.of(), DownloadsHandler.objects(null));
        assertEquals(List.of(), DownloadsHandler.objects(new ObjectMapper().readValue("{\"detail\":{}}", MAP)));
        assertEquals(List.of(), DownloadsHandler.objects(new ObjectMapper().readValue("{\"Records\":[{\"x\":1}]}", MAP)));
    }
}
