package nexus.proxy.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import nexus.shared.error.ApiError;

/** Per-key rpm and tpm on a clock the test moves: what is admitted, what is refused, and the headers both carry. */
class RateLimitsTest {

    private static final long KEY = 7;

    private final ManualClock clock = new ManualClock();
    private final RateLimits limits = new RateLimits(clock);

    @Test
    void an_admission_writes_openai_headers_with_limit_remaining_and_time_to_full() {
        RateAdmission admission = limits.admit(KEY, 100, 1000, 250);

        assertThat(admission.headers()).containsExactly(
                entry("x-ratelimit-limit-requests", "100"),
                entry("x-ratelimit-remaining-requests", "99"),
                entry("x-ratelimit-reset-requests", "600ms"),  // one request of 100 a minute comes back in 0.6 s
                entry("x-ratelimit-limit-tokens", "1000"),
                entry("x-ratelimit-remaining-tokens", "750"),
                entry("x-ratelimit-reset-tokens", "15s"));  // 250 tokens of 1000 a minute
    }

    @Test
    void over_the_rpm_the_answer_is_429_with_retry_after_and_the_same_headers() {
        limits.admit(KEY, 2, null, 10);
        limits.admit(KEY, 2, null, 10);

        ApiError refused = refusal(() -> limits.admit(KEY, 2, null, 10));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.type()).isEqualTo("rate_limit_error");
        assertThat(refused.getMessage()).contains("requests per minute", "limit 2", "try again in 30s");
        assertThat(refused.retryAfterSeconds()).isEqualTo(30);  // 2 a minute: one comes back every 30 s
        assertThat(refused.headers()).containsExactly(
                entry("x-ratelimit-limit-requests", "2"),
                entry("x-ratelimit-remaining-requests", "0"),
                entry("x-ratelimit-reset-requests", "1m0s"));
    }

    @Test
    void the_window_recovers_as_time_passes() {
        limits.admit(KEY, 2, null, 10);
        limits.admit(KEY, 2, null, 10);

        clock.advance(Duration.ofMillis(29_999));
        assertThat(refusal(() -> limits.admit(KEY, 2, null, 10)).retryAfterSeconds()).isEqualTo(1);  // 1 ms, rounded up

        clock.advance(Duration.ofMillis(1));
        assertThat(limits.admit(KEY, 2, null, 10).headers()).containsEntry("x-ratelimit-remaining-requests", "0");
        assertThat(refusal(() -> limits.admit(KEY, 2, null, 10)).retryAfterSeconds()).isEqualTo(30);

        clock.advance(Duration.ofMinutes(1));
        assertThat(limits.admit(KEY, 2, null, 10).headers()).containsEntry("x-ratelimit-remaining-requests", "1")
                .containsEntry("x-ratelimit-reset-requests", "30s");
    }

    @Test
    void settling_gives_back_tokens_over_the_estimate() {
        RateAdmission first = limits.admit(KEY, null, 1000, 400);
        limits.settle(first, 100);

        assertThat(limits.admit(KEY, null, 1000, 800).headers()).containsEntry("x-ratelimit-remaining-tokens", "100");
    }

    @Test
    void settling_takes_tokens_under_the_estimate_and_the_next_request_waits() {
        RateAdmission first = limits.admit(KEY, null, 1000, 400);
        limits.settle(first, 900);

        ApiError refused = refusal(() -> limits.admit(KEY, null, 1000, 200));

        assertThat(refused.getMessage()).contains("tokens per minute", "limit 1000");
        assertThat(refused.retryAfterSeconds()).isEqualTo(6);  // 100 tokens missing at 1000 a minute
        assertThat(refused.headers()).containsExactly(
                entry("x-ratelimit-limit-tokens", "1000"),
                entry("x-ratelimit-remaining-tokens", "100"),
                entry("x-ratelimit-reset-tokens", "54s"));
    }

    @Test
    void a_settled_overrun_pushes_the_bucket_below_zero_until_it_refills() {
        limits.settle(limits.admit(KEY, null, 1000, 900), 1500);  // 500 below zero

        ApiError refused = refusal(() -> limits.admit(KEY, null, 1000, 100));
        assertThat(refused.retryAfterSeconds()).isEqualTo(36);  // 600 tokens to refill at 1000 a minute
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-tokens", "0")
                .containsEntry("x-ratelimit-reset-tokens", "1m30s");

        clock.advance(Duration.ofSeconds(36));
        assertThat(limits.admit(KEY, null, 1000, 100).headers()).containsEntry("x-ratelimit-remaining-tokens", "0");
    }

    @Test
    void a_request_refused_for_tokens_does_not_count_against_the_rpm() {
        limits.admit(KEY, 10, 1000, 1000);

        ApiError refused = refusal(() -> limits.admit(KEY, 10, 1000, 500));

        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-requests", "9")
                .containsEntry("x-ratelimit-remaining-tokens", "0");
    }

    @Test
    void a_prompt_larger_than_the_whole_tpm_is_refused_without_retry_after() {
        ApiError refused = refusal(() -> limits.admit(KEY, 10, 1000, 1001));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.getMessage()).contains("Request too large", "limit 1000", "requested 1001");
        assertThat(refused.retryAfterSeconds()).isZero();  // no wait makes it fit
        assertThat(refused.headers()).containsEntry("x-ratelimit-remaining-requests", "10")
                .containsEntry("x-ratelimit-remaining-tokens", "1000");
    }

    @Test
    void a_raised_rpm_applies_from_the_next_call_and_keeps_what_was_used() {
        limits.admit(KEY, 2, null, 10);
        limits.admit(KEY, 2, null, 10);
        refusal(() -> limits.admit(KEY, 2, null, 10));

        assertThat(limits.admit(KEY, 5, null, 10).headers()).containsEntry("x-ratelimit-limit-requests", "5")
                .containsEntry("x-ratelimit-remaining-requests", "2");  // 2 of 5 used before, this is the 3rd
    }

    @Test
    void a_lowered_rpm_applies_from_the_next_call() {
        for (int admitted = 0; admitted < 3; admitted++) {
            limits.admit(KEY, 100, null, 10);
        }

        limits.admit(KEY, 2, null, 10);
        limits.admit(KEY, 2, null, 10);
        assertThat(refusal(() -> limits.admit(KEY, 2, null, 10)).headers())
                .containsEntry("x-ratelimit-limit-requests", "2");
    }

    @Test
    void a_tpm_set_or_cleared_later_adds_or_drops_the_token_headers() {
        assertThat(limits.admit(KEY, 10, null, 10).headers()).doesNotContainKey("x-ratelimit-limit-tokens");
        assertThat(limits.admit(KEY, 10, 500, 10).headers()).containsEntry("x-ratelimit-limit-tokens", "500")
                .containsEntry("x-ratelimit-remaining-tokens", "490")
                .containsEntry("x-ratelimit-remaining-requests", "8");
        assertThat(limits.admit(KEY, 10, null, 10).headers()).containsOnlyKeys("x-ratelimit-limit-requests",
                "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests");
    }

    @Test
    void a_key_without_limits_is_always_admitted_and_gets_no_headers() {
        for (int admitted = 0; admitted < 1000; admitted++) {
            assertThat(limits.admit(KEY, null, null, 1_000_000).headers()).isEmpty();
        }
        assertThat(limits.trackedKeys()).isZero();
    }

    @Test
    void a_key_with_only_a_tpm_gets_only_the_token_headers() {
        assertThat(limits.admit(KEY, null, 100, 10).headers()).containsOnlyKeys("x-ratelimit-limit-tokens",
                "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");
    }

    @Test
    void keys_have_their_own_buckets() {
        limits.admit(1, 1, null, 10);

        assertThat(limits.admit(2, 1, null, 10).headers()).containsEntry("x-ratelimit-remaining-requests", "0");
        refusal(() -> limits.admit(1, 1, null, 10));
    }

    @Test
    void when_a_new_key_comes_keys_with_full_buckets_are_forgotten_and_overdrawn_ones_kept() {
        limits.admit(1, 100, null, 10);
        limits.settle(limits.admit(2, null, 100, 10), 10_000);  // 9 900 below zero: 99 minutes to refill

        clock.advance(Duration.ofMinutes(2));
        limits.admit(1, 100, null, 10);  // not new: nothing is forgotten
        assertThat(limits.trackedKeys()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(2));
        limits.admit(3, 100, null, 10);

        assertThat(limits.trackedKeys()).isEqualTo(2);  // keys 2 and 3
        refusal(() -> limits.admit(2, null, 100, 10));  // key 2 still owes its tokens
    }

    @Test
    void a_limit_below_one_is_a_programming_error() {
        assertThatThrownBy(() -> limits.admit(KEY, 0, null, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rpm");
    }

    @Test
    void refusal_headers_are_a_copy_the_caller_cannot_change() {
        limits.admit(KEY, 1, null, 10);
        Map<String, String> headers = refusal(() -> limits.admit(KEY, 1, null, 10)).headers();

        assertThatThrownBy(() -> headers.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static ApiError refusal(Runnable admission) {
        ApiError error = catchThrowableOfType(ApiError.class, admission::run);
        assertThat(error).as("a 429").isNotNull();
        return error;
    }
}
