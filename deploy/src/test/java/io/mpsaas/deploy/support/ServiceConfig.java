package io.mpsaas.deploy.support;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;

/**
 * The configuration keys the services really declare, learnt at test time from the classes on the test classpath
 * (common and the three services, test-scoped dependencies of this module): every {@code @ConfigMapping} interface
 * under io.mpsaas, its property names computed by SmallRye Config itself (kebab-case, nested groups, Optional, List,
 * Map), every {@code @ConfigProperty(name = ...)}, and the keys each service's application.properties defines or
 * references ({@code ${suite.aws-region:us-east-1}}).
 */
public final class ServiceConfig {

    private static final DotName CONFIG_MAPPING = DotName.createSimple(ConfigMapping.class.getName());
    private static final DotName CONFIG_PROPERTY =
            DotName.createSimple("org.eclipse.microprofile.config.inject.ConfigProperty");
    private static final String COMMON = "common";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^:}$]+)(?::([^}]*))?}");

    /** A declared key; {@code *} stands for a map key, {@code [*]} for a list index. */
    public record Key(String name, String declaredBy, String defaultValue) {

        Pattern dotted() {
            return compile(name, false);
        }

        Pattern env() {
            return compile(name, true);
        }

        @Override
        public String toString() {
            return name + " (" + declaredBy + ")";
        }
    }

    private final Map<String, List<Key>> keysByModule = new LinkedHashMap<>();
    private final Map<String, List<String>> mappingPrefixesByModule = new LinkedHashMap<>();
    private final List<String> scannedEntries = new ArrayList<>();

    private static ServiceConfig instance;

    private ServiceConfig() {
    }

    /** Scans the test classpath once per JVM. */
    public static synchronized ServiceConfig get() {
        if (instance == null) {
            instance = new ServiceConfig();
            instance.scan();
        }
        return instance;
    }

    /** The keys a service accepts: common's, its own, and its application.properties'. */
    public List<Key> keysOf(String service) {
        List<Key> keys = new ArrayList<>(keysByModule.getOrDefault(COMMON, List.of()));
        keys.addAll(keysByModule.getOrDefault(service, List.of()));
        return keys;
    }

    /** Whether a service (or common) has a {@code @ConfigMapping} with this prefix. */
    public boolean hasMapping(String service, String prefix) {
        return Stream.of(COMMON, service)
                .flatMap(m -> mappingPrefixesByModule.getOrDefault(m, List.of()).stream())
                .anyMatch(prefix::equals);
    }

    /** The @ConfigMapping prefixes found, by module (for messages and for the test that the scan works). */
    public Map<String, List<String>> mappingPrefixes() {
        return mappingPrefixesByModule;
    }

    /** The classpath entries the scan read (for messages). */
    public List<String> scannedEntries() {
        return scannedEntries;
    }

    /** The declared key an environment variable sets ({@code SUITE_QUEUES_CUSTOMER_EVENTS}), if any. */
    public Optional<Key> matchEnv(String service, String envName, List<String> extraPatterns) {
        return candidates(service, extraPatterns).filter(k -> k.env().matcher(envName).matches()).findFirst();
    }

    /** The declared key a property name sets ({@code suite.queues.customer-events}), if any. */
    public Optional<Key> matchProperty(String service, String property, List<String> extraPatterns) {
        return candidates(service, extraPatterns).filter(k -> k.dotted().matcher(property).matches()).findFirst();
    }

    /** Declared keys that share the first two segments with the given one: the hint of a failure message. */
    public List<String> neighbours(String service, String property) {
        String[] parts = property.toLowerCase().replace('_', '.').split("\\.");
        String prefix = parts.length >= 2 ? parts[0] + "." + parts[1] : parts[0];
        return keysOf(service).stream().map(Key::name)
                .filter(n -> n.toLowerCase().startsWith(prefix)).distinct().sorted().toList();
    }

    /** The default a mapping declares for a key ({@code suite.tables.customers} -> marketplace-customers). */
    public Optional<String> defaultOf(String service, String name) {
        return keysOf(service).stream().filter(k -> k.name().equals(name) && k.defaultValue() != null)
                .map(Key::defaultValue).findFirst();
    }

    private Stream<Key> candidates(String service, List<String> extraPatterns) {
        return Stream.concat(keysOf(service).stream(),
                extraPatterns.stream().map(p -> new Key(p, "allow-list", null)));
    }

    private void scan() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            moduleOf(path).ifPresent(module -> {
                scannedEntries.add(module + " <- " + path);
                scanEntry(module, path);
            });
        }
        for (String service : Repo.SERVICES) {
            scanProperties(service);
        }
    }

    private static Optional<String> moduleOf(Path entry) {
        String normalized = entry.toString().replace('\\', '/');
        String file = entry.getFileName() == null ? "" : entry.getFileName().toString();
        List<String> modules = new ArrayList<>(Repo.SERVICES);
        modules.add(COMMON);
        for (String module : modules) {
            if (normalized.endsWith("/" + module + "/target/classes")) {
                return Optional.of(module);
            }
            if (file.matches(Pattern.quote(module) + "-[0-9][^/]*\\.jar") && !file.endsWith("-tests.jar")) {
                return Optional.of(module);
            }
        }
        return Optional.empty();
    }

    private void scanEntry(String module, Path entry) {
        Indexer indexer = new Indexer();
        try {
            if (Files.isDirectory(entry)) {
                Path base = entry.resolve("io/mpsaas");
                if (Files.isDirectory(base)) {
                    try (Stream<Path> walk = Files.walk(base)) {
                        for (Path p : (Iterable<Path>) walk.filter(f -> f.toString().endsWith(".class"))::iterator) {
                            try (InputStream in = Files.newInputStream(p)) {
                                indexer.index(in);
                            }
                        }
                    }
                }
            } else if (Files.isRegularFile(entry)) {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry e = entries.nextElement();
                        if (e.getName().startsWith("io/mpsaas/") && e.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                indexer.index(in);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Index index = indexer.complete();
        List<Key> keys = keysByModule.computeIfAbsent(module, m -> new ArrayList<>());
        for (AnnotationInstance mapping : index.getAnnotations(CONFIG_MAPPING)) {
            if (mapping.target().kind() != AnnotationTarget.Kind.CLASS) {
                continue;
            }
            String className = mapping.target().asClass().name().toString();
            AnnotationValue prefixValue = mapping.value("prefix");
            String prefix = prefixValue == null ? "" : prefixValue.asString();
            mappingPrefixesByModule.computeIfAbsent(module, m -> new ArrayList<>()).add(prefix);
            Class<?> type;
            try {
                type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("indexed but not loadable: " + className, e);
            }
            String origin = module + ": @ConfigMapping " + type.getSimpleName();
            new ConfigMappings.ConfigClass(type, prefix).getProperties()
                    .forEach((name, defaultValue) -> keys.add(new Key(name, origin, defaultValue)));
        }
        for (AnnotationInstance property : index.getAnnotations(CONFIG_PROPERTY)) {
            AnnotationValue name = property.value("name");
            if (name != null && !name.asString().isEmpty()) {
                AnnotationValue defaultValue = property.value("defaultValue");
                keys.add(new Key(name.asString(), module + ": @ConfigProperty",
                        defaultValue == null ? null : defaultValue.asString()));
            }
        }
    }

    private void scanProperties(String service) {
        Path file = Repo.applicationProperties(service);
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Key> keys = keysByModule.computeIfAbsent(service, m -> new ArrayList<>());
        String origin = service + ": application.properties";
        Map<String, String> names = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            names.putIfAbsent(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key, null);
            Matcher reference = REFERENCE.matcher(properties.getProperty(key));
            while (reference.find()) {
                // ${suite.aws-region:us-east-1}: the key and the default the service falls back to
                names.put(reference.group(1), reference.group(2));
            }
        }
        names.forEach((n, defaultValue) -> keys.add(new Key(n, origin, defaultValue)));
    }

    /** A key name as a regular expression, in property form or in environment-variable form. */
    static Pattern compile(String name, boolean env) {
        StringBuilder re = new StringBuilder("^");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (name.startsWith("[*]", i)) {
                re.append(env ? "_[0-9]+_" : "\\[[0-9]+]");
                i += 2;
            } else if (c == '*') {
                re.append(env ? "[A-Z0-9_]+" : "(?:[^.\"]+|\"[^\"]+\")");
            } else if (env) {
                re.append(Character.isLetterOrDigit(c) ? String.valueOf(Character.toUpperCase(c)) : "_");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.append('$').toString());
    }
}
