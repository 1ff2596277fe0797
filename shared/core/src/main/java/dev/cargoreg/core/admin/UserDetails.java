package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cargoreg.core.tokens.TokenView;

import java.util.List;

/** GET /api/v1/admin/users/{login}: the user, their live tokens (no secrets) and the crates they own. */
@JsonPropertyOrder(alphabetic = true)
public record UserDetails(AdminUser user, @JsonProperty("api_tokens") List<TokenView> apiTokens, List<String> crates) {
}
