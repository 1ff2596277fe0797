package dev.cargoreg.local;

import dev.cargoreg.core.audit.AuditEvent;
import dev.cargoreg.core.audit.AuditPage;
import dev.cargoreg.core.audit.AuditQuery;
import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.json.Json;
import dev.cargoreg.core.port.MetadataStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --webhook URL}: posts every change recorded since the runner started to URL, as the events the deployed
 * registry puts on its EventBridge bus ({@link AuditEvent}), so teams can try an integration locally. At least once and
 * in order: it reads the audit trail twice a second and moves past a record only once URL answered 2xx; a failing URL
 * is retried (the failure printed once per streak) until it answers.
 */
final class WebhookRelay implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);

    private final MetadataStore store;
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Thread thread;
    private volatile boolean running = true;
    /** The sort key of the last record delivered ("" before the first). */
    private String delivered = "";
    /** The ids delivered within the millisecond of {@link #delivered}: records of one millisecond sort by id, not time. */
    private final Set<String> deliveredInLastMilli = new HashSet<>();
    private final Instant since;
    private boolean failing;

    WebhookRelay(MetadataStore store, URI url, Instant since) {
        this.store = store;
        this.url = url;
        this.since = since;
        this.thread = new Thread(this::loop, "webhook-relay");
        this.thread.setDaemon(true);
    }

    WebhookRelay start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            try {
                for (AuditRecord r : pending()) {
                    post(r);
                    if (!delivered.isEmpty() && !delivered.startsWith(r.sortKey().substring(0, 13))) {
                        deliveredInLastMilli.clear();
                    }
                    if (r.sortKey().compareTo(delivered) > 0) {
                        delivered = r.sortKey();
                    }
                    deliveredInLastMilli.add(r.id());
                }
                if (failing) {
                    System.err.println("webhook " + url + " answers again");
                    failing = false;
                }
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    System.err.println("webhook " + url + " failed (" + e.getMessage() + "); retrying until it answers");
                    failing = true;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The records after the last delivered one, oldest first. */
    private List<AuditRecord> pending() {
        Instant from = delivered.isEmpty() ? since : Instant.ofEpochMilli(Long.parseLong(delivered.substring(0, 13)));
        List<AuditRecord> newer = new ArrayList<>();
        String cursor = null;
        do {
            AuditPage page = store.auditTrail(new AuditQuery(null, null, null, null, from, 100, cursor));
            for (AuditRecord r : page.records()) {
                boolean sameMilli = !delivered.isEmpty() && r.sortKey().startsWith(delivered.substring(0, 13));
                if (sameMilli ? !deliveredInLastMilli.contains(r.id()) : r.sortKey().compareTo(delivered) > 0) {
                    newer.add(0, r);
                }
            }
            cursor = page.cursor();
        } while (cursor != null);
        return newer;
    }

    private void post(AuditRecord r) throws IOException, InterruptedException {
        byte[] body = Json.mapper().writeValueAsBytes(AuditEvent.of(r));
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode());
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
