package io.mpsaas.console.rest;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console's addresses as the browser sees them (under {@code quarkus.http.root-path}). Customer keys travel as
 * query parameters ({@code /console/customer?key=license%23l-...}), so every page has a fixed path. The sign-in paths
 * ({@link #LOGIN}, {@link #SIGN_IN}) are Quarkus's form authentication's ({@code quarkus.http.auth.form.*}).
 */
@ApplicationScoped
public class ConsolePaths {

    /** Path of the console below the root path. */
    public static final String BASE = "/console";
    public static final String LOGIN = BASE + "/login";
    /** Where the sign-in form posts: {@code quarkus.http.auth.form.post-location}. */
    public static final String SIGN_IN = BASE + "/j_security_check";
    public static final String LOGOUT = BASE + "/logout";
    public static final String CUSTOMERS = BASE + "/customers";
    public static final String SEARCH = BASE + "/search";
    public static final String CUSTOMER = BASE + "/customer";
    public static final String USAGE = BASE + "/usage";
    public static final String FAILURES = BASE + "/failures";
    public static final String PARKED = BASE + "/parked";
    public static final String REPLAY = BASE + "/parked/replay";
    public static final String REDRIVE = BASE + "/metering/redrive";
    public static final String STYLESHEET = BASE + "/assets/console.css";

    private final String rootPath;

    public ConsolePaths(@ConfigProperty(name = "quarkus.http.root-path", defaultValue = "/") String rootPath) {
        this.rootPath = rootPath.endsWith("/") ? rootPath.substring(0, rootPath.length() - 1) : rootPath;
    }

    /** Whether a path (relative to the root path) belongs to the console. */
    public static boolean isConsole(String path) {
        return path != null && (path.equals(BASE) || path.startsWith(BASE + "/"));
    }

    /** The console's root as the browser sees it. */
    public String root() {
        return rootPath + BASE;
    }

    /** A console path as the browser sees it. */
    public String href(String path) {
        return rootPath + path;
    }

    /** A console path with one query parameter. */
    public String href(String path, String name, String value) {
        return href(path) + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Where a customer's detail page is. */
    public String customer(String customerKey) {
        return href(CUSTOMER, "key", customerKey);
    }

    /** Where a customer's usage page is. */
    public String usage(String customerKey) {
        return href(USAGE, "key", customerKey);
    }

    /** A page to go back to after a form: only a console page of this site, else {@code fallback}. */
    public String back(String back, String fallback) {
        return back != null && back.startsWith(root() + "/") && !back.contains("//") && back.length() <= 2000
                && back.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\') ? back : href(fallback);
    }
}
