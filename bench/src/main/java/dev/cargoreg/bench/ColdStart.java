package dev.cargoreg.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The cold-start proxy, run in a fresh JVM whose classpath is one function's Lambda jar plus this class alone:
 * build the handler as Lambda does (its no-argument constructor: Dagger wiring from the environment, SDK clients),
 * deserialize the event, handle it, serialize the response. It uses nothing but the JDK and what the jar holds.
 *
 * <p>Prints {@code ANSWERED} the moment the response is serialized (the parent times the process up to that line),
 * then one line of figures: {@code FIGURES construct_ms event_ms handle_ms serialize_ms uptime_ms classes status cpu_ms}.
 *
 * <p>With {@code --priming [--prime] first.json warm.json…} it measures what SnapStart priming buys instead: build the
 * handler, run its {@code beforeCheckpoint} hook (what Lambda runs before taking the snapshot) when {@code --prime} is
 * given, then handle the first event and the warm ones, printing {@code PRIMING prime_ms first_ms warm_median_ms}.
 */
public final class ColdStart {
    private ColdStart() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--noop")) {
            long answered = System.currentTimeMillis();
            System.out.println("ANSWERED");
            System.out.flush();
            figures(0, 0, 0, 0, answered, "noop");
            return;
        }
        if (args[0].equals("--priming")) {
            priming(args);
            return;
        }
        String handlerClass = args[0];
        String eventClass = args[1];
        byte[] eventJson = Files.readAllBytes(Path.of(args[2]));

        long t0 = System.nanoTime();
        Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        long t1 = System.nanoTime();
        long t2;
        long t3;
        byte[] out;
        if (handler instanceof RequestStreamHandler streams) {
            // the runtime hands over the bytes: the function reads and writes the JSON itself (all in "handled")
            t2 = t1;
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            streams.handleRequest(new ByteArrayInputStream(eventJson), response, null);
            out = response.toByteArray();
            t3 = System.nanoTime();
        } else {
            // the runtime deserializes the event after init, then invokes
            ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            Object event = mapper.readValue(eventJson, Class.forName(eventClass));
            t2 = System.nanoTime();
            Object response = ((RequestHandler<Object, Object>) handler).handleRequest(event, null);
            t3 = System.nanoTime();
            out = mapper.writeValueAsBytes(response);
        }
        long t4 = System.nanoTime();
        long answered = System.currentTimeMillis();
        System.out.println("ANSWERED");
        System.out.flush();
        String body = new String(out, StandardCharsets.UTF_8);
        figures(t1 - t0, t2 - t1, t3 - t2, t4 - t3, answered, status(body));
        System.out.println("RESPONSE " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
        System.out.flush();
    }

    @SuppressWarnings("unchecked")
    private static void priming(String[] args) throws Exception {
        boolean prime = args[1].equals("--prime");
        int at = prime ? 2 : 1;
        String handlerClass = args[at];
        Class<?> eventClass = Class.forName(args[at + 1]);
        Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        double primeMs = 0;
        if (prime) {
            long t = System.nanoTime();
            // the org.crac.Resource hook, found by name: this class sees only the JDK and the function's jar
            handler.getClass().getMethod("beforeCheckpoint", Class.forName("org.crac.Context")).invoke(handler, (Object) null);
            primeMs = (System.nanoTime() - t) / 1e6;
        }
        double[] times = new double[args.length - at - 2];
        String status = "";
        for (int i = 0; i < times.length; i++) {
            byte[] json = Files.readAllBytes(Path.of(args[at + 2 + i]));
            long t = System.nanoTime();
            byte[] out;
            if (handler instanceof RequestStreamHandler streams) {
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                streams.handleRequest(new ByteArrayInputStream(json), response, null);
                out = response.toByteArray();
            } else {
                Object event = mapper.readValue(json, eventClass);
                out = mapper.writeValueAsBytes(((RequestHandler<Object, Object>) handler).handleRequest(event, null));
            }
            times[i] = (System.nanoTime() - t) / 1e6;
            if (i == 0) {
                status = status(new String(out, StandardCharsets.UTF_8));
            }
        }
        double[] warm = Arrays.copyOfRange(times, 1, times.length);
        Arrays.sort(warm);
        System.out.println("PRIMING " + primeMs + " " + times[0] + " " + warm[(warm.length - 1) / 2] + " " + status);
        System.out.flush();
    }

    private static void figures(long construct, long event, long handle, long serialize, long answeredAt, String status) {
        long uptime = answeredAt - ManagementFactory.getRuntimeMXBean().getStartTime();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.out.println("FIGURES " + construct / 1_000_000.0 + " " + event / 1_000_000.0 + " " + handle / 1_000_000.0 + " "
                + serialize / 1_000_000.0 + " " + uptime + " " + classes + " " + status + " " + cpuMs());
        System.out.flush();
    }

    /** The process's CPU time (user + system, every thread: JIT and GC too) from /proc; -1 where there is none. */
    private static long cpuMs() {
        try {
            String stat = new String(Files.readAllBytes(Path.of("/proc/self/stat")), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of proc(5), in clock ticks (100 a second on Linux)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * As LambdaJarHarness (infra/local) reads a response, kept here on purpose: this class runs beside one function
     * jar alone, and loading the local runner's classes would change what is measured.
     */
    private static String status(String json) {
        int at = json.indexOf("\"statusCode\":");
        if (at >= 0) {
            int end = at + 13;
            while (end < json.length() && Character.isDigit(json.charAt(end))) {
                end++;
            }
            return json.substring(at + 13, end);
        }
        if (json.contains("\"isAuthorized\":true")) {
            return "authorized";
        }
        return json.contains("\"error\"") ? "refused" : "ok";
    }
}
