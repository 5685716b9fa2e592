package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.privacy.ChaChaRandom;
import org.junit.jupiter.api.Test;

class PoissonSamplerTest {
    @Test
    void eachRowIsIncludedWithProbabilityQAndBatchSizesAreBinomial() {
        int rows = 1000;
        double q = 0.03;
        int batches = 20_000;
        PoissonSampler sampler = new PoissonSampler(rows, q, ChaChaRandom.seeded(11));
        int[] into = new int[rows];
        int[] perRow = new int[rows];
        double sum = 0;
        double sumSq = 0;
        for (int k = 0; k < batches; k++) {
            int n = sampler.sample(into);
            sum += n;
            sumSq += (double) n * n;
            for (int i = 0; i < n; i++) {
                assertTrue(into[i] >= 0 && into[i] < rows);
                assertTrue(i == 0 || into[i] > into[i - 1], "indices increase: each row at most once");
                perRow[into[i]]++;
            }
        }
        double mean = sum / batches;
        double variance = sumSq / batches - mean * mean;
        double binomialVariance = rows * q * (1 - q);
        assertEquals(rows * q, mean, 5 * Math.sqrt(binomialVariance / batches));
        assertEquals(binomialVariance, variance, 5 * binomialVariance * Math.sqrt(2.0 / batches));
        double perRowStd = Math.sqrt(q * (1 - q) / batches);
        double chiSquare = 0;
        for (int r = 0; r < rows; r++) {
            double rate = (double) perRow[r] / batches;
            assertEquals(q, rate, 5.5 * perRowStd, "row " + r);
            chiSquare += (rate - q) * (rate - q) / (perRowStd * perRowStd);
        }
        // Σ of 1000 squared standard normals: mean 1000, standard deviation √2000 ≈ 45
        assertEquals(rows, chiSquare, 5 * Math.sqrt(2.0 * rows));
    }

    @Test
    void rateOneTakesEveryRowAndRateZeroNone() {
        int[] into = new int[50];
        assertEquals(50, new PoissonSampler(50, 1.0, ChaChaRandom.seeded(1)).sample(into));
        for (int i = 0; i < 50; i++) {
            assertEquals(i, into[i]);
        }
        assertEquals(0, new PoissonSampler(50, 0.0, ChaChaRandom.seeded(1)).sample(into));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PoissonSampler(0, 0.1, ChaChaRandom.seeded(1)));
        assertThrows(IllegalArgumentException.class, () -> new PoissonSampler(10, 1.5, ChaChaRandom.seeded(1)));
        PoissonSampler s = new PoissonSampler(10, 0.5, ChaChaRandom.seeded(1));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new int[9]));
    }
}
