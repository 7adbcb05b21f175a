package io.mpsaas.entitlement.console;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console's addresses as the browser sees them (under {@code quarkus.http.root-path}), and which of them are
 * pages. Customer keys travel as query parameters ({@code /console/customer?key=license%23l-...}), so every page has
 * a fixed path: the set quarkus-rest-csrf issues form tokens on ({@code quarkus.rest-csrf.create-token-path}).
 */
@ApplicationScoped
public class ConsolePaths {

    /** Path of the console below the root path. */
    public static final String BASE = "/console";
    public static final String LOGIN = BASE + "/login";
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

    /** Pages answered to GET: each renders forms (at least the logout button), so each gets a CSRF token. */
    public static final Set<String> PAGES = Set.of(BASE, LOGIN, CUSTOMERS, CUSTOMER, USAGE, FAILURES, PARKED);

    private final String rootPath;

    public ConsolePaths(@ConfigProperty(name = "quarkus.http.root-path", defaultValue = "/") String rootPath) {
        String root = rootPath.endsWith("/") ? rootPath.substring(0, rootPath.length() - 1) : rootPath;
        this.rootPath = root;
    }

    /** Whether a path (relative to the root path) belongs to the console. */
    public static boolean isConsole(String path) {
        return path != null && (path.equals(BASE) || path.startsWith(BASE + "/"));
    }

    /** Whether anonymous visitors may request it: the login page and the stylesheet. */
    public static boolean isPublic(String path) {
        return LOGIN.equals(path) || path.startsWith(BASE + "/assets/");
    }

    /** The console's root as the browser sees it (the session cookie's path). */
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

    /**
     * The page to go back to after the login: only a console page of this site (a path and query of ours), never an
     * absolute or protocol-relative URL; anything else goes to the customer list.
     */
    public String afterLogin(String next) {
        if (next != null && (next.equals(root()) || next.startsWith(root() + "/") || next.startsWith(root() + "?"))
                && !next.startsWith(root() + "/login")
                && next.length() <= 2000 && next.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\')
                && !next.contains("//") && !next.contains("..")) {
            return next;
        }
        return href(CUSTOMERS);
    }
}
