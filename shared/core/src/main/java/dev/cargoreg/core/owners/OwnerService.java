package dev.cargoreg.core.owners;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.audit.AuditRecord.Action;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.port.CrateLookup;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.CommitConflict;
import dev.cargoreg.core.port.MetadataStore.CrateRecord;
import dev.cargoreg.core.port.MetadataStore.UserRecord;
import dev.cargoreg.core.port.OptimisticRetry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Crate owners. Only owners change owners (and registry administrators, to take over a crate whose owners left); adding takes effect at once (a private registry has no invitation
 * e-mails); the last owner cannot be removed.
 */
public final class OwnerService {
    private static final Logger LOG = Logger.getLogger(OwnerService.class.getName());
    private final MetadataStore store;
    private final CrateLookup access;
    private final Clock clock;

    public OwnerService(MetadataStore store, Clock clock) {
        this.store = store;
        this.access = new CrateLookup(store);
        this.clock = clock;
    }

    /** An owner as cargo lists it: {@code id} fits a u32. */
    public record Owner(long id, String login, String name, String kind) {
        /** The JSON data binding writes (keys sorted), as a plain map for {@code Json.write}: no mapper on the path. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("login", login);
            m.put("name", name);
            m.put("kind", kind);
            return m;
        }
    }

    public List<Owner> list(Principal principal, String name) {
        principal.requireRead();
        CrateRecord crate = access.crate(name);
        Map<String, UserRecord> users = store.findUsers(crate.owners());
        List<Owner> owners = new ArrayList<>();
        for (String login : crate.owners()) {
            UserRecord u = users.get(login);
            owners.add(new Owner(u == null ? 0 : u.id(), login, u == null ? login : u.name(), "user"));
        }
        owners.sort(Comparator.comparing(Owner::login));
        return owners;
    }

    /** GET /api/v1/crates/{name}/owner_team: always empty (this registry has no teams), 404 for an unknown crate. */
    public List<Object> teams(Principal principal, String name) {
        principal.requireRead();
        access.crate(name);
        return List.of();
    }

    /** Returns the message cargo prints ("Owner …"). */
    public String add(Principal principal, String name, OwnerLogins request) {
        String login = principal.require(Scope.CHANGE_OWNERS, name);
        List<String> logins = request.logins();
        return OptimisticRetry.run(name, "try again", attempt -> {
            CrateRecord crate = access.crate(name);
            boolean byAdmin = CrateLookup.requireOwnerOrAdmin(crate, principal, "add owners");
            Map<String, UserRecord> users = store.findUsers(logins);
            for (String l : logins) {
                if (!users.containsKey(l)) {
                    throw RegistryException.badRequest("could not find user with login `" + l + "`");
                }
                if (crate.owners().contains(l)) {
                    throw RegistryException.badRequest("`" + l + "` is already an owner of crate `" + crate.name() + "`");
                }
            }
            Set<String> owners = new LinkedHashSet<>(crate.owners());
            owners.addAll(logins);
            commit(crate, owners, login, byAdmin, AuditRecord.of(Action.OWNERS_ADDED, principal, crate.name(), null,
                    String.join(",", logins) + (byAdmin ? " (by an administrator, not an owner)" : ""), clock.instant()));
            return "user" + (logins.size() > 1 ? "s " : " ") + String.join(", ", logins) + (logins.size() > 1 ? " have" : " has")
                    + " been added as " + (logins.size() > 1 ? "owners" : "an owner") + " of crate " + crate.name();
        });
    }

    public String remove(Principal principal, String name, OwnerLogins request) {
        String login = principal.require(Scope.CHANGE_OWNERS, name);
        List<String> logins = request.logins();
        return OptimisticRetry.run(name, "try again", attempt -> {
            CrateRecord crate = access.crate(name);
            boolean byAdmin = CrateLookup.requireOwnerOrAdmin(crate, principal, "remove owners");
            for (String l : logins) {
                if (!crate.owners().contains(l)) {
                    throw RegistryException.badRequest("`" + l + "` is not an owner of crate `" + crate.name() + "`");
                }
            }
            Set<String> owners = new LinkedHashSet<>(crate.owners());
            owners.removeAll(logins);
            if (owners.isEmpty()) {
                throw RegistryException.badRequest("cannot remove all owners of crate `" + crate.name()
                        + "`: add the new owner first, then remove the old one");
            }
            commit(crate, owners, login, byAdmin, AuditRecord.of(Action.OWNERS_REMOVED, principal, crate.name(), null,
                    String.join(",", logins) + (byAdmin ? " (by an administrator, not an owner)" : ""), clock.instant()));
            return "owners successfully removed";
        });
    }

    private void commit(CrateRecord crate, Set<String> owners, String actor, boolean byAdmin, AuditRecord audit)
            throws CommitConflict {
        store.commitOwners(new MetadataStore.OwnersCommit(crate.canonicalName(), crate.revision(), owners, audit.at(), actor),
                audit);
        if (byAdmin) {
            // the crate item keeps ownersChangedBy; the log says it was an administrator's override
            LOG.info(() -> "admin `" + actor + "` set the owners of " + crate.name() + " to " + owners + " (not an owner)");
        }
    }
}
