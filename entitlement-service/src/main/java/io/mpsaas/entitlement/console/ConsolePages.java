package io.mpsaas.entitlement.console;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.StoredEntitlement;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.console.ConsoleViews.AggregateRow;
import io.mpsaas.entitlement.console.ConsoleViews.Badge;
import io.mpsaas.entitlement.console.ConsoleViews.Field;
import io.mpsaas.entitlement.console.ConsoleViews.Notice;
import io.mpsaas.entitlement.console.ConsoleViews.Option;
import io.mpsaas.entitlement.messaging.ParkedMessage;
import io.mpsaas.entitlement.persistence.InboxEntry;
import io.mpsaas.entitlement.service.EntitlementJson;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the console's pages (Qute, server-side, no JavaScript: the CSP allows none). Every value reaches the HTML
 * through Qute's escaping; {@link ConsoleRoutes} adds the security headers.
 */
@ApplicationScoped
public class ConsolePages {

    /** A rendered page and its status. */
    public record Page(int status, String html) {
    }

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance login(ConsoleViews.Shell shell, ConsoleViews.Login view);

        static native TemplateInstance overview(ConsoleViews.Shell shell, ConsoleViews.Overview view);

        static native TemplateInstance customers(ConsoleViews.Shell shell, ConsoleViews.Customers view);

        static native TemplateInstance customer(ConsoleViews.Shell shell, ConsoleViews.Customer view);

        static native TemplateInstance usage(ConsoleViews.Shell shell, ConsoleViews.Usage view);

        static native TemplateInstance failures(ConsoleViews.Shell shell, ConsoleViews.Failures view);

        static native TemplateInstance parked(ConsoleViews.Shell shell, ConsoleViews.Parked view);

        static native TemplateInstance redrive(ConsoleViews.Shell shell, ConsoleViews.RedriveResult view);

