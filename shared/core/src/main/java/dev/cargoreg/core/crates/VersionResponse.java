package dev.cargoreg.core.crates;

/** GET /api/v1/crates/{name}/{version}: {"version":…}. */
public record VersionResponse(VersionView version) {
}
