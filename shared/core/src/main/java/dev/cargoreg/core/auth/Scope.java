package dev.cargoreg.core.auth;

import java.util.Locale;
import java.util.Optional;

/** Endpoint scopes of a token, with crates.io's names, plus `read` (private registries) and `admin`. */
public enum Scope {
    PUBLISH_NEW("publish-new"),
    PUBLISH_UPDATE("publish-update"),
    YANK("yank"),
    CHANGE_OWNERS("change-owners"),
    READ("read"),
    ADMIN("admin");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Scope> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (Scope scope : values()) {
            if (scope.wire.equals(v)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
