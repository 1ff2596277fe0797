package dev.cargoreg.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM whose classpath is one Lambda jar plus this class alone (LambdaJarsIT): builds the handler as
 * the Java runtime does (its public no-argument constructor; the event type from its {@code RequestHandler<I, O>}
 * type arguments), then hands it each event file and prints one line per answer:
 * {@code ANSWER <file> <status> <response, shortened>}. Everything but the JDK comes from the jar.
 *
 * <p>Usage: {@code LambdaJarHarness <handler class> <handler method> <event.json>...}
 */
public final class LambdaJarHarness {
    private LambdaJarHarness() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        Class<?> handlerClass = Class.forName(args[0]);
        String method = args[1];
        if (Arrays.stream(handlerClass.getMethods()).noneMatch(m -> m.getName().equals(method))) {
            throw new IllegalStateException(args[0] + " has no public method " + method);
        }
        Object handler = handlerClass.getConstructor().newInstance();
        System.out.println("BUILT " + handlerClass.getName());
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        for (int i = 2; i < args.length; i++) {
            Path file = Path.of(args[i]);
            byte[] event = Files.readAllBytes(file);
            byte[] out;
            if (handler instanceof RequestStreamHandler streams) {
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                streams.handleRequest(new ByteArrayInputStream(event), response, context(file));
                out = response.toByteArray();
            } else if (handler instanceof RequestHandler requests) {
                Type input = inputType(handlerClass, new HashMap<>());
                Object in = mapper.readValue(event, mapper.constructType(input == null ? Object.class : input));
                out = mapper.writeValueAsBytes(requests.handleRequest(in, context(file)));
            } else {
                throw new IllegalStateException(args[0] + " is neither a RequestHandler nor a RequestStreamHandler");
            }
            String body = new String(out, StandardCharsets.UTF_8);
            System.out.println("ANSWER " + file.getFileName() + " " + status(body) + " "
                    + (body.length() > 200 ? body.substring(0, 200) + "..." : body).replace('\n', ' '));
            System.out.flush();
        }
    }

    /** I of RequestHandler<I, O>, through superclasses and generic interfaces, type variables resolved. */
    /** The event type a handler class takes: the I of the RequestHandler<I, O> it implements, however indirectly. */
    public static Type inputType(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> own = new HashMap<>();
        if (type instanceof ParameterizedType p) {
            raw = (Class<?>) p.getRawType();
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] actual = p.getActualTypeArguments();
            for (int i = 0; i < vars.length; i++) {
                own.put(vars[i], actual[i] instanceof TypeVariable<?> v ? bindings.getOrDefault(v, Object.class) : actual[i]);
            }
            if (raw == RequestHandler.class) {
                return own.get(vars[0]);
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
        } else {
            return null;
        }
        List<Type> supertypes = new ArrayList<>(List.of(raw.getGenericInterfaces()));
        if (raw.getGenericSuperclass() != null) {
            supertypes.add(raw.getGenericSuperclass());
        }
        for (Type s : supertypes) {
            Type found = inputType(s, own);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** A Context as the runtime gives one: a request id, a logger to stderr, the remaining time. */
    private static Context context(Path event) {
        LambdaLogger logger = (LambdaLogger) Proxy.newProxyInstance(LambdaJarHarness.class.getClassLoader(),
                new Class<?>[]{LambdaLogger.class}, (proxy, m, a) -> {
                    if (a != null && a.length > 0) {
                        System.err.println(a[0] instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(a[0]));
                    }
                    return null;
                });
        return (Context) Proxy.newProxyInstance(LambdaJarHarness.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, m, a) -> switch (m.getName()) {
                    case "getAwsRequestId" -> "it-" + event.getFileName();
                    case "getLogger" -> logger;
                    case "getRemainingTimeInMillis" -> 30_000;
                    case "getMemoryLimitInMB" -> 1024;
                    case "getFunctionName" -> "jar-it";
                    case "getFunctionVersion" -> "1";
                    case "getInvokedFunctionArn" -> "arn:aws:lambda:us-east-1:123456789012:function:jar-it:live";
                    case "getLogGroupName" -> "/aws/lambda/jar-it";
                    case "getLogStreamName" -> "it";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == a[0];
                    case "toString" -> "Context(" + event.getFileName() + ")";
                    default -> null;
                });
    }

    /** The HTTP status of an API response, "authorized"/"denied" for an authorizer, else "ok". */
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
        return json.contains("\"isAuthorized\":false") ? "denied" : "ok";
    }
}
