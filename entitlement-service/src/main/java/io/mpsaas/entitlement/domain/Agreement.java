package io.mpsaas.entitlement.domain;

import java.util.Objects;

/** The agreement an EventBridge event is about: its id, the buyer's account and the offer accepted. */
public record Agreement(String id, String acceptorAccountId, String offerId) {

    public Agreement {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an agreement event needs detail.agreement.id");
        }
        Objects.requireNonNull(id);
    }
}
