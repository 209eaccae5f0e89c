package nexus.proxy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import nexus.shared.error.ApiError;

/** Two hundred threads admit at the same instant against an rpm of 50: exactly 50 are admitted. */
class RateLimitsConcurrencyTest {

    private static final int THREADS = 200;
    private static final int RPM = 50;

    @Test
    void two_hundred_threads_against_rpm_50_admit_exactly_50() throws Exception {
        RateLimits limits = new RateLimits(new ManualClock());
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
            for (int thread = 0; thread < THREADS; thread++) {
                outcomes.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        limits.admit(1, RPM, 100_000, 10);
                        return true;
                    } catch (ApiError refused) {
                        return false;
                    }
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            long admitted = 0;
            for (Future<Boolean> outcome : outcomes) {
                admitted += outcome.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(RPM);
        }
    }
}
