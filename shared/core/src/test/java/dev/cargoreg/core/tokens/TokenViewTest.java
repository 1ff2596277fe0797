package dev.cargoreg.core.tokens;

import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.owners.OwnerService.Owner;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The plain maps the tokens and owners lists are written from say what data binding of their records says: token lists
 * byte for byte (both alphabetical), owners as the same JSON tree (the record's order is not alphabetical).
 */
class TokenViewTest {
    private static final String[] TEXT = {null, "", "ci", "deploy \"prod\"", "é😀", "2026-12-03T10:00:00Z", "<b>"};

    private static String text(Random r) {
        return TEXT[r.nextInt(TEXT.length)];
    }

    private static List<String> list(Random r) {
        if (r.nextInt(3) == 0) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int n = r.nextInt(3); n > 0; n--) {
            out.add(r.nextBoolean() ? "publish-update" : "serde-*");
        }
        return out;
    }

    @Test
    void a_token_list_is_written_as_data_binding_writes_it() throws Exception {
        Random r = new Random(11L);
        for (int i = 0; i < 500; i++) {
            List<TokenView> views = new ArrayList<>();
            for (int n = r.nextInt(4); n > 0; n--) {
                views.add(new TokenView(r.nextLong(), text(r), text(r), text(r), list(r), list(r), text(r)));
            }
            TokenList tokens = new TokenList(views);
            assertEquals(Json.mapper().writeValueAsString(tokens), Json.write(tokens.toMap()), () -> "for " + tokens);
        }
    }

    @Test
    void an_owner_is_the_same_json_as_its_record() throws Exception {
        Random r = new Random(12L);
        for (int i = 0; i < 500; i++) {
            Owner o = new Owner(r.nextInt(Integer.MAX_VALUE), text(r), text(r), r.nextBoolean() ? "user" : null);
            assertEquals(Json.readTree(Json.mapper().writeValueAsString(o)), Json.readTree(Json.write(o.toMap())), () -> "for " + o);
        }
    }
}
