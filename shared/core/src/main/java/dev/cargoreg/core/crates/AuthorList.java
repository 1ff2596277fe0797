package dev.cargoreg.core.crates;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * GET /api/v1/crates/{name}/{version}/authors: crates.io's {"meta":{"names":[…]},"users":[]}, the names being the
 * {@code authors} the version was published with.
 */
@JsonPropertyOrder(alphabetic = true)
public record AuthorList(Meta meta, List<Object> users) {

    public static AuthorList of(List<String> names) {
        return new AuthorList(new Meta(List.copyOf(names)), List.of());
    }

    public record Meta(List<String> names) {
    }
}
