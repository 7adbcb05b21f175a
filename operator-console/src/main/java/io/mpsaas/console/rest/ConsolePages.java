package io.mpsaas.console.rest;

import io.mpsaas.console.client.EntitlementAdmin;
import io.mpsaas.console.client.EntitlementAdmin.Customer;
import io.mpsaas.console.client.EntitlementAdmin.CustomerDetail;
import io.mpsaas.console.client.EntitlementAdmin.CustomerPage;
import io.mpsaas.console.client.EntitlementAdmin.CustomerRow;
import io.mpsaas.console.client.EntitlementAdmin.DeadLetterQueue;
import io.mpsaas.console.client.EntitlementAdmin.Entitlement;
import io.mpsaas.console.client.EntitlementAdmin.ParkedMessage;
import io.mpsaas.console.client.EntitlementAdmin.Registration;
import io.mpsaas.console.client.EntitlementAdmin.SearchResult;
import io.mpsaas.console.client.MeteringAdmin.Aggregate;
import io.mpsaas.console.config.ConsoleConfig;
import io.mpsaas.console.rest.ConsoleViews.AggregateRow;
import io.mpsaas.console.rest.ConsoleViews.Badge;
import io.mpsaas.console.rest.ConsoleViews.Field;
import io.mpsaas.console.rest.ConsoleViews.Notice;
import io.mpsaas.console.rest.ConsoleViews.Option;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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
 * Renders the console's pages (Qute, server-side, no JavaScript: the CSP allows none) from the admin APIs' answers.
 * Every value reaches the HTML through Qute's escaping; {@link ConsoleRoutes} adds the security headers.
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

    /** What the search form offers: the {@code by} values of the admin API's search, with their labels. */
    private static final List<String[]> SEARCH_KINDS = List.of(new String[] {"", "Anything"},
            new String[] {"license", "License ARN"}, new String[] {"account", "AWS account id"},
            new String[] {"customer-identifier", "Customer identifier"}, new String[] {"product-code", "Product code"},
            new String[] {"company", "Company"});

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);
    private static final String NONE = "—";
    private static final int PREVIEW = 140;

    private final ConsolePaths paths;
    private final ConsoleConfig config;
    private final Clock clock;
    private final ConsoleViews.Links links;

    public ConsolePages(ConsolePaths paths, ConsoleConfig config) {
        this.paths = paths;
        this.config = config;
        this.clock = Clock.systemUTC();
        this.links = new ConsoleViews.Links(paths.href(ConsolePaths.BASE), paths.href(ConsolePaths.CUSTOMERS),
                paths.href(ConsolePaths.FAILURES), paths.href(ConsolePaths.PARKED), paths.href(ConsolePaths.SEARCH),
                paths.href(ConsolePaths.LOGIN), paths.href(ConsolePaths.LOGOUT), paths.href(ConsolePaths.REDRIVE),
                paths.href(ConsolePaths.REPLAY), paths.href(ConsolePaths.STYLESHEET));
    }

    // ---------------------------------------------------------------- pages

    public Page login(int status, String error, Notice notice) {
        ConsoleViews.Login view = new ConsoleViews.Login(paths.href(ConsolePaths.SIGN_IN), "operator", "key", error);
        return new Page(status, Templates.login(shell("Sign in", "login", null, notice), view).render());
    }

    public Page overview(String operator, List<DeadLetterQueue> queues, List<Aggregate> failures) {
        List<ConsoleViews.QueueCount> counts = new ArrayList<>();
        long total = 0;
        for (DeadLetterQueue q : queues) {
            if (q.deadLetterQueue() == null) {
                continue;
            }
            Long n = q.approximateCount();
            total += n == null ? 0 : n;
            counts.add(new ConsoleViews.QueueCount(q.queue(), q.consumer(), n == null ? "unknown" : Long.toString(n),
                    n == null || n > 0));
        }
        int redrivable = (int) failures.stream().filter(Aggregate::redrivable).count();
        ConsoleViews.Overview view = new ConsoleViews.Overview(searchForm("", null), counts, total, failures.size(),
                failures.size() >= config.failuresLimit(), redrivable);
        return new Page(200, Templates.overview(shell("Overview", "overview", operator, null), view).render());
    }

    public Page customers(String operator, CustomerPage page, String product, String state, boolean firstPage) {
        String filter = (product == null ? "All customers" : "Customers of " + product)
                + (state == null ? "" : ", " + stateLabel(state).toLowerCase(Locale.ROOT));
        List<CustomerRow> rows = page.customers() == null ? List.of() : page.customers();
        String summary = rows.isEmpty() ? "No customers on this page."
                : rows.size() + (rows.size() == 1 ? " customer" : " customers")
                        + (page.next() != null ? " on this page" : "") + ".";
        String next = page.next() == null ? null : listHref(product, state, page.next());
        String first = firstPage ? null : listHref(product, state, null);
        ConsoleViews.Customers view = new ConsoleViews.Customers(filter, summary, searchForm("", null),
                links.customers(), product == null ? "" : product, states(page.states(), state),
                rows.stream().map(this::row).toList(), next, first, false);
        return new Page(200, Templates.customers(shell("Customers", "customers", operator, null), view).render());
    }

    public Page searchResults(String operator, SearchResult result) {
        List<CustomerRow> rows = result.customers() == null ? List.of() : result.customers();
        String summary = rows.isEmpty() ? "No customer matches."
                : rows.size() + (rows.size() == 1 ? " customer matches" : " customers match")
                        + (result.truncated() ? " (the first " + result.limit() + " are shown; narrow the search)"
                                : "") + ".";
        ConsoleViews.Customers view = new ConsoleViews.Customers("Search: " + result.query(), summary,
                searchForm(result.query(), result.searchedBy()), links.customers(), "", states(List.of(), null),
                rows.stream().map(this::row).toList(), null, links.customers(), true);
        return new Page(200, Templates.customers(shell("Search", "customers", operator, null), view).render());
    }

    public Page searchError(String operator, String text, String message) {
        ConsoleViews.Customers view = new ConsoleViews.Customers("Search", null,
                searchForm(text == null ? "" : text, null), links.customers(), "", states(List.of(), null),
                List.of(), null, links.customers(), true);
        return new Page(400, Templates.customers(shell("Search", "customers", operator,
                new Notice("error", message)), view).render());
    }

    /**
     * The agreement's terms as fields (empty until entitlement-service has read them): who offered it (the seller, or
     * a channel partner: a CPPO), its status, dates, auto-renewal, free trial and summary.
     */
    /**
     * The stored {@code offerType} for people: {@code PUBLIC}, {@code PRIVATE}, {@code CPPO}, or {@code SELLER} (terms
     * stored before the suite asked the Catalog API, or when it could not answer: the seller's offer, visibility
     * unknown).
     */
    static String offerType(String offerType) {
        return switch (offerType == null ? "" : offerType) {
            case "PUBLIC" -> "Public offer";
            case "PRIVATE" -> "Private offer";
            case "CPPO" -> "Channel partner's private offer (CPPO)";
            default -> "The seller's own offer (public or private not known)";
        };
    }

    static List<Field> agreement(EntitlementAdmin.AgreementTerms t) {
        if (t == null) {
            return List.of();
        }
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Agreement id", text(t.agreementId()), true));
        fields.add(new Field("Offer type", offerType(t.offerType()), false));
        if (t.channelPartnerAccountId() != null) {
            fields.add(new Field("Channel partner account", t.channelPartnerAccountId(), true));
        }
        fields.add(new Field("Status", text(t.status()), false));
        fields.add(new Field("Starts", time(t.startsAt()), false));
        fields.add(new Field("Ends", t.endsAt() == null ? "No end (pay as you go)" : time(t.endsAt()), false));
        fields.add(new Field("Auto-renew", t.autoRenew() == null ? "No renewal term" : t.autoRenew() ? "On" : "Off",
                false));
        if (t.freeTrialEndsAt() != null) {
            fields.add(new Field("Free trial ends", time(t.freeTrialEndsAt()), false));
        }
        fields.add(new Field("Terms", text(t.summary()), false));
        fields.add(new Field("Read from AWS", time(t.readAt()), false));
        return fields;
    }

    public Page customer(String operator, CustomerDetail detail, List<Aggregate> usage) {
        Customer c = detail.customer();
        List<Field> identity = new ArrayList<>();
        identity.add(new Field("Customer key", c.customerKey(), true));
        identity.add(new Field("Identity model", text(c.identityModel()), false));
        identity.add(new Field("Product code", text(c.productCode()), true));
        if (c.customerIdentifier() != null) {
            identity.add(new Field("Customer identifier", c.customerIdentifier(), true));
        }
        identity.add(new Field("AWS account id", text(c.customerAwsAccountId()), true));
        identity.add(new Field("License ARN", text(c.licenseArn()), true));
        identity.add(new Field("Agreement id", text(c.agreementId()), true));
        identity.add(new Field("Offer id", text(c.offerId()), true));

        List<Field> subscription = new ArrayList<>();
        subscription.add(new Field("Access", c.accessGranted() ? "Granted" : "Refused", false));
        // only AWS's notification makes a free trial; the buyer's browser's offer type is shown as what it is
        subscription.add(new Field("Free trial", c.freeTrial() ? "Yes" : "No", false));
        if (detail.offerTypeHint() != null) {
            subscription.add(new Field("Offer type posted by the buyer's browser (unconfirmed)",
                    detail.offerTypeHint(), true));
        }
        subscription.add(new Field("State set by a notification of", time(c.stateEventAt()), false));
        subscription.add(new Field("State changed", time(c.stateChangedAt()), false));
        subscription.add(new Field("Created", time(c.createdAt()), false));
        subscription.add(new Field("Landings", detail.landings() == 0 ? "None yet" : detail.landings() + " (first "
                + time(detail.firstLandedAt()) + ", last " + time(detail.lastLandedAt()) + ")", false));
        subscription.add(new Field("Entitlements read", time(c.entitlementsRefreshedAt()), false));
        subscription.add(new Field("Item version", Long.toString(c.version()), false));

        List<Field> agreement = agreement(c.agreementTerms());

        ConsoleViews.Registration reg = null;
        Registration registration = c.registration();
        if (registration != null) {
            List<Field> extra = new ArrayList<>();
            if (registration.extraFields() != null) {
                new TreeMap<>(registration.extraFields()).forEach((k, v) -> extra.add(new Field(k, v, false)));
            }
            reg = new ConsoleViews.Registration(text(registration.company()), text(registration.contactName()),
                    text(registration.email()), text(registration.phone()), extra, time(registration.registeredAt()),
                    time(registration.updatedAt()));
        }
        List<ConsoleViews.EntitlementRow> entitlements = new ArrayList<>();
        if (c.entitlements() != null) {
            new TreeMap<>(c.entitlements()).forEach((dimension, e) -> entitlements.add(entitlement(dimension, e)));
        }
        List<ConsoleViews.HistoryRow> history = detail.history() == null ? List.of() : detail.history().stream()
                .map(h -> new ConsoleViews.HistoryRow(time(h.receivedAt()), text(h.kind()), text(h.result()),
                        h.effectsPending() ? "Effects pending" : "Done", h.messageId())).toList();
        Instant now = clock.instant();
        long failed = usage.stream().filter(Aggregate::failure).count();
        List<AggregateRow> recent = usage.stream().limit(12).map(a -> aggregate(a, now)).toList();
        String title = registration != null && registration.company() != null ? registration.company()
                : c.customerKey();
        ConsoleViews.Customer view = new ConsoleViews.Customer(c.customerKey(), title, badge(c.state(),
                c.accessGranted()), c.accessGranted(), identity, subscription, agreement, reg, entitlements, history,
                detail.historyLimit(), recent, paths.usage(c.customerKey()), failed == 0 ? null
                        : failed + (failed == 1 ? " hour" : " hours") + " not billed");
        return new Page(200, Templates.customer(shell(title, "customers", operator, null), view).render());
    }

    public Page usage(String operator, CustomerDetail detail, List<Aggregate> aggregates) {
        Customer c = detail.customer();
        Instant now = clock.instant();
        Map<String, long[]> byStatus = new TreeMap<>();
        for (Aggregate a : aggregates) {
            long[] n = byStatus.computeIfAbsent(a.status(), s -> new long[2]);
            n[0]++;
            n[1] += a.quantity();
        }
        List<Field> totals = new ArrayList<>();
        byStatus.forEach((status, n) -> totals.add(new Field(status, n[0] + (n[0] == 1 ? " hour, " : " hours, ")
                + n[1] + " units", false)));
        List<AggregateRow> rows = aggregates.stream().map(a -> aggregate(a, now)).toList();
        String title = c.registration() != null && c.registration().company() != null ? c.registration().company()
                : c.customerKey();
        ConsoleViews.Usage view = new ConsoleViews.Usage(c.customerKey(), title, badge(c.state(), c.accessGranted()),
                paths.customer(c.customerKey()), totals, rows, config.usageLimit(),
                rows.stream().anyMatch(AggregateRow::redrivable), paths.usage(c.customerKey()));
        return new Page(200, Templates.usage(shell("Usage of " + title, "customers", operator, null), view).render());
    }

    public Page failures(String operator, List<Aggregate> failures) {
        Instant now = clock.instant();
        List<AggregateRow> rows = failures.stream().map(a -> aggregate(a, now)).toList();
        ConsoleViews.Failures view = new ConsoleViews.Failures(rows, config.failuresLimit(),
                failures.size() >= config.failuresLimit(), rows.stream().anyMatch(AggregateRow::redrivable),
                links.failures());
        return new Page(200, Templates.failures(shell("Metering failures", "failures", operator, null), view)
                .render());
    }

    public Page parked(String operator, List<DeadLetterQueue> queues, Notice notice) {
        List<ConsoleViews.QueueListing> listings = new ArrayList<>();
        long total = 0;
        for (DeadLetterQueue q : queues) {
            List<ConsoleViews.ParkedRow> messages = new ArrayList<>();
            List<ParkedMessage> parked = q.messages() == null ? List.of() : q.messages();
            for (ParkedMessage m : parked) {
                String body = m.body() == null ? "" : m.body();
                String preview = body.length() > PREVIEW ? body.substring(0, PREVIEW) + "…" : body;
                messages.add(new ConsoleViews.ParkedRow(m.messageId(), m.parkReason() == null
                        ? "Moved by SQS after " + m.receiveCount() + " receives (no reason recorded)" : m.parkReason(),
                        parkedAt(m.parkedAt()), Integer.toString(m.receiveCount()), m.originalMessageId(), preview,
                        body));
            }
            long count = q.approximateCount() == null ? messages.size()
                    : Math.max(q.approximateCount(), messages.size());
            total += count;
            listings.add(new ConsoleViews.QueueListing(q.queue(), q.consumer(), text(q.deadLetterQueue()),
                    q.error() != null && q.approximateCount() == null ? "?" : Long.toString(count), q.error(),
                    messages, Integer.MAX_VALUE));
        }
        return new Page(200, Templates.parked(shell("Parked messages", "parked", operator, notice),
                new ConsoleViews.Parked(listings, total)).render());
    }

    public Page redriveResult(String operator, List<ConsoleViews.RedriveRow> rows, String back) {
        int requested = (int) rows.stream().filter(ConsoleViews.RedriveRow::requested).count();
        Notice notice = requested > 0
                ? new Notice("ok", requested + (requested == 1 ? " aggregate" : " aggregates")
                        + " requeued by metering-service; its next run sends " + (requested == 1 ? "it." : "them."))
                : new Notice("error", "Nothing was re-driven.");
        return new Page(200, Templates.redrive(shell("Re-drive", "failures", operator, notice),
                new ConsoleViews.RedriveResult(rows, requested, rows.size() - requested, back)).render());
    }

    /** A page of a request the console's resources answered: what went wrong, with the signed-in frame. */
    public Page problem(String operator, int status, String title, String message) {
        return problem(shell(title, "", operator, null), status, title, message);
    }

    /**
     * An error page of the HTTP layer (an unknown address, a refused form): its frame carries no form, as
     * quarkus-rest-csrf may not have issued this request's token.
     */
    public Page httpError(String operator, int status, String title, String message) {
        return problem(new ConsoleViews.Shell(title, "", links, operator, false, null), status, title, message);
    }

    private Page problem(ConsoleViews.Shell shell, int status, String title, String message) {
        boolean signedIn = shell.signedIn();
        ConsoleViews.Problem view = new ConsoleViews.Problem(status, title, message,
                signedIn ? links.customers() : links.login(), signedIn ? "Back to the customers" : "Go to sign in");
        return new Page(status, Templates.problem(shell, view).render());
    }

    /** A re-drive row, with the link to the aggregate's customer when known. */
    public ConsoleViews.RedriveRow redriveRow(String id, String customerKey, boolean requested, String message) {
        return new ConsoleViews.RedriveRow(id, customerKey, customerKey == null ? null : paths.customer(customerKey),
                requested, message);
    }

    // ---------------------------------------------------------------- parts

    private ConsoleViews.Shell shell(String title, String section, String operator, Notice notice) {
        return new ConsoleViews.Shell(title, section, links, operator, true, notice);
    }

    private ConsoleViews.SearchForm searchForm(String text, String selected) {
        List<Option> kinds = new ArrayList<>();
        String chosen = selected == null || selected.equals("any") ? "" : selected;
        for (String[] kind : SEARCH_KINDS) {
            kinds.add(new Option(kind[0], kind[1], kind[0].equals(chosen)));
        }
        return new ConsoleViews.SearchForm(links.search(), text, kinds);
    }

    private List<Option> states(List<String> states, String selected) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", "Any state", selected == null));
        for (String s : states == null ? List.<String>of() : states) {
            options.add(new Option(s, stateLabel(s), s.equals(selected)));
        }
        return options;
    }

    private String listHref(String product, String state, String cursor) {
        StringBuilder href = new StringBuilder(links.customers());
        List<String> params = new ArrayList<>();
        if (product != null) {
            params.add("product=" + URLEncoder.encode(product, StandardCharsets.UTF_8));
        }
        if (state != null) {
            params.add("state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
        }
        if (cursor != null) {
            params.add("after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        if (!params.isEmpty()) {
            href.append('?').append(String.join("&", params));
        }
        return href.toString();
    }

    private ConsoleViews.CustomerRow row(CustomerRow c) {
        String identifier = c.customerIdentifier() != null ? c.customerIdentifier()
                : c.licenseArn() != null ? c.licenseArn() : NONE;
        return new ConsoleViews.CustomerRow(c.customerKey(), paths.customer(c.customerKey()),
                badge(c.state(), c.accessGranted()), text(c.productCode()), identifier, text(c.customerAwsAccountId()),
                c.company(), c.registered(), c.since() == null ? NONE : HOUR.format(c.since()), c.matchedBy());
    }

    private static ConsoleViews.EntitlementRow entitlement(String dimension, Entitlement e) {
        Object value = e.value();
        return new ConsoleViews.EntitlementRow(dimension, text(e.type()),
                value instanceof Double d ? trim(d) : value == null ? NONE : value.toString(),
                e.expiresAt() == null ? "Does not expire" : time(e.expiresAt()),
                e.expired() ? new Badge("Expired", "bad") : new Badge("Current", "ok"));
    }

    private AggregateRow aggregate(Aggregate a, Instant now) {
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
                quantityNote(a.events(), a.carriedQuantity()), billed, statusBadge(a), attempts, a.resultCode(), a.resultMessage(), a.meteringRecordId(),
                a.sentAt() == null ? NONE : HOUR.format(a.sentAt()), deadline, deadlineNote, a.redrivable());
    }

    /** What an aggregate's quantity is made of: its records, and what was carried in from hours already sent. */
    static String quantityNote(long records, long carried) {
        List<String> notes = new ArrayList<>();
        if (records > 0) {
            notes.add(records + (records == 1 ? " record" : " records"));
        }
        if (carried > 0) {
            notes.add(carried + " carried from sent hours");
        }
        return notes.isEmpty() ? null : String.join(", ", notes);
    }

    /** A subscription state as entitlement-service names it, as a badge: green while it grants access. */
    static Badge badge(String state, boolean accessGranted) {
        return new Badge(stateLabel(state), accessGranted ? "ok" : "bad");
    }

    /** {@code FREE_TRIAL} -> {@code Free trial}: the state's name made readable, whatever the state. */
    static String stateLabel(String state) {
        if (state == null || state.isBlank()) {
            return "Unknown";
        }
        String words = state.strip().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** An aggregate's status as a badge, coloured by what metering-service says of it. */
    static Badge statusBadge(Aggregate a) {
        String css = a.failure() ? "bad" : a.pending() ? "info" : a.meteringRecordId() != null ? "ok" : "muted";
        return new Badge(a.status() == null ? "UNKNOWN" : a.status(), css);
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
