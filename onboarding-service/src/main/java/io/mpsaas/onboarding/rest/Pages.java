package io.mpsaas.onboarding.rest;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.onboarding.config.OnboardingConfig;
import io.mpsaas.onboarding.domain.FieldSpec;
import io.mpsaas.onboarding.domain.Landing;
import io.mpsaas.onboarding.domain.RegistrationDetails;
import io.mpsaas.onboarding.domain.RegistrationFormSpec;
import io.mpsaas.onboarding.domain.RegistrationOutcome;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Renders the buyer's pages (Qute, server-side, no JavaScript). Every value reaches the HTML through Qute's escaping;
 * the security headers (CSP, no-store, no-referrer) are added by {@link PageHeaders}.
 */
@ApplicationScoped
public class Pages {

    /** The form field AWS Marketplace posts the registration token in. */
    public static final String TOKEN_FIELD = "x-amzn-marketplace-token";
    /** The form field AWS Marketplace posts the offer type in ({@code free-trial}). */
    public static final String OFFER_TYPE_FIELD = "x-amzn-marketplace-offer-type";
    /** The registration form's field carrying the signed customer reference. */
    public static final String REFERENCE_FIELD = "ref";

    /** Where registration links open (under the HTTP root), followed by the link's signed reference. */
    public static final String LINK_PATH = "/register/link/";

    /** A rendered page and its status. */
    public record Page(int status, String html) {
    }

    @CheckedTemplate(basePath = "pages")
    static class Templates {
        static native TemplateInstance registration(Views.Shell shell, Views.Registration view);

        static native TemplateInstance confirmation(Views.Shell shell, Views.Confirmation view);

        static native TemplateInstance problem(Views.Shell shell, Views.Problem view);
    }

    private final OnboardingConfig config;
    private final RegistrationFormSpec form;
    private final String basePath;
    private final String stylesheet;
    private final String favicon;
    private final Views.Support support;

    public Pages(OnboardingConfig config, RegistrationFormSpec form,
            @ConfigProperty(name = "quarkus.http.root-path", defaultValue = "/") String rootPath) {
        this.config = config;
        this.form = form;
        this.basePath = rootPath.endsWith("/") ? rootPath : rootPath + "/";
        this.stylesheet = basePath + "assets/onboarding.css";
        this.favicon = basePath + "assets/favicon.svg";
        this.support = support(config);
    }

    /**
     * The product's name as buyers know it: its own ({@code suite.onboarding.products."<code>".name}), else the
     * seller's one name ({@code suite.onboarding.product-name}), else none (the pages then speak of "your
     * subscription").
     */
    Optional<String> productName(String productCode) {
        Optional<String> own = Optional.ofNullable(productCode).map(config.products()::get)
                .flatMap(OnboardingConfig.Product::name).filter(name -> !name.isBlank());
        return own.or(() -> config.productName().filter(name -> !name.isBlank())).map(String::strip);
    }

    private Views.Shell shell(Optional<String> product) {
        return new Views.Shell(product.orElse("Account set-up"), stylesheet, favicon, support,
                config.marketplaceUrl().toString());
    }

    /** Where the registration form posts. */
    public String registerAction() {
        return basePath + "register";
    }

    /** The path of a registration link (a purchase made through the API) as the browser sees it. */
    public String linkPath(String reference) {
        return basePath + LINK_PATH.substring(1) + reference;
    }

    /** The fulfillment URL's path as the browser sees it (for the retry button). */
    public String fulfillmentAction() {
        String path = config.fulfillmentPath();
        return basePath + (path.startsWith("/") ? path.substring(1) : path);
    }

