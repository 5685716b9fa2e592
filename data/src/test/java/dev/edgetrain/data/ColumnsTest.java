package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Task;
import org.junit.jupiter.api.Test;

/** Feature and label columns by the CLI's rules, with its messages. */
class ColumnsTest {
    private static final String[] IRIS = {"sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm",
        "species"};

    private static String refused(Runnable choice) {
        return assertThrows(DataException.class, choice::run).getMessage();
    }

    @Test
    void theLastColumnIsTheLabelUnlessNamedOrNumbered() {
        Columns last = Columns.forTraining("iris", IRIS, Task.CLASSIFY, null);
        assertArrayEquals(new int[] {0, 1, 2, 3}, last.featureColumns());
        assertArrayEquals(new int[] {4}, last.labelColumns());
        assertEquals("species", last.labelColumn());
        Columns named = Columns.forTraining("iris", IRIS, Task.REGRESS, "petal_width_cm");
        assertArrayEquals(new int[] {0, 1, 2, 4}, named.featureColumns());
        assertEquals(1, named.targetWidth());
        Columns numbered = Columns.forTraining("iris", IRIS, Task.REGRESS, "1, 2");
        assertArrayEquals(new int[] {0, 1}, numbered.labelColumns());
        assertEquals("sepal_length_cm,sepal_width_cm", numbered.labelColumn());
        assertArrayEquals(new String[] {"petal_length_cm", "petal_width_cm", "species"}, numbered.featureNames());
        assertFalse(numbered.isForModel());
    }

    @Test
    void labelMistakes() {
        assertEquals("iris: no label column 'colour', expected one of [sepal_length_cm, sepal_width_cm, "
                + "petal_length_cm, petal_width_cm, species] or a 1-based index",
                refused(() -> Columns.forTraining("iris", IRIS, Task.CLASSIFY, "colour")));
        assertEquals("iris: label column 9 is out of range, the file has 5 columns (1-5)",
                refused(() -> Columns.forTraining("iris", IRIS, Task.CLASSIFY, "9")));
        assertEquals("iris: --label 'species,,1' has an empty column name",
                refused(() -> Columns.forTraining("iris", IRIS, Task.REGRESS, "species,,1")));
        assertEquals("iris: --label names column 'species' twice",
                refused(() -> Columns.forTraining("iris", IRIS, Task.REGRESS, "species,5")));
        assertEquals("iris: --task multilabel needs two or more label columns, e.g. --label a,b,c; got species",
                refused(() -> Columns.forTraining("iris", IRIS, Task.MULTILABEL, null)));
        assertEquals("iris: --task binary takes one label column, got 2 [sepal_length_cm, species]",
                refused(() -> Columns.forTraining("iris", IRIS, Task.BINARY, "1,5")));
        assertEquals("iris: every column is a label column; expected feature columns too",
                refused(() -> Columns.forTraining("iris", IRIS, Task.REGRESS, "1,2,3,4,5")));
        assertEquals("one.csv: only one column; expected features and a label column",
                refused(() -> Columns.forTraining("one.csv", new String[] {"x"}, Task.CLASSIFY, null)));
    }

    @Test
    void aModelTakesItsFeaturesByNameAndItsLabelsAfterThem() {
        String[] header = {"id", "petal_width_cm", "sepal_length_cm", "species", "sepal_width_cm", "petal_length_cm"};
        String[] features = {"sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"};
        Columns c = Columns.forModel("f.csv", header, Task.CLASSIFY, 4, features,
                new String[] {"setosa", "versicolor", "virginica"}, 3, "species", true);
        assertArrayEquals(new int[] {2, 4, 5, 1}, c.featureColumns());
        assertArrayEquals(new int[] {3}, c.labelColumns());
        assertEquals(3, c.modelClasses());
        assertTrue(c.isForModel());
        // without --label, the one column left besides the named features is the label
        Columns rest = Columns.forModel("f.csv", IRIS, Task.CLASSIFY, 4, features, null, 3, null, true);
        assertArrayEquals(new int[] {4}, rest.labelColumns());
        // unnamed features: the columns after featureCount
        Columns unnamed = Columns.forModel("f.csv", new String[] {"a", "b", "y", "z"}, Task.REGRESS, 2, null, null,
                2, null, true);
        assertArrayEquals(new int[] {0, 1}, unnamed.featureColumns());
        assertArrayEquals(new int[] {2, 3}, unnamed.labelColumns());
        assertEquals(2, unnamed.targetWidth());
        // targets found by the model's output names
        Columns targets = Columns.forModel("f.csv", new String[] {"z", "a", "y", "b"}, Task.REGRESS, 2,
                new String[] {"a", "b"}, new String[] {"y", "z"}, 2, null, true);
        assertArrayEquals(new int[] {1, 3}, targets.featureColumns());
        assertArrayEquals(new int[] {2, 0}, targets.labelColumns());
        // predicting: no label column is fine
        Columns none = Columns.forModel("p.csv", new String[] {"a", "b"}, Task.BINARY, 2, null, null, 1, null, false);
        assertFalse(none.hasLabels());
        assertEquals(2, none.modelClasses());
    }

    @Test
    void dataThatDoesNotFitTheModel() {
        String[] wine = new String[14];
        for (int i = 0; i < 13; i++) {
            wine[i] = "f" + i;
        }
        wine[13] = "cultivar";
        assertEquals("wine: 13 feature columns (besides label column 'cultivar'), the model expects 4 named "
                + "[sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm]",
                refused(() -> Columns.forModel("wine", wine, Task.CLASSIFY, 4, new String[] {"sepal_length_cm",
                    "sepal_width_cm", "petal_length_cm", "petal_width_cm"}, null, 3, "cultivar", true)));
        assertEquals("x.csv: no label column; expected one more column than the model's 2 features, or --label NAME",
                refused(() -> Columns.forModel("x.csv", new String[] {"a", "b"}, Task.CLASSIFY, 2, null, null, 3,
                        null, true)));
        assertEquals("x.csv: no label columns; expected 2 more columns than the model's 2 features, or --label "
                + "NAME,NAME,...", refused(() -> Columns.forModel("x.csv", new String[] {"a", "b"}, Task.MULTILABEL,
                2, null, null, 2, null, true)));
        assertEquals("x.csv: 1 label columns [c], the multilabel model has 2 outputs",
                refused(() -> Columns.forModel("x.csv", new String[] {"a", "b", "c"}, Task.MULTILABEL, 2, null,
                        null, 2, "c", true)));
        assertEquals("x.csv: 3 feature columns (besides label columns 'c', 'd'), the model expects 2",
                refused(() -> Columns.forModel("x.csv", new String[] {"a", "b", "c", "d", "e"}, Task.MULTILABEL, 2,
                        null, null, 2, "c,d", true)));
    }
}
