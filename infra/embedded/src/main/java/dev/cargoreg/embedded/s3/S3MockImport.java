package dev.cargoreg.embedded.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moves buckets written by Adobe S3Mock (the emulator used before) into {@link FileObjectStore}'s layout, once, at
 * start. S3Mock kept a key → directory map in {@code bucketMetadata.json}, which a kill could leave empty; each object
 * directory also names its key in {@code objectMetadata.json}, so the map is rebuilt from those when it is unreadable.
 * Re-runnable: each object is written (atomically) before its old directory goes, and the map file goes last.
 */
final class S3MockImport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private S3MockImport() {
    }

    static void importAll(FileObjectStore store, Path root) throws IOException {
        try (DirectoryStream<Path> buckets = Files.newDirectoryStream(root)) {
            for (Path bucket : buckets) {
                String name = bucket.getFileName().toString();
                if (FileObjectStore.validBucket(name) && Files.isDirectory(bucket) && isS3Mock(bucket)) {
                    int n = importBucket(store, name, bucket);
                    System.err.println("s3: moved " + n + " objects of bucket " + name
                            + " from the old S3Mock layout to crash-safe files");
                }
            }
        }
    }

    private static boolean isS3Mock(Path bucket) throws IOException {
        if (Files.exists(bucket.resolve("bucketMetadata.json"))) {
            return true;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(bucket)) {
            for (Path p : ds) {
                if (Files.exists(p.resolve("objectMetadata.json")) || Files.exists(p.resolve("binaryData"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int importBucket(FileObjectStore store, String bucket, Path dir) throws IOException {
        Map<String, String> keyToDir = readMap(dir.resolve("bucketMetadata.json"));
        Map<String, JsonNode> chosen = new LinkedHashMap<>(); // key → objectMetadata
        Map<String, Path> chosenDir = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path objDir : ds) {
                Path metaFile = objDir.resolve("objectMetadata.json");
                if (!Files.isDirectory(objDir) || objDir.getFileName().toString().equals("objects")
                        || !Files.exists(metaFile) || !Files.exists(objDir.resolve("binaryData"))) {
                    continue; // an object S3Mock never finished writing read as absent there too
                }
                JsonNode meta;
                try {
                    meta = JSON.readTree(metaFile.toFile());
                } catch (IOException e) {
                    continue;
                }
                if (meta == null || !meta.hasNonNull("key")) {
                    continue;
                }
                String key = meta.get("key").asText();
                if (keyToDir != null && !objDir.getFileName().toString().equals(keyToDir.get(key))) {
                    continue; // not (or no longer) what the map points to
                }
                JsonNode before = chosen.get(key);
                if (before == null || meta.path("lastModified").asLong() > before.path("lastModified").asLong()) {
                    chosen.put(key, meta);
                    chosenDir.put(key, objDir);
                }
            }
        }
        int n = 0;
        for (Map.Entry<String, JsonNode> e : chosen.entrySet()) {
            JsonNode meta = e.getValue();
            Map<String, String> headers = new LinkedHashMap<>();
            if (meta.hasNonNull("contentType")) {
                headers.put("content-type", meta.get("contentType").asText());
            }
            meta.path("storeHeaders").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(), h.getValue().asText()));
            Map<String, String> user = new LinkedHashMap<>();
            meta.path("userMetadata").fields().forEachRemaining(m -> {
                String k = m.getKey().toLowerCase();
                user.put(k.startsWith("x-amz-meta-") ? k.substring("x-amz-meta-".length()) : k, m.getValue().asText());
            });
            byte[] body = Files.readAllBytes(chosenDir.get(e.getKey()).resolve("binaryData"));
            try {
                store.put(bucket, e.getKey(), body, headers, user, FileObjectStore.Precondition.NONE, null);
            } catch (FileObjectStore.PreconditionFailed impossible) {
                throw new IllegalStateException(impossible);
            }
            n++;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && !p.getFileName().toString().equals("objects")) {
                    FileObjectStore.deleteTree(p);
                }
            }
        }
        Files.deleteIfExists(dir.resolve("bucketMetadata.json"));
        return n;
    }

    /** S3Mock's key → object directory map, or null when the file is missing, empty or unreadable. */
    private static Map<String, String> readMap(Path file) {
        try {
            JsonNode objects = JSON.readTree(file.toFile()).get("objects");
            if (objects == null || !objects.isObject()) {
                return null;
            }
            Map<String, String> m = new HashMap<>();
            objects.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
