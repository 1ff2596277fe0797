package dev.cargoreg.aws.internal;

import dev.cargoreg.core.audit.AuditPage;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.auth.Scope;
import dev.cargoreg.core.crate.CrateName;
import dev.cargoreg.core.crate.Provenance;
import dev.cargoreg.core.crate.VersionDetails;
import dev.cargoreg.core.port.MetadataStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The truth in one DynamoDB table (keys PK, SK):
 * <pre>
 * CRATE#{canonical}  META                  name, rev, versions, owners (string set), created, updated, summary
 *                                          (description, keywords, max version, …) and the search index keys
 * CRATE#{canonical}  V#{version w/o build}  seq, vers, line, yanked, cksum, size, publisher, published, details
 * USER#{login}       META                  id, name, admin, created, disabled
 * USERS              USER#{login}          the directory of users (listing without a Scan)
 * LOGIN#{lowercase}  META                  login: the claim on a login in any case (no two differ only in case)
 * COUNTER#users      META                  value (last user id handed out, minus 1000)
 * CRATE#{canonical}  TOMBSTONE             name, removed, updated, rev: a removed crate, for search's change feed;
 *                                          its last revision, which a crate created again under the name continues
 * CRATE#{canonical}  R#{version w/o build}  name, vers, removed: a removal whose cleanup (tarball, index file, CDN)
 *                                          has not finished; no publish of that version commits while it exists
 *                                          (finishedMs, ttl: finished; kept for PendingRemoval.SETTLE, then TTL)
 * TOKEN#{sha256}     META                  tokenId, login, name, created, lastUsed, expires, scopes, crates, revoked,
 *                                          disabled (its user is disabled: for the edge's token sync)
 * USER#{login}       TOKEN#{id}            the same, plus sha: the user's token list
 * COUNTER#{sequence} META                  value: users and tokens get small numeric ids
 * AUDIT[#CRATE#{canonical}|#USER#{login}]  {time}#{id}  the audit trail (see auditWrites)
 * OWNS#{login}       {canonical}           name: a crate the user owns (see owns)
 * RDEP#{canonical}   {dependent}#{version}#{i}  a dependency on the crate (derived; see recordDependents)
 * DL#{canonical}     TOTAL | T#{version} | D#{day} | VD#{day}#{version}  n (and vers): download counts of the crate,
 *                                          of each version, of the crate per UTC day, of each version per day
 *                                          (TOTAL also: recent, countedMs, spk, ssk: in the `search` index, see
 *                                          setRecentDownloads)
 * DLLOG#{log key}    C#{chunk}             ttl: that chunk of that access log file was counted (see addDownloads)
 * MIRRORPOLICY       {kind}#{key}          effect, crate, versions, reason, updatedBy, updated: the mirror's policy
 * </pre>
 * Keying versions by the version without build metadata makes "unique ignoring build metadata" a key condition.
 */
public final class DynamoMetadataStore implements MetadataStore {
    static final String META = "META";
    /**
     * Items per BatchWriteItem (DynamoDB's limit); how many a store sends side by side (within the 5 connections the
     * JDK's HTTP client keeps alive per host); how often it sends what DynamoDB left unprocessed.
     */
    private static final int BATCH_WRITE = 25;
    static final int PARALLEL_BATCHES = 4;
    static final int BATCH_WRITE_ATTEMPTS = 8;
    private final Supplier<DynamoDbClient> client;
    private final String table;

    public DynamoMetadataStore(DynamoDbClient dynamo, String table) {
        this(() -> dynamo, table);
    }

    /** A client built on first use, or beside the other clients at a Lambda function's init (ClientBuild). */
    public DynamoMetadataStore(Supplier<DynamoDbClient> client, String table) {
        this.client = client;
        this.table = table;
    }

    private DynamoDbClient dynamo() {
        return client.get();
    }

    static String cratePk(String canonical) {
        return "CRATE#" + canonical;
    }

    static String versionSk(String withoutBuild) {
        return "V#" + withoutBuild;
    }

    static String pendingSk(String withoutBuild) {
        return "R#" + withoutBuild;
    }

    /**
     * The claim on a login in any case ({@code LOGIN#alice} for `Alice`), so that no two users' logins differ only in
     * case; users created before it have none, and their exact login item still guards them.
     */
    static String loginPk(String login) {
        return "LOGIN#" + login.toLowerCase(Locale.ROOT);
    }

    static final String TOMBSTONE = "TOMBSTONE";
    /** The directory of users: one item per user ({@code SK = USER#login}), so administrators list users without a Scan. */
    static final String USERS = "USERS";

    @Override
    public Optional<CrateRecord> findCrate(String canonical) {
        var item = dynamo().getItem(r -> r.tableName(table).key(key(cratePk(canonical), META)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toCrate(canonical, item));
    }

    @Override
    public Optional<VersionRecord> findVersion(String canonical, String withoutBuild) {
        var item = dynamo().getItem(r -> r.tableName(table).key(key(cratePk(canonical), versionSk(withoutBuild)))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toVersion(canonical, item));
    }

    @Override
    public List<VersionRecord> listVersions(String canonical) {
        QueryRequest q = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :v)")
                .expressionAttributeValues(Map.of(":pk", str(cratePk(canonical)), ":v", str("V#")))
                .build();
        List<VersionRecord> out = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            for (var item : page.items()) {
                out.add(toVersion(canonical, item));
            }
        }
        return out;
    }

    @Override
    public void commitPublish(PublishCommit c, AuditRecord audit) throws CommitConflict {
        String pk = cratePk(c.canonicalName());
        String now = c.now().toString();
        TransactWriteItem crateWrite;
        // the tombstone of a removed crate under this name, when creating: the new crate continues its revision
        TransactWriteItem tombstoneCheck = null;
        TransactWriteItem ownership = null;
        if (c.newCrate()) {
            var tomb = dynamo().getItem(r -> r.tableName(table).key(key(pk, TOMBSTONE)).consistentRead(true)).item();
            boolean hasRev = tomb != null && tomb.containsKey("rev");
            long base = hasRev ? n(tomb, "rev") : 0;
            // and only if no removal moved it meanwhile
            ConditionCheck.Builder check = ConditionCheck.builder().tableName(table).key(key(pk, TOMBSTONE));
            if (hasRev) {
                check.conditionExpression("rev = :rev").expressionAttributeValues(Map.of(":rev", num(base)));
            } else {
                check.conditionExpression("attribute_not_exists(rev)");
            }
            tombstoneCheck = TransactWriteItem.builder().conditionCheck(check.build()).build();
            Map<String, AttributeValue> meta = new HashMap<>();
            meta.put("PK", str(pk));
            meta.put("SK", str(META));
            meta.put("name", str(c.name()));
            meta.put("rev", num(base + 1));
            meta.put("versions", num(1));
            meta.put("owners", AttributeValue.fromSs(List.of(c.publisher())));
            meta.put("created", str(now));
            meta.put("updated", str(now));
            meta.putAll(SearchAttributes.of(c.canonicalName(), c.summary(), c.now()));
            crateWrite = TransactWriteItem.builder().put(Put.builder().tableName(table).item(meta)
                    .conditionExpression("attribute_not_exists(PK)").build()).build();
            ownership = owns(c.publisher(), c.canonicalName(), c.name());
        } else {
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", num(1), ":now", str(now),
                    ":rev", num(c.expectedRevision()), ":login", str(c.publisher())));
            String set = SearchAttributes.setClause(c.canonicalName(), c.summary(), c.now(), values);
            crateWrite = TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, META))
                    .updateExpression("SET rev = rev + :one, versions = versions + :one, updated = :now, " + set)
                    .conditionExpression("rev = :rev AND contains(owners, :login)")
                    .expressionAttributeValues(values)
                    .build()).build();
        }
        VersionRecord v = c.version();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", str(pk));
        item.put("SK", str(versionSk(v.versionWithoutBuild())));
        item.put("seq", num(v.seq()));
        item.put("vers", str(v.version()));
        item.put("line", str(v.line()));
        item.put("yanked", AttributeValue.fromBool(v.yanked()));
        item.put("cksum", str(v.cksum()));
        item.put("size", num(v.crateSize()));
        item.put("publisher", str(v.publishedBy()));
        item.put("published", str(v.publishedAt().toString()));
        item.put("details", AttributeValue.fromM(toAttributes(v.details().toMap())));
        TransactWriteItem versionWrite = TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(PK)").build()).build();
        // a removal of this version still cleaning up (its tarball is about to be deleted), or finished less than
        // PendingRemoval.SETTLE ago (a second cleanup of it may still be running), blocks the publish
        TransactWriteItem noPendingRemoval = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(table).key(key(pk, pendingSk(v.versionWithoutBuild())))
                .conditionExpression("attribute_not_exists(PK) OR finishedMs < :settled")
                .expressionAttributeValues(Map.of(":settled", num(c.now().minus(PendingRemoval.SETTLE).toEpochMilli())))
                .build()).build();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(crateWrite, versionWrite, noPendingRemoval));
        if (tombstoneCheck != null) {
            writes.add(tombstoneCheck);
        }
        if (ownership != null) {
            writes.add(ownership);
        }
        writes.addAll(auditWrites(audit));
        try {
            dynamo().transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failed(reasons, 1)) {
                throw new CommitConflict(true, "version exists");
            }
            if (failed(reasons, 2)) {
                throw CommitConflict.removalPending("a removal of this version is being cleaned up");
            }
            throw new CommitConflict(false, "crate changed: " + e.getMessage());
        }
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    @Override
    public void commitYank(YankCommit c, AuditRecord audit) throws CommitConflict {
        String pk = cratePk(c.canonicalName());
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", num(1), ":now", str(c.now().toString()),
                ":rev", num(c.expectedRevision()), ":login", str(c.actor())));
        String set = SearchAttributes.setClause(c.canonicalName(), c.summary(), c.now(), values);
        if (c.byAdmin()) {
            values.remove(":login");
        }
        TransactWriteItem crate = TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, META))
                .updateExpression("SET rev = rev + :one, updated = :now, " + set)
                // an administrator acting on a crate they do not own: the revision alone guards the write
                .conditionExpression(c.byAdmin() ? "rev = :rev" : "rev = :rev AND contains(owners, :login)")
                .expressionAttributeValues(values).build()).build();
        TransactWriteItem version = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(pk, versionSk(c.versionWithoutBuild())))
                .updateExpression("SET yanked = :y, yankChanged = :now, yankChangedBy = :login")
                .conditionExpression("attribute_exists(PK)")
                .expressionAttributeValues(Map.of(":y", AttributeValue.fromBool(c.yanked()), ":now", str(c.now().toString()),
                        ":login", str(c.actor())))
                .build()).build();
        transact(withAudit(List.of(crate, version), audit));
    }

    @Override
    public void commitOwners(OwnersCommit c, AuditRecord audit) throws CommitConflict {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", num(1), ":rev", num(c.expectedRevision()),
                ":owners", AttributeValue.fromSs(List.copyOf(c.owners()))));
        String set = "SET rev = rev + :one, owners = :owners";
        if (c.actor() != null) {
            // who changed the owners last, and when (an administrator's takeover stays on record)
            set += ", ownersChangedBy = :by, ownersChanged = :now";
            values.put(":by", str(c.actor()));
            values.put(":now", str(c.now().toString()));
        }
        TransactWriteItem crate = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(cratePk(c.canonicalName()), META))
                .updateExpression(set)
                .conditionExpression("rev = :rev")
                .expressionAttributeValues(values)
                .build()).build();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(crate));
        // the owner set this revision has (the update above only commits under that revision)
        var current = findCrate(c.canonicalName()).filter(x -> x.revision() == c.expectedRevision())
                .orElseThrow(() -> new CommitConflict(false, "crate changed"));
        for (String login : c.owners()) {
            if (!current.owners().contains(login)) {
                writes.add(owns(login, c.canonicalName(), current.name()));
            }
        }
        for (String login : current.owners()) {
            if (!c.owners().contains(login)) {
                writes.add(disown(login, c.canonicalName()));
            }
        }
        transact(withAudit(writes, audit));
    }

    @Override
    public void commitRemoval(RemovalCommit c, AuditRecord audit) throws CommitConflict {
        String pk = cratePk(c.canonicalName());
        List<TransactWriteItem> writes = new ArrayList<>();
        if (c.removesCrate()) {
            findCrate(c.canonicalName()).filter(x -> x.revision() == c.expectedRevision())
                    .orElseThrow(() -> new CommitConflict(false, "crate changed"))
                    .owners().forEach(login -> writes.add(disown(login, c.canonicalName())));
            writes.add(TransactWriteItem.builder().delete(Delete.builder()
                    .tableName(table).key(key(pk, META))
                    .conditionExpression("rev = :rev")
                    .expressionAttributeValues(Map.of(":rev", num(c.expectedRevision())))
                    .build()).build());
            // search forgets the crate through a tombstone that its change feed sees
            Map<String, AttributeValue> tomb = new HashMap<>();
            tomb.put("PK", str(pk));
            tomb.put("SK", str(TOMBSTONE));
            tomb.put("name", str(c.name()));
            tomb.put("removed", AttributeValue.fromBool(true));
            // the removal is a change too: a crate created again under the name starts above it
            tomb.put("rev", num(c.expectedRevision() + 1));
            tomb.put("updated", str(c.now().toString()));
            tomb.putAll(SearchAttributes.keys(c.canonicalName(), c.now()));
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(tomb).build()).build());
        } else {
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", num(1), ":now", str(c.now().toString()),
                    ":rev", num(c.expectedRevision())));
            String set = SearchAttributes.setClause(c.canonicalName(), c.summary(), c.now(), values);
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(pk, META))
                    .updateExpression("SET rev = rev + :one, updated = :now, " + set)
                    .conditionExpression("rev = :rev")
                    .expressionAttributeValues(values).build()).build());
        }
        writes.add(TransactWriteItem.builder().delete(Delete.builder()
                .tableName(table).key(key(pk, versionSk(c.versionWithoutBuild())))
                .conditionExpression("attribute_exists(PK)").build()).build());
        // what is left to clean up outside the table, until finishRemoval
        Map<String, AttributeValue> pending = new HashMap<>();
        pending.put("PK", str(pk));
        pending.put("SK", str(pendingSk(c.versionWithoutBuild())));
        pending.put("name", str(c.name()));
        pending.put("vers", str(c.version()));
        pending.put("removed", str(c.now().toString()));
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(pending).build()).build());
        writes.addAll(auditWrites(audit));
        transact(writes);
    }

    // --- ownership items: PK "OWNS#{login}", SK "{canonical}", name. A partition of their own (not under USER#), so
    // that a function allowed to write them can be kept away from user and token items by IAM.

    private TransactWriteItem owns(String login, String canonical, String name) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of("PK", str("OWNS#" + login), "SK", str(canonical), "name", str(name))).build()).build();
    }

    private TransactWriteItem disown(String login, String canonical) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key("OWNS#" + login, canonical)).build()).build();
    }

    // --- reverse-dependency items: PK "RDEP#{dependency canonical}", SK "{dependent canonical}#{version w/o build}#{i}"

    @Override
    public void recordDependents(List<DependencyEdge> edges) {
        List<WriteRequest> puts = new ArrayList<>();
        for (DependencyEdge e : edges) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("PK", str("RDEP#" + e.dependencyCanonical()));
            item.put("SK", str(e.dependentCanonical() + "#" + e.dependentVersionWithoutBuild() + "#" + e.index()));
            item.put("crate", str(e.dependentCanonical()));
            item.put("vwb", str(e.dependentVersionWithoutBuild()));
            item.put("seq", num(e.dependentSeq()));
            item.put("i", num(e.index()));
            item.put("dep", str(e.dependency()));
            puts.add(WriteRequest.builder()
                    .putRequest(r -> r.item(item)).build());
        }
        List<List<WriteRequest>> batches = new ArrayList<>();
        for (int i = 0; i < puts.size(); i += BATCH_WRITE) {
            batches.add(puts.subList(i, Math.min(puts.size(), i + BATCH_WRITE)));
        }
        if (batches.size() <= 2) {
            // a publish: its version's edges, in one batch or two
            for (List<WriteRequest> batch : batches) {
                batchWrite(batch);
            }
            return;
        }
        // a reindex of a crate with a long history: batches side by side, so one crate stays within a request. After
        // the first failure no batch begins; those under way finish (an SDK call is not interruptible), so nothing is
        // still writing when this returns. What was written stays: edges are idempotent, a retry redoes the rest.
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_BATCHES);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (List<WriteRequest> batch : batches) {
                sent.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        batchWrite(batch);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing reverse dependencies", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * One BatchWriteItem, and again with what DynamoDB left unprocessed (throttled), backing off with jitter as it
     * asks, a bounded number of times (the SDK retries errors itself; this is for items it answered unprocessed).
     */
    private void batchWrite(List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> request = Map.of(table, batch);
        for (int attempt = 0; ; attempt++) {
            Map<String, List<WriteRequest>> finalRequest = request;
            request = dynamo().batchWriteItem(b -> b.requestItems(finalRequest)).unprocessedItems();
            if (request == null || request.isEmpty()) {
                return;
            }
            if (attempt + 1 >= BATCH_WRITE_ATTEMPTS) {
                throw new IllegalStateException("DynamoDB left " + request.getOrDefault(table, List.of()).size()
                        + " reverse-dependency items unprocessed after " + BATCH_WRITE_ATTEMPTS + " attempts");
            }
            try {
                long cap = Math.min(1_000, 25L << attempt);
                Thread.sleep(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing reverse dependencies", e);
            }
        }
    }

    @Override
    public List<DependencyEdge> dependents(String dependencyCanonical) {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", str("RDEP#" + dependencyCanonical)))
                .build();
        List<DependencyEdge> out = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            for (var item : page.items()) {
                out.add(new DependencyEdge(dependencyCanonical, s(item, "crate"), s(item, "vwb"), n(item, "seq"),
                        (int) n(item, "i"), s(item, "dep")));
            }
        }
        return out;
    }

    @Override
    public Map<String, String> ownedCrates(String login) {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", str("OWNS#" + login))).build();
        Map<String, String> out = new LinkedHashMap<>();
        for (var page : dynamo().queryPaginator(q)) {
            for (var item : page.items()) {
                out.put(s(item, "SK"), s(item, "name"));
            }
        }
        return out;
    }

    @Override
    public void recordOwnership(String canonical) {
        findCrate(canonical).ifPresent(c -> c.owners().forEach(login -> dynamo().putItem(r -> r.tableName(table)
                .item(Map.of("PK", str("OWNS#" + login), "SK", str(canonical), "name", str(c.name()))))));
    }

    @Override
    public List<PendingRemoval> pendingRemovals(String canonical) {
        QueryRequest q = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :r)")
                .expressionAttributeValues(Map.of(":pk", str(cratePk(canonical)), ":r", str("R#")))
                .build();
        List<PendingRemoval> out = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            for (var item : page.items()) {
                if (item.containsKey("finishedMs")) {
                    continue; // done, kept for PendingRemoval.SETTLE
                }
                out.add(new PendingRemoval(canonical, s(item, "name"), s(item, "vers"), s(item, "SK").substring(2),
                        instant(item, "removed")));
            }
        }
        return out;
    }

    @Override
    public void finishRemoval(String canonical, String withoutBuild, Instant now) {
        // kept, finished, so that a publish of the version waits PendingRemoval.SETTLE; DynamoDB's TTL drops it a day on
        try {
            dynamo().updateItem(r -> r.tableName(table).key(key(cratePk(canonical), pendingSk(withoutBuild)))
                    .updateExpression("SET finishedMs = :now, #ttl = :ttl")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(finishedMs)")
                    .expressionAttributeNames(Map.of("#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":now", num(now.toEpochMilli()),
                            ":ttl", num(now.plus(Duration.ofDays(1)).getEpochSecond()))));
        } catch (ConditionalCheckFailedException goneOrFinished) {
            // finished by another cleanup, or never recorded
        }
    }

    // --- audit trail: each record is written as up to three items with the same attributes, one per way it is read,
    // all in the transaction of the change (so a cancelled change leaves none). PK "AUDIT" (every record; a private
    // registry's change rate is far below a partition's 1,000 writes a second), "AUDIT#CRATE#{canonical}" and
    // "AUDIT#USER#{login}"; SK = AuditRecord.sortKey() (time first). `ttl` (epoch seconds) lets DynamoDB's TTL expire
    // them after AuditRecord.RETENTION. Nothing updates or deletes them: each Put is conditional on a new key.

    static final String AUDIT = "AUDIT";

    private List<TransactWriteItem> withAudit(List<TransactWriteItem> writes, AuditRecord audit) {
        List<TransactWriteItem> all = new ArrayList<>(writes);
        all.addAll(auditWrites(audit));
        return all;
    }

    private List<TransactWriteItem> auditWrites(AuditRecord a) {
        if (a == null) {
            return List.of();
        }
        List<String> partitions = new ArrayList<>(List.of(AUDIT));
        if (a.crate() != null) {
            partitions.add(AUDIT + "#CRATE#" + CrateName.canonical(a.crate()));
        }
        if (a.actor() != null) {
            partitions.add(AUDIT + "#USER#" + a.actor());
        }
        List<TransactWriteItem> out = new ArrayList<>();
        for (String pk : partitions) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("PK", str(pk));
            item.put("SK", str(a.sortKey()));
            item.put("id", str(a.id()));
            item.put("at", str(a.at().toString()));
            item.put("action", str(a.action()));
            item.put("tokenId", num(a.tokenId()));
            item.put("ttl", num(a.expiresEpochSecond()));
            // always present, "" for none: the events pipe's input template reads each of them
            item.put("actor", str(a.actor() == null ? "" : a.actor()));
            item.put("crate", str(a.crate() == null ? "" : a.crate()));
            item.put("vers", str(a.version() == null ? "" : a.version()));
            item.put("detail", str(a.detail() == null ? "" : a.detail()));
            putIfPresent(item, "ip", a.sourceIp());
            putIfPresent(item, "ua", a.userAgent());
            putIfPresent(item, "tokenName", a.tokenName());
            if (a.provenance() != null) {
                a.provenance().toJson().forEach((k, v) -> putIfPresent(item, "tp_" + k, v));
            }
            out.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(PK)").build()).build());
        }
        return out;
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String k, String v) {
        if (v != null) {
            item.put(k, str(v));
        }
    }

    @Override
    public AuditPage auditTrail(AuditQuery q) {
        // the most selective partition holds every record the query can match; the other filters filter it
        String pk = q.crateCanonical() != null ? AUDIT + "#CRATE#" + q.crateCanonical()
                : q.actor() != null ? AUDIT + "#USER#" + q.actor() : AUDIT;
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", str(pk));
        String keyCondition = "PK = :pk";
        String low = q.since() == null ? null : String.format("%013d", q.since().toEpochMilli());
        if (low != null && q.cursor() != null) {
            keyCondition += " AND SK BETWEEN :low AND :high";
            values.put(":low", str(low));
            values.put(":high", str(q.cursor()));
        } else if (low != null) {
            keyCondition += " AND SK >= :low";
            values.put(":low", str(low));
        } else if (q.cursor() != null) {
            keyCondition += " AND SK < :high";
            values.put(":high", str(q.cursor()));
        }
        List<String> filters = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        if (q.actor() != null && q.crateCanonical() != null) {
            filters.add("actor = :actor");
            values.put(":actor", str(q.actor()));
        }
        if (q.version() != null) {
            filters.add("vers = :vers");
            values.put(":vers", str(q.version()));
        }
        if (q.action() != null) {
            filters.add("#action = :action");
            names.put("#action", "action");
            values.put(":action", str(q.action()));
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression(keyCondition).expressionAttributeValues(values).scanIndexForward(false);
        if (!filters.isEmpty()) {
            request.filterExpression(String.join(" AND ", filters));
        }
        if (!names.isEmpty()) {
            request.expressionAttributeNames(names);
        }
        List<AuditRecord> out = new ArrayList<>();
        for (var page : dynamo().queryPaginator(request.build())) {
            for (var item : page.items()) {
                // BETWEEN includes the cursor itself
                if (s(item, "SK").equals(q.cursor())) {
                    continue;
                }
                if (out.size() == q.limit()) {
                    return new AuditPage(out, out.get(out.size() - 1).sortKey());
                }
                out.add(toAudit(item));
            }
        }
        return new AuditPage(out, null);
    }

    private static AuditRecord toAudit(Map<String, AttributeValue> item) {
        return new AuditRecord(s(item, "id"), instant(item, "at"), s(item, "action"), blankToNull(s(item, "actor")),
                n(item, "tokenId"), blankToNull(s(item, "crate")), blankToNull(s(item, "vers")),
                blankToNull(s(item, "detail")), s(item, "ip"), s(item, "ua"), s(item, "tokenName"),
                item.containsKey("tp_provider") ? new Provenance(s(item, "tp_provider"), s(item, "tp_repository"),
                        s(item, "tp_workflow"), s(item, "tp_run_id"), s(item, "tp_sha")) : null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private void transact(List<TransactWriteItem> writes) throws CommitConflict {
        try {
            dynamo().transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            throw new CommitConflict(false, "crate changed: " + e.getMessage());
        }
    }

    @Override
    public Optional<TokenRecord> findToken(String sha256) {
        var item = dynamo().getItem(r -> r.tableName(table).key(key("TOKEN#" + sha256, META)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toToken(sha256, item));
    }

    @Override
    public boolean createToken(TokenRecord token, AuditRecord audit) {
        Map<String, AttributeValue> lookup = tokenAttributes(token);
        lookup.put("PK", str("TOKEN#" + token.sha256()));
        lookup.put("SK", str(META));
        Map<String, AttributeValue> entry = tokenAttributes(token);
        entry.put("PK", str("USER#" + token.login()));
        entry.put("SK", str(tokenSk(token.id())));
        entry.put("sha", str(token.sha256()));
        try {
            dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(lookup)
                            .conditionExpression("attribute_not_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry)
                            .conditionExpression("attribute_not_exists(PK)").build()).build(),
                    // the user as it is now: a token of a user disabled or deleted meanwhile is never written
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                            .key(key("USER#" + token.login(), META))
                            .conditionExpression("attribute_exists(PK) AND (attribute_not_exists(disabled) OR disabled = :f)")
                            .expressionAttributeValues(Map.of(":f", AttributeValue.fromBool(false))).build()).build()),
                    audit)));
            return true;
        } catch (TransactionCanceledException e) {
            if (failed(e.cancellationReasons(), 2)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<TokenRecord> listTokens(String login) {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :t)")
                .expressionAttributeValues(Map.of(":pk", str("USER#" + login), ":t", str("TOKEN#")))
                .build();
        List<Map<String, AttributeValue>> entries = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            entries.addAll(page.items());
        }
        // last use is kept on the lookup item only (the authorizer reads that one)
        Map<String, Map<String, AttributeValue>> lookups = new HashMap<>();
        batchGet(entries.stream().map(e -> key("TOKEN#" + s(e, "sha"), META)).toList())
                .forEach(item -> lookups.put(s(item, "PK").substring(6), item));
        List<TokenRecord> out = new ArrayList<>();
        for (var e : entries) {
            String sha = s(e, "sha");
            out.add(toToken(sha, lookups.getOrDefault(sha, e)));
        }
        return out;
    }

    @Override
    public boolean revokeToken(String login, long tokenId, Instant now, AuditRecord audit) {
        var entry = dynamo().getItem(r -> r.tableName(table).key(key("USER#" + login, tokenSk(tokenId))).consistentRead(true)).item();
        if (entry == null || entry.isEmpty()) {
            return false;
        }
        String sha = s(entry, "sha");
        Map<String, AttributeValue> values = Map.of(":t", AttributeValue.fromBool(true), ":now", str(now.toString()));
        dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(key("TOKEN#" + sha, META))
                        .updateExpression("SET revoked = :t, revokedAt = :now").expressionAttributeValues(values).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(key("USER#" + login, tokenSk(tokenId)))
                        .updateExpression("SET revoked = :t, revokedAt = :now").expressionAttributeValues(values).build()).build()),
                audit)));
        return true;
    }

    @Override
    public void touchToken(String sha256, Instant now) {
        try {
            dynamo().updateItem(r -> r.tableName(table).key(key("TOKEN#" + sha256, META))
                    .updateExpression("SET lastUsed = :now")
                    .conditionExpression("attribute_exists(PK)")
                    .expressionAttributeValues(Map.of(":now", str(now.toString()))));
        } catch (ConditionalCheckFailedException gone) {
            // revoked and deleted meanwhile
        }
    }

    @Override
    public boolean claimOnce(String step, Instant now) {
        try {
            dynamo().putItem(r -> r.tableName(table)
                    .item(Map.of("PK", str("ONCE#" + step), "SK", str(META), "at", str(now.toString())))
                    .conditionExpression("attribute_not_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException done) {
            return false;
        }
    }

    @Override
    public long nextId(String sequence) {
        var counter = dynamo().updateItem(r -> r.tableName(table).key(key("COUNTER#" + sequence, META))
                .updateExpression("ADD #v :one")
                .expressionAttributeNames(Map.of("#v", "value"))
                .expressionAttributeValues(Map.of(":one", num(1)))
                .returnValues(ReturnValue.UPDATED_NEW));
        return Long.parseLong(counter.attributes().get("value").n());
    }

    /** Strongly consistent BatchGetItem in chunks of 100, following unprocessed keys. */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(i, Math.min(keys.size(), i + 100))).consistentRead(true).build());
            while (request != null && !request.isEmpty()) {
                var finalRequest = request;
                var r = dynamo().batchGetItem(b -> b.requestItems(finalRequest));
                out.addAll(r.responses().getOrDefault(table, List.of()));
                request = r.unprocessedKeys();
            }
        }
        return out;
    }

    private static String tokenSk(long id) {
        return String.format("TOKEN#%012d", id);
    }

    /** Token attributes; `expires` is epoch seconds, as the edge check and DynamoDB TTL read it. */
    private static Map<String, AttributeValue> tokenAttributes(TokenRecord t) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("tokenId", num(t.id()));
        m.put("login", str(t.login()));
        m.put("name", str(t.name()));
        m.put("created", str(t.createdAt().toString()));
        m.put("revoked", AttributeValue.fromBool(t.revoked()));
        if (t.expiresAt() != null) {
            m.put("expires", num(t.expiresAt().getEpochSecond()));
        }
        if (t.endpointScopes() != null) {
            m.put("scopes", AttributeValue.fromSs(t.endpointScopes().stream().map(Scope::wire).toList()));
        }
        if (t.crateScopes() != null) {
            m.put("crates", AttributeValue.fromL(t.crateScopes().stream().map(AttributeValue::fromS).toList()));
        }
        return m;
    }

    private static TokenRecord toToken(String sha, Map<String, AttributeValue> item) {
        Set<Scope> scopes = null;
        if (item.containsKey("scopes") && item.get("scopes").hasSs()) {
            scopes = EnumSet.noneOf(Scope.class);
            for (String w : item.get("scopes").ss()) {
                Scope.parse(w).ifPresent(scopes::add);
            }
        }
        List<String> crates = item.containsKey("crates") && item.get("crates").hasL()
                ? item.get("crates").l().stream().map(AttributeValue::s).toList() : null;
        return new TokenRecord(sha, n(item, "tokenId"), s(item, "login"), s(item, "name"), instant(item, "created"),
                instant(item, "lastUsed"), item.containsKey("expires") ? Instant.ofEpochSecond(n(item, "expires")) : null,
                scopes, crates, item.containsKey("revoked") && Boolean.TRUE.equals(item.get("revoked").bool()));
    }

    @Override
    public Optional<UserRecord> createUser(String login, String name, boolean admin, Instant now, AuditRecord audit) {
        // User ids are small numbers (cargo reads owner ids as u32): one atomic counter hands them out.
        long id = nextId("users") + 1000;
        UserRecord user = new UserRecord(id, login, name == null || name.isBlank() ? login : name, admin, now);
        try {
            // the user, their entry in the directory that lists users (no Scan) and the claim on the login in any case,
            // with the audit record if any, in one transaction
            dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(userItem(user))
                            .conditionExpression("attribute_not_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table)
                            .item(Map.of("PK", str(USERS), "SK", str("USER#" + login))).build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table)
                            .item(Map.of("PK", str(loginPk(login)), "SK", str(META), "login", str(login)))
                            .conditionExpression("attribute_not_exists(PK)").build()).build()), audit)));
            return Optional.of(user);
        } catch (TransactionCanceledException e) {
            // the login is taken only when the user item's or the claim's condition failed; a conflict or a failure
            // elsewhere (the audit record's items) is an error to retry, not a 409 that sends the caller off to pick
            // another login
            if (failed(e.cancellationReasons(), 0) || failed(e.cancellationReasons(), 2)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<UserRecord> listUsers() {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", str(USERS))).build();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            page.items().forEach(entry -> keys.add(key(s(entry, "SK"), META)));
        }
        return batchGet(keys).stream().map(DynamoMetadataStore::toUser).toList();
    }

    @Override
    public boolean setUserDisabled(String login, boolean disabled, Instant now, AuditRecord audit) {
        try {
            // the user's flag and its audit record: one transaction (no such user: neither)
            dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(TransactWriteItem.builder().update(
                    Update.builder().tableName(table).key(key("USER#" + login, META))
                            .updateExpression("SET disabled = :d, disabledChanged = :now")
                            .conditionExpression("attribute_exists(PK)")
                            .expressionAttributeValues(Map.of(":d", AttributeValue.fromBool(disabled),
                                    ":now", str(now.toString()))).build()).build()), audit)));
        } catch (TransactionCanceledException e) {
            // no such user: the first item's condition; anything else (the record's own items, a conflict) is a failure
            if (failed(e.cancellationReasons(), 0)) {
                return false;
            }
            throw e;
        }
        // The user's flag above is what the authorizer checks. The flag on each token lookup item is for the edge: the
        // token sync drops those tokens from the KeyValueStore (and puts them back on enable). Repeating the call
        // finishes a run that was interrupted here.
        for (TokenRecord t : listTokens(login)) {
            try {
                dynamo().updateItem(r -> r.tableName(table).key(key("TOKEN#" + t.sha256(), META))
                        .updateExpression("SET disabled = :d").conditionExpression("attribute_exists(PK)")
                        .expressionAttributeValues(Map.of(":d", AttributeValue.fromBool(disabled))));
            } catch (ConditionalCheckFailedException gone) {
                // deleted meanwhile
            }
        }
        return true;
    }

    @Override
    public boolean deleteUser(String login, AuditRecord audit) {
        List<TokenRecord> tokens = listTokens(login);
        try {
            // the user, their directory entry and the audit record first, in one transaction: from here on the
            // authorizer refuses every token of theirs ("user no longer exists")
            dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key("USER#" + login, META))
                            .conditionExpression("attribute_exists(PK)").build()).build(),
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                            .key(key(USERS, "USER#" + login)).build()).build(),
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                            .key(key(loginPk(login), META)).build()).build()), audit)));
        } catch (TransactionCanceledException e) {
            // no such user: the first item's condition; anything else (the record's own items, a conflict) is a failure
            if (failed(e.cancellationReasons(), 0)) {
                return false;
            }
            throw e;
        }
        for (TokenRecord t : tokens) {
            // the lookup item's REMOVE takes the token out of the edge's store
            dynamo().deleteItem(r -> r.tableName(table).key(key("TOKEN#" + t.sha256(), META)));
            dynamo().deleteItem(r -> r.tableName(table).key(key("USER#" + login, tokenSk(t.id()))));
        }
        return true;
    }

    private static Map<String, AttributeValue> userItem(UserRecord user) {
        return Map.of(
                "PK", str("USER#" + user.login()), "SK", str(META),
                "id", num(user.id()),
                "login", str(user.login()),
                "name", str(user.name() == null ? user.login() : user.name()),
                "admin", AttributeValue.fromBool(user.admin()),
                "created", str(user.createdAt().toString()));
    }

    @Override
    public Optional<UserRecord> findUser(String login) {
        var item = dynamo().getItem(r -> r.tableName(table).key(key("USER#" + login, META)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toUser(item));
    }

    @Override
    public Map<String, UserRecord> findUsers(Collection<String> logins) {
        Map<String, UserRecord> out = new LinkedHashMap<>();
        batchGet(logins.stream().distinct().map(l -> key("USER#" + l, META)).toList()).forEach(item -> {
            UserRecord u = toUser(item);
            out.put(u.login(), u);
        });
        return out;
    }

    private static UserRecord toUser(Map<String, AttributeValue> item) {
        return new UserRecord(n(item, "id"), s(item, "login"), s(item, "name"),
                item.containsKey("admin") && item.get("admin").bool(), instant(item, "created"),
                item.containsKey("disabled") && Boolean.TRUE.equals(item.get("disabled").bool()));
    }

    static CrateRecord toCrate(String canonical, Map<String, AttributeValue> item) {
        return new CrateRecord(canonical, s(item, "name"), n(item, "rev"), n(item, "versions"),
                item.containsKey("owners") ? new LinkedHashSet<>(item.get("owners").ss()) : new LinkedHashSet<>(),
                instant(item, "created"), instant(item, "updated"), SearchAttributes.summary(item));
    }

    private static VersionRecord toVersion(String canonical, Map<String, AttributeValue> item) {
        String sk = s(item, "SK");
        return new VersionRecord(canonical, s(item, "vers"), sk.substring(2), n(item, "seq"), s(item, "line"),
                item.containsKey("yanked") && item.get("yanked").bool(), s(item, "cksum"), n(item, "size"),
                s(item, "publisher"), instant(item, "published"),
                item.containsKey("details") ? VersionDetails.fromMap(fromAttributes(item.get("details").m())) : VersionDetails.EMPTY);
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("PK", str(pk), "SK", str(sk));
    }

    static AttributeValue str(String s) {
        return AttributeValue.fromS(s);
    }

    static AttributeValue num(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    static String s(Map<String, AttributeValue> item, String k) {
        AttributeValue v = item.get(k);
        return v == null ? null : v.s();
    }

    static long n(Map<String, AttributeValue> item, String k) {
        AttributeValue v = item.get(k);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    static Instant instant(Map<String, AttributeValue> item, String k) {
        String s = s(item, k);
        return s == null ? null : Instant.parse(s);
    }

    static Map<String, AttributeValue> toAttributes(Map<String, Object> details) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        details.forEach((k, v) -> {
            if (v instanceof String str) {
                out.put(k, AttributeValue.fromS(str));
            } else if (v instanceof List<?> list) {
                out.put(k, AttributeValue.fromL(list.stream().map(x -> AttributeValue.fromS(String.valueOf(x))).toList()));
            } else if (v instanceof Boolean b) {
                out.put(k, AttributeValue.fromBool(b));
            } else if (v instanceof Number num) {
                out.put(k, AttributeValue.fromN(num.toString()));
            }
        });
        return out;
    }

    static Map<String, Object> fromAttributes(Map<String, AttributeValue> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v.s() != null) {
                out.put(k, v.s());
            } else if (v.hasL()) {
                out.put(k, v.l().stream().map(AttributeValue::s).toList());
            } else if (v.bool() != null) {
                out.put(k, v.bool());
            } else if (v.n() != null) {
                out.put(k, Long.parseLong(v.n()));
            }
        });
        return out;
    }


    // ---- trusted publishing: TPCONFIG#{id} META holds a configuration; TPREPO#{provider}#{owner/repo} and
    // TPCRATE#{canonical} hold its id (SK = the zero-padded id) for the two lookups; JTI#… and TPTOKEN#… expire (ttl) ----

    private static String trustSk(long id) {
        return String.format("%012d", id);
    }

    @Override
    public void createTrustConfig(TrustConfig c, AuditRecord audit) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", str("TPCONFIG#" + c.id()));
        item.put("SK", str(META));
        item.put("id", num(c.id()));
        item.put("provider", str(c.provider()));
        item.put("canonical", str(c.canonicalName()));
        item.put("crate", str(c.crateName()));
        item.put("owner", str(c.owner()));
        item.put("repository", str(c.repository()));
        item.put("workflow", str(c.workflow()));
        item.put("createdBy", str(c.createdBy()));
        item.put("created", str(c.createdAt().toString()));
        if (c.ownerId() != null) {
            item.put("ownerId", str(c.ownerId()));
        }
        if (c.environment() != null) {
            item.put("environment", str(c.environment()));
        }
        Map<String, AttributeValue> byRepo = Map.of("PK", str("TPREPO#" + c.provider() + "#" + c.repositoryKey()),
                "SK", str(trustSk(c.id())), "id", num(c.id()));
        Map<String, AttributeValue> byCrate = Map.of("PK", str("TPCRATE#" + c.canonicalName()), "SK", str(trustSk(c.id())),
                "id", num(c.id()));
        dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(PK)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(byRepo).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(byCrate).build()).build()), audit)));
    }

    @Override
    public Optional<TrustConfig> findTrustConfig(long id) {
        var item = dynamo().getItem(r -> r.tableName(table).key(key("TPCONFIG#" + id, META)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toTrustConfig(item));
    }

    private static TrustConfig toTrustConfig(Map<String, AttributeValue> item) {
        return new TrustConfig(n(item, "id"), s(item, "provider"), s(item, "canonical"), s(item, "crate"), s(item, "owner"),
                s(item, "ownerId"), s(item, "repository"), s(item, "workflow"), s(item, "environment"), s(item, "createdBy"),
                instant(item, "created"));
    }

    private List<TrustConfig> trustConfigsUnder(String pk) {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", str(pk))).build();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            page.items().forEach(i -> keys.add(key("TPCONFIG#" + n(i, "id"), META)));
        }
        return batchGet(keys).stream().map(DynamoMetadataStore::toTrustConfig).toList();
    }

    @Override
    public List<TrustConfig> trustConfigsOfCrate(String canonicalName) {
        return trustConfigsUnder("TPCRATE#" + canonicalName);
    }

    @Override
    public List<TrustConfig> trustConfigsOfRepository(String provider, String repositoryKey) {
        return trustConfigsUnder("TPREPO#" + provider + "#" + repositoryKey);
    }

    @Override
    public boolean deleteTrustConfig(long id, AuditRecord audit) {
        Optional<TrustConfig> found = findTrustConfig(id);
        if (found.isEmpty()) {
            return false;
        }
        TrustConfig c = found.get();
        try {
            // conditional on the configuration still existing, so that two deletes make one record
            dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key("TPCONFIG#" + id, META))
                            .conditionExpression("attribute_exists(PK)").build()).build(),
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                            .key(key("TPREPO#" + c.provider() + "#" + c.repositoryKey(), trustSk(id))).build()).build(),
                    TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                            .key(key("TPCRATE#" + c.canonicalName(), trustSk(id))).build()).build()), audit)));
        } catch (TransactionCanceledException e) {
            if (failed(e.cancellationReasons(), 0)) {
                return false; // deleted meanwhile
            }
            throw e;
        }
        return true;
    }

    @Override
    public void pinTrustConfigOwnerId(long id, String ownerId) {
        try {
            dynamo().updateItem(r -> r.tableName(table).key(key("TPCONFIG#" + id, META))
                    .updateExpression("SET ownerId = :o")
                    .conditionExpression("attribute_exists(PK) AND attribute_not_exists(ownerId)")
                    .expressionAttributeValues(Map.of(":o", str(ownerId))));
        } catch (ConditionalCheckFailedException pinnedOrGone) {
            // pinned by a concurrent exchange (the caller re-reads) or deleted
        }
    }

    @Override
    public boolean claimJti(String issuer, String jti, Instant expiresAt) {
        try {
            dynamo().putItem(r -> r.tableName(table)
                    .item(Map.of("PK", str("JTI#" + issuer + "#" + jti), "SK", str(META), "ttl", num(expiresAt.getEpochSecond())))
                    .conditionExpression("attribute_not_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException used) {
            return false;
        }
    }

    @Override
    public void putTokenProvenance(long tokenId, Provenance p, Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", str("TPTOKEN#" + tokenId));
        item.put("SK", str(META));
        item.put("ttl", num(expiresAt.getEpochSecond()));
        p.toJson().forEach((k, v) -> {
            if (v != null) {
                item.put(k, str(v));
            }
        });
        dynamo().putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<Provenance> tokenProvenance(long tokenId) {
        var item = dynamo().getItem(r -> r.tableName(table).key(key("TPTOKEN#" + tokenId, META)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Provenance(s(item, "provider"), s(item, "repository"), s(item, "workflow"), s(item, "run_id"),
                s(item, "sha")));
    }

    // --- download counts --------------------------------------------------------------------------------------------

    static String downloadsPk(String canonical) {
        return "DL#" + canonical;
    }

    @Override
    public boolean addDownloads(String source, int chunk, List<DownloadCount> counts, Instant keepMarkerUntil) {
        if (counts.size() > MAX_DOWNLOAD_COUNTS_PER_CHUNK) {
            throw new IllegalArgumentException("at most " + MAX_DOWNLOAD_COUNTS_PER_CHUNK + " counts per chunk");
        }
        // every item the chunk touches, once (a transaction may not name an item twice): key → increment
        Map<List<String>, Long> increments = new LinkedHashMap<>();
        Map<List<String>, String> versionOf = new HashMap<>();
        for (DownloadCount c : counts) {
            String pk = downloadsPk(c.canonicalName());
            String day = c.day().toString();
            List<String> versionDay = List.of(pk, "VD#" + day + "#" + c.versionWithoutBuild());
            List<String> versionTotal = List.of(pk, "T#" + c.versionWithoutBuild());
            increments.merge(versionDay, c.count(), Long::sum);
            increments.merge(versionTotal, c.count(), Long::sum);
            increments.merge(List.of(pk, "D#" + day), c.count(), Long::sum);
            increments.merge(List.of(pk, "TOTAL"), c.count(), Long::sum);
            versionOf.put(versionDay, c.versionWithoutBuild());
            versionOf.put(versionTotal, c.versionWithoutBuild());
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of("PK", str("DLLOG#" + source), "SK", str("C#" + chunk),
                        "ttl", num(keepMarkerUntil.getEpochSecond())))
                .conditionExpression("attribute_not_exists(PK)").build()).build());
        increments.forEach((k, n) -> {
            String vers = versionOf.get(k);
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":n", num(n)));
            String expr = "ADD n :n";
            if (vers != null) {
                values.put(":v", str(vers));
                expr += " SET vers = :v";
            }
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(k.get(0), k.get(1)))
                    .updateExpression(expr).expressionAttributeValues(values).build()).build());
        });
        try {
            dynamo().transactWriteItems(r -> r.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            if (failed(e.cancellationReasons(), 0)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Search reads counts from the `TOTAL` item, which joins the `search` index here (spk/ssk, like a crate item): the
     * download partition is never written by publish, yank or owner changes, so this update can neither clobber nor be
     * clobbered by their revision-guarded writes (a Put of a new crate's item included), and the crate's `updated`
     * stays as it was. The 16 shard queries of a cold load return these items with the crates' (one more small item
     * per downloaded crate).
     */
    @Override
    public void setRecentDownloads(String canonical, long recent, Instant countedAt) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":r", num(recent), ":t", num(countedAt.toEpochMilli())));
        StringBuilder set = new StringBuilder("SET recent = :r, countedMs = :t");
        SearchAttributes.keys(canonical, countedAt).forEach((k, v) -> {
            set.append(", ").append(k).append(" = :").append(k);
            values.put(":" + k, v);
        });
        try {
            dynamo().updateItem(r -> r.tableName(table).key(key(downloadsPk(canonical), "TOTAL"))
                    .updateExpression(set.toString())
                    .conditionExpression("attribute_not_exists(countedMs) OR countedMs <= :t")
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException newer) {
            // a file counted later already stored a newer sum
        }
    }

    @Override
    public Set<VersionKey> existingVersions(Collection<VersionKey> versions) {
        Set<VersionKey> out = new HashSet<>();
        List<Map<String, AttributeValue>> keys = versions.stream().distinct()
                .map(v -> key(cratePk(v.canonicalName()), versionSk(v.versionWithoutBuild()))).toList();
        for (var item : batchGet(keys)) {
            out.add(new VersionKey(s(item, "PK").substring("CRATE#".length()), s(item, "SK").substring(2)));
        }
        return out;
    }

    @Override
    public DownloadTotals downloadTotals(String canonical) {
        long total = 0;
        Map<String, Long> byVersion = new HashMap<>();
        for (var item : queryDownloads(canonical, "T", null)) {
            if (s(item, "SK").equals("TOTAL")) {
                total = n(item, "n");
            } else {
                byVersion.put(s(item, "vers"), n(item, "n"));
            }
        }
        return new DownloadTotals(total, byVersion);
    }

    @Override
    public Map<LocalDate, Long> dailyDownloads(String canonical, LocalDate from, LocalDate to) {
        Map<LocalDate, Long> out = new LinkedHashMap<>();
        for (var item : queryDownloads(canonical, "D#" + from, "D#" + to)) {
            out.put(LocalDate.parse(s(item, "SK").substring(2)), n(item, "n"));
        }
        return out;
    }

    @Override
    public List<DownloadCount> versionDailyDownloads(String canonical, LocalDate from, LocalDate to) {
        List<DownloadCount> out = new ArrayList<>();
        // '$' sorts right after '#': the upper bound takes every version of the last day
        for (var item : queryDownloads(canonical, "VD#" + from, "VD#" + to + "$")) {
            LocalDate day = LocalDate.parse(s(item, "SK").substring(3, 13));
            out.add(new DownloadCount(canonical, s(item, "vers"), day, n(item, "n")));
        }
        return out;
    }

    /** The items of the crate's download partition whose SK begins with {@code from} (to null) or lies in [from, to]. */
    private List<Map<String, AttributeValue>> queryDownloads(String canonical, String from, String to) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", str(downloadsPk(canonical)), ":a", str(from)));
        String condition;
        if (to == null) {
            condition = "PK = :pk AND begins_with(SK, :a)";
        } else {
            condition = "PK = :pk AND SK BETWEEN :a AND :b";
            values.put(":b", str(to));
        }
        QueryRequest q = QueryRequest.builder().tableName(table).keyConditionExpression(condition)
                .expressionAttributeValues(values).build();
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        for (var page : dynamo().queryPaginator(q)) {
            out.addAll(page.items());
        }
        return out;
    }
    // --- mirror policy: one small partition (an administrator's list, read whole by the mirror's short cache) ----------

    static final String MIRROR_POLICY = "MIRRORPOLICY";

    @Override
    public List<MirrorPolicyEntry> mirrorPolicy() {
        List<MirrorPolicyEntry> out = new ArrayList<>();
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true).keyConditionExpression("PK = :pk")
                .expressionAttributeValues(Map.of(":pk", str(MIRROR_POLICY))).build();
        for (Map<String, AttributeValue> item : dynamo().queryPaginator(q).items()) {
            String sk = s(item, "SK");
            int hash = sk.indexOf('#');
            out.add(new MirrorPolicyEntry(sk.substring(0, hash), sk.substring(hash + 1), s(item, "effect"), s(item, "crate"),
                    s(item, "versions"), s(item, "reason"), s(item, "updatedBy"), instant(item, "updated")));
        }
        return out;
    }

    @Override
    public void putMirrorPolicy(MirrorPolicyEntry e, AuditRecord audit) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("PK", str(MIRROR_POLICY));
        item.put("SK", str(e.kind() + "#" + e.key()));
        putIfPresent(item, "effect", e.effect());
        putIfPresent(item, "crate", e.crate());
        putIfPresent(item, "versions", e.versions());
        putIfPresent(item, "reason", e.reason());
        putIfPresent(item, "updatedBy", e.updatedBy());
        item.put("updated", str(e.updatedAt().toString()));
        dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build()), audit)));
    }

    @Override
    public boolean deleteMirrorPolicy(String kind, String key, AuditRecord audit) {
        try {
            dynamo().transactWriteItems(r -> r.transactItems(withAudit(List.of(TransactWriteItem.builder().delete(Delete.builder()
                    .tableName(table).key(key(MIRROR_POLICY, kind + "#" + key))
                    .conditionExpression("attribute_exists(PK)").build()).build()), audit)));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }
}
