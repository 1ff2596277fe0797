package dev.cargoreg.aws.internal;

import dev.cargoreg.core.auth.Scope;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The truth in one DynamoDB table (keys PK, SK):
 * <pre>
 * CRATE#{canonical}  META                  name, rev, versions, owners (string set), created, updated, summary
 *                                          (description, keywords, max version, …) and the search index keys
 * CRATE#{canonical}  V#{version w/o build}  seq, vers, line, yanked, cksum, size, publisher, published, details
 * USER#{login}       META                  id, name, admin, created, disabled
 * USERS              USER#{login}          the directory of users (listing without a Scan)
 * COUNTER#users      META                  value (last user id handed out, minus 1000)
 * CRATE#{canonical}  TOMBSTONE             name, removed, updated, rev: a removed crate, for search's change feed;
 *                                          its last revision, which a crate created again under the name continues
 * CRATE#{canonical}  R#{version w/o build}  name, vers, removed: a removal whose cleanup (tarball, index file, CDN)
 *                                          has not finished; no publish of that version commits while it exists
 * TOKEN#{sha256}     META                  tokenId, login, name, created, lastUsed, expires, scopes, crates, revoked,
 *                                          disabled (its user is disabled: for the edge's token sync)
 * USER#{login}       TOKEN#{id}            the same, plus sha: the user's token list
 * COUNTER#{sequence} META                  value: users and tokens get small numeric ids
 * </pre>
 * Keying versions by the version without build metadata makes "unique ignoring build metadata" a key condition.
 */
public final class DynamoMetadataStore implements MetadataStore {
    static final String META = "META";
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoMetadataStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
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

    static final String TOMBSTONE = "TOMBSTONE";
    /** The directory of users: one item per user ({@code SK = USER#login}), so administrators list users without a Scan. */
    static final String USERS = "USERS";

    @Override
    public Optional<CrateRecord> findCrate(String canonical) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(cratePk(canonical), META)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toCrate(canonical, item));
    }

    @Override
    public Optional<VersionRecord> findVersion(String canonical, String withoutBuild) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(cratePk(canonical), versionSk(withoutBuild)))
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
        for (var page : dynamo.queryPaginator(q)) {
            for (var item : page.items()) {
                out.add(toVersion(canonical, item));
            }
        }
        return out;
    }

    @Override
    public void commitPublish(PublishCommit c) throws CommitConflict {
        String pk = cratePk(c.canonicalName());
        String now = c.now().toString();
        TransactWriteItem crateWrite;
        // the tombstone of a removed crate under this name, when creating: the new crate continues its revision
        TransactWriteItem tombstoneCheck = null;
        if (c.newCrate()) {
            var tomb = dynamo.getItem(r -> r.tableName(table).key(key(pk, TOMBSTONE)).consistentRead(true)).item();
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
        // a removal of this version still cleaning up (its tarball is about to be deleted) blocks the publish
        TransactWriteItem noPendingRemoval = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(table).key(key(pk, pendingSk(v.versionWithoutBuild())))
                .conditionExpression("attribute_not_exists(PK)").build()).build();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(crateWrite, versionWrite, noPendingRemoval));
        if (tombstoneCheck != null) {
            writes.add(tombstoneCheck);
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(writes));
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
    public void commitYank(YankCommit c) throws CommitConflict {
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
        transact(List.of(crate, version));
    }

    @Override
    public void commitOwners(OwnersCommit c) throws CommitConflict {
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
        transact(List.of(crate));
    }

    @Override
    public void commitRemoval(RemovalCommit c) throws CommitConflict {
        String pk = cratePk(c.canonicalName());
        List<TransactWriteItem> writes = new ArrayList<>();
        if (c.removesCrate()) {
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
        transact(writes);
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
        for (var page : dynamo.queryPaginator(q)) {
            for (var item : page.items()) {
                out.add(new PendingRemoval(canonical, s(item, "name"), s(item, "vers"), s(item, "SK").substring(2),
                        instant(item, "removed")));
            }
        }
        return out;
    }

    @Override
    public void finishRemoval(String canonical, String withoutBuild) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(cratePk(canonical), pendingSk(withoutBuild))));
    }

    private void transact(List<TransactWriteItem> writes) throws CommitConflict {
        try {
            dynamo.transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            throw new CommitConflict(false, "crate changed: " + e.getMessage());
        }
    }

    @Override
    public Optional<TokenRecord> findToken(String sha256) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key("TOKEN#" + sha256, META)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toToken(sha256, item));
    }

    @Override
    public void createToken(TokenRecord token) {
        Map<String, AttributeValue> lookup = tokenAttributes(token);
        lookup.put("PK", str("TOKEN#" + token.sha256()));
        lookup.put("SK", str(META));
        Map<String, AttributeValue> entry = tokenAttributes(token);
        entry.put("PK", str("USER#" + token.login()));
        entry.put("SK", str(tokenSk(token.id())));
        entry.put("sha", str(token.sha256()));
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(lookup)
                        .conditionExpression("attribute_not_exists(PK)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry)
                        .conditionExpression("attribute_not_exists(PK)").build()).build()));
    }

    @Override
    public List<TokenRecord> listTokens(String login) {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk AND begins_with(SK, :t)")
                .expressionAttributeValues(Map.of(":pk", str("USER#" + login), ":t", str("TOKEN#")))
                .build();
        List<Map<String, AttributeValue>> entries = new ArrayList<>();
        for (var page : dynamo.queryPaginator(q)) {
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
    public boolean revokeToken(String login, long tokenId, Instant now) {
        var entry = dynamo.getItem(r -> r.tableName(table).key(key("USER#" + login, tokenSk(tokenId))).consistentRead(true)).item();
        if (entry == null || entry.isEmpty()) {
            return false;
        }
        String sha = s(entry, "sha");
        Map<String, AttributeValue> values = Map.of(":t", AttributeValue.fromBool(true), ":now", str(now.toString()));
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(key("TOKEN#" + sha, META))
                        .updateExpression("SET revoked = :t, revokedAt = :now").expressionAttributeValues(values).build()).build(),
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(key("USER#" + login, tokenSk(tokenId)))
                        .updateExpression("SET revoked = :t, revokedAt = :now").expressionAttributeValues(values).build()).build()));
        return true;
    }

    @Override
    public void touchToken(String sha256, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key("TOKEN#" + sha256, META))
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
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of("PK", str("ONCE#" + step), "SK", str(META), "at", str(now.toString())))
                    .conditionExpression("attribute_not_exists(PK)"));
            return true;
        } catch (ConditionalCheckFailedException done) {
            return false;
        }
    }

    @Override
    public long nextId(String sequence) {
        var counter = dynamo.updateItem(r -> r.tableName(table).key(key("COUNTER#" + sequence, META))
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
                var r = dynamo.batchGetItem(b -> b.requestItems(finalRequest));
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
    public Optional<UserRecord> createUser(String login, String name, boolean admin, Instant now) {
        // User ids are small numbers (cargo reads owner ids as u32): one atomic counter hands them out.
        long id = nextId("users") + 1000;
        UserRecord user = new UserRecord(id, login, name == null || name.isBlank() ? login : name, admin, now);
        try {
            // the user and their entry in the directory that lists users (no Scan), in one transaction
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(userItem(user))
                            .conditionExpression("attribute_not_exists(PK)").build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table)
                            .item(Map.of("PK", str(USERS), "SK", str("USER#" + login))).build()).build()));
            return Optional.of(user);
        } catch (TransactionCanceledException taken) {
            return Optional.empty();
        }
    }

    @Override
    public List<UserRecord> listUsers() {
        QueryRequest q = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk", str(USERS))).build();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (var page : dynamo.queryPaginator(q)) {
            page.items().forEach(entry -> keys.add(key(s(entry, "SK"), META)));
        }
        return batchGet(keys).stream().map(DynamoMetadataStore::toUser).toList();
    }

    @Override
    public boolean setUserDisabled(String login, boolean disabled, Instant now) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key("USER#" + login, META))
                    .updateExpression("SET disabled = :d, disabledChanged = :now")
                    .conditionExpression("attribute_exists(PK)")
                    .expressionAttributeValues(Map.of(":d", AttributeValue.fromBool(disabled), ":now", str(now.toString()))));
        } catch (ConditionalCheckFailedException noSuchUser) {
            return false;
        }
        // The user's flag above is what the authorizer checks. The flag on each token lookup item is for the edge: the
        // token sync drops those tokens from the KeyValueStore (and puts them back on enable). Repeating the call
        // finishes a run that was interrupted here.
        for (TokenRecord t : listTokens(login)) {
            try {
                dynamo.updateItem(r -> r.tableName(table).key(key("TOKEN#" + t.sha256(), META))
                        .updateExpression("SET disabled = :d").conditionExpression("attribute_exists(PK)")
                        .expressionAttributeValues(Map.of(":d", AttributeValue.fromBool(disabled))));
            } catch (ConditionalCheckFailedException gone) {
                // deleted meanwhile
            }
        }
        return true;
    }

    @Override
    public boolean deleteUser(String login) {
        List<TokenRecord> tokens = listTokens(login);
        try {
            // the user first: from here on the authorizer refuses every token of theirs ("user no longer exists")
            dynamo.deleteItem(r -> r.tableName(table).key(key("USER#" + login, META)).conditionExpression("attribute_exists(PK)"));
        } catch (ConditionalCheckFailedException noSuchUser) {
            return false;
        }
        dynamo.deleteItem(r -> r.tableName(table).key(key(USERS, "USER#" + login)));
        for (TokenRecord t : tokens) {
            // the lookup item's REMOVE takes the token out of the edge's store
            dynamo.deleteItem(r -> r.tableName(table).key(key("TOKEN#" + t.sha256(), META)));
            dynamo.deleteItem(r -> r.tableName(table).key(key("USER#" + login, tokenSk(t.id()))));
        }
        return true;
    }

    @Override
    public List<String> cratesOwnedBy(String login) {
        // every crate item is in the sparse `search` index (projection ALL, owners included): 16 shard queries
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SearchAttributes.SHARDS; i++) {
            QueryRequest q = QueryRequest.builder().tableName(table).indexName(SearchAttributes.INDEX)
                    .keyConditionExpression("spk = :p").filterExpression("SK = :meta AND contains(owners, :login)")
                    .expressionAttributeValues(Map.of(":p", str("S#" + Integer.toHexString(i)), ":meta", str(META),
                            ":login", str(login)))
                    .build();
            for (var page : dynamo.queryPaginator(q)) {
                page.items().forEach(item -> out.add(s(item, "PK").substring("CRATE#".length())));
            }
        }
        out.sort(null);
        return out;
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
        var item = dynamo.getItem(r -> r.tableName(table).key(key("USER#" + login, META)).consistentRead(true)).item();
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
    public void createTrustConfig(TrustConfig c) {
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
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(PK)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(byRepo).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(byCrate).build()).build()));
    }

    @Override
    public Optional<TrustConfig> findTrustConfig(long id) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key("TPCONFIG#" + id, META)).consistentRead(true)).item();
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
        for (var page : dynamo.queryPaginator(q)) {
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
    public boolean deleteTrustConfig(long id) {
        Optional<TrustConfig> found = findTrustConfig(id);
        if (found.isEmpty()) {
            return false;
        }
        TrustConfig c = found.get();
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key("TPCONFIG#" + id, META)).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(key("TPREPO#" + c.provider() + "#" + c.repositoryKey(), trustSk(id))).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(key("TPCRATE#" + c.canonicalName(), trustSk(id))).build()).build()));
        return true;
    }

    @Override
    public void pinTrustConfigOwnerId(long id, String ownerId) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key("TPCONFIG#" + id, META))
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
            dynamo.putItem(r -> r.tableName(table)
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
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<Provenance> tokenProvenance(long tokenId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key("TPTOKEN#" + tokenId, META)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Provenance(s(item, "provider"), s(item, "repository"), s(item, "workflow"), s(item, "run_id"),
                s(item, "sha")));
    }
}
