package io.citadel.engine.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citadel.credentials.SecurityAssociation;
import io.citadel.engine.pipeline.RequestContext;
import io.citadel.protocol.OneM2mException;
import io.citadel.protocol.ResponseStatusCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

public class PendingRequestsTest {

    @Test
    void one_originator_cannot_take_more_than_its_share() {
        PendingRequests pending = new PendingRequests(10, 3);
        for (int i = 0; i < 3; i++) {
            pending.reserve("/id-in/Cflood");
        }
        assertThatThrownBy(() -> pending.reserve("/id-in/Cflood"))
                .isInstanceOf(OneM2mException.class)
                .extracting(e -> ((OneM2mException) e).status())
                .isEqualTo(ResponseStatusCode.OPERATION_NOT_ALLOWED);
        assertThat(pending.reserve("/id-in/Cother")).isNotNull();
    }

    @Test
    void the_total_is_bounded_and_a_refused_reservation_holds_nothing() {
        PendingRequests pending = new PendingRequests(2, 2);
        pending.reserve("/id-in/Ca");
        pending.reserve("/id-in/Cb");
        assertThatThrownBy(() -> pending.reserve("/id-in/Cc"))
                .isInstanceOf(OneM2mException.class)
                .extracting(e -> ((OneM2mException) e).status())
                .isEqualTo(ResponseStatusCode.INTERNAL_SERVER_ERROR);
        assertThat(pending.held("/id-in/Cc")).isZero();
    }

    @Test
    void released_places_are_given_back_once() {
        PendingRequests pending = new PendingRequests(10, 2);
        List<PendingRequests.Slot> slots = new ArrayList<>();
        slots.add(pending.reserve("/id-in/Ca"));
        slots.add(pending.reserve("/id-in/Ca"));
        slots.get(0).release();
        slots.get(0).release(); // a second release must not free a place someone else holds
        assertThat(pending.held("/id-in/Ca")).isEqualTo(1);
        pending.reserve("/id-in/Ca");
        assertThatThrownBy(() -> pending.reserve("/id-in/Ca")).isInstanceOf(OneM2mException.class);
    }

    @Test
    void a_relaying_cse_has_one_share_for_all_the_originators_it_relays() {
        SecurityAssociation mn = new SecurityAssociation("12-id-mn@psk.example", java.util.Set.of("/id-mn"));
        RequestContext relayed = new RequestContext("127.0.0.1", mn, false, java.time.Instant.now());
        assertThat(NonBlockingRequests.share("/id-mn/Cinvented1", relayed))
                .isEqualTo(NonBlockingRequests.share("/id-mn/Cinvented2", relayed));
        assertThat(NonBlockingRequests.share("/id-mn", relayed)).isEqualTo("/id-mn");
        assertThat(NonBlockingRequests.share("/id-in/Cplain", RequestContext.local()))
                .isEqualTo("/id-in/Cplain");
    }
}
