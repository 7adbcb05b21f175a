package io.mpsaas.entitlement.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like client of the console over HTTP: it keeps the cookies it is given, reads the CSRF token from the
 * forms of the pages it loads, and never follows redirects (tests look at them).
 */
final class ConsoleClient {

    static final String ADMIN_KEY = "test-admin-key";
    static final String APP_KEY = "test-app-key";
    static final String CSRF_FIELD = ConsoleAuth.CSRF_FIELD;

    private static final Pattern TOKEN = Pattern.compile("name=\"" + CSRF_FIELD + "\" value=\"([^\"]+)\"");

    private final Map<String, String> cookies = new HashMap<>();
    private String csrfToken;

    /** A client that loaded the login page (it holds a CSRF token) but has not signed in. */
    static ConsoleClient anonymous() {
        ConsoleClient client = new ConsoleClient();
        Response login = client.get("/console/login");
        assertThat(login.statusCode()).isEqualTo(200);
        return client;
    }

    /** A client signed in with the test admin key, on the page the login sent it to (as a browser would be). */
    static ConsoleClient signedIn() {
        ConsoleClient client = anonymous();
        Response response = client.signIn(ADMIN_KEY, null);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(303);
        assertThat(client.get(URI.create(response.header("Location")).getRawPath()).statusCode()).isEqualTo(200);
        return client;
    }

    Response signIn(String key, String next) {
        Map<String, Object> form = new HashMap<>(Map.of("key", key));
        if (next != null) {
            form.put("next", next);
        }
        return post("/console/login", form);
    }

    /** GETs a path whose query is already URL-encoded, as a browser sends a link. */
    Response get(String path) {
        return remember(request().urlEncodingEnabled(false).get(path));
    }

    /** Posts a form with the CSRF token of the last page loaded. */
    Response post(String path, Map<String, ?> form) {
        Map<String, Object> body = new HashMap<>(form);
        if (csrfToken != null) {
            body.put(CSRF_FIELD, csrfToken);
        }
        return postRaw(path, body);
    }

    /** Posts exactly this form (no token added). */
    Response postRaw(String path, Map<String, ?> form) {
        RequestSpecification request = request().contentType("application/x-www-form-urlencoded; charset=UTF-8");
        form.forEach((name, value) -> {
            if (value instanceof List<?> list) {
                request.formParam(name, list.toArray());
            } else {
                request.formParam(name, value);
            }
        });
        return remember(request.post(path));
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

    private RequestSpecification request() {
        return given().redirects().follow(false).cookies(cookies);
    }

    private Response remember(Response response) {
        response.detailedCookies().forEach(c -> {
            if (c.getMaxAge() == 0 || c.getValue().isEmpty()) {
                cookies.remove(c.getName());
            } else {
                cookies.put(c.getName(), c.getValue());
            }
        });
        Matcher m = TOKEN.matcher(response.asString());
        if (m.find()) {
            csrfToken = m.group(1);
        }
        return response;
    }
}
