package io.mpsaas.console.rest;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * What the console's templates show: plain records of ready-to-print strings (Qute escapes every one of them), built
 * by {@link ConsolePages}. {@code @TemplateData}: the shared parts (layout, the search tag, the aggregates table) read
 * them through generated value resolvers, without reflection.
 */
public final class ConsoleViews {

    private ConsoleViews() {
    }

    /**
     * The frame of every page: title, navigation, the signed-in operator (null on the login and error pages before
     * sign-in) and whether its forms are shown: every form carries quarkus-rest-csrf's token, which the templates
     * read as {@code inject:csrf} (the extension's documented Qute bean).
     */
    @TemplateData
    public record Shell(String title, String section, Links links, String operator, boolean canPost,
            Notice notice) {

        public boolean signedIn() {
            return operator != null;
        }
    }

    /** Where the navigation and the forms go. */
    @TemplateData
    public record Links(String overview, String customers, String failures, String parked, String search,
            String login, String logout, String redrive, String replay, String stylesheet) {
    }

    /** A message at the top of a page: {@code ok}, {@code info} or {@code error}. */
    @TemplateData
    public record Notice(String kind, String text) {
    }

    /** A label and a value of a definition list; {@code mono} for ids. */
    @TemplateData
    public record Field(String label, String value, boolean mono) {
    }

    /** A subscription state as a coloured badge. */
    @TemplateData
    public record Badge(String label, String css) {
    }

    /** One choice of a select. */
    @TemplateData
    public record Option(String value, String label, boolean selected) {
    }

    /** The sign-in form: Quarkus's form authentication reads its two fields. */
    @TemplateData
    public record Login(String action, String nameField, String keyField, String error) {
    }

    /** The search box, on several pages. */
    @TemplateData
    public record SearchForm(String action, String text, List<Option> kinds) {
    }

    @TemplateData
    public record Overview(SearchForm search, List<QueueCount> queues, long parkedTotal, int failures,
            boolean failuresTruncated, int failuresRedrivable) {
    }

    /** A dead-letter queue's size on the overview. */
    @TemplateData
    public record QueueCount(String name, String consumer, String count, boolean attention) {
    }

    /** The customer list, a page of it, or search results. */
    @TemplateData
    public record Customers(String heading, String summary, SearchForm search, String filterAction,
            String productFilter, List<Option> states, List<CustomerRow> rows, String nextHref, String firstHref,
            boolean searchResults) {
    }

    @TemplateData
    public record CustomerRow(String key, String href, Badge state, String productCode, String identifier,
            String account, String company, boolean registered, String since, String matchedBy) {
    }

    /** A customer's page. */
    @TemplateData
    public record Customer(String key, String title, Badge state, boolean accessGranted, List<Field> identity,
            List<Field> subscription, List<Field> agreement, Registration registration,
            List<EntitlementRow> entitlements, List<HistoryRow> history, int historyLimit, List<AggregateRow> recentUsage, String usageHref,
            String notBilled) {
    }

    /** What the buyer registered: personal data, shown to the signed-in operator only. */
    @TemplateData
    public record Registration(String company, String contactName, String email, String phone, List<Field> extra,
            String registeredAt, String updatedAt) {
    }

    @TemplateData
    public record EntitlementRow(String dimension, String type, String value, String expiresAt, Badge status) {
    }

    @TemplateData
    public record HistoryRow(String at, String kind, String result, String status, String messageId) {
    }

    /** A customer's usage page. */
    @TemplateData
    public record Usage(String key, String title, Badge state, String customerHref, List<Field> totals,
            List<AggregateRow> rows, int limit, boolean anyRedrivable, String back) {

        public boolean showCustomer() {
            return false;
        }
    }

    /** An hourly aggregate of metering-service, as its admin API answers it. */
    @TemplateData
    public record AggregateRow(String id, String customerKey, String customerHref, String productCode, String hour,
            String dimension, String quantity, String quantityNote, String billed, Badge status, String attempts,
            String resultCode, String resultMessage, String meteringRecordId, String sentAt, String deadline,
            String deadlineNote, boolean redrivable) {
    }

    /** The metering failures page. */
    @TemplateData
    public record Failures(List<AggregateRow> rows, int limit, boolean truncated, boolean anyRedrivable,
            String back) {

        public boolean showCustomer() {
            return true;
        }
    }

    /** The parked-messages page. */
    @TemplateData
    public record Parked(List<QueueListing> queues, long total) {
    }

    @TemplateData
    public record QueueListing(String name, String consumer, String deadLetterQueue, String count, String error,
            List<ParkedRow> messages, int shownLimit) {
    }

    @TemplateData
    public record ParkedRow(String messageId, String reason, String parkedAt, String receiveCount,
            String originalMessageId, String preview, String body) {
    }

    /** What a re-drive request did. */
    @TemplateData
    public record RedriveResult(List<RedriveRow> rows, int requested, int refused, String back) {
    }

    @TemplateData
    public record RedriveRow(String id, String customerKey, String customerHref, boolean requested, String message) {
    }

    /** An error page. */
    @TemplateData
    public record Problem(int status, String title, String message, String linkHref, String linkLabel) {
    }
}
