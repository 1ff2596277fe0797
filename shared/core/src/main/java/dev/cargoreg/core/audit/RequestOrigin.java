package dev.cargoreg.core.audit;

/**
 * Where the request being handled came from (source IP and User-Agent as API Gateway reports them), for the audit
 * trail. The one request-scoped value the domain reads implicitly, like a log context: the handler shell binds it
 * around each request (one request per thread, in Lambda and in the local runner), so that no service signature has to
 * carry it. Outside a request both are null.
 */
public record RequestOrigin(String sourceIp, String userAgent) {
    private static final RequestOrigin NONE = new RequestOrigin(null, null);
    private static final ThreadLocal<RequestOrigin> CURRENT = new ThreadLocal<>();

    public static RequestOrigin current() {
        RequestOrigin o = CURRENT.get();
        return o == null ? NONE : o;
    }

    /** Binds {@code origin} to this thread until {@link #clear()}. */
    public static void bind(RequestOrigin origin) {
        CURRENT.set(origin);
    }

    public static void clear() {
        CURRENT.remove();
    }
}
