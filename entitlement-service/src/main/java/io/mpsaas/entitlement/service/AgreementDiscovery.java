package io.mpsaas.entitlement.service;

import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.marketplace.Agreement;
import io.mpsaas.common.marketplace.AgreementEntitlement;
import io.mpsaas.common.marketplace.AgreementPage;
import io.mpsaas.common.marketplace.AgreementSearch;
import io.mpsaas.common.marketplace.AgreementStatus;
import io.mpsaas.common.marketplace.Agreements;
import io.mpsaas.common.marketplace.CallPacer;
import io.mpsaas.entitlement.domain.Channel;
import io.mpsaas.entitlement.domain.Notification;
import io.mpsaas.entitlement.domain.NotificationMeta;
import io.mpsaas.entitlement.domain.Subscriber;
import io.mpsaas.entitlement.persistence.AgreementPointer;
import io.mpsaas.entitlement.persistence.SubscriptionStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The reconciliation run's search of a product's agreements (SearchAgreements, paged and paced): an agreement the
 * suite never heard of (its first event lost, its buyer never landed) becomes a customer, and an agreement that ended
 * unheard of ends its customer. Both are done by applying the notification that was lost, with a stable id, through
 * the same state machine, inbox and events as a real one, so a repeated run changes nothing.
 */
@ApplicationScoped
public class AgreementDiscovery {

    /** The {@code source} of replayed notifications, in logs and the inbox. */
    static final String SOURCE = "reconciliation:SearchAgreements";

    private final Agreements agreements;
    private final SubscriptionService subscriptions;
    private final SubscriptionStore store;
    private final Clock clock;

    public AgreementDiscovery(Agreements agreements, SubscriptionService subscriptions, SubscriptionStore store,
            Clock clock) {
        this.agreements = agreements;
        this.subscriptions = subscriptions;
        this.store = store;
        this.clock = clock;
    }

    /** What one product's search found and did. */
    public record Found(int searched, int adopted, int ended) {
    }

    /**
     * Searches every agreement of the product, one page per pacer permit, and repairs what was missed.
     *
     * @throws io.mpsaas.common.marketplace.MarketplaceException the search failed after the client's retries
     */
    public Found discover(String productCode, String productId, CallPacer pacer) {
        AgreementSearch search = AgreementSearch.ofProduct(productId, AgreementSearch.MAX_PAGE);
        int searched = 0;
        int adopted = 0;
        int ended = 0;
        String next = null;
        do {
            pacer.acquire();
            AgreementPage page = agreements.searchAgreements(next == null ? search : search.page(next));
            for (Agreement a : page.agreements()) {
                searched++;
                Outcome outcome = repair(productCode, a, pacer);
                if (outcome == Outcome.ADOPTED) {
                    adopted++;
                } else if (outcome == Outcome.ENDED) {
                    ended++;
                }
            }
            next = page.nextToken();
        } while (next != null);
        return new Found(searched, adopted, ended);
    }

    private enum Outcome { NOTHING, ADOPTED, ENDED }

    private Outcome repair(String productCode, Agreement a, CallPacer pacer) {
        AgreementStatus status = a.status();
        if (status == AgreementStatus.UNKNOWN || status.continuedElsewhere()) {
            return Outcome.NOTHING; // a renewal or replacement lives on in its successor, which the search lists too
        }
        Optional<String> knownKey = store.agreement(a.agreementId()).map(AgreementPointer::customerKey);
        if (knownKey.isPresent()) {
            if (status.inForce()) {
                return Outcome.NOTHING;
            }
            CustomerRecord customer = store.customer(knownKey.get()).orElse(null);
            if (customer == null || customer.state().ended() || !a.agreementId().equals(customer.agreementId())) {
                return Outcome.NOTHING;
            }
            // ended at AWS, still live here: the end was lost. Dated now: AWS's status is final, so any event still
            // on its way is older and must not bring the customer back
            Subscriber subscriber = Subscriber.license(productCode, a.acceptorAccountId(), customer.licenseArn());
            apply(new Notification.LicenseDeprovisioned(meta(a, "license-deprovisioned", clock.instant()),
                    agreement(a), subscriber));
            Log.infof("Reconciliation: agreement %s is %s at AWS; customer %s ended", a.agreementId(), status,
                    customer.key());
            return Outcome.ENDED;
        }
        pacer.acquire();
        AgreementEntitlement license = agreements.getAgreementEntitlements(a.agreementId()).stream()
                .filter(e -> e.licenseArn() != null).findFirst().orElse(null);
        if (license == null) {
            return Outcome.NOTHING; // no license yet (AWS still provisioning): the next run looks again
        }
        Subscriber subscriber = Subscriber.license(productCode, a.acceptorAccountId(), license.licenseArn());
        if (status.inForce()) {
            if (!"PROVISIONED".equals(license.status())) {
                return Outcome.NOTHING; // pending, scheduled or failed: not a customer with access yet
            }
            // dated at the agreement's start, so that any real event of it (all later) still wins
            Instant at = a.startTime() != null ? a.startTime() : clock.instant();
            apply(new Notification.LicenseUpdated(meta(a, "license-updated", at), agreement(a), subscriber));
        } else {
            apply(new Notification.LicenseDeprovisioned(meta(a, "license-deprovisioned", clock.instant()),
                    agreement(a), subscriber));
        }
        Log.infof("Reconciliation: agreement %s (%s) was never heard of; customer %s adopted", a.agreementId(),
                status, subscriber.key());
        return Outcome.ADOPTED;
    }

    private void apply(Notification n) {
        subscriptions.apply(n);
    }

    /** A stable id per agreement and kind: a second run finds it in the inbox and changes nothing. */
    private static NotificationMeta meta(Agreement a, String kind, Instant at) {
        return new NotificationMeta(Channel.EVENTBRIDGE, "reconcile-" + a.agreementId() + "-" + kind, at, SOURCE);
    }

    private static io.mpsaas.entitlement.domain.Agreement agreement(Agreement a) {
        return new io.mpsaas.entitlement.domain.Agreement(a.agreementId(), a.acceptorAccountId(), a.offerId());
    }
}
