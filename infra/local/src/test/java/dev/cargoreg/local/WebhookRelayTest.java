package dev.cargoreg.local;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebhookRelayTest {
    @Test
    void a_failing_webhook_is_retried_with_exponential_backoff_up_to_thirty_seconds() {
        assertEquals(Duration.ofMillis(500), WebhookRelay.backoff(0));
        assertEquals(Duration.ofMillis(500), WebhookRelay.backoff(1));
        assertEquals(Duration.ofSeconds(1), WebhookRelay.backoff(2));
        assertEquals(Duration.ofSeconds(2), WebhookRelay.backoff(3));
        assertEquals(Duration.ofSeconds(16), WebhookRelay.backoff(6));
        assertEquals(WebhookRelay.MAX_BACKOFF, WebhookRelay.backoff(7));
        assertEquals(WebhookRelay.MAX_BACKOFF, WebhookRelay.backoff(1000));
    }
}
