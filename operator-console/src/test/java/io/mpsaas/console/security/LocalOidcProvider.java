package io.mpsaas.console.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OpenID Connect provider on a local port, for the console's sign-in tests: discovery, JWKS, the authorization
 * endpoint (which signs in at once whoever the test names with {@code test_user} and {@code test_groups}, as a person
 * would at a real provider) and the token endpoint, which answers an RS256-signed ID token for the code it issued. Only
 * what the authorization code flow needs; a code is good once.
 */
public class LocalOidcProvider implements QuarkusTestResourceLifecycleManager {

    /** The client secret the console is configured with in the tests; the token endpoint checks it. */
    public static final String CLIENT_SECRET = "test-client-secret";

    private final Map<String, String[]> codes = new ConcurrentHashMap<>();
    private HttpServer server;
    private KeyPair keys;
    private String issuer;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/sellers";
        server.createContext("/realms/sellers/.well-known/openid-configuration", x -> json(x, 200, "{\"issuer\":\""
                + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer
                + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\",\"response_types_supported\":[\"code\"],"
                + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
        server.createContext("/realms/sellers/jwks", x -> json(x, 200, jwks()));
        server.createContext("/realms/sellers/authorize", this::authorize);
        server.createContext("/realms/sellers/token", this::token);
        server.start();
        return Map.of("suite.console.oidc.issuer", issuer, "suite.console.oidc.client-secret", CLIENT_SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        String redirect = query.get("redirect_uri");
        if (redirect == null || !"code".equals(query.get("response_type")) || query.get("test_user") == null) {
            json(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new String[] {query.get("test_user"), query.getOrDefault("test_groups", ""),
                query.get("client_id")});
        String location = redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code + "&state="
                + URLEncoder.encode(query.getOrDefault("state", ""), StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String[] user = codes.remove(body.getOrDefault("code", ""));
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        String clientSecret = body.get("client_secret");
        if (basic != null && basic.startsWith("Basic ")) {
            String pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
            clientSecret = URLDecoder.decode(pair.substring(pair.indexOf(':') + 1), StandardCharsets.UTF_8);
        }
        if (user == null || !"authorization_code".equals(body.get("grant_type"))
                || !CLIENT_SECRET.equals(clientSecret)) {
            json(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        long now = Instant.now().getEpochSecond();
        String groups = user[1].isEmpty() ? "" : "\"" + String.join("\",\"", user[1].split(",")) + "\"";
        String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"" + user[0] + "\",\"aud\":\"" + user[2]
                + "\",\"azp\":\"" + user[2] + "\",\"iat\":" + now + ",\"exp\":" + (now + 300) + ",\"groups\":["
                + groups + "],\"preferred_username\":\"" + user[0] + "\"}";
        String token = signed(claims);
        json(exchange, 200, "{\"access_token\":\"" + token + "\",\"id_token\":\"" + token
                + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
    }

    private String signed(String claims) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String input = url.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}"
                .getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + url.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String jwks() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}]}";
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        byte[] trimmed = new byte[bytes.length - skip];
        System.arraycopy(bytes, skip, trimmed, 0, trimmed.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(trimmed);
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
