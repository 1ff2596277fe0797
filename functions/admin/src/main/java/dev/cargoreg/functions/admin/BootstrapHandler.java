package dev.cargoreg.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.cargoreg.core.admin.BootstrapService;
import dev.cargoreg.core.error.RegistryException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Invoked once, directly (`aws lambda invoke`), never through the API: {"login":"admin","name":"…"} →
 * {"login":…,"token":…}. Writes config.json and creates the first administrator's token.
 */
public final class BootstrapHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final BootstrapService service;

    public BootstrapHandler() {
        this(DaggerAdminComponent.create().bootstrap());
    }

    public BootstrapHandler(BootstrapService service) {
        this.service = service;
    }

    @Override
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
