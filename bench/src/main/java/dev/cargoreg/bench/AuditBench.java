package dev.cargoreg.bench;

import dev.cargoreg.core.audit.AuditRecord;
import dev.cargoreg.core.port.MetadataStore;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.wiring.RegistryServices;
import dev.cargoreg.testing.AwsRegistryFixture;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;

/**
 * What the audit record adds to a publish: the same warm publishes (PublishService over DynamoDB Local and the embedded
 * S3 server) with the record written in the commit's transaction, and through a store that drops the record (the
 * transaction without its three audit items), interleaved in one run.
 */
final class AuditBench {
    private final Report report;
    private final AwsRegistryFixture f;

    AuditBench(Report report, AwsRegistryFixture fixture) {
        this.report = report;
        this.f = fixture;
    }

    void run() {
        report.heading("Audit trail: what the audit record adds to a publish");
        PublishService audited = f.publishService();
        PublishService bare = RegistryServices.builder().config(f.config).clock(Clock.systemUTC()).store(withoutAudit(f.store))
                .blobs(f.blobs).cdn(f.cdn).searchSource(f.searchSource).build().publish();
        var alice = f.principal(AwsRegistryFixture.ALICE);
        int warmup = 30;
        int samples = 300;
        audited.publish(alice, Crates.body("audit-on", "0.0.1", 0, 1));
        bare.publish(alice, Crates.body("audit-off", "0.0.1", 0, 2));
        Stats on = new Stats();
        Stats off = new Stats();
        report.progress("audit: " + warmup + " warm-up + " + samples + " measured publishes each, interleaved");
        for (int i = 0; i < warmup + samples; i++) {
            String version = "1." + i + ".0";
            byte[] withRecord = Crates.body("audit-on", version, 0, 100 + i);
            byte[] withoutRecord = Crates.body("audit-off", version, 0, 100_000 + i);
            boolean measured = i >= warmup;
            Runnable a = () -> {
                long t0 = System.nanoTime();
                audited.publish(alice, withRecord);
                if (measured) {
                    on.add(System.nanoTime() - t0);
                }
            };
            Runnable b = () -> {
                long t0 = System.nanoTime();
                bare.publish(alice, withoutRecord);
                if (measured) {
                    off.add(System.nanoTime() - t0);
                }
            };
            if (i % 2 == 0) {
                a.run();
                b.run();
            } else {
                b.run();
                a.run();
            }
        }
        report.table(List.of("publish", "samples", "p50 ms", "p99 ms"), List.of(
                List.of("with its audit record (3 more items in the transaction)", Stats.thousands(on.count()),
                        Stats.ms(on.p50()), Stats.ms(on.p99())),
                List.of("without", Stats.thousands(off.count()), Stats.ms(off.p50()), Stats.ms(off.p99())),
                List.of("ratio", "", Stats.f2(on.p50() / off.p50()) + "×", Stats.f2(on.p99() / off.p99()) + "×")));
    }

    /** The same store, except that the commit forms with an audit record write none. */
    private static MetadataStore withoutAudit(MetadataStore target) {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(), new Class<?>[]{MetadataStore.class},
                (proxy, method, args) -> {
                    Object[] a = args;
                    if (args != null && args.length > 0 && args[args.length - 1] instanceof AuditRecord) {
                        a = args.clone();
                        a[a.length - 1] = null;
                    }
                    try {
                        return method.invoke(target, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
