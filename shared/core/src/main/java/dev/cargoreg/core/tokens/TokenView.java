package dev.cargoreg.core.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;

import java.util.List;

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

    public static TokenView of(TokenRecord t) {
        return new TokenView(t.id(), t.name(), t.createdAt().toString(),
                t.lastUsedAt() == null ? null : t.lastUsedAt().toString(),
                t.crateScopes(),
                t.endpointScopes() == null ? null : t.endpointScopes().stream().map(Scope::wire).toList(),
                t.expiresAt() == null ? null : t.expiresAt().toString());
    }
}
