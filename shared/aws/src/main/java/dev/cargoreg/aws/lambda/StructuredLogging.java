package dev.cargoreg.aws.lambda;

import dev.cargoreg.core.json.Json;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One JSON object per log line in Lambda (CloudWatch Logs Insights reads the fields), with the request id of the
 * invocation being served. Messages never contain secrets: nothing logs a header or a body.
 */
public final class StructuredLogging {
    private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

    private StructuredLogging() {
    }

    /** In Lambda only (AWS_LAMBDA_FUNCTION_NAME is set): the root logger writes JSON lines. */
    static void installInLambda() {
        if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null) {
            return;
        }
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new JsonFormatter());
        root.addHandler(handler);
    }

    static void requestId(String id) {
        if (id == null) {
            REQUEST_ID.remove();
        } else {
            REQUEST_ID.set(id);
        }
    }

    static String requestId() {
        return REQUEST_ID.get();
    }

    /** {"time","level","logger","message","requestId","error"}, plus the fields of a map parameter. */
    public static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", Instant.ofEpochMilli(r.getMillis()).toString());
            m.put("level", r.getLevel().getName());
            m.put("logger", r.getLoggerName());
            m.put("message", formatMessage(r));
            String id = REQUEST_ID.get();
            if (id != null) {
                m.put("requestId", id);
            }
            // a record whose one parameter is a map gets its entries as fields (metric filters read them, e.g. the
            // mirror's bytes), never replacing the fields above
            Object[] params = r.getParameters();
            if (params != null && params.length == 1 && params[0] instanceof Map<?, ?> fields) {
                fields.forEach((k, v) -> m.putIfAbsent(String.valueOf(k), v));
            }
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                m.put("error", sw.toString());
            }
            try {
                return Json.write(m) + System.lineSeparator();
            } catch (RuntimeException e) {
                return "{\"level\":\"SEVERE\",\"message\":\"unloggable record\"}" + System.lineSeparator();
            }
        }
    }
}
