package dev.cargoreg.core.trustpub;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.cargoreg.core.error.RegistryException;
import dev.cargoreg.core.json.Json;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a CI provider's OIDC token (a JWT) the way crates.io does, with nimbus-jose-jwt doing the JOSE work: the
 * issuer must be a trusted one; RS256 only; the key comes from the issuer's JWKS (found through its OpenID discovery
 * document, cached, and fetched again when a token names a key id it does not know); `iss`, `aud` (exactly the
 * registry's API URL without its scheme, as crates-io-auth-action asks for it; a single string), `exp`, `iat` and
 * `jti` are required, `nbf` is checked when present, and an `iat` in the future is refused. Every refusal is a 400
 * saying why; nothing is minted.
 */
public final class OidcVerifier {
    /** Clock skew allowed on exp, nbf and iat. */
    static final Duration LEEWAY = Duration.ofSeconds(60);
    /** The JWKS is re-read at most this often when tokens name unknown key ids, and kept this long otherwise. */
    static final Duration KEY_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration KEY_CACHE_TTL = Duration.ofMinutes(15);

    private final Map<String, String> issuers;
    private final String audience;
    private final Clock clock;
    private final ResourceRetriever retriever = new DefaultResourceRetriever(5_000, 5_000, 512 * 1024);
    private final Map<String, JWKSource<SecurityContext>> keys = new ConcurrentHashMap<>();

    /** @param issuers issuer URL → provider ({@code github}, {@code gitlab}) */
    public OidcVerifier(Map<String, String> issuers, String audience, Clock clock) {
        this.issuers = Map.copyOf(issuers);
        this.audience = audience;
        this.clock = clock;
    }

    /** A verified token: its issuer, the issuer's provider and the claims. */
    public record Verified(String issuer, String provider, JWTClaimsSet claims) {
        public String claim(String name) {
            Object v = claims.getClaim(name);
            return v == null ? null : v.toString();
        }
    }

    public Verified verify(String token) {
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw RegistryException.badRequest("Failed to decode JWT: it is not a JWT");
        }
        if (!(parsed instanceof SignedJWT signed)) {
            throw RegistryException.badRequest("Failed to decode JWT: unsigned or encrypted JWTs (alg `"
                    + parsed.getHeader().getAlgorithm() + "`) are refused; only RS256");
        }
        String issuer;
        try {
            issuer = signed.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw RegistryException.badRequest("Failed to decode JWT: its claims are not valid");
        }
        String provider = issuer == null ? null : issuers.get(issuer);
        if (provider == null) {
            throw RegistryException.badRequest("Unsupported JWT issuer: " + issuer);
        }
        if (!JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
            throw RegistryException.badRequest("Failed to decode JWT: algorithm `" + signed.getHeader().getAlgorithm()
                    + "` is refused; only RS256");
        }
        String kid = signed.getHeader().getKeyID();
        if (kid == null) {
            throw RegistryException.badRequest("Missing JWT key ID");
        }
        JWKSource<SecurityContext> source = keys.computeIfAbsent(issuer, this::discover);
        try {
            // an unknown kid makes the source fetch the JWKS again (rate-limited), so rotated keys are picked up
            if (source.get(new JWKSelector(new JWKMatcher.Builder().keyID(kid).keyType(KeyType.RSA).build()), null).isEmpty()) {
                throw RegistryException.badRequest("Invalid JWT key ID: the issuer " + issuer + " has no key `" + kid + "`");
            }
        } catch (KeySourceException e) {
            throw new RegistryException(503, "Failed to load the OIDC key set of " + issuer + "; try again");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, source));
        DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("iss", "aud", "exp", "iat", "jti")) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claimsVerifier.setMaxClockSkew((int) LEEWAY.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, null);
        } catch (BadJOSEException e) {
            throw RegistryException.badRequest("Failed to decode JWT: " + e.getMessage());
        } catch (JOSEException e) {
            throw new RegistryException(503, "Failed to verify the JWT's signature; try again");
        }
        // as crates.io: one audience, a string (the parsed claims no longer tell a string from a one-element array)
        if (!(signed.getPayload().toJSONObject().get("aud") instanceof String)) {
            throw RegistryException.badRequest("Failed to decode JWT: `aud` must be a single string, `" + audience + "`");
        }
        Instant now = clock.instant();
        if (claims.getIssueTime().toInstant().isAfter(now.plus(LEEWAY))) {
            throw RegistryException.badRequest("Failed to decode JWT: it was issued in the future (iat)");
        }
        return new Verified(issuer, provider, claims);
    }

    /** The issuer's JWKS, through its OpenID discovery document (the document's `issuer` must be the issuer). */
    private JWKSource<SecurityContext> discover(String issuer) {
        try {
            URL discovery = secure(issuer + "/.well-known/openid-configuration");
            JsonNode doc = Json.readTree(retriever.retrieveResource(discovery).getContent());
            if (!issuer.equals(doc.path("issuer").asText())) {
                throw new IOException("the discovery document names another issuer");
            }
            URL jwks = secure(doc.path("jwks_uri").asText());
            return JWKSourceBuilder.<SecurityContext>create(jwks, retriever)
                    .cache(KEY_CACHE_TTL.toMillis(), 5_000)
                    .rateLimited(KEY_REFRESH_MIN_INTERVAL.toMillis())
                    .retrying(true)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new RegistryException(503, "Failed to load the OpenID configuration of " + issuer + "; try again");
        }
    }

    /** HTTPS, except on loopback (a local issuer in tests and local runs). */
    private static URL secure(String url) throws MalformedURLException {
        URI uri = URI.create(url);
        String host = uri.getHost();
        boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        if (!"https".equals(uri.getScheme()) && !(loopback && "http".equals(uri.getScheme()))) {
            throw new MalformedURLException("not https: " + url);
        }
        return uri.toURL();
    }
}
