package dev.cargoreg.functions.publish;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Call;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.admin.ImportService;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.publish.PublishPriming;
import dev.cargoreg.core.publish.PublishService;
import dev.cargoreg.core.publish.StagedPush;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every way a version arrives, through one publish path: PUT /api/v1/crates/new (cargo publish), PUT
 * /api/v1/crates/push (a bare .crate, kept byte for byte; larger ones through a presigned upload: POST
 * /api/v1/crates/push/uploads, then PUT /api/v1/crates/push/uploads/{id}) and PUT /api/v1/admin/import (larger ones
 * through the same upload, then PUT /api/v1/admin/import/uploads/{id}).
 */
public final class PublishHandler extends HttpFunction {
    private final PublishService service;
    private final ImportService imports;
    private final StagedPush staged;
    public PublishHandler() {
        this(DaggerPublishComponent.create());
    }

    private PublishHandler(PublishComponent component) {
        this(component.publish(), component.imports(), component.stagedPush());
        buildClientsAtInit(component.clientBuilds());
        // its role writes crates (transactions) and index files
        registerForSnapStart(component.store(), component.blobs(), new Scope(Scope.INDEX_KEY, Call.QUERY, Call.WRITE));
    }

    public PublishHandler(PublishService service, ImportService imports, StagedPush staged) {
        this.service = service;
        this.imports = imports;
        this.staged = staged;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.of(
                "PUT /api/v1/crates/new", this::publish,
                "PUT /api/v1/crates/push", this::push,
                "POST /api/v1/crates/push/uploads", e -> Api.json(200, staged.begin(Api.principal(e))),
                "PUT /api/v1/crates/push/uploads/{id}", e -> pushed(staged.complete(Api.principal(e), Api.pathParam(e, "id"))),
                "PUT /api/v1/admin/import", this::importCrate,
                "PUT /api/v1/admin/import/uploads/{id}", this::importStaged);
    }

    private APIGatewayV2HTTPResponse publish(APIGatewayV2HTTPEvent event) {
        PublishService.Result result = service.publish(Api.principal(event), Api.body(event));
        return Api.json(200, warnings(result));
    }

    /** The body is the .crate itself; the answer is cargo's, plus what was stored. */
    private APIGatewayV2HTTPResponse push(APIGatewayV2HTTPEvent event) {
        return pushed(service.push(Api.principal(event), Api.body(event)));
    }

    private static APIGatewayV2HTTPResponse pushed(PublishService.Result result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", result.name());
        body.put("vers", result.version());
        body.put("cksum", result.cksum());
        body.putAll(warnings(result));
        return Api.json(200, body);
    }

    /** ?pubtime=RFC3339 and ?yanked=true|false carry what the source knows; the body is the .crate. */
    private APIGatewayV2HTTPResponse importCrate(APIGatewayV2HTTPEvent event) {
        ImportQuery q = importQuery(event);
        return Api.json(200, imports.importCrate(Api.principal(event), Api.body(event), q.pubtime(), q.yanked()));
    }

    /**
     * An import of a file uploaded through POST /api/v1/crates/push/uploads (larger than a request carries). Every
     * check, the administrator's included, runs on the staged file, so it is deleted whatever the outcome, as a push's.
     */
    private APIGatewayV2HTTPResponse importStaged(APIGatewayV2HTTPEvent event) {
        Principal principal = Api.principal(event);
        return Api.json(200, staged.take(principal, Api.pathParam(event, "id"), crate -> {
            ImportQuery q = importQuery(event);
            return imports.importCrate(principal, crate, q.pubtime(), q.yanked());
        }));
    }

    private record ImportQuery(Instant pubtime, Boolean yanked) {
    }

    private static ImportQuery importQuery(APIGatewayV2HTTPEvent event) {
        Map<String, String> q = Api.query(event);
        Instant pubtime = null;
        String p = q.get("pubtime");
        if (p != null && !p.isEmpty()) {
            try {
                pubtime = Instant.parse(p);
            } catch (DateTimeParseException e) {
                throw RegistryException.badRequest("`pubtime` must be an RFC 3339 time such as 2020-06-05T00:31:33Z, got `" + p + "`");
            }
        }
        Boolean yanked = null;
        String y = q.get("yanked");
        if (y != null && !y.isEmpty()) {
            if (!y.equals("true") && !y.equals("false")) {
                throw RegistryException.badRequest("`yanked` must be true or false, got `" + y + "`");
            }
            yanked = Boolean.valueOf(y);
        }
        return new ImportQuery(pubtime, yanked);
    }

    private static Map<String, Object> warnings(PublishService.Result result) {
        return Map.of("warnings", Map.of(
                "invalid_categories", List.of(),
                "invalid_badges", List.of(),
                "other", result.otherWarnings()));
    }

    /** Runs the pure publish path (envelope, metadata, tarball, index line, JSON) before the snapshot: no I/O, nothing unique kept. */
    @Override
    protected void prime() {
        super.prime();
        PublishPriming.prime();
    }
}
