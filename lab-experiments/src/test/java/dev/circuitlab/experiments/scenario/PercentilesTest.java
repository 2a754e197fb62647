package dev.circuitlab.experiments.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOnOneToHundred() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted on purpose
        }
        assertEquals(50, Percentiles.of(v, 0.50));
        assertEquals(99, Percentiles.of(v, 0.99));
        assertEquals(100, Percentiles.of(v, 1.0));
        assertEquals(1, Percentiles.of(v, 0.0));
        assertEquals(100, v[0], "the input is not sorted in place");
    }

    @Test
    void smallSamplesReportARealValue() {
        assertEquals(7, Percentiles.of(List.of(7), 0.99));
        assertEquals(2, Percentiles.of(List.of(3, 1, 2), 0.5), "rank ceil(0.5 * 3) = 2");
        assertEquals(3, Percentiles.of(List.of(3, 1, 2), 0.99), "rank ceil(0.99 * 3) = 3");
    }

    @Test
    void emptyIsNaNAndBadQuantilesAreRefused() {
        assertTrue(Double.isNaN(Percentiles.of(new double[0], 0.5)));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[] {1}, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new double[] {1}, -0.1));
    }

    @Test
    void summary() {
        Percentiles.Summary s = Percentiles.summarize(new double[] {5, 1, 4, 2, 3});
        assertEquals(5, s.count());
        assertEquals(3, s.p50());
        assertEquals(5, s.p99());
        assertEquals(5, s.max());
        assertTrue(Double.isNaN(Percentiles.summarize(new double[0]).p99()));
    }
}
