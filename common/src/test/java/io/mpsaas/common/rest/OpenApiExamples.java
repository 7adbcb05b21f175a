package io.mpsaas.common.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks examples against a served OpenAPI 3.1 document: the document's own (request bodies, responses, schemas) and
 * the README's, each marked by a comment naming the operation it shows:
 *
 * <pre>
 * &lt;!-- openapi-example: metering-service POST /v1/usage request --&gt;
 * &lt;!-- openapi-example: metering-service POST /v1/usage response 200 --&gt;
 * </pre>
 *
 * followed by a fenced block: a {@code json} block is the example; in any other block (a {@code curl} command) the
 * example is the body after {@code -d '}. Validation is JSON Schema 2020-12 (OpenAPI 3.1's dialect) with two
 * additions that make a stale example fail: objects with {@code properties} are closed (a field the schema does not
 * name is an error, so a renamed field shows up) and formats ({@code date-time}, {@code uri}) are asserted.
 */
public final class OpenApiExamples {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile(
            "<!--\\s*openapi-example:\\s*(\\S+)\\s+([A-Z]+)\\s+(\\S+)\\s+(request|response\\s+\\d{3})\\s*-->");
    private static final Pattern FENCE = Pattern.compile("(?m)^```([a-z]*)\\s*$");
    private static final Pattern CURL_BODY = Pattern.compile("-d\\s+'([^']*)'", Pattern.DOTALL);
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private OpenApiExamples() {
    }

    /**
     * The document a service serves at {@code openApi} (its management port's {@code /q/openapi}), read as JSON; fails
     * unless the answer is a 200.
     */
    public static JsonNode fetch(URL openApi) {
        try {
            // HTTP/1.1 as the suite's other clients: the JDK client's default is an h2c upgrade, and once (CI of
            // 2026-12-07) it read the pretty-printed document as HTTP/2 frames ("Frame type(32) length(2105376)")
            HttpResponse<String> answer = HTTP.send(
                    HttpRequest.newBuilder(URI.create(openApi + "?format=json")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(openApi + " answered " + answer.statusCode() + ": " + answer.body());
            }
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An example, where it comes from, and the schema it must satisfy ({@code null}: the document has none). */
    public record Example(String where, JsonNode schema, JsonNode value) {
    }

    /** Every example the document carries: request bodies', responses' (named or single) and component schemas'. */
    public static List<Example> ofDocument(JsonNode doc) {
        List<Example> examples = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : fields(doc.path("paths"))) {
            for (Map.Entry<String, JsonNode> op : fields(path.getValue())) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                String at = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                collect(examples, at + " request", op.getValue().path("requestBody").path("content"));
                for (Map.Entry<String, JsonNode> response : fields(op.getValue().path("responses"))) {
                    collect(examples, at + " response " + response.getKey(), response.getValue().path("content"));
                }
            }
        }
        for (Map.Entry<String, JsonNode> schema : fields(doc.path("components").path("schemas"))) {
            int i = 0;
            for (JsonNode value : schema.getValue().path("examples")) {
                examples.add(new Example("components.schemas." + schema.getKey() + ".examples[" + i++ + "]",
                        JSON.createObjectNode().put("$ref", "#/components/schemas/" + schema.getKey()), value));
            }
        }
        return examples;
    }

    private static void collect(List<Example> into, String where, JsonNode content) {
        for (Map.Entry<String, JsonNode> media : fields(content)) {
            JsonNode schema = media.getValue().get("schema");
            if (media.getValue().has("example")) {
                into.add(new Example(where + " (" + media.getKey() + ")", schema, media.getValue().get("example")));
            }
            for (Map.Entry<String, JsonNode> named : fields(media.getValue().path("examples"))) {
                if (named.getValue().has("value")) {
                    into.add(new Example(where + " (" + media.getKey() + ", " + named.getKey() + ")", schema,
                            named.getValue().get("value")));
                }
            }
        }
    }

    /**
     * The README's examples marked for {@code service}, each with the schema of the operation and part it names in
     * {@code doc}; a marker naming an operation or answer the document lacks is an example without schema
     * ({@link #violations} reports it).
     */
    public static List<Example> ofReadme(Path readme, String service, JsonNode doc) {
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Example> examples = new ArrayList<>();
        Matcher marker = MARKER.matcher(text);
        while (marker.find()) {
            if (!marker.group(1).equals(service)) {
                continue;
            }
            int line = 1 + (int) text.substring(0, marker.start()).chars().filter(c -> c == '\n').count();
            String where = "README.md:" + line + " " + marker.group(2) + " " + marker.group(3) + " " + marker.group(4);
            examples.add(new Example(where, schemaOf(doc, marker.group(2), marker.group(3), marker.group(4)),
                    parse(where, block(where, text, marker.end()))));
        }
        return examples;
    }

    /**
     * What is wrong with the README's examples: each must be valid against its operation's schema and be one of the
     * document's own examples (so the README and the document never drift apart); empty when all are right.
     */
    public static List<String> readmeProblems(List<Example> readme, JsonNode doc) {
        List<String> problems = new ArrayList<>();
        readme.forEach(e -> problems.addAll(violations(doc, e)));
        List<JsonNode> documented = ofDocument(doc).stream().map(Example::value).toList();
        for (Example e : readme) {
            if (!documented.contains(e.value())) {
                problems.add(e.where() + " is not one of the document's examples");
            }
        }
        return problems;
    }

    /** The example in the fenced block right after a marker. */
    private static String block(String where, String text, int from) {
        Matcher open = FENCE.matcher(text);
        if (!open.find(from) || !text.substring(from, open.start()).isBlank()) {
            throw new AssertionError(where + ": no fenced block right after the marker");
        }
        Matcher close = FENCE.matcher(text);
        if (!close.find(open.end())) {
            throw new AssertionError(where + ": the fenced block is not closed");
        }
        String body = text.substring(open.end(), close.start());
        if (open.group(1).equals("json")) {
            return body;
        }
        Matcher curl = CURL_BODY.matcher(body);
        if (!curl.find()) {
            throw new AssertionError(where + ": a " + open.group(1) + " block without a -d '<body>'");
        }
        return curl.group(1);
    }

    private static JsonNode parse(String where, String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(where + ": the example is not JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode schemaOf(JsonNode doc, String method, String path, String part) {
        JsonNode op = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        JsonNode content = part.equals("request") ? op.path("requestBody").path("content")
                : op.path("responses").path(part.substring("response".length()).strip()).path("content");
        for (Map.Entry<String, JsonNode> media : fields(content)) {
            if (media.getKey().contains("json") && media.getValue().has("schema")) {
                return media.getValue().get("schema");
            }
        }
        return null;
    }

    /** What is wrong with each of {@code examples}, against its schema in {@code doc}. */
    public static List<String> violations(JsonNode doc, List<Example> examples) {
        List<String> violations = new ArrayList<>();
        examples.forEach(e -> violations.addAll(violations(doc, e)));
        return violations;
    }

    /** What is wrong with the example against its schema, in {@code doc}'s components; empty when it is valid. */
    public static List<String> violations(JsonNode doc, Example example) {
        if (example.schema() == null) {
            return List.of(example.where() + ": the document has no JSON schema for this operation and part");
        }
        ObjectNode root = close(example.schema().deepCopy());
        ObjectNode components = JSON.createObjectNode();
        components.set("schemas", close(doc.path("components").path("schemas").deepCopy()));
        root.set("components", components);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root, config);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(example.value())) {
            problems.add(example.where() + ": " + m.getMessage());
        }
        return problems;
    }

