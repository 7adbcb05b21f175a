package io.mpsaas.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like client of the operator console over HTTP: it keeps the cookies it is given (and shows their
 * attributes), reads the CSRF token from the forms of the pages it loads, and never follows redirects (the tests look
 * at them).
 */
final class ConsoleClient {

    private static final Pattern TOKEN = Pattern.compile("name=\"(csrf[^\"]*)\" value=\"([^\"]+)\"");

    /** One Set-Cookie as the console sent it. */
    record SetCookie(String name, String value, String attributes) {

        boolean has(String attribute) {
            return attributes.toLowerCase(java.util.Locale.ROOT).contains(attribute.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** An answer: status, Location, body, and the cookies set by it. */
    record Answer(int status, String location, String body, Map<String, SetCookie> cookies) {
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String csrfField;
    private String csrfToken;

    ConsoleClient(URI base) {
        this.base = base;
    }

    /** Signs in with a name and key through the form, as a browser does: the login page, then its form. */
    Answer signIn(String name, String key) {
        get("/console/login");
        return postRaw("/console/j_security_check", Map.of("operator", name, "key", key));
    }

    /** A client that signed in and followed the redirect onto its page. */
    static ConsoleClient signedIn(URI base, String key) {
        ConsoleClient client = new ConsoleClient(base);
        Answer answer = client.signIn("operator-e2e", key);
        assertThat(answer.status()).as(answer.body()).isEqualTo(302);
        assertThat(client.get(URI.create(answer.location()).getRawPath()).status()).isEqualTo(200);
        return client;
    }

    /** GETs a path whose query is already URL-encoded, as a browser sends a link. */
    Answer get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
    }

    /** Posts a form with the CSRF token of the last page loaded. */
    Answer post(String path, Map<String, ?> form) {
        Map<String, Object> body = new LinkedHashMap<>(form);
        if (csrfToken != null) {
            body.put(csrfField, csrfToken);
        }
        return postRaw(path, body);
    }

    /** Posts exactly this form (no token added). */
    Answer postRaw(String path, Map<String, ?> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> {
            for (Object v : value instanceof List<?> list ? list : List.of(value)) {
                body.add(encode(name) + "=" + encode(String.valueOf(v)));
            }
        });
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** The name and value of the CSRF token of the last page loaded. */
    String csrfField() {
        return csrfField;
    }

    String csrfToken() {
        return csrfToken;
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    void cookie(String name, String value) {
        if (value == null) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }

    private Answer send(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            StringJoiner header = new StringJoiner("; ");
            cookies.forEach((k, v) -> header.add(k + "=" + v));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, SetCookie> set = new LinkedHashMap<>();
        for (String header : response.headers().allValues("set-cookie")) {
            int eq = header.indexOf('=');
            int semi = header.indexOf(';');
            String name = header.substring(0, eq).strip();
            String value = header.substring(eq + 1, semi < 0 ? header.length() : semi);
            String attributes = semi < 0 ? "" : header.substring(semi);
            set.put(name, new SetCookie(name, value, attributes));
            boolean expired = value.isEmpty() || attributes.toLowerCase(java.util.Locale.ROOT).contains("max-age=0");
            if (expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        Matcher m = TOKEN.matcher(response.body());
        if (m.find()) {
            csrfField = m.group(1);
            csrfToken = m.group(2);
        }
        return new Answer(response.statusCode(), response.headers().firstValue("location").orElse(null),
                response.body(), set);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
