package dev.circuitlab.breaker;

import java.security.SecureRandom;

/**
 * Randomness that stays unique across a SnapStart restore: many instances resume from one snapshot,
 * and a {@code java.util.Random}, {@code SplittableRandom} or {@code ThreadLocalRandom} seeded before
 * it would hand each of them the same numbers (the same write tokens, the same wake jitter). A
 * {@link SecureRandom} draws from the system's entropy after the restore. Built on first use.
 */
final class Entropy {

    private Entropy() {
    }

    private static final class Holder {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    static long nextLong() {
        return Holder.RANDOM.nextLong();
    }
}
