package dev.cargoreg.local;

import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.port.MetadataStore.TokenRecord;
import dev.cargoreg.core.wiring.RegistryServices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The local administrator and their token. The first start bootstraps the registry exactly as the bootstrap function
 * does in AWS (same service, same marker). The token is the one given with `--admin-token`, the one kept in
 * DIR/admin-token from an earlier start, or a new one; it is an ordinary stored token with an id, so it can be listed
 * and revoked, and a new `--admin-token` revokes the one it replaces.
 */
final class AdminToken {
    static final String ADMIN = "admin";
    private static final String FILE = "admin-token";

    private AdminToken() {
    }

    static String ensure(RegistryServices services, Path dataDir, String given) {
        Path file = dataDir.resolve(FILE);
        String kept = read(file);
        MetadataStore store = services.store();
        if (store.findUser(ADMIN).isEmpty()) {
            String secret = services.bootstrap().bootstrap(ADMIN, "Registry administrator", given).token();
            write(file, secret);
            return secret;
        }
        String secret = given != null ? given : kept;
        Optional<TokenRecord> stored = secret == null ? Optional.empty() : store.findToken(Tokens.sha256Hex(secret));
        if (stored.isPresent() && !ADMIN.equals(stored.get().login())) {
            throw new LocalRegistry.StartupException("the --admin-token given is another user's token; choose a new secret", null);
        }
        if (stored.isEmpty() || stored.get().revoked()) {
            secret = secret == null || (stored.isPresent() && stored.get().revoked())
                    ? services.tokenMint().mint(ADMIN, "local admin", null, null, null).secret()
                    : services.tokenMint().adopt(secret, ADMIN, "local admin").secret();
        }
        if (kept != null && !kept.equals(secret)) {
            // the token this one replaces stops working
            store.findToken(Tokens.sha256Hex(kept)).filter(t -> ADMIN.equals(t.login()) && t.id() > 0)
                    .ifPresent(t -> store.revokeToken(ADMIN, t.id(), services.clock().instant()));
        }
        if (!secret.equals(kept)) {
            write(file, secret);
        }
        return secret;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mode 600, written whole or not at all (a kill mid-write must not leave half a token). */
    private static void write(Path file, String secret) {
        try {
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                // created private, before the secret is in it
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