    /** Every object schema with {@code properties} and no {@code additionalProperties} closed, recursively. */
    private static <T extends JsonNode> T close(T node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                // examples are instances, not schemas; allOf branches must stay open to combine
                if (!e.getKey().equals("examples") && !e.getKey().equals("example") && !e.getKey().equals("allOf")) {
                    close(e.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(OpenApiExamples::close);
        }
        return node;
    }

    /** The document's operations by "METHOD /path", sorted. */
    public static SortedMap<String, JsonNode> operations(JsonNode doc) {
        SortedMap<String, JsonNode> operations = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : fields(doc.path("paths"))) {
            for (Map.Entry<String, JsonNode> op : fields(path.getValue())) {
                if (METHODS.contains(op.getKey())) {
                    operations.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
                }
            }
        }
        return operations;
    }

    /** Every 4xx/5xx answer of the document that is not {@code application/problem+json} of the Problem schema. */
    public static List<String> errorsWithoutProblem(JsonNode doc) {
        List<String> without = new ArrayList<>();
        operations(doc).forEach((name, op) -> fields(op.path("responses")).forEach(r -> {
            if ((r.getKey().startsWith("4") || r.getKey().startsWith("5")) && !r.getValue()
                    .at("/content/application~1problem+json/schema/$ref").asText().equals(OpenApiContract.PROBLEM_REF)) {
                without.add(name + " " + r.getKey());
            }
        }));
        return without;
    }

    /**
     * What is wrong with a real answer of the service against the schema the document gives its operation and status
     * ({@code application/json}, else {@code application/problem+json}).
     */
    public static List<String> answerViolations(JsonNode doc, String method, String path, String status,
            JsonNode answer) {
        JsonNode content = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT)).path("responses")
                .path(status).path("content");
        JsonNode schema = content.path("application/json").path("schema");
        if (schema.isMissingNode()) {
            schema = content.path(Problem.MEDIA_TYPE).path("schema");
        }
        return violations(doc, new Example(method + " " + path + " " + status, schema.isMissingNode() ? null : schema,
                answer));
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        node.fields().forEachRemaining(fields::add);
        return fields;
    }
}
