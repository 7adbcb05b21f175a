package io.mpsaas.deploy.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The objects of a {@code helm template} output, as plain maps (a duplicate key is an error, as for kubectl). */
public final class Manifests {

    /** One rendered object. */
    public record Obj(String apiVersion, String kind, String name, Map<String, Object> body) {

        @Override
        public String toString() {
            return kind + "/" + name;
        }

        /** The value at a dotted path (list items by index), or empty. */
        public Optional<Object> at(String path) {
            return Optional.ofNullable(Maps.at(body, path));
        }

        public String string(String path) {
            return (String) Maps.at(body, path);
        }

        public Map<String, Object> map(String path) {
            return Maps.map(Maps.at(body, path));
        }

        public List<Object> list(String path) {
            return Maps.list(Maps.at(body, path));
        }
    }

    private final List<Obj> objects;
    private final String source;

    private Manifests(List<Obj> objects, String source) {
        this.objects = objects;
        this.source = source;
    }

    public static Manifests parse(String rendered) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Obj> objects = new ArrayList<>();
        for (Object doc : yaml.loadAll(rendered)) {
            if (doc == null) {
                continue;
            }
            Map<String, Object> body = Maps.map(doc);
            objects.add(new Obj((String) body.get("apiVersion"), (String) body.get("kind"),
                    (String) Maps.at(body, "metadata.name"), body));
        }
        return new Manifests(List.copyOf(objects), rendered);
    }

    public List<Obj> all() {
        return objects;
    }

    public String source() {
        return source;
    }

    public List<Obj> ofKind(String kind) {
        return objects.stream().filter(o -> o.kind().equals(kind)).toList();
    }

    public Optional<Obj> find(String kind, String name) {
        return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst();
    }

    public Obj get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + objects));
    }

    public List<Obj> matching(Predicate<Obj> filter) {
        return objects.stream().filter(filter).toList();
    }
}
