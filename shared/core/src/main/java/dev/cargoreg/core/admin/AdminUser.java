package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cargoreg.core.port.MetadataStore.UserRecord;

/** A user as administrators see them. */
@JsonPropertyOrder(alphabetic = true)
public record AdminUser(long id, String login, String name, boolean admin, boolean disabled,
                        @JsonProperty("created_at") String createdAt) {

    public static AdminUser of(UserRecord u) {
        return new AdminUser(u.id(), u.login(), u.name(), u.admin(), u.disabled(),
                u.createdAt() == null ? null : u.createdAt().toString());
    }
}
