package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.data.CsvReference.Rec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.train.Dataset;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tables read into floats: values, classes, statistics and every mistake the CLI names. */
class TableTest {
    static Table read(String source, String text, ReadOptions options) throws IOException {
        return Table.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), source, options);
    }

    static ReadOptions training(Task task) {
        return ReadOptions.forTraining(task, false, null);
    }

    private static String refused(String source, String text, ReadOptions options) {
        DataException e = assertThrows(DataException.class, () -> read(source, text, options));
        return e.getMessage();
    }

    private static File shipped(String name) {
        return new File(CsvScannerTest.DATA, name + ".csv");
    }

    @Test
    void theShippedSetsReadAsTheirCellsParseWithTheirClassesInTheCliOrder() throws IOException {
        for (String name : List.of("iris", "wine", "breast_cancer", "digits")) {
            Task task = name.equals("breast_cancer") ? Task.BINARY : Task.CLASSIFY;
            Table table = Table.read(shipped(name), ReadOptions.forTraining(task, true, null));
            List<Rec> records = CsvReference.commons(Files.readString(shipped(name).toPath()), ',');
            List<String> header = records.get(0).fields();
            List<Rec> rows = records.subList(1, records.size());
            int f = header.size() - 1;
            assertEquals(rows.size(), table.rows(), name);
            assertArrayEquals(header.subList(0, f).toArray(new String[0]), table.featureNames());
            // classes: the distinct labels, sorted numerically when integers else alphabetically
            List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(rows.stream()
                    .map(r -> r.fields().get(f)).toList()));
            boolean numeric = distinct.stream().allMatch(s -> s.matches("-?\\d+"));
            distinct.sort(numeric ? java.util.Comparator.comparingLong(Long::parseLong)
                    : java.util.Comparator.naturalOrder());
            assertEquals(distinct, List.of(table.classNames()), name);
            long[] counts = new long[distinct.size()];
            for (int r = 0; r < rows.size(); r++) {
                List<String> cells = rows.get(r).fields();
                for (int j = 0; j < f; j++) {
                    assertEquals(Float.parseFloat(cells.get(j)), table.features()[r * f + j], name + " row " + r);
                }
                assertEquals(distinct.indexOf(cells.get(f)), table.labels()[r], name + " row " + r);
                counts[table.labels()[r]]++;
            }
            assertArrayEquals(counts, table.scan().classCounts(), name);
            assertEquals(Files.size(shipped(name).toPath()), table.scan().bytesRead());
            Dataset d = table.toDataset();
            assertEquals(table.features(), d.features(), "the data set holds the table's arrays, no copy");
            assertEquals(table.labels(), d.labels());
            assertEquals(distinct.size(), d.classes());
        }
    }

    @Test
    void statisticsEqualATwoPassComputationInDouble() throws IOException {
        for (String name : List.of("iris", "wine", "breast_cancer", "digits")) {
            Table table = Table.read(shipped(name), ReadOptions.forTraining(Task.CLASSIFY, true, null));
            assertStatistics(table.features(), table.featureCount(), table.scan().featureMean(),
                    table.scan().featureStd(), name);
        }
        // targets too, and values far from zero with a small spread (where one-pass sums lose everything)
        StringBuilder s = new StringBuilder("a,b,y,z\n");
        java.util.Random random = new java.util.Random(3);
        for (int r = 0; r < 5000; r++) {
            s.append(1e6 + random.nextInt(1000) / 100.0).append(',').append(random.nextGaussian()).append(',')
                    .append(-1e5 + random.nextGaussian()).append(',').append(random.nextInt(7)).append('\n');
        }
        Table t = read("far.csv", s.toString(), ReadOptions.forTraining(Task.REGRESS, true, "y,z"));
        assertStatistics(t.features(), 2, t.scan().featureMean(), t.scan().featureStd(), "far.csv features");
        assertStatistics(t.targets(), 2, t.scan().targetMean(), t.scan().targetStd(), "far.csv targets");
        assertArrayEquals(new String[] {"y", "z"}, t.outputNames());
        assertEquals(2, t.outputs());
    }

    private static void assertStatistics(float[] x, int width, double[] mean, double[] std, String what) {
        int rows = x.length / width;
        for (int j = 0; j < width; j++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += x[r * width + j];
            }
            double mu = sum / rows;
            double squares = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[r * width + j] - mu;
                squares += d * d;
            }
            double sigma = Math.sqrt(squares / rows);
            assertEquals(mu, mean[j], 1e-12 * Math.max(1, Math.abs(mu)), what + " mean " + j);
            assertEquals(sigma, std[j], 1e-9 * Math.max(sigma, 1e-300), what + " std " + j);
        }
    }

    @Test
    void mistakesNameTheFileLineAndColumnAsTheCliDoes() {
        ReadOptions classify = training(Task.CLASSIFY);
        DataException cell = assertThrows(DataException.class,
                () -> read("bad.csv", "a,b,label\n1,2,x\n3,4,y\n5,abc,x\n", classify));
        assertEquals("bad.csv, line 4, column 'b' (2): 'abc' is not a number", cell.getMessage());
        assertEquals(List.of("bad.csv", 4L, 2, "b", "'abc' is not a number"),
                List.of(cell.source(), cell.line(), cell.column(), cell.columnName(), cell.detail()));
        assertEquals("gap.csv, line 3, column 'b' (2): missing value",
                refused("gap.csv", "a,b,label\n1,2,x\n3,,y\n5,6,x\n", classify));
        assertEquals("nolabel.csv, line 3, column 'label' (3): missing label",
                refused("nolabel.csv", "a,b,label\n1,2,x\n3,4,\n5,6,y\n", classify));
        assertEquals("nan.csv, line 3, column 'a' (1): 'NaN' is not a finite number",
                refused("nan.csv", "a,b,label\n1,2,x\nNaN,4,y\n5,6,x\n", classify));
        assertEquals("ragged.csv, line 3: 2 columns, expected 3 as in the header",
                refused("ragged.csv", "a,b,label\n1,2,x\n3,4\n5,6,y\n", classify));
        assertEquals("empty.csv: the file is empty, expected a header row and data rows",
                refused("empty.csv", "", classify));
        assertEquals("header.csv: no data rows after the header", refused("header.csv", "a,b,label\n", classify));
        assertEquals("one.csv: label column 'label' has only one class (x); a classifier needs at least 2",
                refused("one.csv", "a,label\n1,x\n2,x\n", classify));
        assertEquals("ml.csv, line 3, column 'y' (4): '2' is not a multilabel target; expected 0 or 1 (or a "
                + "probability in [0, 1])", refused("ml.csv", "a,b,x,y\n1,2,0,1\n3,4,1,2\n5,6,0,1\n",
                ReadOptions.forTraining(Task.MULTILABEL, true, "x,y")));
        assertEquals("big.csv, line 2, column 'y' (2): '1e39' is not a finite number",
                refused("big.csv", "x,y\n1,1e39\n", ReadOptions.forTraining(Task.REGRESS, true, null)));
    }

    @Test
    void binaryNeedsExactlyTwoClassesAndTheSecondIsPositive() throws IOException {
        assertEquals("iris.csv: label column 'species' has 3 distinct values [setosa, versicolor, virginica]; "
                + "--task binary needs exactly 2",
                assertThrows(DataException.class, () -> Table.read(shipped("iris"),
                        ReadOptions.forTraining(Task.BINARY, true, null))).getMessage()
                        .replace(shipped("iris").getPath(), "iris.csv"));
        Table t = read("yes.csv", "a,ok\n1,yes\n2,no\n3,yes\n", ReadOptions.forTraining(Task.BINARY, true, null));
        assertArrayEquals(new String[] {"no", "yes"}, t.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, t.labels());
        assertEquals(1, t.outputs());
        assertEquals(2, t.toDataset().classes());
    }

    @Test
    void aNumericLabelColumnThatLooksLikeARegressionTargetIsRefusedUnlessTheTaskWasGiven() throws IOException {
        StringBuilder fractional = new StringBuilder("x,y\n");
        StringBuilder many = new StringBuilder("x,y\n");
        for (int r = 0; r < 600; r++) {
            fractional.append(r).append(',').append(r * 0.25 + 0.5).append('\n');
            many.append(r).append(',').append(r % 60).append('\n');
        }
        assertEquals("reg.csv: label column 'y' holds 600 distinct fractional numbers (e.g. 0.5, 0.75, 1.0), which "
                + "looks like a regression target, not classes; use --task regress (or --task classify to train 600 "
                + "classes anyway)", refused("reg.csv", fractional.toString(), training(Task.CLASSIFY)));
        assertTrue(refused("many.csv", many.toString(), training(Task.CLASSIFY))
                .startsWith("many.csv: label column 'y' holds 60 distinct numbers (e.g. 0, 1, 2), which looks like"));
        Table given = read("many.csv", many.toString(), ReadOptions.forTraining(Task.CLASSIFY, true, null));
        assertEquals(60, given.scan().classes());
        assertEquals("10", given.classNames()[10], "integers sorted as numbers");
        Table named = read("n.csv", "x,y\n1,b10\n2,b9\n3,a\n", training(Task.CLASSIFY));
        assertArrayEquals(new String[] {"a", "b10", "b9"}, named.classNames());
        assertArrayEquals(new int[] {1, 2, 0}, named.labels());
    }

    @Test
    void quotedNamesAndLabelsAreParsedNotRejected() throws IOException {
        Table t = read("quoted.csv", "\"width, cm\",height,\"kind\"\n1,2,\"a, b\"\n1.5,2.5,\"a, b\"\n8,9,c\n9,8,c\n",
                training(Task.CLASSIFY));
        assertArrayEquals(new String[] {"width, cm", "height"}, t.featureNames());
        assertArrayEquals(new String[] {"a, b", "c"}, t.classNames());
        assertArrayEquals(new float[] {1, 2, 1.5f, 2.5f, 8, 9, 9, 8}, t.features());
    }

    @Test
    void dialectsByOptionOrByFileName() throws IOException {
        Table tsv = read("data.tsv", "a\tb\tc\n1.5\t2\tx\n3\t4\ty\n", training(Task.CLASSIFY));
        assertArrayEquals(new float[] {1.5f, 2, 3, 4}, tsv.features());
        Table semicolon = read("data.csv", "a;b;c\n1;2;\"x;1\"\n3;4;y\n",
                training(Task.CLASSIFY).withFormat(CsvFormat.SEMICOLON));
        assertEquals("data.csv, line 2, column 'a' (1): '1,5' is not a number",
                assertThrows(DataException.class, () -> read("data.csv", "a;b;c\n1,5;2;x\n",
                        training(Task.CLASSIFY).withFormat(CsvFormat.SEMICOLON))).getMessage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, semicolon.features(), "'1,5' is not read as two columns");
    }

    @Test
    void forAModelLabelsMapOntoItsClassesAndFeaturesComeByName() throws IOException {
        String[] features = {"sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"};
        String[] classes = {"setosa", "versicolor", "virginica"};
        ReadOptions model = ReadOptions.forModel(Task.CLASSIFY, 4, features, classes, 3, null, true);
        assertEquals("flowers.csv, line 3, column 'species' (5): unknown label 'rose', expected one of "
                + "[setosa, versicolor, virginica]", refused("flowers.csv", String.join(",", features) + ",species\n"
                + "5.1,3.5,1.4,0.2,setosa\n6.0,3.0,4.0,1.0,rose\n", model));
        Table t = read("f.csv", "species,petal_width_cm,id,sepal_length_cm,sepal_width_cm,petal_length_cm\n"
                + "virginica,2.5,7,6.3,3.3,6.0\nsetosa,0.2,8,5.1,3.5,1.4\n",
                ReadOptions.forModel(Task.CLASSIFY, 4, features, classes, 3, "species", true));
        assertArrayEquals(new float[] {6.3f, 3.3f, 6.0f, 2.5f, 5.1f, 3.5f, 1.4f, 0.2f}, t.features());
        assertArrayEquals(new int[] {2, 0}, t.labels());
        assertArrayEquals(new long[] {1, 0, 1}, t.scan().classCounts());
        assertArrayEquals(classes, t.classNames());
        assertEquals(3, t.toDataset().classes());
        // a model that names no classes takes class indices
        ReadOptions indices = ReadOptions.forModel(Task.CLASSIFY, 2, null, null, 3, null, true);
        assertArrayEquals(new int[] {2, 0, 1}, read("i.csv", "a,b,y\n1,2,2\n3,4,0\n5,6,1\n", indices).labels());
        assertEquals("i.csv, line 2, column 'y' (3): unknown label '3', expected one of the class indices 0-2",
                refused("i.csv", "a,b,y\n1,2,3\n", indices));
        UnknownLabelException unknown = assertThrows(UnknownLabelException.class,
                () -> read("i.csv", "a,b,y\n1,2,0\n1,2,7\n", indices), "typed: a caller can offer what else to do");
        assertEquals("7", unknown.label());
        assertEquals(3, unknown.line());
        assertEquals("y", unknown.columnName());
        // predicting: rows without labels
        Table rows = read("p.csv", "a,b\n1,2\n3,4\n", ReadOptions.forModel(Task.BINARY, 2, null, null, 1, null, false));
        assertNull(rows.labels());
        assertNull(rows.targets());
        assertEquals(2, rows.rows());
        assertThrows(IllegalStateException.class, rows::toDataset);
    }

    @Test
    void rowsReachTheSinkWithTheirLinesAndLabelsByFirstAppearance() throws IOException {
        List<String> seen = new ArrayList<>();
        TableScan scan = TableScan.read(new ByteArrayInputStream("a,c\n1,z\n\n2,y\n3,z\n".getBytes()), "s.csv",
                training(Task.CLASSIFY), (line, features, label, targets) ->
                        seen.add(line + ":" + features[0] + ":" + label + ":" + targets));
        assertEquals(List.of("2:1.0:0:null", "4:2.0:1:null", "5:3.0:0:null"), seen);
        assertArrayEquals(new String[] {"y", "z"}, scan.classNames());
        assertEquals(1, scan.classIndex(0));
        assertEquals(0, scan.classIndex(1));
        assertArrayEquals(new long[] {1, 2}, scan.classCounts());
    }

    @Test
    void progressIsReportedEverySoManyRowsAndAtTheEnd() throws IOException {
        StringBuilder s = new StringBuilder("a,b\n");
        int rows = 3 * ReadProgress.EVERY_ROWS + 5;
        for (int r = 0; r < rows; r++) {
            s.append(r).append(',').append(r % 3).append('\n');
        }
        byte[] bytes = s.toString().getBytes(StandardCharsets.US_ASCII);
        Map<Long, Long> reports = new LinkedHashMap<>();
        Table t = Table.read(new ByteArrayInputStream(bytes), "p.csv",
                ReadOptions.forTraining(Task.CLASSIFY, true, null)
                        .withProgress((bytesRead, rowsRead) -> reports.put(rowsRead, bytesRead)));
        assertEquals(List.of((long) ReadProgress.EVERY_ROWS, 2L * ReadProgress.EVERY_ROWS,
                3L * ReadProgress.EVERY_ROWS, (long) rows), new ArrayList<>(reports.keySet()));
        long previous = 0;
        for (long bytesRead : reports.values()) {
            assertTrue(bytesRead >= previous && bytesRead <= bytes.length, "bytes read " + bytesRead);
            previous = bytesRead;
        }
        assertEquals(bytes.length, previous);
        assertEquals(rows, t.rows());
        assertEquals(rows - 1, t.features()[(rows - 1) * 1], 0f);
        long[] expected = new long[3];
        for (int r = 0; r < rows; r++) {
            expected[r % 3]++;
            assertEquals(r % 3, t.labels()[r]);
        }
        assertArrayEquals(expected, t.scan().classCounts());
    }
}
