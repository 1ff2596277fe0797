package dev.cargoreg.core.tokens;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** PUT /api/v1/me/tokens: {"api_token":{…the token…,"token":"<secret>"}}. The secret is shown this once. */
public record CreatedToken(@JsonProperty("api_token") Shown apiToken) {

    public CreatedToken(TokenView token, String secret) {
        this(new Shown(token, secret));
    }

    /** The token's listing with its secret after it (crates.io's EncodableApiTokenWithToken). */
    public record Shown(@JsonUnwrapped TokenView view, @JsonProperty("token") String secret) {
    }

    @JsonIgnore
    public TokenView token() {
        return apiToken.view();
    }

    @JsonIgnore
    public String secret() {
        return apiToken.secret();
    }
}
