package dev.cargoreg.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code template.yaml} deploys, read the way {@code sam local start-api} reads it: the one inventory of functions
 * and routes. Each {@code AWS::ApiGatewayV2::Route} is followed from its {@code Target} ({@code integrations/${X}}) to
 * the integration, from its {@code IntegrationUri} ({@code !Ref <Function>.Alias}) to the
 * {@code AWS::Serverless::Function}, and from there to its {@code Handler} ({@code class::method}).
 *
 * <p>The CloudFormation short tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, {@code !If}, ...) and their long forms
 * ({@code {Ref: X}}, {@code {Fn::Sub: ...}}) are both understood; Jackson's YAML parser reports a short tag as the type
 * id of the scalar, sequence or mapping it is attached to.
 *
 * @param functions every {@code AWS::Serverless::Function}, in template order
 * @param routes every {@code AWS::ApiGatewayV2::Route}, in template order
 * @param authorizerFunctionIds the functions that an {@code AWS::ApiGatewayV2::Authorizer} invokes
 */
public record SamTemplate(List<Function> functions, List<ApiRoute> routes, List<String> authorizerFunctionIds) {

    /** The name of the template's condition that makes the registry private ({@code AuthRequired = "true"}). */
    public static final String PRIVATE_REGISTRY = "PrivateRegistry";

    public SamTemplate {
        functions = List.copyOf(functions);
        routes = List.copyOf(routes);
        authorizerFunctionIds = List.copyOf(authorizerFunctionIds);
    }

    public SamTemplate(List<Function> functions, List<ApiRoute> routes) {
        this(functions, routes, List.of());
    }

    /**
     * One {@code AWS::Serverless::Function}, with the {@code Globals.Function} defaults applied.
     *
     * @param handlerClass for a Java runtime, the class of {@code Handler: class::method}; null for other runtimes
     * @param handlerMethod the method ({@code handleRequest} when the handler names none); for other runtimes the whole
     *                      {@code Handler} value (e.g. {@code index.handler})
     * @param codeUri the {@code CodeUri} when it is a path (for the Java functions, the jar {@code mvn package} builds)
     * @param literalEnvironment the environment variables whose value the template gives literally (Globals, then the
     *                           function's own); variables set with an intrinsic ({@code !Ref}, {@code !Sub}, ...) are
     *                           left out: they name resources that only exist once deployed
     */
    public record Function(String logicalId, String handlerClass, String handlerMethod, String codeUri,
                           Map<String, String> literalEnvironment) {
        public Function {
            literalEnvironment = Map.copyOf(literalEnvironment);
        }

        public boolean isJava() {
            return handlerClass != null;
        }
    }

    /**
     * One route of the HTTP API.
     *
     * @param authorization the route's {@code AuthorizationType} ({@code NONE}, {@code CUSTOM}, ...), or
     *                      {@code !If [PrivateRegistry, <type>, <type>]} when it depends on the registry being private
     */
    public record ApiRoute(String method, String path, String functionLogicalId, String authorization) {
        private static final Pattern IF = Pattern.compile("!If \\[" + PRIVATE_REGISTRY + ", (\\w+), (\\w+)]");

        /** Whether the route goes through the authorizer: CUSTOM, or !If [PrivateRegistry, CUSTOM, NONE] evaluated. */
        public boolean authorized(boolean privateRegistry) {
            Matcher m = IF.matcher(authorization);
            String type = m.matches() ? (privateRegistry ? m.group(1) : m.group(2)) : authorization;
            return !type.equals("NONE");
        }

        /** API Gateway's catch-all route key: every request no other route matches. */
        public static final String DEFAULT = "$default";

        /** The catch-all route ({@code RouteKey: $default}): method {@code $default}, path empty. */
        public boolean isDefault() {
            return DEFAULT.equals(method);
        }

        public String routeKey() {
            return isDefault() ? DEFAULT : method + " " + path;
        }
    }

    /** Reads a SAM template. Fails on a route that cannot be followed to a function with a handler. */
    public static SamTemplate parse(InputStream yaml) {
        Object root;
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            p.nextToken();
            root = read(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the template", e);
        }
        return new Reader(map(root, "the template")).template();
    }

    /** The template.yaml bundled on this module's classpath (the repository's, copied at build time). */
    public static SamTemplate load() {
        return Bundled.TEMPLATE;
    }

    private static final class Bundled {
        static final SamTemplate TEMPLATE = read();

