package dev.cargoreg.core.tokens;

import dev.cargoreg.core.auth.Tokens;
import dev.cargoreg.core.testing.InMemoryMetadataStore;
import dev.cargoreg.core.testing.MutableClock;
import dev.cargoreg.core.testing.Unaudited;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenMintTest {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    /**
     * SnapStart: the mint is built in the handler's constructor, i.e. at INIT, and so is in the snapshot that every
     * restored environment shares. A random generator it kept would be too; AWS asks for entropy drawn after
     * initialization, so the mint keeps none and makes one per token.
     */
    @Test
    void keeps_no_random_generator_that_a_snapshot_could_capture() {
        for (Field f : TokenMint.class.getDeclaredFields()) {
            assertFalse(Random.class.isAssignableFrom(f.getType()), "TokenMint." + f.getName() + " is a " + f.getType());
        }
    }

    @Test
    void every_secret_is_new_and_only_its_hash_is_stored() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        Unaudited.of(store).createUser("alice", "Alice", false, START);
        TokenMint mint = new TokenMint(store, new MutableClock(START));
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            TokenMint.Minted m = mint.mint("alice", "t" + i, null, null, null);
            assertTrue(m.secret().startsWith(Tokens.PREFIX) && m.secret().length() == Tokens.PREFIX.length() + 43, m.secret());
            assertEquals(Tokens.sha256Hex(m.secret()), m.record().sha256());
            secrets.add(m.secret());
        }
        assertEquals(200, secrets.size());
    }
}
