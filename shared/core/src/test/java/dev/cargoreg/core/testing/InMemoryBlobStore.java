package dev.cargoreg.core.testing;

import dev.cargoreg.core.port.BlobStore;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/** A BlobStore with S3's conditional-write semantics, that records writes and can be told to fail. */
public final class InMemoryBlobStore implements BlobStore {
    private final Map<String, Blob> objects = new TreeMap<>();
    private final List<String> writes = new ArrayList<>();
    private Clock clock;
    private long etags;
    /** Writes to keys matching this throw, as a broken S3 would. */
    private Predicate<String> failingWrites = k -> false;
    /** Deletes of keys matching this throw. */
    private Predicate<String> failingDeletes = k -> false;
    private final List<String> deletes = new ArrayList<>();
    private final List<String> presigned = new ArrayList<>();
    /** Runs once, right before the next conditional write (to simulate a concurrent writer). */
    private Runnable beforeNextPutIfMatch;
    /** Runs once, right before the next unconditional write. */
    private Runnable beforeNextPut;

    public InMemoryBlobStore(Clock clock) {
        this.clock = clock;
    }

    public synchronized void setClock(Clock clock) {
        this.clock = clock;
    }

    public synchronized void failWritesTo(Predicate<String> keys) {
        this.failingWrites = keys;
    }

    public synchronized void failDeletesTo(Predicate<String> keys) {
        this.failingDeletes = keys;
    }

    /** Every successful delete, in order, by key. */
    public synchronized List<String> deletes() {
        return List.copyOf(deletes);
    }

    public synchronized void beforeNextPutIfMatch(Runnable r) {
        this.beforeNextPutIfMatch = r;
    }

    public synchronized void beforeNextPut(Runnable r) {
        this.beforeNextPut = r;
    }

    /** Every successful write, in order, by key. */
    public synchronized List<String> writes() {
        return List.copyOf(writes);
    }

    public synchronized Map<String, Blob> snapshot() {
        return Map.copyOf(objects);
    }

    /** A URL naming the key and its expiry; tests "upload" by putting the object themselves. */
    @Override
    public synchronized URI presignPut(String key, Duration ttl) {
        presigned.add(key);
        return URI.create("memory://bucket/" + key + "?expires=" + clock.instant().plus(ttl));
    }

    /** The keys a presigned URL was issued for, in order. */
    public synchronized List<String> presigned() {
        return List.copyOf(presigned);
    }

    @Override
    public synchronized Optional<BlobInfo> head(String key) {
        return Optional.ofNullable(objects.get(key)).map(Blob::info);
    }

    @Override
    public synchronized Optional<Blob> get(String key) {
        return Optional.ofNullable(objects.get(key));
    }

    @Override
    public synchronized boolean putIfAbsent(String key, byte[] body, Attributes attributes) {
        checkFailure(key);
        if (objects.containsKey(key)) {
            return false;
        }
        store(key, body, attributes);
        return true;
    }

    @Override
    public boolean putIfMatch(String key, byte[] body, Attributes attributes, String expectedEtag) {
        Runnable hook;
        synchronized (this) {
            hook = beforeNextPutIfMatch;
            beforeNextPutIfMatch = null;
        }
        if (hook != null) {
            hook.run();
        }
        synchronized (this) {
            checkFailure(key);
            Blob cur = objects.get(key);
            if (expectedEtag == null ? cur != null : cur == null || !cur.info().etag().equals(expectedEtag)) {
                return false;
            }
            store(key, body, attributes);
            return true;
        }
    }

    @Override
    public void put(String key, byte[] body, Attributes attributes) {
        Runnable hook;
        synchronized (this) {
            hook = beforeNextPut;
            beforeNextPut = null;
        }
        if (hook != null) {
            hook.run();
        }
        synchronized (this) {
            checkFailure(key);
            store(key, body, attributes);
        }
    }

    @Override
    public synchronized void delete(String key) {
        if (failingDeletes.test(key)) {
            throw new IllegalStateException("simulated S3 outage deleting " + key);
        }
        objects.remove(key);
        deletes.add(key);
    }

    /** Puts an object directly, bypassing failure injection and write recording (test setup). */
    public synchronized BlobInfo seed(String key, byte[] body, Attributes attributes, Instant lastModified) {
        BlobInfo info = new BlobInfo("\"etag-" + (++etags) + "\"", lastModified, body.length, attributes.contentType(),
                attributes.cacheControl(), attributes.metadata());
        objects.put(key, new Blob(info, body.clone()));
        return info;
    }

    private void checkFailure(String key) {
        if (failingWrites.test(key)) {
            throw new IllegalStateException("simulated S3 outage writing " + key);
        }
    }

    private void store(String key, byte[] body, Attributes attributes) {
        BlobInfo info = new BlobInfo("\"etag-" + (++etags) + "\"", clock.instant(), body.length, attributes.contentType(),
                attributes.cacheControl(), attributes.metadata());
        objects.put(key, new Blob(info, body.clone()));
        writes.add(key);
    }

    @Override
    public synchronized List<String> keys(String prefix) {
        return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }
}
