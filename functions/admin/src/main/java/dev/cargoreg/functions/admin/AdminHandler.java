package dev.cargoreg.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cargoreg.aws.lambda.Api;
import dev.cargoreg.core.auth.Principal;
import dev.cargoreg.core.admin.ReindexService;
import dev.cargoreg.core.admin.RemovalService;
import dev.cargoreg.core.admin.UserAdminService;
import org.crac.Core;
import org.crac.Resource;

import java.util.Map;

/** Administrators only: remove a version or a crate, create users. */
public final class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final RemovalService removal;
    private final UserAdminService users;
    private final ReindexService reindex;

    public AdminHandler() {
        this(DaggerAdminComponent.create());
        Core.getGlobalContext().register(this);
    }

    private AdminHandler(AdminComponent component) {
        this(component.removalService(), component.userAdminService(), component.reindexService());
    }

    public AdminHandler(RemovalService removal, UserAdminService users, ReindexService reindex) {
        this.removal = removal;
        this.users = users;
        this.reindex = reindex;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Api.handle(() -> {
            Principal auth = Api.principal(event);
            return switch (Api.method(event) + " " + Api.route(event)) {
                case "DELETE /api/v1/crates/{name}" -> {
                    String name = Api.pathParam(event, "name");
                    int n = removal.removeCrate(auth, name);
                    yield Api.json(200, Map.of("ok", true, "msg", "removed crate " + name + " and its " + n + " versions"));
                }
                case "DELETE /api/v1/crates/{name}/{version}" -> {
                    String name = Api.pathParam(event, "name");
                    String version = Api.pathParam(event, "version");
                    removal.removeVersion(auth, name, version);
                    yield Api.json(200, Map.of("ok", true, "msg", "removed " + name + "@" + version));
                }
                case "PUT /api/v1/admin/users" -> Api.json(200, users.createUser(auth, Api.body(event)));
                case "POST /api/v1/admin/reindex" -> Api.json(200, reindex.reindex(auth));
                default -> Api.error(404, "Not Found");
            };
        });
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Api.prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing captured that needs refreshing
    }
}