    /**
     * The registration form.
     *
     * @param values   what to show in the inputs, by input name (the buyer's last submission, or the stored
     *                 registration)
     * @param errors   field messages by input name
     * @param notice   a status line above the form, or null
     */
    public Page registration(int status, CustomerRecord customer, String reference, String csrfToken,
            String csrfField, Map<String, String> values, Map<String, String> errors, String notice) {
        List<Views.Field> fields = new ArrayList<>();
        List<Views.Field> invalid = new ArrayList<>();
        for (FieldSpec spec : form.fields()) {
            String id = "field-" + spec.inputName();
            String error = errors.get(spec.inputName());
            List<String> describedBy = new ArrayList<>();
            if (spec.hint() != null) {
                describedBy.add(id + "-hint");
            }
            if (error != null) {
                describedBy.add(id + "-error");
            }
            Views.Field field = new Views.Field(id, spec.inputName(), spec.label(), spec.kind().inputType(),
                    spec.autocomplete(), spec.required(), spec.maxLength(), values.getOrDefault(spec.inputName(), ""),
                    error, spec.hint(), describedBy.isEmpty() ? null : String.join(" ", describedBy));
            fields.add(field);
            if (error != null) {
                invalid.add(field);
            }
        }
        Optional<String> product = productName(customer.productCode());
        if (ended(customer.state())) {
            return ended(customer, product);
        }
        boolean returning = customer.registered();
        String title = returning ? "Update your registration" : "Set up your account";
        String intro = returning
                ? "You have already registered this subscription. Check your details and change anything that is out"
                        + " of date."
                : "Thank you for subscribing" + product.map(name -> " to " + name).orElse("") + " in AWS Marketplace."
                        + " Tell us who you are so we can set up your account.";
        Views.Registration view = new Views.Registration(title, intro, notice, registerAction(), REFERENCE_FIELD,
                reference, csrfField, csrfToken, fields, invalid, returning ? "Save my details" : "Create my account",
                stateLabel(customer));
        return new Page(status, Templates.registration(shell(product), view).render());
    }

    /** Whether a subscription is over or ending: there is nothing left to register or update. */
    static boolean ended(SubscriptionState state) {
        return state == SubscriptionState.UNSUBSCRIBE_PENDING || state == SubscriptionState.UNSUBSCRIBED
                || state == SubscriptionState.DEPROVISIONED;
    }

    /** What a buyer arriving with the link of a subscription that ended reads instead of the form. */
    private Page ended(CustomerRecord customer, Optional<String> product) {
        String what = product.map(name -> "Your subscription to " + name).orElse("This subscription");
        Views.Problem view = new Views.Problem("This subscription has ended",
                what + " has been cancelled in AWS Marketplace, so there is nothing to set up or update here.",
                List.of("To use " + product.orElse("the product") + " again, subscribe again in AWS Marketplace.",
                        "AWS Marketplace then brings you back here to set up your account."),
                null, true, true, stateLabel(customer));
        return new Page(200, Templates.problem(shell(product), view).render());
    }

