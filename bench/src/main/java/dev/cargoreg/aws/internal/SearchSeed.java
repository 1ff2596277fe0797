package dev.cargoreg.aws.internal;

import dev.cargoreg.core.port.SearchSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The crate item as the production store writes it, for seeding many crates at once: the bench lives in this package
 * only to reach {@link SearchAttributes} (package-private on purpose), so the layout the search function reads is the
 * real one, not a copy.
 */
public final class SearchSeed {
    private SearchSeed() {
    }

    public static Map<String, AttributeValue> crateItem(SearchSource.Entry e) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("PK", AttributeValue.fromS("CRATE#" + e.canonicalName()));
        item.put("SK", AttributeValue.fromS(DynamoMetadataStore.META));
        item.put("name", AttributeValue.fromS(e.name()));
        item.put("rev", AttributeValue.fromN("1"));
        item.put("versions", AttributeValue.fromN(Long.toString(e.summary().numVersions())));
        item.put("owners", AttributeValue.fromSs(List.of("seed")));
        item.put("created", AttributeValue.fromS(e.createdAt().toString()));
        item.put("updated", AttributeValue.fromS(e.updatedAt().toString()));
        item.putAll(SearchAttributes.of(e.canonicalName(), e.summary(), e.updatedAt()));
        return item;
    }
}
