package dev.cargoreg.core.port;

import java.time.Duration;

/** HTTP GETs to the mirror's upstream registry (its sparse index and its downloads). */
public interface Upstream {

    /**
     * One GET. {@code ifNoneMatch}: the ETag of the cached copy, or null. Any HTTP status is an answer; a transport
     * error, a timeout or a body over {@code maxBytes} is an {@link UpstreamFailure}.
     */
    Response get(String url, String ifNoneMatch, long maxBytes, Duration timeout);

    record Response(int status, byte[] body, String etag) {
    }

    /** The upstream could not answer usefully: unreachable, too slow, or too large. */
    final class UpstreamFailure extends RuntimeException {
        public UpstreamFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
