package dev.cargoreg.local;

import dev.cargoreg.aws.lambda.HttpFunction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One API Gateway route: `METHOD /path/{param}` to a handler, matched as HTTP API matches it; {@code authorized}
 * routes go through the Lambda authorizer first, as template.yaml configures them.
 */
record Route(String method, String template, HttpFunction handler,
             boolean authorized) {

    /**
     * API Gateway prefers the route with more literal segments: `/{name}/owners` over `/{name}/{version}`; the
     * `$default` route only takes what no other route matches.
     */
    static List<Route> bySpecificity(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(Route::isDefault).thenComparingInt((Route r) -> -literalSegments(r.template())));
        return List.copyOf(sorted);
    }

    /** The catch-all route (template.yaml's `RouteKey: $default`). */
    boolean isDefault() {
        return SamTemplate.ApiRoute.DEFAULT.equals(method);
    }

    private static int literalSegments(String template) {
        if (template.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (String seg : template.substring(1).split("/")) {
            if (!seg.startsWith("{")) {
                n++;
            }
        }
        return n;
    }

    String routeKey() {
        return isDefault() ? method : method + " " + template;
    }

    /** The decoded path parameters if this route matches, else null. */
    Map<String, String> match(String method, String rawPath) {
        if (isDefault()) {
            return Map.of();
        }
        if (!this.method.equals(method)) {
            return null;
        }
        String[] want = template.substring(1).split("/", -1);
        String[] got = rawPath.substring(1).split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                params.put(want[i].substring(1, want[i].length() - 1), PathCodec.decode(got[i]));
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return params;
    }
}
