package dev.cargoreg.core.owners.wire;

import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.owners.OwnerLogins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** cargo owner --add/--remove bodies: every refusal a 400 before the service is called. */
class OwnerRequestsTest {
    private static OwnerLogins parse(String body) {
        return OwnerRequests.logins(body.getBytes(StandardCharsets.UTF_8));
    }

    private static RegistryException refused(String body) {
        return assertThrows(RegistryException.class, () -> parse(body));
    }

    @Test
    void cargos_users_key_is_read_in_order() {
        assertEquals(List.of("bob", "carol"), parse("{\"users\":[\"bob\",\"carol\"]}").logins());
    }

    @Test
    void the_crates_io_owners_key_is_accepted() {
        assertEquals(List.of("bob"), parse("{\"owners\":[\"bob\"]}").logins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "{}", "{\"users\":[]}", "{\"users\":\"bob\"}", "{\"users\":[1]}",
            "{\"users\":[\"\"]}", "{\"users\":[\"bob\",\"bob\"]}",
            "{\"users\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\"]}"})
    void malformed_bodies_are_400(String body) {
        assertEquals(400, refused(body).status());
    }

    @Test
    void the_messages_say_what_is_wrong() {
        assertEquals("invalid JSON body: expected {\"users\":[\"login\", …]}", refused("{").detail());
        assertEquals("invalid JSON body: expected {\"users\":[\"login\", …]} with at least one login",
                refused("{\"users\":[]}").detail());
        assertEquals("too many logins in one request: 11 (max 10)",
                refused("{\"users\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",7]}").detail());
        assertEquals("invalid JSON body: every login must be a non-empty string", refused("{\"users\":[\"bob\",1]}").detail());
        assertEquals("invalid JSON body: every login must be a non-empty string",
                refused("{\"users\":[\"" + "x".repeat(65) + "\"]}").detail());
        assertEquals("`bob` is listed more than once", refused("{\"users\":[\"bob\",\"bob\",7]}").detail());
    }

    @Test
    void the_record_applies_the_same_rules_when_built_in_code() {
        assertEquals(400, assertThrows(RegistryException.class, () -> new OwnerLogins(List.of())).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> OwnerLogins.of("bob", "bob")).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> OwnerLogins.of(" ")).status());
    }
}
