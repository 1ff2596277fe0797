package dev.cargoreg.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.cargoreg.aws.lambda.LambdaJson;
import dev.cargoreg.core.admin.BootstrapService;
import dev.cargoreg.core.error.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Invoked once, directly (`aws lambda invoke`), never through the API: {"login":"admin","name":"…"} →
 * {"login":…,"token":…}. Writes config.json and creates the first administrator's token.
 */
public final class BootstrapHandler implements RequestStreamHandler {
    private final BootstrapService service;

    public BootstrapHandler() {
        this(DaggerAdminComponent.create().bootstrap());
    }

    public BootstrapHandler(BootstrapService service) {
        this.service = service;
    }

    /** The event as JSON in, the answer as JSON out, with the function's own Jackson ({@link LambdaJson}). */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.write(output, handleRequest(LambdaJson.readObject(input), context));
    }

    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> in = input == null ? Map.of() : input;
        try {
            BootstrapService.Bootstrapped b = service.bootstrap(str(in.get("login")), str(in.get("name")));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("login", b.login());
            out.put("token", b.token());
            out.put("note", "shown once: only its SHA-256 is stored");
            return out;
        } catch (RegistryException e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", e.detail());
            return out;
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
