package dev.cargoreg.core.port;

/**
 * Dependency-confusion check of the private publish path: a new private crate name must not shadow a crate of the
 * mirror's upstream (crates.io), unless an administrator allowed that name.
 */
public interface UpstreamNames {
    /** No mirror: nothing to collide with. */
    UpstreamNames NONE = name -> { };

    /** Throws a RegistryException saying why when {@code name} may not be taken by a private publish. */
    void requireFreeForPrivatePublish(String name);
}
