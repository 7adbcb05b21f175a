package io.mpsaas.onboarding.rest;

import java.util.List;

/** What the page templates show: plain records, every string HTML-escaped by Qute on output. */
public final class Views {

    private Views() {
    }

    /**
     * Shared by every page: the header (the product's name, or "Account set-up" when none is configured), footer,
     * stylesheet and icon.
     */
    public record Shell(String productName, String stylesheet, String favicon, Support support,
            String marketplaceUrl) {
    }

    /** How to reach the seller; {@code href} is null for plain text. */
    public record Support(String text, String href) {
    }

    /** One input of the registration form. */
    public record Field(String id, String name, String label, String type, String autocomplete, boolean required,
            int maxLength, String value, String error, String hint, String describedBy) {
    }

    /** The registration form. */
    public record Registration(String title, String intro, String notice, String action, String referenceField,
            String reference, String csrfField, String csrfToken, List<Field> fields, List<Field> errors,
            String submitLabel, String stateLabel) {
    }

    /** The page after a successful submit. */
    public record Confirmation(String title, String message, String company, String stateLabel,
            List<String> nextSteps, String productUrl, String productLinkLabel) {
    }

    /**
     * A page that explains why the buyer cannot go on and what to do.
     *
     * @param retry          a button re-posting the registration token, or null
     * @param marketplaceLink whether to link to Your Marketplace Software
     * @param contactSeller  whether to point to the seller's support contact
     * @param stateLabel     the subscription's state when the page is about a known subscription, or null
     */
    public record Problem(String title, String message, List<String> steps, Retry retry, boolean marketplaceLink,
            boolean contactSeller, String stateLabel) {

        /** A page about no particular subscription. */
        public Problem(String title, String message, List<String> steps, Retry retry, boolean marketplaceLink,
                boolean contactSeller) {
            this(title, message, steps, retry, marketplaceLink, contactSeller, null);
        }
    }

    /**
     * The retry form of the "AWS Marketplace is not answering" page. It carries the registration token in a hidden
     * field so the button can post it again; the page is never cached (no-store) and never logged.
     */
    public record Retry(String action, String tokenField, String token, String offerTypeField, String offerType) {
    }
}
