package io.mpsaas.deploy.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A CloudFormation YAML template, read with its short-form intrinsic functions ({@code !Ref}, {@code !GetAtt},
 * {@code !Sub}, ...) turned into their long form, and a small evaluator that "deploys" it with given parameters:
 * conditions, {@code Fn::ForEach} (AWS::LanguageExtensions), Ref, GetAtt, Sub, Join, Split, Select, If and
 * AWS::NoValue. References to resources become tokens: {@code {Queue.Arn}} for GetAtt, {@code {Ref Queue}} for Ref.
 * A reference to something that does not exist (or is conditioned out) fails, as CloudFormation would.
 */
public final class CloudFormation {

    /** What Ref AWS::NoValue evaluates to: dropped from the enclosing list or map. */
    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final Set<String> PSEUDO = Set.of("AWS::Region", "AWS::AccountId", "AWS::Partition",
            "AWS::StackName", "AWS::NoValue", "AWS::URLSuffix", "AWS::StackId");

    private final Map<String, Object> template;

    private CloudFormation(Map<String, Object> template) {
        this.template = template;
    }

    public static CloudFormation load(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (Reader reader = Files.newBufferedReader(file)) {
            return new CloudFormation(Maps.map(new Yaml(new IntrinsicConstructor(options)).load(reader)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Anchors and aliases of the file: CloudFormation does not accept them. */
    public static List<String> anchorsAndAliases(Path file) {
        List<String> found = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Event event : new Yaml(new IntrinsicConstructor(new LoaderOptions())).parse(reader)) {
                if (event instanceof AliasEvent alias) {
                    found.add("*" + alias.getAnchor() + " at " + event.getStartMark());
                } else if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    found.add("&" + node.getAnchor() + " at " + event.getStartMark());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    public Map<String, Object> raw() {
        return template;
    }

    public Map<String, Object> parameters() {
        return Maps.map(template.get("Parameters"));
    }

    /** The default of a parameter. */
    public String parameterDefault(String name) {
        Object value = Maps.map(parameters().get(name)).get("Default");
        if (value == null) {
            throw new AssertionError("parameter " + name + " has no default");
        }
        return value.toString();
    }

    /** The template deployed with these parameters (the others take their defaults) in an account and region. */
    public Stack deploy(Map<String, String> parameterValues, String region, String accountId) {
        return new Stack(parameterValues, region, accountId);
    }

    /** One evaluated resource. */
    public record Resource(String logicalId, String type, Map<String, Object> properties, Map<String, Object> raw) {
    }

    /** The evaluated template: the resources that exist under the parameters, with their properties evaluated. */
    public final class Stack {

        private final Map<String, Object> params = new HashMap<>();
        private final Map<String, Object> rawResources = new LinkedHashMap<>();
        private final Map<String, Boolean> conditions = new HashMap<>();
        private final Map<String, Resource> resources = new LinkedHashMap<>();
        private final String region;
        private final String accountId;

        Stack(Map<String, String> values, String region, String accountId) {
            this.region = region;
            this.accountId = accountId;
            parameters().forEach((name, definition) -> {
                Map<String, Object> d = Maps.map(definition);
                Object given = values.containsKey(name) ? values.get(name) : d.get("Default");
                if (given == null) {
                    throw new AssertionError("parameter " + name + " has no default and no value");
                }
                String value = given.toString();
                params.put(name, "CommaDelimitedList".equals(d.get("Type"))
                        ? List.of(value.split(",", -1)) : value);
            });
            values.keySet().forEach(k -> {
                if (!params.containsKey(k)) {
                    throw new AssertionError("no parameter " + k);
                }
            });
            expandResources();
            rawResources.forEach((id, r) -> {
                Map<String, Object> resource = Maps.map(r);
                Object condition = resource.get("Condition");
                if (condition == null || condition((String) condition)) {
                    resources.put(id, null);
                }
            });
            for (String id : List.copyOf(resources.keySet())) {
                Map<String, Object> resource = Maps.map(rawResources.get(id));
                for (Object dependency : dependsOn(resource.get("DependsOn"))) {
                    if (!resources.containsKey(dependency)) {
                        throw new AssertionError(id + " depends on " + dependency + ", which does not exist");
                    }
                }
                resources.put(id, new Resource(id, (String) resource.get("Type"),
                        Maps.map(eval(resource.getOrDefault("Properties", Map.of()))), resource));
            }
        }

        public Map<String, Resource> resources() {
            return resources;
        }

        public List<Resource> ofType(String type) {
            return resources.values().stream().filter(r -> r.type().equals(type)).toList();
        }

        public Resource resource(String logicalId) {
            Resource r = resources.get(logicalId);
            if (r == null) {
                throw new AssertionError("no resource " + logicalId + " (conditioned out?); have " + resources.keySet());
            }
            return r;
        }

        public boolean exists(String logicalId) {
            return resources.containsKey(logicalId);
        }

        public boolean condition(String name) {
            Boolean known = conditions.get(name);
            if (known != null) {
                return known;
            }
            Object definition = Maps.map(template.get("Conditions")).get(name);
            if (definition == null) {
                throw new AssertionError("no condition " + name);
            }
            boolean value = truth(definition);
            conditions.put(name, value);
            return value;
        }

        /** An output's value, or null when the output is conditioned out. */
        public Object output(String name) {
            Map<String, Object> output = Maps.map(Maps.map(template.get("Outputs")).get(name));
            if (output.isEmpty()) {
                throw new AssertionError("no output " + name);
            }
            Object condition = output.get("Condition");
            if (condition != null && !condition((String) condition)) {
                return null;
            }
            return eval(output.get("Value"));
        }

        /** Evaluates intrinsic functions in a (piece of a) template. */
        public Object eval(Object node) {
            Object value = evaluate(node);
            return value == NO_VALUE ? null : value;
        }

        private boolean truth(Object node) {
            Map<String, Object> fn = Maps.map(node);
            if (fn.size() != 1) {
                throw new AssertionError("not a condition: " + node);
            }
            Map.Entry<String, Object> e = fn.entrySet().iterator().next();
            List<Object> args = e.getKey().equals("Condition") ? List.of() : Maps.list(e.getValue());
            return switch (e.getKey()) {
                case "Condition" -> condition((String) e.getValue());
                case "Fn::Equals" -> String.valueOf(evaluate(args.get(0))).equals(String.valueOf(evaluate(args.get(1))));
                case "Fn::Not" -> !truth(args.get(0));
                case "Fn::And" -> args.stream().allMatch(this::truth);
                case "Fn::Or" -> args.stream().anyMatch(this::truth);
                default -> throw new AssertionError("unsupported condition function " + e.getKey());
            };
        }

        private Object evaluate(Object node) {
            if (node instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (Object item : list) {
                    Object v = evaluate(item);
                    if (v != NO_VALUE) {
                        out.add(v);
                    }
                }
                return out;
            }
            if (!(node instanceof Map<?, ?>)) {
                return node;
            }
            Map<String, Object> map = Maps.map(node);
            if (map.size() == 1) {
                Map.Entry<String, Object> e = map.entrySet().iterator().next();
                if (e.getKey().equals("Ref") || e.getKey().startsWith("Fn::")) {
                    return function(e.getKey(), e.getValue());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object value = evaluate(v);
                if (value != NO_VALUE) {
                    out.put(k, value);
                }
            });
            return out;
        }

        private Object function(String name, Object argument) {
            switch (name) {
                case "Ref":
                    return ref((String) argument);
                case "Fn::GetAtt": {
                    List<Object> args = argument instanceof String s ? List.of(s.split("\\.", 2)) : Maps.list(argument);
                    return getAtt((String) args.get(0), (String) args.get(1));
                }
                case "Fn::Sub": {
                    if (argument instanceof String s) {
                        return sub(s, Map.of());
                    }
                    List<Object> args = Maps.list(argument);
                    Map<String, Object> variables = new HashMap<>();
                    Maps.map(args.get(1)).forEach((k, v) -> variables.put(k, evaluate(v)));
                    return sub((String) args.get(0), variables);
                }
                case "Fn::Join": {
                    List<Object> args = Maps.list(argument);
                    List<String> parts = new ArrayList<>();
                    for (Object part : Maps.list(evaluate(args.get(1)))) {
                        parts.add(String.valueOf(part));
                    }
                    return String.join((String) args.get(0), parts);
                }
                case "Fn::Split": {
                    List<Object> args = Maps.list(argument);
                    return List.of(String.valueOf(evaluate(args.get(1))).split(Pattern.quote((String) args.get(0)), -1));
                }
                case "Fn::Select": {
                    List<Object> args = Maps.list(argument);
                    int index = Integer.parseInt(String.valueOf(evaluate(args.get(0))));
                    return Maps.list(evaluate(args.get(1))).get(index);
                }
                case "Fn::If": {
                    List<Object> args = Maps.list(argument);
                    return evaluate(condition((String) args.get(0)) ? args.get(1) : args.get(2));
                }
                default:
                    throw new AssertionError("unsupported intrinsic function " + name);
            }
        }

        private Object ref(String name) {
            switch (name) {
                case "AWS::NoValue":
                    return NO_VALUE;
                case "AWS::Region":
                    return region;
                case "AWS::AccountId":
                    return accountId;
                case "AWS::Partition":
                    return "aws";
                case "AWS::URLSuffix":
                    return "amazonaws.com";
                case "AWS::StackName":
                    return "mpsaas";
                default:
                    break;
            }
            if (params.containsKey(name)) {
                return params.get(name);
            }
            if (resources.containsKey(name)) {
                return "{Ref " + name + "}";
            }
            throw new AssertionError("Ref to " + name + ": no such parameter or (existing) resource");
        }

        private Object getAtt(String resource, String attribute) {
            if (!resources.containsKey(resource)) {
                throw new AssertionError("GetAtt " + resource + "." + attribute + ": no such (existing) resource");
            }
            return "{" + resource + "." + attribute + "}";
        }

        private String sub(String text, Map<String, Object> variables) {
            Matcher m = SUB_VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String variable = m.group(1);
                Object value;
                if (variables.containsKey(variable)) {
                    value = variables.get(variable);
                } else if (variable.contains(".") && !PSEUDO.contains(variable)) {
                    String[] parts = variable.split("\\.", 2);
                    value = getAtt(parts[0], parts[1]);
                } else {
                    value = ref(variable);
                }
                if (value instanceof List) {
                    throw new AssertionError("Fn::Sub of a list parameter ${" + variable + "} in " + text);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
            }
            m.appendTail(out);
            return out.toString().replace("${!", "${");
        }

        /** Fn::ForEach::Name: [Identifier, Collection, {OutputKey${Identifier}: fragment}] in Resources. */
        private void expandResources() {
            Maps.map(template.get("Resources")).forEach((key, value) -> {
                if (!key.startsWith("Fn::ForEach::")) {
                    rawResources.put(key, value);
                    return;
                }
                List<Object> args = Maps.list(value);
                String identifier = (String) args.get(0);
                for (Object item : Maps.list(evaluate(args.get(1)))) {
                    String replacement = String.valueOf(item);
                    Maps.map(args.get(2)).forEach((outputKey, fragment) -> {
                        String id = outputKey.replace("${" + identifier + "}", replacement)
                                .replace("&{" + identifier + "}", replacement.replaceAll("[^A-Za-z0-9]", ""));
                        if (rawResources.put(id, substitute(fragment, identifier, replacement)) != null) {
                            throw new AssertionError("Fn::ForEach " + key + " makes " + id + " twice");
                        }
                    });
                }
            });
        }

        private Object substitute(Object node, String identifier, String replacement) {
            if (node instanceof List<?> list) {
                return list.stream().map(i -> substitute(i, identifier, replacement)).toList();
            }
            if (node instanceof Map<?, ?>) {
                Map<String, Object> map = Maps.map(node);
                if (map.size() == 1 && identifier.equals(map.get("Ref"))) {
                    return replacement;
                }
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> {
                    if (k.equals("Fn::Sub") && v instanceof String s) {
                        out.put(k, s.replace("${" + identifier + "}", replacement));
                    } else {
                        out.put(k, substitute(v, identifier, replacement));
                    }
                });
                return out;
            }
            return node;
        }

        private List<Object> dependsOn(Object value) {
            if (value == null) {
                return List.of();
            }
            return value instanceof List<?> ? Maps.list(value) : List.of(value);
        }
    }

    /** SnakeYAML constructor for CloudFormation's short-form tags: {@code !Ref x} -> {@code {Ref: x}}, ... */
    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            for (String fn : List.of("Base64", "Cidr", "FindInMap", "GetAZs", "If", "ImportValue", "Join", "Select",
                    "Split", "Sub", "Transform", "And", "Equals", "Not", "Or", "ToJsonString", "Length")) {
                yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
            }
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    Object value = node instanceof ScalarNode s
                            ? List.of(constructScalar(s).split("\\.", 2))
                            : constructSequence((SequenceNode) node);
                    return Map.of("Fn::GetAtt", value);
                }
            });
        }

        private final class Intrinsic extends AbstractConstruct {

            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    value = constructScalar(scalar);
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(name, value);
            }
        }
    }
}
