package io.mpsaas.reliability;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser without JavaScript: keeps cookies, posts forms, reads hidden fields of the last page. */
final class Session {

    private static final Pattern HIDDEN = Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String clientAddress;

    /** {@code clientAddress}: what the trusted proxy puts in {@code X-Forwarded-For} for this browser. */
    Session(String clientAddress) {
        this.clientAddress = clientAddress;
    }

    Suite.Answer get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    Suite.Answer post(URI uri, Map<String, String> form) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    Suite.Answer send(HttpRequest.Builder request) {
        request.timeout(Duration.ofSeconds(30)).header(AttackedSuite.CLIENT_HEADER, clientAddress);
        return Suite.exchange(http, request.build());
    }

    static Map<String, String> hiddenFields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&lt;", "<").replace("&gt;", ">"));
        }
        return fields;
    }

    static String form(Map<String, String> values) {
        StringJoiner body = new StringJoiner("&");
        values.forEach((k, v) -> body.add(Suite.encode(k) + "=" + Suite.encode(v == null ? "" : v)));
        return body.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
