package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.deploy.support.Repo;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No service ships a Netty or a Jackson below the security floors (README, "Requirements": Netty's 2026 request
 * smuggling and HTTP/2 denial-of-service advisories, Jackson's parser-limit bypasses). Read from what is really
 * packaged, {@code <service>/target/quarkus-app/lib}, so that no later dependency change can bring an old one back
 * quietly: Netty and Jackson jars by their versions, and the copy of jackson-core the AWS SDK shades inside
 * {@code third-party-jackson-core} by the version it reports itself. The floors come from the root pom
 * ({@code netty.floor}, {@code jackson.floor}).
 */
class PackagedLibrariesTest {

    private static final Pattern NETTY = Pattern.compile("io\\.netty\\.(netty-[a-z0-9-]+?)-(\\d+\\.\\d+\\.\\d+)\\.Final"
            + "(-[a-z0-9_-]+)?\\.jar");
    private static final Pattern JACKSON = Pattern.compile("com\\.fasterxml\\.jackson\\.[a-z.]+?\\.(jackson-[a-z0-9-]+?)"
            + "-(\\d+\\.\\d+(?:\\.\\d+)?)\\.jar");
    private static final Pattern AWS_SHADED_JACKSON = Pattern.compile(
            "software\\.amazon\\.awssdk\\.third-party-jackson-core-.+\\.jar");
    private static final String SHADED_VERSION_CLASS = "software.amazon.awssdk.thirdparty.jackson.core.json.PackageVersion";

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("services")
    void packagedNettyAndJackson_areAtOrAboveTheSecurityFloors(String service) throws Exception {
        // GIVEN the floors and the service as packaged by this reactor
        String nettyFloor = floor("netty.floor");
        String jacksonFloor = floor("jackson.floor");
        Path lib = Repo.root().resolve(service).resolve("target/quarkus-app/lib");
        assertThat(lib).as("%s packaged? (./mvnw package)", service).isDirectory();

        // WHEN every jar's version is read
        Map<String, String> netty = new TreeMap<>();
        Map<String, String> jackson = new TreeMap<>();
        try (Stream<Path> jars = Files.walk(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                String name = jar.getFileName().toString();
                Matcher n = NETTY.matcher(name);
                Matcher j = JACKSON.matcher(name);
                if (n.matches()) {
                    netty.put(n.group(1) + (n.group(3) == null ? "" : n.group(3)), n.group(2));
                } else if (j.matches() && !j.group(1).equals("jackson-annotations")) {
                    // jackson-annotations carries no parser and is versioned 2.x without a patch number
                    jackson.put(j.group(1), j.group(2));
                } else if (AWS_SHADED_JACKSON.matcher(name).matches()) {
                    jackson.put("jackson-core shaded in " + name, shadedJacksonVersion(jar));
                }
            }
        }

        // THEN the parsers a client reaches are there (so this test cannot pass on an empty directory) ...
        assertThat(netty).as("%s: Netty jars", service).containsKeys("netty-codec-http", "netty-handler");
        assertThat(jackson).as("%s: Jackson jars", service).containsKeys("jackson-core", "jackson-databind");
        // ... and none is below its floor
        List<String> below = new ArrayList<>();
        netty.forEach((artifact, version) -> {
            if (compare(version, nettyFloor) < 0) {
                below.add(artifact + " " + version + " < Netty floor " + nettyFloor);
            }
        });
        jackson.forEach((artifact, version) -> {
            if (compare(version, jacksonFloor) < 0) {
                below.add(artifact + " " + version + " < Jackson floor " + jacksonFloor);
            }
        });
        assertThat(below).as("%s ships known-vulnerable libraries", service).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void versionsCompareNumerically() {
        assertThat(compare("4.1.139", "4.1.138")).isPositive();
        assertThat(compare("4.1.99", "4.1.138")).isNegative();
        assertThat(compare("4.2.0", "4.1.138")).isPositive();
        assertThat(compare("2.21.5", "2.21.5")).isZero();
        assertThat(compare("2.21", "2.21.5")).isNegative();
        assertThat(compare("2.18.5", "2.21.5")).isNegative();
    }

    private static String floor(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (set from the root pom)", property).isNotBlank();
        return value;
    }

    /** The version jackson-core reports of itself inside the AWS SDK's shaded jar. */
    private static String shadedJacksonVersion(Path jar) throws IOException, ReflectiveOperationException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> type = Class.forName(SHADED_VERSION_CLASS, true, loader);
            Object version = type.getField("VERSION").get(null);
            String text = version.toString(); // "2.21.8", or "2.21.8-SNAPSHOT"
            int dash = text.indexOf('-');
            return dash < 0 ? text : text.substring(0, dash);
        }
    }

    /** Compares dotted version numbers; a missing part counts as lower than any present one. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            if (i >= x.length) {
                return -1;
            }
            if (i >= y.length) {
                return 1;
            }
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
