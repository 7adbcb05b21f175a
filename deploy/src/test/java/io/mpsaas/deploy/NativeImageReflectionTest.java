package io.mpsaas.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpsaas.deploy.support.Maps;
import io.mpsaas.deploy.support.Repo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After the native build steps ({@code -Dnative -Dquarkus.native.sources-only=true}, test.sh's second step), every
 * service's native-image configuration registers for reflection the JSON types of the suite it may (de)serialize
 * with the ObjectMapper: every io.mpsaas class with a Jackson annotation, and the io.mpsaas records and enums they
 * are made of. Runs in the native profile only (the output it reads does not exist otherwise).
 */
class NativeImageReflectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> services() {
        return Repo.SERVICES.stream();
    }

    @ParameterizedTest
    @MethodSource("services")
    void jsonTypes_areRegisteredForReflection_inTheNativeBuild(String service) throws Exception {
        assumeTrue(Boolean.getBoolean("mpsaas.native-check"),
                "the native build's output is checked in the native profile: ./mvnw package -Dnative "
                        + "-Dquarkus.native.sources-only=true -pl <services>,deploy -am -Dtest=NativeImage*");
        // GIVEN the native-sources of the service, built in this reactor
        Path sources = Repo.root().resolve(service).resolve("target/native-sources");
        assertThat(sources.resolve("native-image.args")).as("run the native build steps first").isRegularFile();
        // native-image.args ends with "<executable> -jar <runner jar>"
        List<String> args = List.of(Files.readString(sources.resolve("native-image.args")).trim().split("\\s+"));
        int jar = args.lastIndexOf("-jar");
        assertThat(jar).as("native-image.args: %s", args).isPositive();
        String executable = args.get(jar - 1);
        Path runner = sources.resolve(args.get(jar + 1));

        // WHEN Quarkus's generated configuration and every jar's own are read
        Map<String, Map<String, Object>> registered = new HashMap<>();
        readReflectConfig(runner, registered);
        try (Stream<Path> libs = Files.walk(sources.resolve("lib"))) {
            for (Path lib : (Iterable<Path>) libs.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                readReflectConfig(lib, registered);
            }
        }

        // THEN
        assertThat(executable).as("the executable Dockerfile.native copies (*-runner)")
                .isEqualTo(service + "-0.1.0-SNAPSHOT-runner");
        List<String> missing = new ArrayList<>();
        for (Class<?> type : jsonTypes(List.of(sources.resolve("lib"), runner))) {
            Map<String, Object> entry = registered.get(type.getName());
            if (entry == null) {
                missing.add(type.getName() + " (not registered)");
            } else if (!type.isEnum() && !constructorsAndMethods(entry)) {
                missing.add(type.getName() + " (registered without constructors and methods: " + entry + ")");
            }
        }
        assertThat(missing).as("%s: Jackson needs them by reflection in a native executable; annotate each with "
                + "@io.quarkus.runtime.annotations.RegisterForReflection, or list it in a @RegisterForReflection(targets "
                + "= ...) class (common does so in io.mpsaas.common.NativeReflection)", service).isEmpty();
    }

    /** io.mpsaas classes with a Jackson annotation, and the io.mpsaas records and enums they are made of. */
    private static Set<Class<?>> jsonTypes(List<Path> classpath) throws IOException {
        Set<Class<?>> found = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (String name : mpsaasClasses(classpath)) {
            Class<?> type;
            try {
                type = Class.forName(name, false, NativeImageReflectionTest.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;   // a generated class of the runner, not on the test classpath
            }
            for (Annotation a : type.getDeclaredAnnotations()) {
                if (a.annotationType().getPackageName().startsWith("com.fasterxml.jackson")) {
                    todo.add(type);
                }
            }
        }
        while (!todo.isEmpty()) {
            Class<?> type = todo.pop();
            if (!found.add(type) || !type.isRecord()) {
                continue;
            }
            for (RecordComponent component : type.getRecordComponents()) {
                Class<?> componentType = component.getType();
                if (componentType.getName().startsWith("io.mpsaas.") && (componentType.isRecord() || componentType.isEnum())) {
                    todo.add(componentType);
                }
            }
            for (Class<?> nested : type.getDeclaredClasses()) {
                if (nested.isRecord()) {
                    todo.add(nested);
                }
            }
        }
        return found;
    }

    private static Set<String> mpsaasClasses(List<Path> classpath) throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path entry : classpath) {
            List<Path> jars;
            if (Files.isDirectory(entry)) {
                try (Stream<Path> walk = Files.walk(entry)) {
                    jars = walk.filter(p -> p.getFileName().toString().startsWith("io.mpsaas")
                            && p.toString().endsWith(".jar")).toList();
                }
            } else {
                jars = List.of(entry);
            }
            for (Path jar : jars) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    file.stream().map(ZipEntry::getName)
                            .filter(n -> n.startsWith("io/mpsaas/") && n.endsWith(".class") && !n.contains("$$"))
                            .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
                }
            }
        }
        return names;
    }

    private static void readReflectConfig(Path jar, Map<String, Map<String, Object>> registered) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (ZipEntry entry : file.stream().filter(e -> e.getName().startsWith("META-INF/native-image/")
                    && e.getName().endsWith("reflect-config.json")).toList()) {
                try (InputStream in = file.getInputStream(entry)) {
                    for (Object item : Maps.list(JSON.readValue(in, List.class))) {
                        Map<String, Object> config = Maps.map(item);
                        registered.merge((String) config.get("name"), config, (a, b) -> {
                            Map<String, Object> merged = new HashMap<>(a);
                            merged.putAll(b);
                            return merged;
                        });
                    }
                }
            }
        }
    }

    private static boolean constructorsAndMethods(Map<String, Object> entry) {
        boolean constructors = Boolean.TRUE.equals(entry.get("allDeclaredConstructors"))
                || Boolean.TRUE.equals(entry.get("allPublicConstructors"))
                || Maps.list(entry.get("methods")).stream().anyMatch(m -> "<init>".equals(Maps.map(m).get("name")));
        boolean methods = Boolean.TRUE.equals(entry.get("allDeclaredMethods"))
                || Boolean.TRUE.equals(entry.get("allPublicMethods"))
                || Maps.list(entry.get("methods")).stream().anyMatch(m -> !"<init>".equals(Maps.map(m).get("name")));
        return constructors && methods;
    }
}
