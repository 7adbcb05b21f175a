package io.mpsaas.common.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpsaas.common.customer.CompanyIndex;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.SubscriptionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A reactor test over every module's main sources: an item shape read by more than one module is defined once, in
 * {@code common} (the customers table: {@link CustomerKeys}, {@link CompanyIndex}, {@code CustomerAttributes},
 * {@code RegistrationRecord}); an item shape one service owns stays in that service (metering-service's usage table);
 * no module keeps a copy of another's item layout or status names as string literals. The operator console is checked
 * by its own ArchitectureTest to import nothing of the AWS SDK or of {@code common}.
 */
class SharedItemShapesTest {

    /** Modules whose main sources are checked; the sandbox is AWS's stand-in and keeps AWS's own names. */
    private static final List<String> MODULES = List.of("common", "onboarding-service", "entitlement-service",
            "metering-service", "operator-console");

    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void theCustomersTablesKeys_areSpelledOnlyInCommon() throws IllegalAccessException {
        Set<String> layout = new LinkedHashSet<>(constants(CustomerKeys.class));
        layout.addAll(constants(CompanyIndex.class));
        // customer#<key> is also the conventional partition of a customer's items in other tables (inbox history,
        // usage by customer): those spell their own prefix; the customers table's legacy keys use CustomerKeys
        layout.remove(CustomerKeys.LEGACY_PREFIX);
        assertThat(layout).contains(CustomerKeys.LICENSE_PREFIX, CustomerKeys.CUSTOMER_SK, CompanyIndex.PARTITION);
        assertThat(literalsOutside("common", layout)).as("copies of the customers table's layout").isEmpty();
    }

    @Test
    void theUsageTablesLayout_andMeteringsStatusNames_stayInMeteringService() {
        Set<String> layout = Set.of("agg#", "AGGREGATE", "failed#", "pending#");
        assertThat(literals("metering-service", layout)).as("metering-service spells its layout").isNotEmpty();
        assertThat(literalsOutside("metering-service", layout)).as("copies of the usage table's layout").isEmpty();
        Set<String> statuses = enumConstants(module("metering-service").resolve(
                "src/main/java/io/mpsaas/metering/domain/AggregateStatus.java"));
        assertThat(statuses).contains("CUSTOMER_NOT_SUBSCRIBED", "FAILED", "SENT");
        assertThat(literalsOutside("metering-service", statuses)).as("copies of metering's status names").isEmpty();
    }

    @Test
    void subscriptionStates_areNamedOnlyByTheSharedEnum_outsideTheServiceThatWritesThem() {
        Set<String> states = new LinkedHashSet<>();
        Arrays.stream(SubscriptionState.values()).forEach(s -> states.add(s.name()));
        List<String> found = new ArrayList<>();
        for (String module : List.of("onboarding-service", "metering-service", "operator-console")) {
            found.addAll(literals(module, states));
        }
        assertThat(found).as("copies of the subscription states").isEmpty();
    }

    @Test
    void theConsole_usesNoSharedShape_andNoAwsSdk_inItsSources() throws IOException {
        try (Stream<Path> files = Files.walk(module("operator-console").resolve("src/main/java"))) {
            List<String> imports = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> lines(f).stream())
                    .filter(l -> l.startsWith("import software.amazon.") || l.startsWith("import io.mpsaas.common."))
                    .toList();
            assertThat(imports).isEmpty();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** {@code file: "literal"} for each literal of {@code wanted} in a main source of a module other than {@code owner}. */
    private static List<String> literalsOutside(String owner, Set<String> wanted) {
        List<String> found = new ArrayList<>();
        for (String module : MODULES) {
            if (!module.equals(owner)) {
                found.addAll(literals(module, wanted));
            }
        }
        return found;
    }

    private static List<String> literals(String module, Set<String> wanted) {
        Path sources = module(module).resolve("src/main/java");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                for (String line : lines(f)) {
                    if (line.strip().startsWith("*") || line.strip().startsWith("//")) {
                        continue; // comments may name what they explain
                    }
                    Matcher m = LITERAL.matcher(line);
                    while (m.find()) {
                        if (wanted.contains(m.group(1))) {
                            found.add(sources.relativize(f) + ": \"" + m.group(1) + "\"");
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static Set<String> constants(Class<?> type) throws IllegalAccessException {
        Set<String> values = new LinkedHashSet<>();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                values.add((String) field.get(null));
            }
        }
        return values;
    }

    /** The constants of the enum in {@code file}: the names before its first {@code ;}. */
    private static Set<String> enumConstants(Path file) {
        String source = String.join("\n", lines(file));
        String body = source.substring(source.indexOf('{', source.indexOf(" enum ")) + 1)
                .replaceAll("/\\*(?s:.*?)\\*/", "").replaceAll("//.*", "");
        body = body.substring(0, body.indexOf(';'));
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\b([A-Z][A-Z0-9_]*)\\b").matcher(body);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A module of the reactor: tests run in {@code common/}, the reactor is its parent. */
    private static Path module(String name) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("operator-console"))) {
            root = root.getParent();
        }
        assertThat(root).as("the reactor's root above " + Path.of("").toAbsolutePath()).isNotNull();
        return root.resolve(name);
    }
}
