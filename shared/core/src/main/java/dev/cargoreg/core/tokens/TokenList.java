package dev.cargoreg.core.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** GET /api/v1/me/tokens: {"api_tokens":[…]}, live tokens, newest first. */
public record TokenList(@JsonProperty("api_tokens") List<TokenView> apiTokens) {
    public TokenList {
        apiTokens = List.copyOf(apiTokens);
    }
}
