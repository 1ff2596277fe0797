package dev.cargoreg.core.admin;

import java.util.List;

/** GET /api/v1/admin/users: {"users":[…]}, ordered by login. */
public record UserList(List<AdminUser> users) {
}
