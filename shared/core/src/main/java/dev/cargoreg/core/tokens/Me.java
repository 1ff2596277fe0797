package dev.cargoreg.core.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/** GET /api/v1/me: {"user":{…},"owned_crates":[…]} in crates.io's shape (no e-mail, avatar or profile URL here). */
@JsonPropertyOrder(alphabetic = true)
public record Me(User user, @JsonProperty("owned_crates") List<OwnedCrate> ownedCrates) {

    public Me {
        ownedCrates = List.copyOf(ownedCrates);
    }

    @JsonPropertyOrder(alphabetic = true)
    public record User(
            long id,
            String login,
            String name,
            String email,
            @JsonProperty("email_verified") boolean emailVerified,
            String avatar,
            String url,
            @JsonProperty("is_admin") boolean isAdmin,
            @JsonProperty("created_at") String createdAt) {
    }

    /** crates.io's entry of {@code owned_crates}: the crates the user owns, by name. */
    @JsonPropertyOrder(alphabetic = true)
    public record OwnedCrate(long id, String name, @JsonProperty("email_notifications") boolean emailNotifications) {
    }
}
