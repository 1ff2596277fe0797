package dev.cargoreg.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.admin.BootstrapService;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Invoked once, directly (`aws lambda invoke`), never through the API: {"login":"admin","name":"…"} →
 * {"login":…,"token":…}. Writes config.json and creates the first administrator's token.
 */
public final class BootstrapHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final BootstrapService service;

    public BootstrapHandler() {
        this(DaggerAdminComponent.create().bootstrapService());
    }

    public BootstrapHandler(BootstrapService service) {
        this.service = service;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> in = input == null ? Map.of() : input;
        try {
            return service.bootstrap(str(in.get("login")), str(in.get("name")));
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
