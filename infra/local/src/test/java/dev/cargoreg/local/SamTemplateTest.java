package dev.cargoreg.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamTemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load();

    @Test
    void theDeployedTemplateHasItsRoutesAndFunctions() {
        // 21 + 7 administration (offboarding) + 8 trusted publishing
        assertEquals(36, TEMPLATE.routes().size(), TEMPLATE.routes().toString());
        assertEquals(36, TEMPLATE.routes().stream().map(SamTemplate.ApiRoute::routeKey).distinct().count(), "a route key twice");
        assertEquals(List.of("PublishFunction", "YankFunction", "OwnersFunction", "SearchFunction", "CratesFunction",
                        "AdminFunction", "AuthorizerFunction", "TokensFunction"),
                TEMPLATE.apiFunctions().stream().map(SamTemplate.Function::logicalId).toList());
        assertEquals("AuthorizerFunction", TEMPLATE.authorizer().orElseThrow().logicalId());
        assertTrue(TEMPLATE.routesOf("AuthorizerFunction").isEmpty(), "the authorizer is no route's target");

        // the exchange's credential is the JWT in its body: no authorizer, even on a private registry
        assertFalse(route("POST /api/v1/trusted_publishing/tokens").authorized(true));
        SamTemplate.ApiRoute publish = route("PUT /api/v1/crates/new");
        assertEquals("PublishFunction", publish.functionLogicalId());
        assertEquals("CUSTOM", publish.authorization());
        assertTrue(publish.authorized(false));
        assertTrue(publish.authorized(true));

        SamTemplate.ApiRoute search = route("GET /api/v1/crates");
        assertEquals("SearchFunction", search.functionLogicalId());
        assertEquals("!If [PrivateRegistry, CUSTOM, NONE]", search.authorization());
        assertFalse(search.authorized(false));
        assertTrue(search.authorized(true));

        assertEquals("dev.cargoreg.functions.publish.PublishHandler", TEMPLATE.function("PublishFunction").handlerClass());
        assertEquals("handleRequest", TEMPLATE.function("PublishFunction").handlerMethod());
        assertThrows(IllegalArgumentException.class, () -> TEMPLATE.function("NoSuchFunction"));
    }

    @Test
    void everyRouteReachesAHandlerThatLambdaCanBuild() throws Exception {
        for (SamTemplate.Function f : TEMPLATE.apiFunctions()) {
            assertTrue(f.isJava(), f.logicalId());
            // infra/local depends on every function module, so every handler class is on this classpath
            Class<?> handler = Class.forName(f.handlerClass());
            assertTrue(Modifier.isPublic(handler.getModifiers()) && !Modifier.isAbstract(handler.getModifiers()), f.logicalId());
            assertTrue(Modifier.isPublic(handler.getConstructor().getModifiers()), f.logicalId() + ": public no-arg constructor");
            assertTrue(Arrays.stream(handler.getMethods()).map(Method::getName).anyMatch(f.handlerMethod()::equals),
                    f.logicalId() + " has no public " + f.handlerMethod());
        }
    }

    @Test
    void everyJavaFunctionDeploysTheJarItsModuleBuilds() {
        Path root = Path.of(System.getProperty("project.root", "../.."));
        Set<String> deployed = new TreeSet<>();
        for (SamTemplate.Function f : TEMPLATE.functions()) {
            if (!f.isJava()) {
                assertNull(f.handlerClass());
                continue;
            }
            var m = Pattern.compile("functions/([a-z0-9-]+)/target/\\1-lambda\\.jar").matcher(f.codeUri());
            assertTrue(m.matches(), f.logicalId() + ": CodeUri " + f.codeUri() + " is not functions/<m>/target/<m>-lambda.jar");
            assertTrue(Files.isRegularFile(root.resolve("functions").resolve(m.group(1)).resolve("pom.xml")), f.codeUri());
            deployed.add(m.group(1));
        }
        // and no function module is left undeployed
        try (var modules = Files.list(root.resolve("functions"))) {
            assertEquals(modules.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).map(d -> d.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new)), deployed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shortTagsLongFormsAndGlobals() {
        SamTemplate t = parse("""
                Conditions:
                  PrivateRegistry: !Equals [!Ref AuthRequired, "true"]
                Globals:
                  Function:
                    Runtime: java21
                    CodeUri: app.jar
                    Environment:
                      Variables:
                        TABLE: !Ref Table
                        MODE: global
                        SIZE: 5
                Resources:
                  Api:
                    Type: AWS::ApiGatewayV2::Api
                  AFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.AHandler
                      Environment:
                        Variables:
                          MODE: own
                          URL: !Sub "https://${Api}.example"
                  BFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: b.BHandler::handle
                  NodeFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: nodejs24.x
                      CodeUri: node/
                      Handler: index.handler
                  AIntegration:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties:
                      IntegrationUri: {"Ref": "AFunction.Alias"}
                  BIntegration:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties:
                      IntegrationUri: !Sub "arn:${AWS::Partition}:apigateway:lambda:path/functions/${BFunction.Arn}/invocations"
                  Auth:
                    Type: AWS::ApiGatewayV2::Authorizer
                    Properties:
                      AuthorizerUri: !Sub "arn:aws:apigateway:lambda:path/functions/${BFunction.Alias}/invocations"
                  ARoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties:
                      RouteKey: GET /a/{id}
                      Target: !Join ["", ["integrations/", !Ref AIntegration]]
                  BRoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties:
                      RouteKey: PUT /b
                      Target: {"Fn::Sub": "integrations/${BIntegration}"}
                      AuthorizationType: !If [PrivateRegistry, CUSTOM, NONE]
                      AuthorizerId: !If [PrivateRegistry, !Ref Auth, !Ref AWS::NoValue]
                """);
        SamTemplate.Function a = t.function("AFunction");
        assertEquals("a.AHandler", a.handlerClass());
        assertEquals("handleRequest", a.handlerMethod());
        assertEquals("app.jar", a.codeUri());
        assertEquals(Map.of("MODE", "own", "SIZE", "5"), a.literalEnvironment());
        assertEquals("handle", t.function("BFunction").handlerMethod());
        SamTemplate.Function node = t.function("NodeFunction");
        assertFalse(node.isJava());
        assertEquals("index.handler", node.handlerMethod());
        assertEquals("node/", node.codeUri());

        assertEquals(List.of("GET /a/{id}", "PUT /b"), t.routes().stream().map(SamTemplate.ApiRoute::routeKey).toList());
        assertEquals("AFunction", t.routes().get(0).functionLogicalId());
        assertFalse(t.routes().get(0).authorized(true), "no AuthorizationType is NONE");
        assertEquals("BFunction", t.routes().get(1).functionLogicalId());
        assertFalse(t.routes().get(1).authorized(false));
        assertTrue(t.routes().get(1).authorized(true));
        assertEquals(List.of("AFunction", "BFunction"), t.apiFunctions().stream().map(SamTemplate.Function::logicalId).toList());
        assertEquals("BFunction", t.authorizer().orElseThrow().logicalId());
    }

    @Test
    void aRouteThatLeadsNowhereIsRefused() {
        String head = """
                Resources:
                  AFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: a.AHandler
                  AIntegration:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties:
                      IntegrationUri: !Ref SomethingElse
                """;
        var e = assertThrows(IllegalArgumentException.class, () -> parse(head + """
                  ARoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties:
                      RouteKey: GET /a
                      Target: !Sub "integrations/${AIntegration}"
                """));
        assertTrue(e.getMessage().contains("AIntegration.IntegrationUri"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse(head.replace("SomethingElse", "AFunction.Alias") + """
                  ARoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties:
                      RouteKey: GET /a
                      Target: !Sub "integrations/${AIntegration}"
                      AuthorizationType: !If [OtherCondition, CUSTOM, NONE]
                """));
        assertTrue(e.getMessage().contains("OtherCondition"), e.getMessage());
    }

    private static SamTemplate.ApiRoute route(String key) {
        return TEMPLATE.routes().stream().filter(r -> r.routeKey().equals(key)).findFirst().orElseThrow(() -> new AssertionError(key));
    }

    private static SamTemplate parse(String yaml) {
        return SamTemplate.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