        static native TemplateInstance problem(ConsoleViews.Shell shell, ConsoleViews.Problem view);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);
    private static final String NONE = "—";
    private static final int PREVIEW = 140;

    private final ConsolePaths paths;
    private final ConsoleAuth auth;
    private final CurrentVertxRequest request;
    private final EntitlementConfig.Console config;
    private final Clock clock;
    private final ConsoleViews.Links links;

    public ConsolePages(ConsolePaths paths, ConsoleAuth auth, CurrentVertxRequest request, EntitlementConfig config,
            Clock clock) {
        this.paths = paths;
        this.auth = auth;
        this.request = request;
        this.config = config.console();
        this.clock = clock;
        this.links = new ConsoleViews.Links(paths.href(ConsolePaths.BASE), paths.href(ConsolePaths.CUSTOMERS),
                paths.href(ConsolePaths.FAILURES), paths.href(ConsolePaths.PARKED), paths.href(ConsolePaths.SEARCH),
                paths.href(ConsolePaths.LOGIN), paths.href(ConsolePaths.LOGOUT), paths.href(ConsolePaths.REDRIVE),
                paths.href(ConsolePaths.REPLAY), paths.href(ConsolePaths.STYLESHEET));
    }

    // ---------------------------------------------------------------- pages

    public Page login(int status, String next, String error, Notice notice) {
        ConsoleViews.Login view = new ConsoleViews.Login(links.login(), next == null ? "" : next, error);
        return new Page(status, Templates.login(shell("Sign in", "login", null, notice), view).render());
    }

    public Page overview(SessionTokens.Session session, Map<DeadLetters.Queue, Long> counts,
            List<UsageReader.Aggregate> failures) {
        List<ConsoleViews.QueueCount> queues = new ArrayList<>();
        long total = 0;
        for (Map.Entry<DeadLetters.Queue, Long> e : counts.entrySet()) {
            Long n = e.getValue();
            total += n == null ? 0 : n;
            queues.add(new ConsoleViews.QueueCount(e.getKey().name(), e.getKey().consumer(),
                    n == null ? "unknown" : Long.toString(n), n == null || n > 0));
        }
        Instant now = clock.instant();
        int redrivable = (int) failures.stream().filter(a -> a.redrivable(now)).count();
        ConsoleViews.Overview view = new ConsoleViews.Overview(searchForm("", null), queues, total, failures.size(),
                failures.size() >= config.failuresLimit(), redrivable);
        return new Page(200, Templates.overview(shell("Overview", "overview", session, null), view).render());
    }

    public Page customers(SessionTokens.Session session, CustomerDirectory.Page page, String product,
            SubscriptionState state, boolean firstPage) {
        String filter = (product == null || product.isBlank() ? "All customers" : "Customers of " + product.strip())
                + (state == null ? "" : ", " + stateLabel(state).toLowerCase(Locale.ROOT));
        String summary = page.rows().isEmpty() ? "No customers on this page."
                : page.rows().size() + (page.rows().size() == 1 ? " customer" : " customers")
                        + (page.next() != null ? " on this page" : "") + ".";
        String next = page.next() == null ? null : listHref(product, state, page.next());
        String first = firstPage ? null : listHref(product, state, null);
        ConsoleViews.Customers view = new ConsoleViews.Customers(filter, summary, searchForm("", null),
                links.customers(), product == null ? "" : product.strip(), states(state),
                page.rows().stream().map(this::row).toList(), next, first, false);
        return new Page(200, Templates.customers(shell("Customers", "customers", session, null), view).render());
    }

    public Page searchResults(SessionTokens.Session session, SearchQuery query, List<CustomerDirectory.Row> rows) {
        String summary = rows.isEmpty() ? "No customer matches."
                : rows.size() + (rows.size() == 1 ? " customer matches" : " customers match")
                        + (rows.size() >= config.searchLimit() ? " (the first " + config.searchLimit()
                                + " are shown; narrow the search)" : "") + ".";
        ConsoleViews.Customers view = new ConsoleViews.Customers("Search: " + query.text(), summary,
                searchForm(query.text(), query.kind()), links.customers(), "", states(null),
                rows.stream().map(this::row).toList(), null, links.customers(), true);
        return new Page(200, Templates.customers(shell("Search", "customers", session, null), view).render());
    }

    public Page searchError(SessionTokens.Session session, String text, String message) {
        ConsoleViews.Customers view = new ConsoleViews.Customers("Search", null,
                searchForm(text == null ? "" : text, null), links.customers(), "", states(null), List.of(), null,
                links.customers(), true);
        return new Page(400, Templates.customers(shell("Search", "customers", session,
                new Notice("error", message)), view).render());
    }

    public Page customer(SessionTokens.Session session, CustomerRecord c, RegistrationRecord registration,
            List<InboxEntry> history, List<UsageReader.Aggregate> usage) {
        Instant now = clock.instant();
        List<Field> identity = new ArrayList<>();
        identity.add(new Field("Customer key", c.key(), true));
        identity.add(new Field("Identity model", c.identityModel() == null ? NONE : c.identityModel().name(), false));
        identity.add(new Field("Product code", text(c.productCode()), true));
        if (c.customerIdentifier() != null) {
            identity.add(new Field("Customer identifier", c.customerIdentifier(), true));
        }
        identity.add(new Field("AWS account id", text(c.customerAwsAccountId()), true));
        identity.add(new Field("License ARN", text(c.licenseArn()), true));
        identity.add(new Field("Agreement id", text(c.agreementId()), true));
        identity.add(new Field("Offer id", text(c.offerId()), true));

        List<Field> subscription = new ArrayList<>();
        subscription.add(new Field("Access", c.state().grantsAccess() ? "Granted" : "Refused", false));
        subscription.add(new Field("Free trial", c.freeTrial() || c.freeTrialOffer() ? "Yes" : "No", false));
        subscription.add(new Field("State set by a notification of", time(c.stateEventAt()), false));
        subscription.add(new Field("State changed", time(c.stateChangedAt()), false));
        subscription.add(new Field("Created", time(c.createdAt()), false));
        subscription.add(new Field("Landings", c.landings() == 0 ? "None yet" : c.landings() + " (first "
                + time(c.firstLandedAt()) + ", last " + time(c.lastLandedAt()) + ")", false));
        subscription.add(new Field("Entitlements read", time(c.entitlementsRefreshedAt()), false));
        subscription.add(new Field("Item version", Long.toString(c.version()), false));

        ConsoleViews.Registration reg = null;
        if (registration != null) {
            List<Field> extra = new ArrayList<>();
            new TreeMap<>(registration.extraFields()).forEach((k, v) -> extra.add(new Field(k, v, false)));
            reg = new ConsoleViews.Registration(text(registration.company()), text(registration.contactName()),
                    text(registration.email()), text(registration.phone()), extra, time(registration.registeredAt()),
                    time(registration.updatedAt()));
        }
        List<ConsoleViews.EntitlementRow> entitlements = new ArrayList<>();
        for (StoredEntitlement e : c.entitlements().values()) {
            boolean expired = e.expiredAt(now);
            Object value = EntitlementJson.value(e.value());
            entitlements.add(new ConsoleViews.EntitlementRow(e.dimension(), EntitlementJson.type(e.value()),
                    value instanceof Double d ? trim(d) : value == null ? NONE : value.toString(),
                    e.expiresAt() == null ? "Does not expire" : time(e.expiresAt()),
                    expired ? new Badge("Expired", "bad") : new Badge("Current", "ok")));
        }
        List<ConsoleViews.HistoryRow> rows = history.stream().map(h -> new ConsoleViews.HistoryRow(
                time(h.receivedAt()), text(h.kind()), text(h.result()),
                h.status() == InboxEntry.Status.APPLIED ? "Effects pending" : "Done", h.dedupeKey())).toList();
        long failed = usage.stream().filter(a -> UsageReader.REDRIVABLE.contains(a.status())
                || "DUPLICATE_RECORD".equals(a.status()) || "EXPIRED".equals(a.status())).count();
        List<AggregateRow> recent = usage.stream().limit(12).map(a -> aggregate(a, now)).toList();
        ConsoleViews.Customer view = new ConsoleViews.Customer(c.key(), registration != null
                && registration.company() != null ? registration.company() : c.key(), badge(c.state()),
                c.state().grantsAccess(), identity, subscription, reg, entitlements, rows, config.historyLimit(),
                recent, paths.usage(c.key()), failed == 0 ? null : failed + (failed == 1 ? " hour" : " hours")
                        + " not billed");
        return new Page(200, Templates.customer(shell(view.title(), "customers", session, null), view).render());
    }

    public Page usage(SessionTokens.Session session, CustomerRecord c, RegistrationRecord registration,
            List<UsageReader.Aggregate> aggregates) {
        Instant now = clock.instant();
        Map<String, long[]> byStatus = new TreeMap<>();
        for (UsageReader.Aggregate a : aggregates) {
            long[] n = byStatus.computeIfAbsent(a.status(), s -> new long[2]);
            n[0]++;
            n[1] += a.quantity();
        }
        List<Field> totals = new ArrayList<>();
        byStatus.forEach((status, n) -> totals.add(new Field(status, n[0] + (n[0] == 1 ? " hour, " : " hours, ")
                + n[1] + " units", false)));
        List<AggregateRow> rows = aggregates.stream().map(a -> aggregate(a, now)).toList();
        String title = registration != null && registration.company() != null ? registration.company() : c.key();
        ConsoleViews.Usage view = new ConsoleViews.Usage(c.key(), title, badge(c.state()), paths.customer(c.key()),
                totals, rows, config.usageLimit(), rows.stream().anyMatch(AggregateRow::redrivable),
                paths.usage(c.key()));
        return new Page(200, Templates.usage(shell("Usage of " + title, "customers", session, null), view).render());
    }

    public Page failures(SessionTokens.Session session, List<UsageReader.Aggregate> failures) {
        Instant now = clock.instant();
        List<AggregateRow> rows = failures.stream().map(a -> aggregate(a, now)).toList();
        ConsoleViews.Failures view = new ConsoleViews.Failures(rows, config.failuresLimit(),
                failures.size() >= config.failuresLimit(), rows.stream().anyMatch(AggregateRow::redrivable),
                links.failures());
        return new Page(200, Templates.failures(shell("Metering failures", "failures", session, null), view)
                .render());
    }

    public Page parked(SessionTokens.Session session, List<DeadLetters.Listing> listings, Notice notice) {
        List<ConsoleViews.QueueListing> queues = new ArrayList<>();
        long total = 0;
        for (DeadLetters.Listing l : listings) {
            List<ConsoleViews.ParkedRow> messages = new ArrayList<>();
            for (ParkedMessage m : l.messages()) {
                String body = m.body() == null ? "" : m.body();
                String preview = body.length() > PREVIEW ? body.substring(0, PREVIEW) + "…" : body;
                messages.add(new ConsoleViews.ParkedRow(m.messageId(), m.parkReason() == null
                        ? "Moved by SQS after " + m.receiveCount() + " receives (no reason recorded)" : m.parkReason(),
                        parkedAt(m.parkedAt()), Integer.toString(m.receiveCount()),
                        m.originalMessageId(), preview, body));
            }
            long count = l.approximateCount() == null ? messages.size() : Math.max(l.approximateCount(),
                    messages.size());
            total += count;
            String dlq = l.queue().deadLetterUrl() == null ? NONE
                    : l.queue().deadLetterUrl().substring(l.queue().deadLetterUrl().lastIndexOf('/') + 1);
            queues.add(new ConsoleViews.QueueListing(l.queue().name(), l.queue().consumer(), dlq,
                    l.error() != null && l.approximateCount() == null ? "?" : Long.toString(count), l.error(),
                    messages, config.maxParkedMessages()));
        }
        return new Page(200, Templates.parked(shell("Parked messages", "parked", session, notice),
                new ConsoleViews.Parked(queues, total)).render());
    }

    public Page redriveResult(SessionTokens.Session session, List<Redrives.Outcome> outcomes, String back) {
        List<ConsoleViews.RedriveRow> rows = outcomes.stream().map(o -> new ConsoleViews.RedriveRow(o.id(),
                o.customerKey(), o.customerKey() == null ? null : paths.customer(o.customerKey()), o.requested(),
                o.message())).toList();
        int requested = (int) outcomes.stream().filter(Redrives.Outcome::requested).count();
        Notice notice = requested > 0
                ? new Notice("ok", requested + (requested == 1 ? " aggregate" : " aggregates")
                        + " handed to metering-service for re-drive.")
                : new Notice("error", "Nothing was re-driven.");
        return new Page(200, Templates.redrive(shell("Re-drive", "failures", session, notice),
                new ConsoleViews.RedriveResult(rows, requested, outcomes.size() - requested, back)).render());
    }

    public Page problem(SessionTokens.Session session, int status, String title, String message) {
        boolean signedIn = session != null;
        ConsoleViews.Problem view = new ConsoleViews.Problem(status, title, message,
                signedIn ? links.customers() : links.login(), signedIn ? "Back to the customers" : "Go to sign in");
        return new Page(status, Templates.problem(shell(title, "", session, null), view).render());
    }

    // ---------------------------------------------------------------- parts

    private ConsoleViews.Shell shell(String title, String section, SessionTokens.Session session, Notice notice) {
        String token = request.getCurrent() == null ? null : auth.csrfToken(request.getCurrent(), session);
        return new ConsoleViews.Shell(title, section, links, session == null ? null : session.keyId(),
                ConsoleAuth.CSRF_FIELD, token, notice);
    }

    private ConsoleViews.SearchForm searchForm(String text, SearchQuery.Kind selected) {
        List<Option> kinds = new ArrayList<>();
        for (SearchQuery.Kind kind : SearchQuery.Kind.values()) {
            if (kind != SearchQuery.Kind.CUSTOMER_KEY) {
                kinds.add(new Option(kind == SearchQuery.Kind.ANY ? "" : kind.param(), kind.label(),
                        kind == (selected == null ? SearchQuery.Kind.ANY : selected)));
            }
        }
        return new ConsoleViews.SearchForm(links.search(), text, kinds);
    }

    private List<Option> states(SubscriptionState selected) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", "Any state", selected == null));
        for (SubscriptionState s : SubscriptionState.values()) {
            options.add(new Option(s.name(), stateLabel(s), s == selected));
        }
        return options;
    }

    private String listHref(String product, SubscriptionState state, String cursor) {
        StringBuilder href = new StringBuilder(links.customers());
        List<String> params = new ArrayList<>();
        if (product != null && !product.isBlank()) {
            params.add("product=" + URLEncoder.encode(product.strip(), StandardCharsets.UTF_8));
        }
        if (state != null) {
            params.add("state=" + state.name());
        }
        if (cursor != null) {
            params.add("after=" + cursor);
        }
        if (!params.isEmpty()) {
            href.append('?').append(String.join("&", params));
        }
        return href.toString();
    }

    private ConsoleViews.CustomerRow row(CustomerDirectory.Row row) {
        CustomerRecord c = row.customer();
        String identifier = c.customerIdentifier() != null ? c.customerIdentifier()
                : c.licenseArn() != null ? c.licenseArn() : NONE;
        Instant since = c.firstLandedAt() != null ? c.firstLandedAt() : c.createdAt();
        return new ConsoleViews.CustomerRow(c.key(), paths.customer(c.key()), badge(c.state()), text(c.productCode()),
                identifier, text(c.customerAwsAccountId()), row.company(), c.registered() || row.company() != null,
                since == null ? NONE : HOUR.format(since), row.matchedBy());
    }

    private AggregateRow aggregate(UsageReader.Aggregate a, Instant now) {
        List<String> notes = new ArrayList<>();
        if (a.events() > 0) {
            notes.add(a.events() + (a.events() == 1 ? " record" : " records"));
        }
        if (a.carriedQuantity() > 0) {
            notes.add(a.carriedQuantity() + " carried from sent hours");
        }
        String billed = a.billedQuantity() == null ? NONE : a.billedQuantity()
                + (a.entitledQuantity() != null ? " (after " + trim(a.entitledQuantity()) + " entitled)" : "");
        String attempts = a.attempts() == 0 ? NONE : a.attempts() + (a.nextAttemptAt() == null ? ""
                : ", next not before " + time(a.nextAttemptAt()));
        String deadline = a.deadline() == null ? NONE : HOUR.format(a.deadline());
        String deadlineNote = a.deadline() == null ? null : !now.isBefore(a.deadline()) ? "passed"
                : "in " + humanize(Duration.between(now, a.deadline()));
        String customerHref = a.customerKey() == null ? null : paths.customer(a.customerKey());
        return new AggregateRow(a.id(), a.customerKey(), customerHref, text(a.productCode()),
                a.hour() == null ? NONE : HOUR.format(a.hour()), text(a.dimension()), Long.toString(a.quantity()),
                notes.isEmpty() ? null : String.join(", ", notes), billed, statusBadge(a.status()), attempts,
                a.resultCode(), a.resultMessage(), a.meteringRecordId(),
                a.sentAt() == null ? NONE : HOUR.format(a.sentAt()), deadline, deadlineNote, a.redrivable(now));
    }

    static Badge badge(SubscriptionState state) {
        String css = switch (state) {
            case ACTIVE, FREE_TRIAL -> "ok";
            case PENDING -> "info";
            case UNSUBSCRIBE_PENDING -> "warn";
            case UNSUBSCRIBED, SUBSCRIBE_FAILED, DEPROVISIONED -> "bad";
        };
        return new Badge(stateLabel(state), css);
    }

    static String stateLabel(SubscriptionState state) {
        return switch (state) {
            case PENDING -> "Pending";
            case ACTIVE -> "Active";
            case FREE_TRIAL -> "Free trial";
            case UNSUBSCRIBE_PENDING -> "Unsubscribe pending";
            case UNSUBSCRIBED -> "Unsubscribed";
            case SUBSCRIBE_FAILED -> "Subscribe failed";
            case DEPROVISIONED -> "Deprovisioned";
        };
    }

    private static final Map<String, String> STATUS_CSS = Map.ofEntries(Map.entry("OPEN", "info"),
            Map.entry("FROZEN", "info"), Map.entry("SENT", "ok"), Map.entry("DRY_RUN", "muted"),
            Map.entry("NOT_METERED", "muted"), Map.entry("CUSTOMER_NOT_SUBSCRIBED", "warn"),
            Map.entry("FAILED", "bad"), Map.entry("DUPLICATE_RECORD", "bad"), Map.entry("EXPIRED", "bad"));

    static Badge statusBadge(String status) {
        return new Badge(status == null ? "UNKNOWN" : status, STATUS_CSS.getOrDefault(status, "muted"));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String parkedAt(String value) {
        if (value == null) {
            return NONE;
        }
        try {
            return time(Instant.parse(value));
        } catch (DateTimeParseException e) {
            return value;
        }
    }

    static String time(Instant instant) {
        return instant == null ? NONE : TIME.format(instant);
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }

    static String humanize(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours < 48 ? hours + " h " + (minutes % 60) + " min" : (hours / 24) + " days";
    }
}
