package dev.cargoreg.core.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A token as crates.io lists it (never with its secret). Times are RFC 3339; null scopes: unrestricted. */
@JsonPropertyOrder(alphabetic = true)
public record TokenView(
        long id,
        String name,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("last_used_at") String lastUsedAt,
        @JsonProperty("crate_scopes") List<String> crateScopes,
        @JsonProperty("endpoint_scopes") List<String> endpointScopes,
        @JsonProperty("expired_at") String expiredAt) {

    /**
     * The same JSON as data binding writes (keys in the same alphabetical order, nulls written), as a plain map for
     * {@code Json.write}: listing tokens then builds no mapper ({@code TokenViewTest} compares the two).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created_at", createdAt);
        m.put("crate_scopes", crateScopes);
        m.put("endpoint_scopes", endpointScopes);
        m.put("expired_at", expiredAt);
        m.put("id", id);
        m.put("last_used_at", lastUsedAt);
        m.put("name", name);
        return m;
    }

    public static TokenView of(TokenRecord t) {
        return new TokenView(t.id(), t.name(), t.createdAt().toString(),
                t.lastUsedAt() == null ? null : t.lastUsedAt().toString(),
                t.crateScopes(),
                t.endpointScopes() == null ? null : t.endpointScopes().stream().map(Scope::wire).toList(),
                t.expiresAt() == null ? null : t.expiresAt().toString());
    }
}
