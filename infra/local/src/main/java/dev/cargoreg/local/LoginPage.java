package dev.cargoreg.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cargoreg.core.RegistryConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** `cargo login` tells users to get a token at {api}/me; everything else outside the API and the index is a 404. */
final class LoginPage implements HttpHandler {
    private final RegistryConfig config;

    LoginPage(RegistryConfig config) {
        this.config = config;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
            String path = ex.getRequestURI().getRawPath();
            byte[] body;
            int status;
            if (path.equals("/me") || path.equals("/")) {
                status = 200;
                body = ("This is a local Cargo registry. Its admin token was printed when it started and is kept in the"
                        + " data directory's admin-token file.\nIndex: sparse+" + config.indexUrl() + "\n")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                status = 404;
                body = "not found\n".getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }
}