        private static SamTemplate read() {
            try (InputStream in = SamTemplate.class.getResourceAsStream("/template.yaml")) {
                if (in == null) {
                    throw new IllegalStateException("no /template.yaml on the classpath (infra/local/pom.xml bundles it)");
                }
                return parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public Function function(String logicalId) {
        return functions.stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalId + " in the template"));
    }

    /** The functions the HTTP API invokes: those some route targets, then the authorizer's; in template order. */
    public List<Function> apiFunctions() {
        Set<String> ids = new LinkedHashSet<>();
        routes.forEach(r -> ids.add(r.functionLogicalId()));
        ids.addAll(authorizerFunctionIds);
        return functions.stream().filter(f -> ids.contains(f.logicalId())).toList();
    }

    /** The function of the API's Lambda authorizer, if there is one. */
    public Optional<Function> authorizer() {
        return authorizerFunctionIds.stream().findFirst().map(this::function);
    }

    /** The routes that lead to one function. */
    public List<ApiRoute> routesOf(String functionLogicalId) {
        return routes.stream().filter(r -> r.functionLogicalId().equals(functionLogicalId)).toList();
    }

    // --- the YAML tree: String (any scalar), List, Map, or Intrinsic (a short tag or a one-key long form) -----------

    /** {@code !Name value} or {@code {Fn::Name: value}} / {@code {Ref: value}}; {@code name} without {@code Fn::}. */
    private record Intrinsic(String name, Object value) {
        @Override
        public String toString() {
            return "!" + name + " " + value;
        }
    }

