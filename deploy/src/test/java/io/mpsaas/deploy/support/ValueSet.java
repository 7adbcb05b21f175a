package io.mpsaas.deploy.support;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A chart rendered with a set of value files: the defaults, every option on, no autoscaling, the umbrella as a
 * platform engineer would install it. The value files are in src/test/resources/values/. Each set is rendered
 * once per test JVM.
 */
public record ValueSet(String chart, String name, List<String> files) {

    /** The namespace every set is rendered in (the README's and the CloudFormation template's default). */
    public static final String NAMESPACE = "mpsaas";

    private static final Map<ValueSet, Manifests> RENDERED = new ConcurrentHashMap<>();

    public static List<ValueSet> all() {
        List<ValueSet> sets = new ArrayList<>();
        for (String service : Repo.SERVICES) {
            sets.add(new ValueSet(service, "defaults", List.of()));
            sets.add(new ValueSet(service, "all-options", List.of(service + "-all-options.yaml")));
            sets.add(new ValueSet(service, "fixed-replicas", List.of("fixed-replicas.yaml")));
        }
        sets.add(new ValueSet(Repo.UMBRELLA, "defaults", List.of()));
        sets.add(new ValueSet(Repo.UMBRELLA, "production", List.of("mpsaas-production.yaml")));
        return sets;
    }

    public static ValueSet defaults(String chart) {
        return new ValueSet(chart, "defaults", List.of());
    }

    /** The service charts this set renders: the chart itself, or the three under the umbrella. */
    public List<String> services() {
        return chart.equals(Repo.UMBRELLA) ? Repo.SERVICES : List.of(chart);
    }

    public List<Path> valueFiles() {
        return files.stream().map(ValueSet::resource).toList();
    }

    public Manifests render() {
        return RENDERED.computeIfAbsent(this,
                set -> Manifests.parse(HelmCli.get().render(chart, "mpsaas", NAMESPACE, valueFiles())));
    }

    public static Path resource(String file) {
        URL url = ValueSet.class.getResource("/values/" + file);
        if (url == null) {
            throw new IllegalArgumentException("no src/test/resources/values/" + file);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return chart + " [" + name + "]";
    }
}
