package dev.cargoreg.core.search;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A scan's forward slot search finds the same line as a search of the whole array, for any offsets in order. */
class SearchIndexSlotTest {

    @Test
    void galloping_from_the_last_slot_finds_what_a_full_binary_search_finds() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(2_000);
            int[] starts = new int[n];
            int at = random.nextInt(3);
            for (int i = 0; i < n; i++) {
                starts[i] = at;
                // lines of 1 to 40 characters, sometimes long ones, as descriptions are
                at += 1 + (random.nextInt(10) == 0 ? random.nextInt(400) : random.nextInt(40));
            }
            int slot = 0;
            for (int offset = starts[0]; offset < at + 5; offset += 1 + random.nextInt(random.nextBoolean() ? 3 : 300)) {
                int expected = Arrays.binarySearch(starts, offset);
                expected = expected >= 0 ? expected : -expected - 2;
                slot = SearchIndex.slotFrom(starts, offset, slot);
                assertEquals(expected, slot, "offset " + offset + " in round " + round);
            }
        }
    }

    @Test
    void a_start_after_the_offset_falls_back_to_the_whole_array() {
        int[] starts = {0, 10, 20, 30};

        assertEquals(1, SearchIndex.slotFrom(starts, 15, 3));
        assertEquals(0, SearchIndex.slotFrom(starts, 5, -1));
        assertEquals(3, SearchIndex.slotFrom(starts, 99, 0));
        assertEquals(2, SearchIndex.slotFrom(starts, 20, 0));
    }
}
