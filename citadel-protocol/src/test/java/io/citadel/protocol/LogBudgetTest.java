package io.citadel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogBudgetTest {
    private final AtomicLong now = new AtomicLong();
    private final LogBudget budget = new LogBudget(2, now::get);

    @Test
    void a_flood_is_cut_to_the_budget_and_the_next_line_counts_what_was_left_out() {
        assertThat(budget.admit()).isEmpty();
        assertThat(budget.admit()).isEmpty();
        for (int i = 0; i < 1000; i++) {
            assertThat(budget.admit()).isNull();
        }
        now.addAndGet(1_000_000_000L);
        assertThat(budget.admit()).isEqualTo(" (1000 similar lines left out)");
        assertThat(budget.admit()).isEmpty();
        assertThat(budget.admit()).isNull();
    }
}
