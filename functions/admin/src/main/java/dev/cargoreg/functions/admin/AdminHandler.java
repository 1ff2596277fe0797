package dev.cargoreg.functions.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.aws.lambda.HttpFunction;
import dev.cargoreg.aws.lambda.StoragePriming.Call;
import dev.cargoreg.aws.lambda.StoragePriming.Scope;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.admin.UserAdminService;
import dev.cargoreg.core.admin.wire.AdminRequests;
import dev.cargoreg.core.audit.AuditService;
import dev.cargoreg.core.mirror.MirrorPolicyService;
import dev.cargoreg.core.mirror.wire.MirrorPolicyRequests;

import java.util.Map;
import java.util.function.Function;

/**
 * Administrators only: remove a version or a crate, create, list, show, disable, enable and delete users, revoke their
 * tokens, rebuild the index, read the audit trail, manage the crates.io mirror's policy.
 */
public final class AdminHandler extends HttpFunction {
    private final RemovalService removal;
    private final UserAdminService users;
    private final ReindexService reindex;
    private final AuditService audit;
    private final MirrorPolicyService mirrorPolicy;

    public AdminHandler() {
        this(DaggerAdminComponent.create());
    }

    private AdminHandler(AdminComponent component) {
        this(component.removal(), component.users(), component.reindex(), component.audit(), component.mirrorPolicy());
        buildClientsAtInit(component.clientBuilds());
        // its role writes crates (transactions), index files and tarballs
        registerForSnapStart(component.store(), component.blobs(), new Scope(Scope.INDEX_KEY, Call.QUERY, Call.BATCH_GET, Call.WRITE));
    }

    public AdminHandler(RemovalService removal, UserAdminService users, ReindexService reindex, AuditService audit,
                        MirrorPolicyService mirrorPolicy) {
        this.removal = removal;
        this.users = users;
        this.reindex = reindex;
        this.audit = audit;
        this.mirrorPolicy = mirrorPolicy;
    }

    @Override
    protected Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> operations() {
        return Map.ofEntries(
                Map.entry("DELETE /api/v1/crates/{name}", e -> {
                    String name = Api.pathParam(e, "name");
                    int n = removal.removeCrate(Api.principal(e), name);
                    return Api.json(200, Map.of("ok", true, "msg", "removed crate " + name + " and its " + n + " versions"));
                }),
                Map.entry("DELETE /api/v1/crates/{name}/{version}", e -> {
                    String name = Api.pathParam(e, "name");
                    String version = Api.pathParam(e, "version");
                    removal.removeVersion(Api.principal(e), name, version);
                    return Api.json(200, Map.of("ok", true, "msg", "removed " + name + "@" + version));
                }),
                Map.entry("PUT /api/v1/admin/users", e -> Api.json(200, users.createUser(Api.principal(e), AdminRequests.newUser(Api.body(e))))),
                // a part of the registry per request (API Gateway's 30 s, counted from when it received the request):
                // `?after=` a previous answer's `next`
                Map.entry("POST /api/v1/admin/reindex", e -> Api.json(200, reindex.reindex(Api.principal(e),
                        emptyToNull(Api.query(e).get("after")), Api.receivedAt(e)))),
                // offboarding: list, show, disable/enable, revoke tokens, delete (administrators only)
                Map.entry("GET /api/v1/admin/users", e -> Api.json(200, users.list(Api.principal(e)))),
                Map.entry("GET /api/v1/admin/users/{login}", e -> Api.json(200, users.show(Api.principal(e), Api.pathParam(e, "login")))),
                Map.entry("PUT /api/v1/admin/users/{login}/disable", e -> Api.json(200,
                        Map.of("user", users.setDisabled(Api.principal(e), Api.pathParam(e, "login"), true)))),
                Map.entry("PUT /api/v1/admin/users/{login}/enable", e -> Api.json(200,
                        Map.of("user", users.setDisabled(Api.principal(e), Api.pathParam(e, "login"), false)))),
                Map.entry("DELETE /api/v1/admin/users/{login}/tokens", e -> {
                    int n = users.revokeTokens(Api.principal(e), Api.pathParam(e, "login"));
                    return Api.json(200, Map.of("ok", true, "revoked", n));
                }),
                Map.entry("DELETE /api/v1/admin/users/{login}/tokens/{id}", e -> {
                    users.revokeToken(Api.principal(e), Api.pathParam(e, "login"), Api.pathParam(e, "id"));
                    return Api.json(200, Map.of("ok", true));
                }),
                Map.entry("DELETE /api/v1/admin/users/{login}", e -> {
                    users.delete(Api.principal(e), Api.pathParam(e, "login"));
                    return Api.json(200, Map.of("ok", true, "msg", "deleted user " + Api.pathParam(e, "login")));
                }),
                Map.entry("GET /api/v1/admin/audit", e -> Api.json(200, audit.all(Api.principal(e), Api.query(e)))),
                // the crates.io mirror's policy (docs/mirror.md): deny/allow rules, reserved patterns, allowed names
                Map.entry("GET /api/v1/admin/mirror/rules", e -> Api.json(200, mirrorPolicy.rules(Api.principal(e)))),
                Map.entry("PUT /api/v1/admin/mirror/rules/{id}", e -> Api.json(200, mirrorPolicy.putRule(Api.principal(e),
                        Api.pathParam(e, "id"), MirrorPolicyRequests.rule(Api.body(e))))),
                Map.entry("DELETE /api/v1/admin/mirror/rules/{id}", e -> Api.json(200,
                        mirrorPolicy.deleteRule(Api.principal(e), Api.pathParam(e, "id")))),
                Map.entry("GET /api/v1/admin/mirror/reserved", e -> Api.json(200, mirrorPolicy.reserved(Api.principal(e)))),
                Map.entry("PUT /api/v1/admin/mirror/reserved/{pattern}", e -> Api.json(200, mirrorPolicy.putReserved(Api.principal(e),
                        Api.pathParam(e, "pattern"), MirrorPolicyRequests.reason(Api.body(e))))),
                Map.entry("DELETE /api/v1/admin/mirror/reserved/{pattern}", e -> Api.json(200,
                        mirrorPolicy.deleteReserved(Api.principal(e), Api.pathParam(e, "pattern")))),
                Map.entry("GET /api/v1/admin/mirror/allowed", e -> Api.json(200, mirrorPolicy.allowed(Api.principal(e)))),
                Map.entry("PUT /api/v1/admin/mirror/allowed/{name}", e -> Api.json(200, mirrorPolicy.putAllowed(Api.principal(e),
                        Api.pathParam(e, "name"), MirrorPolicyRequests.reason(Api.body(e))))),
                Map.entry("DELETE /api/v1/admin/mirror/allowed/{name}", e -> Api.json(200,
                        mirrorPolicy.deleteAllowed(Api.principal(e), Api.pathParam(e, "name")))));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
