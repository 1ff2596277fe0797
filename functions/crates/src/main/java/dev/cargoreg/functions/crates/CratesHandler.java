package dev.cargoreg.functions.crates;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Call;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.audit.AuditService;
import dev.cargoreg.core.crates.CrateReadService;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.owners.OwnerService;
import dev.cargoreg.core.owners.OwnerService.Owner;
import dev.cargoreg.core.readme.ReadmeRenderer;

import java.util.Map;
import java.util.function.Function;

/** The read API: crate, version, versions, download redirect, readme, dependencies, authors, owners by kind, downloads. */
public final class CratesHandler extends HttpFunction {
    private final CrateReadService service;
    private final OwnerService owners;
    private final AuditService audit;
    public CratesHandler() {
        this(DaggerCratesComponent.create());
    }

    private CratesHandler(CratesComponent component) {
        this(component.crates(), component.owners(), component.audit());
        buildClientsAtInit(component.clientBuilds());
        // a reader: GetItem, Query and BatchGetItem, and GetObject on tarballs (its one write, a rendered readme, is not primed)
        registerForSnapStart(component.store(), component.blobs(), new Scope(Scope.CRATES_KEY, Call.QUERY, Call.BATCH_GET));
    }

    public CratesHandler(CrateReadService service, OwnerService owners, AuditService audit) {
        this.service = service;
        this.owners = owners;
        this.audit = audit;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.ofEntries(
                Map.entry("GET /api/v1/crates/{name}", e -> Api.json(200, service.crate(name(e)))),
                Map.entry("GET /api/v1/crates/{name}/versions", e -> Api.json(200, service.versions(name(e)))),
                Map.entry("GET /api/v1/crates/{name}/{version}", e -> Api.json(200, service.version(name(e), version(e)))),
                Map.entry("GET /api/v1/crates/{name}/{version}/download",
                        e -> download(e, service.downloadUrl(name(e), version(e)))),
                Map.entry("GET /api/v1/crates/{name}/{version}/readme", this::readme),
                Map.entry("GET /api/v1/crates/{name}/{version}/dependencies",
                        e -> Api.json(200, service.dependencies(name(e), version(e)))),
                Map.entry("GET /api/v1/crates/{name}/downloads", e -> Api.json(200, service.crateDownloads(name(e)))),
                Map.entry("GET /api/v1/crates/{name}/{version}/downloads", e -> Api.json(200,
                        service.versionDownloads(name(e), version(e), Api.query(e).get("before_date")))),
                Map.entry("GET /api/v1/crates/{name}/{version}/authors",
                        e -> Api.json(200, service.authors(name(e), version(e)))),
                Map.entry("GET /api/v1/crates/{name}/reverse_dependencies", e -> Api.json(200,
                        service.reverseDependencies(name(e), intParam(e, "page", 1), intParam(e, "per_page", 10)))),
                Map.entry("GET /api/v1/crates/{name}/owner_user",
                        e -> Api.json(200, Map.of("users", owners.list(Api.principal(e), Api.pathParam(e, "name")).stream()
                                .map(Owner::toMap).toList()))),
                Map.entry("GET /api/v1/crates/{name}/owner_team",
                        e -> Api.json(200, Map.of("teams", owners.teams(Api.principal(e), Api.pathParam(e, "name"))))),
                // owners and administrators only: the route always has the authorizer
                Map.entry("GET /api/v1/crates/{name}/audit",
                        e -> Api.json(200, audit.crate(Api.principal(e), Api.pathParam(e, "name"), Api.query(e)))),
                // every request no other route matches (template.yaml's DefaultRoute): cargo's 404
                Map.entry(DEFAULT_ROUTE, HttpFunction::unknownRoute));
    }

    /** Every route here is a read: a private registry needs a token for it. */
    private static String name(APIGatewayV2HTTPEvent event) {
        Api.principal(event).requireRead();
        return Api.pathParam(event, "name");
    }

    private static int intParam(APIGatewayV2HTTPEvent event, String name, int dflt) {
        String v = Api.query(event).get(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw RegistryException.badRequest(name + " must be a number, got `" + v + "`");
        }
    }

    private static String version(APIGatewayV2HTTPEvent event) {
        return Api.pathParam(event, "version");
    }

    private APIGatewayV2HTTPResponse readme(APIGatewayV2HTTPEvent event) {
        String name = name(event);
        String version = version(event);
        // sanitized HTML, as crates.io answers (docs/web-ui.md); still a defence in depth against a browser opening it
        return service.readmeHtml(name, version)
                .map(text -> APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                        .withHeaders(Map.of("content-type", "text/html; charset=utf-8",
                                "content-security-policy", "default-src 'none'; img-src https: http:; style-src 'unsafe-inline'",
                                "x-content-type-options", "nosniff"))
                        .withBody(text).build())
                .orElseThrow(() -> RegistryException.notFound("`" + name + "@" + version + "` was published without a readme"));
    }

    /** Also renders a made-up readme before the snapshot: the first readme asked for is rendered here (no I/O). */
    @Override
    protected void prime() {
        super.prime();
        ReadmeRenderer.prime();
    }

    /** crates.io: 302 to the file, or {"url":…} for clients that ask for JSON. */
    private static APIGatewayV2HTTPResponse download(APIGatewayV2HTTPEvent event, String url) {
        String accept = Api.header(event, "accept");
        if (accept != null && accept.contains("json")) {
            APIGatewayV2HTTPResponse r = Api.json(200, Map.of("url", url));
            r.getHeaders().put("vary", "accept");
            return r;
        }
        return APIGatewayV2HTTPResponse.builder().withStatusCode(302)
                .withHeaders(Map.of("location", url, "vary", "accept", "cache-control", "public, max-age=3600"))
                .build();
    }

}