    private static Object read(JsonParser p) throws IOException {
        Object typeId = p.getTypeId();
        String tag = typeId == null ? null : typeId.toString();
        Object value;
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                m.put(key, read(p));
            }
            value = m;
            if (tag == null && m.size() == 1) {
                String key = m.keySet().iterator().next();
                if (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::")) {
                    return new Intrinsic(key.startsWith("Fn::") ? key.substring(4) : key, m.get(key));
                }
            }
        } else if (t == JsonToken.START_ARRAY) {
            List<Object> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(read(p));
            }
            value = l;
        } else if (t == JsonToken.VALUE_NULL) {
            value = null;
        } else {
            value = p.getText();
        }
        return tag == null || tag.startsWith("tag:yaml.org,2002:") ? value : new Intrinsic(tag.replaceFirst("^!+", ""), value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " is not a mapping: " + o);
        }
        return (Map<String, Object>) o;
    }

    private static final class Reader {
        private static final Pattern SUB_REF = Pattern.compile("\\$\\{([A-Za-z0-9]+)(?:\\.[A-Za-z0-9.]+)?}");
        private final Map<String, Object> resources;
        private final Map<String, Object> globals;

        Reader(Map<String, Object> template) {
            this.resources = map(template.get("Resources"), "Resources");
            this.globals = map(map(template.get("Globals"), "Globals").get("Function"), "Globals.Function");
        }

        SamTemplate template() {
            List<Function> functions = new ArrayList<>();
            List<ApiRoute> routes = new ArrayList<>();
            List<String> authorizers = new ArrayList<>();
            resources.forEach((id, r) -> {
                Map<String, Object> resource = map(r, id);
                String type = String.valueOf(resource.get("Type"));
                Map<String, Object> props = map(resource.get("Properties"), id + ".Properties");
                switch (type) {
                    case "AWS::Serverless::Function" -> functions.add(function(id, props));
                    case "AWS::ApiGatewayV2::Route" -> routes.add(route(id, props));
                    case "AWS::ApiGatewayV2::Authorizer" -> {
                        if (props.get("AuthorizerUri") != null) {
                            authorizers.add(functionOf(id + ".AuthorizerUri", props.get("AuthorizerUri")));
                        }
                    }
                    default -> { }
                }
            });
            return new SamTemplate(functions, routes, authorizers);
        }

        private Function function(String id, Map<String, Object> own) {
            Map<String, Object> props = new LinkedHashMap<>(globals);
            props.putAll(own);
            Map<String, String> env = new LinkedHashMap<>();
            for (Map<String, Object> source : List.of(globals, own)) {
                map(map(source.get("Environment"), id + ".Environment").get("Variables"), id + ".Environment.Variables")
                        .forEach((name, value) -> {
                            if (value instanceof String s) {
                                env.put(name, s);
                            } else {
                                env.remove(name);
                            }
                        });
            }
            Object handler = props.get("Handler");
            if (!(handler instanceof String h)) {
                throw new IllegalArgumentException(id + ": Handler " + handler + " is not a plain string");
            }
            String codeUri = props.get("CodeUri") instanceof String s ? s : null;
            if (!String.valueOf(props.get("Runtime")).startsWith("java")) {
                return new Function(id, null, h, codeUri, env);
            }
            int sep = h.indexOf("::");
            return sep < 0 ? new Function(id, h, "handleRequest", codeUri, env)
                    : new Function(id, h.substring(0, sep), h.substring(sep + 2), codeUri, env);
        }

        private ApiRoute route(String id, Map<String, Object> props) {
            if (!(props.get("RouteKey") instanceof String key) || !(key.equals(ApiRoute.DEFAULT) || key.matches("[A-Z]+ /\\S*"))) {
                throw new IllegalArgumentException(id + ": RouteKey " + props.get("RouteKey") + " is not `METHOD /path` (nor $default)");
            }
            String integrationId = integrationOf(id, props.get("Target"));
            Map<String, Object> integration = map(resources.get(integrationId), integrationId);
            if (!"AWS::ApiGatewayV2::Integration".equals(integration.get("Type"))) {
                throw new IllegalArgumentException(id + ": its target " + integrationId + " is not an AWS::ApiGatewayV2::Integration");
            }
            Object uri = map(integration.get("Properties"), integrationId).get("IntegrationUri");
            String function = functionOf(integrationId + ".IntegrationUri", uri);
            int space = key.indexOf(' ');
            if (space < 0) {
                return new ApiRoute(ApiRoute.DEFAULT, "", function, authorization(id, props.getOrDefault("AuthorizationType", "NONE")));
            }
            return new ApiRoute(key.substring(0, space), key.substring(space + 1), function,
                    authorization(id, props.getOrDefault("AuthorizationType", "NONE")));
        }

        /** {@code !Sub integrations/${X}}, {@code !Join ["", [integrations/, !Ref X]]} or literal: X. */
        private static String integrationOf(String route, Object target) {
            if (target instanceof Intrinsic sub && sub.name().equals("Sub")) {
                Matcher m = Pattern.compile("integrations/\\$\\{([A-Za-z0-9]+)}").matcher(subText(sub));
                if (m.matches()) {
                    return m.group(1);
                }
            }
            if (target instanceof Intrinsic join && join.name().equals("Join") && join.value() instanceof List<?> args
                    && args.size() == 2 && args.get(1) instanceof List<?> parts && parts.size() == 2
                    && parts.get(1) instanceof Intrinsic ref && ref.name().equals("Ref")
                    && (args.get(0) + "" + parts.get(0)).replace("/", "").equals("integrations")) {
                return String.valueOf(ref.value());
            }
            throw new IllegalArgumentException(route + ": Target " + target + " is not integrations/${<Integration>}");
        }

        /** The text of {@code !Sub text} or {@code !Sub [text, {vars}]}. */
        private static String subText(Intrinsic sub) {
            return String.valueOf(sub.value() instanceof List<?> l && !l.isEmpty() ? l.get(0) : sub.value());
        }

        /** The serverless function that {@code !Ref X.Alias}, {@code !Ref X}, {@code !GetAtt X.Arn} or a !Sub names. */
        private String functionOf(String where, Object uri) {
            List<String> candidates = new ArrayList<>();
            if (uri instanceof Intrinsic i) {
                switch (i.name()) {
                    case "Ref", "GetAtt" -> candidates.add((i.value() instanceof List<?> l && !l.isEmpty()
                            ? String.valueOf(l.get(0)) : String.valueOf(i.value())).split("\\.", 2)[0]);
                    case "Sub" -> {
                        Matcher m = SUB_REF.matcher(subText(i));
                        while (m.find()) {
                            candidates.add(m.group(1));
                        }
                    }
                    default -> { }
                }
            }
            return candidates.stream()
                    .filter(c -> resources.get(c) instanceof Map<?, ?> r && "AWS::Serverless::Function".equals(r.get("Type")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(where + ": " + uri + " names no AWS::Serverless::Function"));
        }

        private static String authorization(String route, Object type) {
            if (type instanceof String s) {
                return s;
            }
            if (type instanceof Intrinsic i && i.name().equals("If") && i.value() instanceof List<?> l && l.size() == 3 && l.get(0).equals(PRIVATE_REGISTRY) && l.get(1) instanceof String yes
                    && l.get(2) instanceof String no) {
                return "!If [" + PRIVATE_REGISTRY + ", " + yes + ", " + no + "]";
            }
            throw new IllegalArgumentException(route + ": AuthorizationType " + type + " is neither a type nor !If ["
                    + PRIVATE_REGISTRY + ", <type>, <type>]");
        }
    }
}
