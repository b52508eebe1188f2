package io.citadel.engine.notification;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of one subscription's deliveries to one target; shown as an {@code m2m:notificationStatsInfo}
 * entry when the subscription has {@code nse} set.
 *
 * @param target the notification target ({@code tg})
 * @param events notifications generated for it ({@code noec})
 * @param requests requests sent, retries included ({@code rqs})
 * @param responses answers received ({@code rsr})
 * @param dropped notifications given up (target refused, unreachable after every retry, or queue full)
 */
public record DeliveryStats(String target, long events, long requests, long responses, long dropped) {

    public Map<String, Object> toNsi() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tg", target);
        m.put("rqs", requests);
        m.put("rsr", responses);
        m.put("noec", events);
        return m;
    }
}
