package dev.cargoreg.local;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What works locally works in AWS: the local runner takes the same largest body as the edge lets through. */
class ApiGatewayEmulatorTest {
    @Test
    void the_body_limit_is_the_edge_functions() throws Exception {
        String js = Files.readString(Path.of("..", "cloudfront", "publish-limit.js"));
        Matcher m = Pattern.compile("var MAX_BODY_BYTES = (\\d+);").matcher(js);
        assertTrue(m.find(), "publish-limit.js declares MAX_BODY_BYTES");
        assertEquals(Long.parseLong(m.group(1)), ApiGatewayEmulator.MAX_BODY_BYTES);
        assertEquals(4_706_304L, ApiGatewayEmulator.MAX_BODY_BYTES);
    }
}