    /** The inputs' values of a stored registration, by input name. */
    public Map<String, String> values(RegistrationRecord registration) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(RegistrationRecord.COMPANY, registration.company());
        values.put(RegistrationRecord.CONTACT_NAME, registration.contactName());
        values.put(RegistrationRecord.EMAIL, registration.email());
        values.put(RegistrationRecord.PHONE, registration.phone());
        registration.extraFields().forEach((name, value) -> values.put(FieldSpec.EXTRA_INPUT_PREFIX + name, value));
        values.values().removeIf(java.util.Objects::isNull);
        return values;
    }

    /** The confirmation page. */
    public Page confirmation(CustomerRecord customer, RegistrationDetails details, RegistrationOutcome outcome) {
        String title = switch (outcome) {
            case CREATED -> "You are registered";
            case UPDATED -> "Your details are updated";
            case UNCHANGED -> "You are all set";
        };
        String message = switch (outcome) {
            case CREATED -> "Thank you, " + details.contactName() + ". We have your registration and are setting up"
                    + " your account.";
            case UPDATED -> "Thank you, " + details.contactName() + ". We saved your changes.";
            case UNCHANGED -> "We already have these details. Nothing else to do.";
        };
        List<String> steps = config.nextSteps().orElseGet(() -> {
            List<String> generic = new ArrayList<>();
            // once AWS Marketplace has confirmed (the state says so beside it), the page does not promise it again
            if (customer.state() == SubscriptionState.PENDING) {
                generic.add("AWS Marketplace confirms your subscription. This usually takes a few minutes; you do not"
                        + " need to keep this page open.");
            }
            generic.add("We set up your account and send you an email at the address you gave us.");
            generic.add("To change your details later, open Your Marketplace Software in AWS Marketplace and choose"
                    + " Set up your account again.");
            return generic;
        });
        Optional<String> product = productName(customer.productCode());
        String link = config.productUrl().map(Object::toString).orElse(null);
        String label = config.productLinkLabel().orElse(product.map(name -> "Open " + name).orElse("Open the product"));
        Views.Confirmation view = new Views.Confirmation(title, message, details.company(),
                stateLabel(customer), steps, link, label);
        return new Page(200, Templates.confirmation(shell(product), view).render());
    }

    /** A problem page; {@code retry} is only used by {@link ProblemKind#TEMPORARILY_UNAVAILABLE}. */
    public Page problem(ProblemKind kind, Views.Retry retry) {
        Optional<String> name = productName(null);
        String product = name.orElse("the product");
        List<String> restart = List.of(
                "Sign in to AWS Marketplace and open Your Marketplace Software.",
                "Find " + product + " and choose Set up your account.",
                "AWS Marketplace brings you back here with a fresh link.");
        Views.Problem view = switch (kind) {
            case START -> new Views.Problem("Set up your account",
                    "This is where AWS Marketplace brings you after you subscribe" + name.map(n -> " to " + n)
                            .orElse("") + ". To register, start from AWS Marketplace.",
                    List.of("Subscribe to " + product + " in AWS Marketplace, or open Your Marketplace Software if you"
                            + " have already subscribed.", "Choose Set up your account.",
                            "AWS Marketplace brings you back here to finish your registration."),
                    null, true, false);
            case MISSING_TOKEN -> new Views.Problem("Start from AWS Marketplace",
                    "We did not receive a registration token from AWS Marketplace, so we cannot tell which subscription"
                            + " you are setting up.", restart, null, true, false);
            case INVALID_TOKEN -> new Views.Problem("We could not confirm your subscription",
                    "AWS Marketplace did not recognise the registration link you followed. Your subscription is not"
                            + " affected.", restart, null, true, true);
            case EXPIRED_TOKEN -> new Views.Problem("Your set-up link has expired",
                    "Links from AWS Marketplace are valid for a limited time, and this one has run out. Your"
                            + " subscription is not affected.",
                    List.of("Go back to AWS Marketplace, Your Marketplace Software, and click Set up your account"
                            + " again.", "AWS Marketplace brings you back here with a fresh link."),
                    null, true, false);
            case TEMPORARILY_UNAVAILABLE -> new Views.Problem("We could not confirm your subscription just now",
                    "AWS Marketplace is busy or not answering at the moment. Your subscription is safe and nothing was"
                            + " lost.",
                    retry != null
                            ? List.of("Wait a minute, then choose Try again.", "If it still does not work, start again"
                                    + " from Your Marketplace Software in AWS Marketplace (Set up your account).")
                            : List.of("Wait a minute, then go back and submit again.", "If it still does not work,"
                                    + " start again from Your Marketplace Software in AWS Marketplace."),
                    retry, true, false);
            case SETUP_FAILED -> new Views.Problem("We could not set up your account",
                    "Something on our side needs attention before we can finish your registration. Your subscription"
                            + " is not affected, and we have been notified.",
                    List.of("Contact the seller and mention that the account set-up failed.",
                            "You can come back later through Your Marketplace Software in AWS Marketplace (Set up"
                                    + " your account)."),
                    null, true, true);
            case REFERENCE_EXPIRED -> new Views.Problem("This registration page has expired",
                    "For your security, the registration form is valid for " + humanize(config.referenceTtl())
                            + " after you arrive from AWS Marketplace. Your details were not saved.",
                    List.of("Go back to AWS Marketplace, Your Marketplace Software, and click Set up your account"
                            + " again.", "Fill in the form within " + humanize(config.referenceTtl()) + "."),
                    null, true, false);
            case REFERENCE_INVALID -> new Views.Problem("We could not accept this form",
                    "The form was changed or did not come from this site, so we did not save anything.", restart,
                    null, true, true);
            case FORM_EXPIRED -> new Views.Problem("Your form has expired",
                    "For your security we could not accept this form, and nothing was saved. This happens when cookies"
                            + " are blocked or the page was open for a long time.", restart, null, true, false);
            case LINK_EXPIRED -> new Views.Problem("Your set-up link has expired",
                    "For your security, the set-up link you received is valid for "
                            + humanize(config.apiPurchase().linkTtl()) + ", and this one has run out. Your"
                            + " subscription is not affected.",
                    List.of("Ask the seller for a new set-up link: it takes them a moment.", "Or sign in to AWS Marketplace, open Your"
                                    + " Marketplace Software, find " + product + " and choose Set up your account."),
                    null, true, true);
            case LINK_INVALID -> new Views.Problem("We could not open this set-up link",
                    "The link is incomplete, was changed, or does not belong to this site. Your subscription is not"
                            + " affected.",
                    List.of("Open the link from the seller's message again, copying all of it.",
                            "If it still does not work, ask the seller for a new set-up link, or set up from Your"
                                    + " Marketplace Software in AWS Marketplace (Set up your account)."),
                    null, true, true);
            case BAD_REQUEST -> new Views.Problem("We could not read that request",
                    "The request was not in a form this page understands.", restart, null, true, false);
            case NOT_FOUND -> new Views.Problem("Page not found",
                    "There is no page at this address.", restart, null, true, false);
            case METHOD_NOT_ALLOWED -> new Views.Problem("This page cannot do that",
                    "This address only answers the requests AWS Marketplace and this site's forms send.", restart,
                    null, true, false);
            case TOO_LARGE -> new Views.Problem("That request was too large",
                    "The form sent more data than this page accepts, so nothing was saved.",
                    List.of("Go back, shorten what you entered, and submit again."), null, true, false);
            case UNSUPPORTED_MEDIA_TYPE -> new Views.Problem("Start from AWS Marketplace",
                    "This address expects the form AWS Marketplace sends when you set up your account.", restart,
                    null, true, false);
            case TOO_MANY_REQUESTS -> new Views.Problem("Too many requests",
                    "This page received too many requests from your network in a short time, so it paused. Your"
                            + " subscription is not affected and nothing was lost.",
                    List.of("Wait a minute, then go back and try again.", "If it keeps happening, start again from"
                            + " Your Marketplace Software in AWS Marketplace (Set up your account)."), null, true,
                    false);
            case INTERNAL_ERROR -> new Views.Problem("Something went wrong",
                    "We could not finish this step because of an error on our side. We have been notified.",
                    List.of("Try again in a few minutes.", "If it keeps happening, contact the seller."), null, true,
                    true);
        };
        return new Page(kind.status(), Templates.problem(shell(name), view).render());
    }

    /** What the buyer reads about the subscription's state (entitlement-service keeps it up to date). */
    static String stateLabel(CustomerRecord customer) {
        SubscriptionState state = customer.state();
        return switch (state) {
            // a landing comes before entitlement-service has read AWS's notification, which may already be sent
            // (a subscription activated at once): the label says what is known here, not that AWS is still deciding
            // (the buyer's own offer type, as their browser posted it: the buyer reads their own claim, nobody else)
            case PENDING -> Landing.claimsFreeTrial(customer.offerTypeHint()) ? "Free trial, not active yet"
                    : "Received, not active yet";
            case ACTIVE -> "Active";
            case FREE_TRIAL -> "Free trial";
            case UNSUBSCRIBE_PENDING -> "Cancellation in progress";
            case UNSUBSCRIBED -> "Cancelled";
            case SUBSCRIBE_FAILED -> "AWS Marketplace could not take the payment";
            case DEPROVISIONED -> "Ended";
        };
    }

    static String humanize(Duration duration) {
        long minutes = duration.toMinutes();
        if (minutes >= 60 && minutes % 60 == 0) {
            long hours = minutes / 60;
            return hours == 1 ? "1 hour" : hours + " hours";
        }
        return minutes == 1 ? "1 minute" : Math.max(minutes, 1) + " minutes";
    }

    private static Views.Support support(OnboardingConfig config) {
        if (config.supportContact().isEmpty() || config.supportContact().get().isBlank()) {
            return null;
        }
        String contact = config.supportContact().get().strip();
        if (contact.startsWith("https://") || contact.startsWith("http://")) {
            return new Views.Support(contact, contact);
        }
        if (contact.contains("@") && !contact.contains(" ")) {
            return new Views.Support(contact, "mailto:" + contact);
        }
        return new Views.Support(contact, null);
    }
}
