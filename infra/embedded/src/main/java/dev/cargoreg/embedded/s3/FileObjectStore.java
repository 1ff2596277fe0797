package dev.cargoreg.embedded.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Buckets and objects in plain files, crash-safe: every object (its headers, user metadata and bytes) is one file,
 * written to a temporary name, flushed, and renamed over the old one. A kill at any moment leaves either the old or the
 * new object, never a torn one, and there is no shared index file that a kill could truncate.
 *
 * <p>Layout under the root: {@code <bucket>/objects/<2 hex>/<sha-256 of the key>}, temporaries in {@code .tmp/}
 * (removed at start). A bucket is its directory. Each object file starts with a small text header (format line, key,
 * ETag, time, size, stored headers, {@code x-amz-meta-*}), then an empty line, then the bytes.
 */
public final class FileObjectStore {
    static final String FORMAT = "cargoreg-s3-object 1";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int STRIPES = 64;

    private final Path root;
    private final Path tmp;
    private final boolean durable;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /**
     * @param durable flush each object and its directory to disk before a write returns (survives power loss, not
     *                only a killed process); off for throw-away test stores
     */
    public FileObjectStore(Path root, boolean durable) throws IOException {
        this.root = mkdirs(root);
        this.tmp = root.resolve(".tmp");
        this.durable = durable;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        if (Files.isDirectory(tmp)) {
            try (Stream<Path> leftovers = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) leftovers::iterator) {
                    Files.deleteIfExists(p); // writes a kill interrupted before their rename
                }
            }
        }
        mkdirs(tmp);
        S3MockImport.importAll(this, root);
    }

    Path root() {
        return root;
    }

    // ---- buckets ----

    static boolean validBucket(String name) {
        return BUCKET.matcher(name).matches() && !name.contains("..");
    }

    /** @return false when the bucket already existed */
    public boolean createBucket(String bucket) throws IOException {
        try {
            Files.createDirectory(root.resolve(bucket), fileAttrs(DIR_PERMS));
            syncDir(root);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    public boolean bucketExists(String bucket) {
        return validBucket(bucket) && Files.isDirectory(root.resolve(bucket));
    }

    public List<String> buckets() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (validBucket(n) && Files.isDirectory(p)) {
                    out.add(n);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** @return false when the bucket still holds objects */
    public boolean deleteBucket(String bucket) throws IOException {
        Path dir = root.resolve(bucket);
        if (!list(bucket, "").isEmpty()) {
            return false;
        }
        deleteTree(dir);
        return true;
    }

    // ---- objects ----

    /** One object's description; {@code body} is null when only the header was read. */
    public record StoredObject(String key, String etag, long lastModified, long size, Map<String, String> headers,
                               Map<String, String> metadata, byte[] body) {
    }

    public enum Precondition { NONE, IF_ABSENT, IF_MATCH }

    /** Thrown by a conditional write whose precondition does not hold. */
    public static final class PreconditionFailed extends Exception {
        final boolean absent;

        PreconditionFailed(boolean absent) {
            super(null, null, false, false);
            this.absent = absent;
        }

        /** True when the write required an existing object (If-Match) and there is none. */
        public boolean absent() {
            return absent;
        }
    }

    public StoredObject head(String bucket, String key) throws IOException {
        return read(objectPath(bucket, key), false);
    }

    public StoredObject get(String bucket, String key) throws IOException {
        return read(objectPath(bucket, key), true);
    }

    /**
     * Writes an object; with {@code IF_ABSENT} only when none exists, with {@code IF_MATCH} only when the current one
     * has {@code etag}. The check and the rename happen under the key's lock, so concurrent conditional writes to one
     * key serialize and exactly one of them wins.
     */
    public StoredObject put(String bucket, String key, byte[] body, Map<String, String> headers,
                            Map<String, String> metadata, Precondition precondition, String etag)
            throws IOException, PreconditionFailed {
        Path target = objectPath(bucket, key);
        StoredObject obj = new StoredObject(key, etagOf(body), System.currentTimeMillis(), body.length,
                new LinkedHashMap<>(headers), new LinkedHashMap<>(metadata), body);
        Path temp = writeTemp(obj);
        ReentrantLock lock = lockFor(target);
        lock.lock();
        try {
            if (precondition != Precondition.NONE) {
                StoredObject current = read(target, false);
                if (precondition == Precondition.IF_ABSENT && current != null) {
                    throw new PreconditionFailed(false);
                }
                if (precondition == Precondition.IF_MATCH && current == null) {
                    throw new PreconditionFailed(true);
                }
                if (precondition == Precondition.IF_MATCH && !etagMatches(etag, current.etag())) {
                    throw new PreconditionFailed(false);
                }
            }
            mkdirs(target.getParent());
            move(temp, target);
            temp = null;
            if (durable) {
                syncDir(target.getParent());
            }
            return obj;
        } finally {
            lock.unlock();
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** @return whether an object was there */
    public boolean delete(String bucket, String key) throws IOException {
        Path target = objectPath(bucket, key);
        ReentrantLock lock = lockFor(target);
        lock.lock();
        try {
            boolean was = Files.deleteIfExists(target);
            if (was && durable) {
                syncDir(target.getParent());
            }
            return was;
        } finally {
            lock.unlock();
        }
    }

    /** Every object whose key starts with {@code prefix}, headers only, in key order (UTF-8 byte order, as S3). */
    public List<StoredObject> list(String bucket, String prefix) throws IOException {
        Path objects = root.resolve(bucket).resolve("objects");
        List<StoredObject> out = new ArrayList<>();
        if (!Files.isDirectory(objects)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(objects, 2)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                StoredObject o = read(p, false);
                if (o != null && o.key().startsWith(prefix)) {
                    out.add(o);
                }
            }
        }
        out.sort(Comparator.comparing(o -> o.key().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        return out;
    }

    // ---- files ----

    Path objectPath(String bucket, String key) {
        String h = sha256Hex(key.getBytes(StandardCharsets.UTF_8));
        return root.resolve(bucket).resolve("objects").resolve(h.substring(0, 2)).resolve(h);
    }

    private ReentrantLock lockFor(Path target) {
        return locks[Math.floorMod(target.getFileName().toString().hashCode(), STRIPES)];
    }

    private Path writeTemp(StoredObject o) throws IOException {
        StringBuilder h = new StringBuilder(256).append(FORMAT).append('\n');
        h.append("key=").append(esc(o.key())).append('\n');
        h.append("etag=").append(esc(o.etag())).append('\n');
        h.append("last-modified=").append(o.lastModified()).append('\n');
        h.append("size=").append(o.size()).append('\n');
        o.headers().forEach((k, v) -> h.append("h.").append(esc(k)).append('=').append(esc(v)).append('\n'));
        o.metadata().forEach((k, v) -> h.append("m.").append(esc(k)).append('=').append(esc(v)).append('\n'));
        h.append('\n');
        Path temp = tmp.resolve(UUID.randomUUID().toString());
        try (FileChannel ch = FileChannel.open(temp, OPEN_NEW, fileAttrs(FILE_PERMS))) {
            ByteBuffer[] bufs = {ByteBuffer.wrap(h.toString().getBytes(StandardCharsets.UTF_8)), ByteBuffer.wrap(o.body())};
            while (bufs[0].hasRemaining() || bufs[1].hasRemaining()) {
                ch.write(bufs);
            }
            if (durable) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /**
     * Objects are readable by their owner only (finding L9: a private registry's tarballs were world-readable); where
     * the file system has no POSIX permissions, its defaults apply.
     */
    private static final Set<OpenOption> OPEN_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private static FileAttribute<?>[] fileAttrs(Set<PosixFilePermission> perms) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    }

    private static Path mkdirs(Path dir) throws IOException {
        return Files.createDirectories(dir, fileAttrs(DIR_PERMS));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system under " + to.getParent() + " cannot rename atomically", e);
        }
    }

    /**
     * Reads one object file; null when it does not exist. A file this store did not write in full cannot exist (it
     * renames only complete files), so a malformed one is an error naming the file, never silently absent.
     */
    StoredObject read(Path file, boolean withBody) throws IOException {
        byte[] all;
        int headerEnd;
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(withBody ? 8192 : 512);
            byte[] chunk = new byte[withBody ? 8192 : 512];
            headerEnd = -1;
            int n;
            int scanned = 0;
            while ((n = in.read(chunk)) > 0) {
                buf.write(chunk, 0, n);
                if (headerEnd < 0) {
                    byte[] sofar = buf.toByteArray();
                    for (int i = Math.max(1, scanned); i < sofar.length; i++) {
                        if (sofar[i] == '\n' && sofar[i - 1] == '\n') {
                            headerEnd = i + 1;
                            break;
                        }
                    }
                    scanned = sofar.length;
                    if (headerEnd >= 0 && !withBody) {
                        break;
                    }
                }
            }
            all = buf.toByteArray();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (headerEnd < 0) {
            throw corrupt(file, "no header end");
        }
        String[] lines = new String(all, 0, headerEnd - 2, StandardCharsets.UTF_8).split("\n");
        if (!lines[0].equals(FORMAT)) {
            throw corrupt(file, "unknown format line");
        }
        String key = null;
        String etag = null;
        long lastModified = 0;
        long size = -1;
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw corrupt(file, "bad header line");
            }
            String name = line.substring(0, eq);
            String value = unesc(line.substring(eq + 1));
            switch (name) {
                case "key" -> key = value;
                case "etag" -> etag = value;
                case "last-modified" -> lastModified = Long.parseLong(value);
                case "size" -> size = Long.parseLong(value);
                default -> {
                    if (name.startsWith("h.")) {
                        headers.put(unesc(name.substring(2)), value);
                    } else if (name.startsWith("m.")) {
                        meta.put(unesc(name.substring(2)), value);
                    }
                }
            }
        }
        if (key == null || etag == null || size < 0) {
            throw corrupt(file, "missing key, etag or size");
        }
        byte[] body = null;
        if (withBody) {
            if (all.length - headerEnd != size) {
                throw corrupt(file, "size " + size + " but " + (all.length - headerEnd) + " bytes");
            }
            body = Arrays.copyOfRange(all, headerEnd, all.length);
        }
        return new StoredObject(key, etag, lastModified, size, headers, meta, body);
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException("object file " + file + " is damaged (" + why + ")");
    }

    private void syncDir(Path dir) {
        if (!durable) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open or sync a directory; the rename itself is still atomic
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- helpers ----

    static boolean etagMatches(String condition, String etag) {
        if (condition == null) {
            return false;
        }
        for (String c : condition.split(",")) {
            String t = c.trim();
            if (t.equals("*") || strip(t).equals(strip(etag))) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    static String etagOf(byte[] body) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Escapes '%', '=', CR, LF (all a header line must not hold) as %XX. */
    static String esc(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '=' || c == '\n' || c == '\r') {
                if (b == null) {
                    b = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                b.append('%').append(String.format("%02X", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    static String unesc(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
