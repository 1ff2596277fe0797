package dev.cargoreg.core.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** GET /api/v1/me/tokens: {"api_tokens":[…]}, live tokens, newest first. */
public record TokenList(@JsonProperty("api_tokens") List<TokenView> apiTokens) {
    public TokenList {
        apiTokens = List.copyOf(apiTokens);
    }

    /** As {@link TokenView#toMap}: the JSON data binding writes, for {@code Json.write}. */
    public Map<String, Object> toMap() {
        return Map.of("api_tokens", apiTokens.stream().map(TokenView::toMap).toList());
    }
}
