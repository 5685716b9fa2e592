package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import java.io.File;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splits by row index give exactly the rows Dataset.split gives, for test and for validation sets. */
class SplitsTest {
    private static final double[] FRACTIONS = {0.2, 0.1, 0.5, 0.33};
    private static final long[] SEEDS = {42, 7, -3, 123456789L};

    private static void assertSameRows(Dataset expected, Dataset actual, String what) {
        assertArrayEquals(expected.features(), actual.features(), what);
        assertArrayEquals(expected.labels(), actual.labels(), what);
        assertArrayEquals(expected.targets(), actual.targets(), what);
    }

    @Test
    void stratifiedSplitsAndValidationSetsEqualDatasetSplitRowForRow() throws IOException {
        int splits = 0;
        for (String name : List.of("iris", "wine", "breast_cancer", "digits")) {
            Table table = Table.read(new File(CsvScannerTest.DATA, name + ".csv"),
                    ReadOptions.forTraining(Task.CLASSIFY, true, null));
            Dataset all = table.toDataset();
            for (double fraction : FRACTIONS) {
                for (long seed : SEEDS) {
                    Dataset[] expected = all.split(fraction, seed);
                    BitSet test = Splits.stratified(table.labels(), all.classes(), fraction, seed);
                    int[] trainRows = Splits.complement(test, all.rows());
                    assertSameRows(expected[1], all.subset(Splits.indices(test)), name + " test " + fraction);
                    assertSameRows(expected[0], all.subset(trainRows), name + " train " + fraction);
                    // validation rows taken from the training rows, as splitting the training set would
                    Dataset[] inner = expected[0].split(0.15, seed + 3);
                    BitSet train = new BitSet();
                    for (int r : trainRows) {
                        train.set(r);
                    }
                    BitSet validation = Splits.stratified(table.labels(), all.classes(), train, 0.15, seed + 3);
                    BitSet rest = (BitSet) train.clone();
                    rest.andNot(validation);
                    assertSameRows(inner[1], all.subset(Splits.indices(validation)), name + " validation");
                    assertSameRows(inner[0], all.subset(Splits.indices(rest)), name + " train without validation");
                    splits++;
                }
            }
        }
        System.out.printf("splits: %d stratified test and validation splits equal Dataset.split row for row%n",
                splits);
    }

    @Test
    void randomSplitsOfTargetsEqualDatasetSplitRowForRow() throws IOException {
        StringBuilder generated = new StringBuilder("a,b,y,z\n");
        java.util.Random random = new java.util.Random(5);
        for (int r = 0; r < 777; r++) {
            generated.append(random.nextGaussian()).append(',').append(r).append(',').append(random.nextFloat())
                    .append(',').append(-r).append('\n');
        }
        for (String name : List.of("digits", "generated")) {
            Table table = name.equals("digits")
                    ? Table.read(new File(CsvScannerTest.DATA, "digits.csv"), ReadOptions.forTraining(Task.REGRESS,
                    true, null))
                    : TableTest.read("generated.csv", generated.toString(), ReadOptions.forTraining(Task.REGRESS,
                    true, "y,z"));
            Dataset all = table.toDataset();
            for (double fraction : FRACTIONS) {
                for (long seed : SEEDS) {
                    Dataset[] expected = all.split(fraction, seed);
                    BitSet test = Splits.random(all.rows(), fraction, seed);
                    assertSameRows(expected[1], all.subset(Splits.indices(test)), name + " test");
                    assertSameRows(expected[0], all.subset(Splits.complement(test, all.rows())), name + " train");
                    BitSet train = new BitSet();
                    for (int r : Splits.complement(test, all.rows())) {
                        train.set(r);
                    }
                    Dataset[] inner = expected[0].split(0.25, seed);
                    assertSameRows(inner[1], all.subset(Splits.indices(Splits.random(train, 0.25, seed))),
                            name + " validation");
                }
            }
        }
    }

    @Test
    void fractionsThatLeaveNothingAreRefused() {
        assertEquals("fraction must be in (0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Splits.random(10, 1.0, 1)).getMessage());
        assertEquals("fraction 0.01 of 10 rows leaves no rows split off",
                assertThrows(IllegalArgumentException.class, () -> Splits.random(10, 0.01, 1)).getMessage());
        assertEquals("fraction 0.9 of 2 rows leaves no rows besides those split off",
                assertThrows(IllegalArgumentException.class,
                        () -> Splits.stratified(new int[] {0, 1}, 2, 0.9, 1)).getMessage());
        assertEquals("row 1 has label 5, expected a class in [0, 2)",
                assertThrows(IllegalArgumentException.class,
                        () -> Splits.stratified(new int[] {0, 5}, 2, 0.5, 1)).getMessage());
    }
}
