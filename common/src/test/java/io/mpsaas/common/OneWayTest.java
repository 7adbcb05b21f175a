package io.mpsaas.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each mechanism exists once, in {@code common} (issue 17): a reactor-wide look at the sources of every module for a
 * second copy of one. A hit names the file; call the mechanism named in the message instead.
 */
class OneWayTest {

    /** The reactor's root: {@code common}'s parent. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /**
     * entitlement-service's operator console, being moved into its own module that speaks only to the services' HTTP
     * APIs (issue 17, items 1, 2 and 4): its DynamoDB reads go with it.
     */
    private static final List<String> CONSOLE = List.of(
            "entitlement-service/src/main/java/io/mpsaas/entitlement/console/",
            "entitlement-service/src/test/java/io/mpsaas/entitlement/console/");

    private static List<Path> sources(String kind) {
        try (Stream<Path> modules = Files.list(ROOT)) {
            return modules.map(m -> m.resolve("src").resolve(kind).resolve("java")).filter(Files::isDirectory)
                    .flatMap(OneWayTest::javaFiles)
                    .filter(p -> CONSOLE.stream().noneMatch(relative(p)::startsWith))
                    .collect(Collectors.toCollection(ArrayList::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path p) {
        return ROOT.relativize(p).toString().replace('\\', '/');
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files among {@code files} whose text matches, but for {@code owner} (the mechanism's one home). */
    private static List<String> offenders(List<Path> files, Pattern pattern, Predicate<Path> owner) {
        return files.stream().filter(owner.negate()).filter(p -> pattern.matcher(read(p)).find())
                .map(OneWayTest::relative).sorted().collect(Collectors.toList());
    }

    private static Predicate<Path> named(String fileName) {
        return p -> p.getFileName().toString().equals(fileName) && p.toString().contains("common");
    }

    @Test
    void reactorIsFound() {
        assertThat(ROOT.resolve("common").resolve("pom.xml")).exists();
        assertThat(sources("main")).anyMatch(p -> p.endsWith("UsageTable.java"));
    }

    @Test
    void pagingLoops_areOnlyCommonsPaging() {
        List<Path> files = sources("main");
        files.addAll(sources("test"));
        assertThat(offenders(files, Pattern.compile("exclusiveStartKey\\(|[qQ]ueryPaginator\\(|[sS]canPaginator\\("),
                named("Paging.java").or(named("PagingTest.java"))))
                .as("read pages with io.mpsaas.common.dynamo.Paging").isEmpty();
    }

    @Test
    void updateExpressions_areBuiltOnlyByCommonsUpdate() {
        assertThat(offenders(sources("main"), Pattern.compile("\\.updateExpression\\("), named("Update.java")))
                .as("build update expressions with io.mpsaas.common.dynamo.Update").isEmpty();
    }

    @Test
    void itemKeys_areMadeOnlyBySuiteTablesKey() {
        List<Path> files = sources("main");
        files.addAll(sources("test"));
        assertThat(offenders(files, Pattern.compile(
                "key\\(\\s*Map\\.of\\(\\s*SuiteTables\\.PK\\s*,|Map<String, AttributeValue> key\\(String pk, String sk\\)"),
                named("SuiteTables.java")))
                .as("make an item's key with SuiteTables.key(pk, sk)").isEmpty();
    }

    @Test
    void transactionCancellations_areReadByActionOnlyThroughTaggedTransaction() {
        assertThat(offenders(sources("main"), Pattern.compile("\\.cancellationReasons\\(\\)"),
                named("TaggedTransaction.java")))
                .as("read a cancelled transaction's reasons with TaggedTransaction.refusals").isEmpty();
    }

    @Test
    void batchReadsAndWrites_goOnlyThroughCommonsLoops() {
        // each loop asks again for what DynamoDB left unprocessed, with common's pause and rounds
        assertThat(offenders(sources("main"), Pattern.compile("\\.batchGetItem\\("), named("BatchReads.java")))
                .as("read items by batch with io.mpsaas.common.dynamo.BatchReads").isEmpty();
        assertThat(offenders(sources("main"), Pattern.compile("\\.batchWriteItem\\("), named("BatchWrites.java")))
                .as("write items by batch with io.mpsaas.common.dynamo.BatchWrites").isEmpty();
    }

    @Test
    void noClassIsNamedRateLimiter_eachLimiterIsNamedForWhatItLimits() {
        // AWS Marketplace calls per second: common's CallPacer; requests per client address: onboarding's
        // ClientRequestLimiter
        assertThat(offenders(sources("main"), Pattern.compile("\\b(class|record|interface) RateLimiter\\b"), p -> false))
                .as("pace AWS calls with common's CallPacer; name any other limiter for what it limits").isEmpty();
    }

    @Test
    void notifications_areDispatchedOnlyThroughTheirSealedType() {
        // entitlement-service's Notification.Cases: a new kind does not compile until every dispatch handles it
        assertThat(offenders(sources("main"), Pattern.compile(
                "instanceof Notification\\.|case Notification\\.|Notification\\.[A-Za-z]+\\.class"), p -> false))
                .as("dispatch a notification with Notification.Cases (accept)").isEmpty();
    }

    @Test
    void exponentialDelays_areComputedOnlyByCommonsBackoff() {
        // a delay doubled by a shift ("250L << failures") is a second backoff policy
        assertThat(offenders(sources("main"), Pattern.compile("\\b\\d+L?\\s*<<\\s*[A-Za-z(]"), named("Backoff.java")))
                .as("compute retry delays with io.mpsaas.common.retry.Backoff").isEmpty();
    }

    @Test
    void causeChains_areWalkedOnlyByCommonsCauses() {
        // a loop stepping "t = t.getCause()" is a second walk, with its own idea of cycles and depth
        Pattern step = Pattern.compile("\\b(\\w+)\\s*=\\s*\\1\\.getCause\\(\\)|getCause\\(\\)\\s*==\\s*\\w+\\s*\\?");
        assertThat(offenders(sources("main"), step, named("Causes.java")))
                .as("walk a failure's causes with io.mpsaas.common.Causes").isEmpty();
    }

    @Test
    void noExtensionsRuntimeInternals_areImported() {
        // an extension's runtime package (io.quarkus.<extension>.runtime) is no API: onboarding's CsrfTokens reads
        // quarkus.rest-csrf.* as configuration instead of the extension's RestCsrfConfig and CsrfTokenUtils
        assertThat(offenders(sources("main"), Pattern.compile("import io\\.quarkus\\.csrf\\.[a-z.]*runtime\\."),
                p -> false)).as("use quarkus-rest-csrf through its configuration, not its runtime classes").isEmpty();
    }
}
