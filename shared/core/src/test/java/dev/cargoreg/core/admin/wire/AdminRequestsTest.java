package dev.cargoreg.core.admin.wire;

import dev.cargoreg.core.admin.NewUser;
import dev.cargoreg.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PUT /api/v1/admin/users bodies: every refusal a 400 before the service is called. */
class AdminRequestsTest {
    private static NewUser parse(String body) {
        return AdminRequests.newUser(body.getBytes(StandardCharsets.UTF_8));
    }

    private static RegistryException refused(String body) {
        return assertThrows(RegistryException.class, () -> parse(body));
    }

    @Test
    void login_name_and_admin_are_read() {
        assertEquals(new NewUser("bob", "Bob B.", true), parse("{\"login\":\"bob\",\"name\":\"Bob B.\",\"admin\":true}"));
    }

    @Test
    void the_name_defaults_to_the_login_and_admin_to_false() {
        NewUser u = parse("{\"login\":\"bob\"}");

        assertEquals("bob", u.name());
        assertFalse(u.admin());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-bob", "_bob", "bob smith", "bob/../x", "bøb", "a234567890123456789012345678901234567890"})
    void an_invalid_login_is_400(String login) {
        RegistryException e = refused("{\"login\":\"" + login + "\"}");

        assertEquals(400, e.status());
        assertTrue(e.detail().startsWith("invalid login `" + login + "`: 1 to 39 ASCII letters"), e.detail());
    }

    @ParameterizedTest
    @ValueSource(strings = {"b", "Bob-2", "bob_smith", "a23456789012345678901234567890123456789"})
    void valid_logins_are_accepted(String login) {
        assertEquals(login, parse("{\"login\":\"" + login + "\"}").login());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "{}", "{\"login\":7}", "{\"name\":\"bob\"}"})
    void a_malformed_body_is_400(String body) {
        RegistryException e = refused(body);

        assertEquals(400, e.status());
        assertEquals("invalid JSON body: expected {\"login\":\"…\",\"name\":\"…\"}", e.detail());
    }

    @Test
    void a_name_over_200_characters_is_400() {
        RegistryException e = refused("{\"login\":\"bob\",\"name\":\"" + "n".repeat(201) + "\"}");

        assertEquals(400, e.status());
        assertEquals("the name is too long (max 200 characters)", e.detail());
        assertEquals(200, parse("{\"login\":\"bob\",\"name\":\"" + "n".repeat(200) + "\"}").name().length());
    }

    @Test
    void the_record_applies_the_same_rules_when_built_in_code() {
        assertEquals(400, assertThrows(RegistryException.class, () -> new NewUser("-bob", null, false)).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> new NewUser(null, null, false)).status());
        assertEquals(400, assertThrows(RegistryException.class, () -> new NewUser("bob", "n".repeat(201), false)).status());
    }
}
