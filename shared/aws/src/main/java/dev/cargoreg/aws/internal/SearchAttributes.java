package dev.cargoreg.aws.internal;

import dev.cargoreg.core.crate.CrateSummary;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crate summary as attributes of the crate item, and the keys of the `search` index: 16 shards (spk) ordered by
 * change time (ssk), so the search function loads everything with 16 parallel queries and later asks each shard only
 * for what changed.
 */
final class SearchAttributes {
    static final String INDEX = "search";
    static final int SHARDS = 16;

    private SearchAttributes() {
    }

    static String shard(String canonical) {
        return "S#" + Integer.toHexString(Math.floorMod(canonical.hashCode(), SHARDS));
    }

    /** Sortable change time: zero-padded epoch millis, then the name for uniqueness. */
    static String changeKey(Instant at, String canonical) {
        return String.format("%015d#%s", at.toEpochMilli(), canonical);
    }

    static String changeKeyFloor(Instant at) {
        return String.format("%015d", at.toEpochMilli());
    }

    static Map<String, AttributeValue> keys(String canonical, Instant now) {
        return Map.of("spk", AttributeValue.fromS(shard(canonical)), "ssk", AttributeValue.fromS(changeKey(now, canonical)));
    }

    static Map<String, AttributeValue> of(String canonical, CrateSummary s, Instant now) {
        Map<String, AttributeValue> m = new LinkedHashMap<>(fields(s));
        m.putAll(keys(canonical, now));
        return m;
    }

    private static Map<String, AttributeValue> fields(CrateSummary s) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("description", str(s.description()));
        m.put("homepage", str(s.homepage()));
        m.put("documentation", str(s.documentation()));
        m.put("repository", str(s.repository()));
        m.put("keywords", AttributeValue.fromL(s.keywords().stream().map(AttributeValue::fromS).toList()));
        m.put("categories", AttributeValue.fromL(s.categories().stream().map(AttributeValue::fromS).toList()));
        m.put("maxVersion", str(s.maxVersion()));
        m.put("maxStableVersion", str(s.maxStableVersion()));
        m.put("newestVersion", str(s.newestVersion()));
        m.put("allYanked", AttributeValue.fromBool(s.allYanked()));
        // its own attribute: `versions` only ever grows (it hands out publish sequence numbers), removals shrink this
        m.put("numVersions", AttributeValue.fromN(Long.toString(s.numVersions())));
        return m;
    }

    /** "a = :s_a, b = :s_b, …" for an update, adding the values to {@code values}. */
    static String setClause(String canonical, CrateSummary s, Instant now, Map<String, AttributeValue> values) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, AttributeValue> e : of(canonical, s, now).entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(" = :s_").append(e.getKey());
            values.put(":s_" + e.getKey(), e.getValue());
        }
        return sb.toString();
    }

    static CrateSummary summary(Map<String, AttributeValue> item) {
        return new CrateSummary(s(item, "description"), s(item, "homepage"), s(item, "documentation"),
                s(item, "repository"), list(item, "keywords"), list(item, "categories"),
                s(item, "maxVersion"), s(item, "maxStableVersion"), s(item, "newestVersion"),
                item.containsKey("numVersions") ? DynamoMetadataStore.n(item, "numVersions") : DynamoMetadataStore.n(item, "versions"),
                item.containsKey("allYanked") && Boolean.TRUE.equals(item.get("allYanked").bool()));
    }

    private static AttributeValue str(String v) {
        return v == null ? AttributeValue.fromNul(true) : AttributeValue.fromS(v);
    }

    private static String s(Map<String, AttributeValue> item, String k) {
        AttributeValue v = item.get(k);
        return v == null ? null : v.s();
    }

    private static List<String> list(Map<String, AttributeValue> item, String k) {
        AttributeValue v = item.get(k);
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(AttributeValue::s).toList();
    }
}
