package dev.cargoreg.core.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** PUT /api/v1/admin/users: {"user":{…},"api_token":{"name":"first token","token":"<secret>"}}, the secret shown once. */
@JsonPropertyOrder(alphabetic = true)
public record CreatedUser(User user, @JsonProperty("api_token") FirstToken apiToken) {

    @JsonPropertyOrder(alphabetic = true)
    public record User(long id, String login, String name, boolean admin) {
    }

    @JsonPropertyOrder(alphabetic = true)
    public record FirstToken(String name, String token) {
    }
}
