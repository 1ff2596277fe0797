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
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --webhook URL}: posts every change recorded since the runner started to URL, as the events the deployed
 * registry puts on its EventBridge bus ({@link AuditEvent}), so teams can try an integration locally. At least once and
 * in order: it reads the audit trail twice a second and moves past a record only once URL answered 2xx. A failing URL
 * does not touch the changes (they are committed, with their records, before any event is sent): it is retried with
 * exponential backoff (0.5 s doubling to {@link #MAX_BACKOFF}) until it answers, each failed attempt printed with its
 * count and {@link #failedAttempts() counted}, the same role as the deployed pipe's dead-letter queue depth.
 */
final class WebhookRelay implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

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
    /** Failed attempts of the current streak (0: the URL answers). */
    private int streak;
    private final AtomicLong failedAttempts = new AtomicLong();

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
                if (streak > 0) {
                    System.err.println("webhook " + url + " answers again after " + streak + " failed attempts;"
                            + " the events it missed were delivered in order");
                    streak = 0;
                }
            } catch (IOException | RuntimeException e) {
                streak++;
                long all = failedAttempts.incrementAndGet();
                System.err.println("webhook " + url + " failed (" + e.getMessage() + "): attempt " + streak + " of this streak, "
                        + all + " failed attempts since start; the changes stand, their events wait; next try in "
                        + backoff(streak).toMillis() + " ms");
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff(streak).toMillis());
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

    /** How long to wait before the next attempt after {@code streak} failed ones (0: the usual poll). */
    static Duration backoff(int streak) {
        if (streak == 0) {
            return POLL;
        }
        Duration d = POLL.multipliedBy(1L << Math.min(streak - 1, 10));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** Failed delivery attempts since the runner started (the local counterpart of the dead-letter queue's depth). */
    long failedAttempts() {
        return failedAttempts.get();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
