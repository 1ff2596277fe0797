package dev.cargoreg.core.port;

import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.CrateVersion;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.VersionRecord;

/** Finding a crate and a version the way a URL names them: the name canonically, the version exactly. */
public final class CrateLookup {
    /** A name or version in a URL longer than this cannot exist (names ≤ 64, versions ≤ 128): 404 without a lookup. */
    static final int MAX_URL_SEGMENT = 256;
    private final MetadataStore store;

    public CrateLookup(MetadataStore store) {
        this.store = store;
    }

    public CrateRecord crate(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_URL_SEGMENT) {
            throw RegistryException.notFound("crate `" + name + "` does not exist");
        }
        return store.findCrate(CrateName.canonical(name))
                .orElseThrow(() -> RegistryException.notFound("crate `" + name + "` does not exist"));
    }

    public VersionRecord version(CrateRecord crate, String version) {
        CrateVersion parsed;
        try {
            parsed = CrateVersion.parse(version, MAX_URL_SEGMENT);
        } catch (RegistryException notSemver) {
            throw noSuchVersion(crate, version);
        }
        return store.findVersion(crate.canonicalName(), parsed.withoutBuild())
                .filter(v -> v.version().equals(version))
                .orElseThrow(() -> noSuchVersion(crate, version));
    }

    private static RegistryException noSuchVersion(CrateRecord crate, String version) {
        return RegistryException.notFound("crate `" + crate.name() + "` does not have a version `" + version + "`");
    }

    public static void requireOwner(CrateRecord crate, String login, String action) {
        if (!crate.owners().contains(login)) {
            throw RegistryException.forbidden("only owners of crate `" + crate.name() + "` may " + action
                    + "; `" + login + "` is not one of them");
        }
    }

    /**
     * An owner acts as owner (false); a registry administrator who does not own the crate acts as administrator
     * (true), with a token that may administer; anyone else is refused as a non-owner.
     */
    public static boolean requireOwnerOrAdmin(CrateRecord crate, Principal principal, String action) {
        String login = principal.requireLogin();
        if (crate.owners().contains(login)) {
            return false;
        }
        if (principal.admin()) {
            principal.requireAdmin();
            return true;
        }
        requireOwner(crate, login, action);
        return false;
    }
}
