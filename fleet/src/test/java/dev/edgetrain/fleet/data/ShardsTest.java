package dev.edgetrain.fleet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.fleet.fedavg.ClientSampler;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsTest {
    /** Every row of {@code data} appears in exactly one shard (compared as rows: features and label). */
    private static void assertPartition(Dataset data, List<Shard> shards) {
        Map<String, Integer> remaining = new HashMap<>();
        int f = data.featureCount();
        for (int r = 0; r < data.rows(); r++) {
            remaining.merge(key(data.features(), data.labels(), r, f), 1, Integer::sum);
        }
        int total = 0;
        for (Shard s : shards) {
            for (int r = 0; r < s.rows(); r++) {
                String k = key(s.features(), s.labels(), r, f);
                assertTrue(remaining.merge(k, -1, Integer::sum) >= 0, "row dealt twice: " + s);
            }
            total += s.rows();
        }
        assertEquals(data.rows(), total);
    }

    private static String key(float[] x, int[] y, int r, int f) {
        return Arrays.toString(Arrays.copyOfRange(x, r * f, (r + 1) * f)) + y[r];
    }

    @Test
    void nonIidGivesEveryClientExactlyItsClassesAndDealsEveryRowOnce() {
        Dataset digits = Digits.all();
        List<Shard> shards = Shards.nonIid(digits, 10, 2, 4);
        assertEquals(10, shards.size());
        for (Shard s : shards) {
            assertEquals(2, Arrays.stream(s.classCounts()).filter(c -> c > 0).count(), s.toString());
        }
        assertPartition(digits, shards);
        assertEquals(shards.get(3).rows(), Shards.nonIid(digits, 10, 2, 4).get(3).rows(), "seeded");
        assertArrayEquals(shards.get(3).labels(), Shards.nonIid(digits, 10, 2, 4).get(3).labels());
    }

    @Test
    void nonIidRefusesSplitsThatLeaveAClassBehind() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shards.nonIid(Digits.all(), 4, 2, 1));
        assertTrue(e.getMessage().contains("cannot cover all 10 classes"), e.getMessage());
    }

    @Test
    void iidDealsEqualSharesAndContiguousTilesTheRows() {
        Dataset digits = Digits.all();
        List<Shard> iid = Shards.iid(digits, 7, 1);
        assertPartition(digits, iid);
        for (Shard s : iid) {
            assertTrue(Math.abs(s.rows() - digits.rows() / 7.0) < 1, s.toString());
        }
        List<Shard> slices = Shards.contiguous(digits, 3);
        assertPartition(digits, slices);
        long next = 0;
        for (Shard s : slices) {
            assertEquals(next, s.firstRow());
            next += s.rows();
        }
    }

    @Test
    void federatedStatisticsEqualTheCentralOnes() {
        Dataset digits = Digits.all();
        Standardizer central = Standardizer.fit(digits);
        Standardizer federated = Shards.federatedStandardizer(
                Shards.toRdd(LocalSpark.context(), Shards.nonIid(digits, 10, 3, 2)));
        for (int j = 0; j < digits.featureCount(); j++) {
            assertEquals(central.mean()[j], federated.mean()[j], 1e-5, "mean of feature " + j);
            assertEquals(central.std()[j], federated.std()[j], 1e-5, "std of feature " + j);
        }
    }

    @Test
    void toRddPutsShardIInPartitionI() {
        List<Shard> shards = Shards.iid(Digits.all(), 5, 3);
        List<Integer> ids = Shards.toRdd(LocalSpark.context(), shards)
                .mapPartitionsWithIndex((p, it) -> {
                    Shard s = it.next();
                    return List.of(p * 1000 + s.id() + (it.hasNext() ? 100 : 0)).iterator();
                }, true).collect();
        assertEquals(List.of(0, 1001, 2002, 3003, 4004), ids);
    }

    @Test
    void samplingIsSeededBySeedAndRoundAndTakesTheFraction() {
        int[] ids = {4, 0, 9, 2, 7, 5, 1, 8, 3, 6};
        int[] a = ClientSampler.select(ids, 0.3, 1, 1);
        assertEquals(3, a.length);
        assertArrayEquals(a, ClientSampler.select(ids, 0.3, 1, 1));
        assertNotEquals(Arrays.toString(a), Arrays.toString(ClientSampler.select(ids, 0.3, 1, 2)));
        assertEquals(1, ClientSampler.select(ids, 0.01, 1, 1).length, "at least one client");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ClientSampler.select(ids, 1.0, 1, 1));
    }
}
