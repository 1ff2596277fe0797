package dev.cargoreg.core.admin;

import dev.cargoreg.core.error.RegistryException;

/** A user to create, valid by construction: a login by the one login rule, a name of at most 200 characters. */
public record NewUser(String login, String name, boolean admin) {
    public static final int MAX_NAME_LENGTH = 200;

    /** {@code name} null: the login. */
    public NewUser {
        if (login == null || !UserAdminService.validLogin(login)) {
            throw RegistryException.badRequest("invalid login `" + login
                    + "`: 1 to 39 ASCII letters, digits, `-` or `_`, starting with a letter or digit");
        }
        if (name == null) {
            name = login;
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw RegistryException.badRequest("the name is too long (max 200 characters)");
        }
    }
}
