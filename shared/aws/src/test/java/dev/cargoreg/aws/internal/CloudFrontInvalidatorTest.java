package dev.cargoreg.aws.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CloudFrontInvalidatorTest {
    @Test
    void a_build_metadata_tarball_is_invalidated_under_both_spellings_of_its_plus() {
        assertEquals(List.of("/crates/foo/foo-1.0.0+build.5.crate", "/crates/foo/foo-1.0.0%2Bbuild.5.crate"),
                CloudFrontInvalidator.cachedPaths(List.of("/crates/foo/foo-1.0.0+build.5.crate")));
    }

    @Test
    void other_paths_are_asked_for_once() {
        assertEquals(List.of("/index/3/f/foo", "/crates/foo/foo-1.0.0.crate"),
                CloudFrontInvalidator.cachedPaths(List.of("/index/3/f/foo", "/crates/foo/foo-1.0.0.crate", "/index/3/f/foo")));
    }
}
