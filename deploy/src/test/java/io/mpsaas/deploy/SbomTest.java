package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.deploy.support.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each service's CycloneDX SBOM (cyclonedx-maven-plugin at package time: {@code <service>/target/bom.json}, which the
 * images carry) names every library the service really ships: each jar of its {@code target/quarkus-app/lib}, with
 * the version packaged. A library Maven would not list (added outside the dependency tree) fails here by name.
 */
class SbomTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("services")
    void sbom_isCycloneDx_ofTheService(String service) throws IOException {
        // GIVEN the SBOM of the service, as the build wrote it
        JsonNode bom = bom(service);

        // THEN
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.path("specVersion").asText()).matches("1\\.[4-9]");
        assertThat(bom.at("/metadata/component/name").asText()).isEqualTo(service);
        assertThat(bom.at("/metadata/component/purl").asText()).startsWith("pkg:maven/io.mpsaas/" + service + "@");
        assertThat(bom.path("components")).hasSizeGreaterThan(100);
    }

    @ParameterizedTest
    @MethodSource("services")
    void sbom_namesEveryPackagedJar_withItsVersion(String service) throws IOException {
        // GIVEN every component as Quarkus names its jar: <group>.<artifact>-<version>[-<classifier>].jar
        Set<String> named = new TreeSet<>();
        for (JsonNode component : bom(service).path("components")) {
            String purl = component.path("purl").asText();
            String classifier = purl.contains("classifier=") ? "-" + purl.replaceAll(".*classifier=([^&]+).*", "$1")
                    : "";
            named.add(component.path("group").asText() + "." + component.path("name").asText() + "-"
                    + component.path("version").asText() + classifier + ".jar");
        }

        // WHEN the packaged application's libraries are listed
        Path lib = Repo.root().resolve(service).resolve("target/quarkus-app/lib");
        assertThat(lib).as("%s packaged? (./mvnw package)", service).isDirectory();
        List<String> packaged = new ArrayList<>();
        try (Stream<Path> jars = Files.walk(lib)) {
            jars.filter(p -> p.toString().endsWith(".jar")).forEach(p -> packaged.add(p.getFileName().toString()));
        }

        // THEN each is in the SBOM, at the version shipped
        assertThat(packaged).as("%s libraries", service).hasSizeGreaterThan(100);
        assertThat(packaged).as("%s: packaged jars the SBOM does not name", service).allSatisfy(jar ->
                assertThat(named).contains(jar));
    }

    private static JsonNode bom(String service) throws IOException {
        Path file = Repo.root().resolve(service).resolve("target/bom.json");
        assertThat(file).as("%s/target/bom.json (cyclonedx-maven-plugin at package)", service).isRegularFile();
        return JSON.readTree(file.toFile());
    }
}
