package dev.cargoreg.core.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CI provider's OIDC issuer on loopback, for trusted-publishing tests: its own RSA keys, an OpenID discovery
 * document and a JWKS over HTTP, and tokens signed the way GitHub Actions signs them (RS256, `kid`, `typ: JWT`), or
 * signed wrongly on purpose.
 */
public final class LocalOidcIssuer implements AutoCloseable {
    private final HttpServer server;
    private final String url;
    private final List<RSAKey> published = new ArrayList<>();
    private RSAKey current;
    private final AtomicInteger jwksFetches = new AtomicInteger();

    public LocalOidcIssuer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        current = newKey();
        published.add(current);
        server.createContext("/.well-known/openid-configuration", ex -> respond(ex,
                "{\"issuer\":\"" + url + "\",\"jwks_uri\":\"" + url + "/.well-known/jwks\"}"));
        server.createContext("/.well-known/jwks", ex -> {
            jwksFetches.incrementAndGet();
            String body;
            synchronized (this) {
                body = new JWKSet(new ArrayList<>(published)).toPublicJWKSet().toString();
            }
            respond(ex, body);
        });
        server.start();
    }

    private static void respond(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer URL (the `iss` of its tokens). */
    public String url() {
        return url;
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** A new signing key, published in the JWKS beside the old ones (key rotation). */
    public synchronized void rotate() {
        current = newKey();
        published.add(current);
    }

    /** GitHub Actions' claims for a run of {@code workflow} in {@code repository}, valid now for five minutes. */
    public JWTClaimsSet.Builder github(String audience, String repository, String ownerId, String workflow, Instant now) {
        return new JWTClaimsSet.Builder().issuer(url).audience(audience).subject("repo:" + repository + ":ref:refs/heads/main")
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("repository", repository).claim("repository_owner", repository.split("/")[0])
                .claim("repository_owner_id", ownerId).claim("event_name", "push")
                .claim("workflow_ref", repository + "/.github/workflows/" + workflow + "@refs/heads/main")
                .claim("run_id", "4242").claim("sha", "0123456789abcdef0123456789abcdef01234567");
    }

    /** GitLab CI's claims for a job of {@code project} (namespace/project) run from {@code ciFile}, valid for five minutes. */
    public JWTClaimsSet.Builder gitlab(String audience, String project, String namespaceId, String ciFile, Instant now) {
        return new JWTClaimsSet.Builder().issuer(url).audience(audience).subject("project_path:" + project + ":ref_type:branch:ref:main")
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("project_path", project).claim("namespace_path", project.substring(0, project.lastIndexOf('/')))
                .claim("namespace_id", namespaceId).claim("pipeline_id", "777").claim("job_id", "8888")
                .claim("ci_config_ref_uri", "gitlab.example.com/" + project + "//" + ciFile + "@refs/heads/main")
                .claim("sha", "fedcba9876543210fedcba9876543210fedcba98");
    }

    /** Signed RS256 with the current key. */
    public String sign(JWTClaimsSet claims) {
        return sign(claims, current);
    }

    /** Signed RS256 with a key the JWKS does not have (its kid is unknown). */
    public String signWithUnknownKey(JWTClaimsSet claims) {
        return sign(claims, newKey());
    }

    /** Signed RS256 with a key whose kid is published, but by another private key (a forged signature). */
    public String signForged(JWTClaimsSet claims) {
        RSAKey other = newKey();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(current.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(other));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic key-confusion attack: HS256 with the issuer's public key as the HMAC secret. */
    public String signHs256WithPublicKey(JWTClaimsSet claims) {
        try {
            byte[] secret = current.toPublicJWK().toRSAPublicKey().getEncoded();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(current.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token: header {"alg":"none"}, the claims, an empty signature. */
    public String unsigned(JWTClaimsSet claims) {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        return header + "." + Base64URL.encode(claims.toString()) + ".";
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of POST /api/v1/trusted_publishing/tokens. */
    public static String exchangeBody(String jwt) {
        return "{\"jwt\":\"" + jwt + "\"}";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Claims as a map, for tests that tamper with them. */
    public static Map<String, Object> asMap(JWTClaimsSet claims) {
        return claims.toJSONObject();
    }
}
