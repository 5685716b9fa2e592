package dev.edgetrain.cli.data;

import dev.edgetrain.cli.CliException;
import dev.edgetrain.runtime.train.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Features and labels taken out of a {@link CsvTable}: for training (classes found in the label column) or
 * for an existing model (features chosen by the model's feature names, labels mapped onto its classes).
 */
public final class LabeledData {
    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private final String[] featureNames;
    private final String[] classNames;
    private final String labelColumn;

    private LabeledData(float[] features, int[] labels, int featureCount, String[] featureNames, String[] classNames,
                        String labelColumn) {
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.featureNames = featureNames;
        this.classNames = classNames;
        this.labelColumn = labelColumn;
    }

    /**
     * Training data: the label column ({@code labelSpec}: a name, a 1-based index, or null for the last column)
     * and every other column as a numeric feature. Classes are the distinct labels, ordered numerically when
     * every label is an integer, else alphabetically; their names become the model's class labels.
     */
    public static LabeledData forTraining(CsvTable table, String labelSpec) {
        int label = table.column(labelSpec, "label");
        if (table.columns() < 2) {
            throw new CliException(table.source() + ": only one column; expected features and a label column");
        }
        int[] featureColumns = allBut(table.columns(), label);
        Set<String> distinct = new LinkedHashSet<>();
        for (int r = 0; r < table.rows(); r++) {
            String v = table.cell(r, label);
            if (v.isEmpty()) {
                throw new CliException(table.where(r, label) + ": missing label");
            }
            distinct.add(v);
        }
        String[] classes = distinct.toArray(new String[0]);
        if (classes.length < 2) {
            throw new CliException(table.source() + ": label column '" + table.header()[label] + "' has only one class ("
                    + classes[0] + "); a classifier needs at least 2");
        }
        sortClasses(classes);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classes.length; c++) {
            index.put(classes[c], c);
        }
        int[] labels = new int[table.rows()];
        for (int r = 0; r < table.rows(); r++) {
            labels[r] = index.get(table.cell(r, label));
        }
        return new LabeledData(numbers(table, featureColumns), labels, featureColumns.length,
                names(table, featureColumns), classes, table.header()[label]);
    }

    /**
     * Input for an existing model with {@code featureCount} inputs. Features are the columns named by
     * {@code modelFeatureNames} when the header has them all; otherwise every column but the label. The label
     * column is {@code labelSpec} if given; else, when there is exactly one column more than features, the last.
     * Labels map onto {@code modelClasses} by name, or are class indices when the model names none.
     *
     * @param labelRequired whether a label column must be present (evaluate, fine-tune)
     */
    public static LabeledData forModel(CsvTable table, int featureCount, String[] modelFeatureNames,
                                       String[] modelClasses, int classCount, String labelSpec, boolean labelRequired) {
        int label = -1;
        int[] featureColumns = null;
        if (modelFeatureNames != null && table.columns() >= featureCount) {
            featureColumns = byName(table, modelFeatureNames);
        }
        if (labelSpec != null) {
            label = table.column(labelSpec, "label");
        } else if (featureColumns != null) {
            int rest = table.columns() - featureCount;
            if (rest == 1) {
                label = allBut(table.columns(), featureColumns)[0];
            }
        } else if (table.columns() == featureCount + 1) {
            label = table.columns() - 1;
        }
        if (featureColumns == null) {
            featureColumns = label < 0 ? allBut(table.columns(), -1) : allBut(table.columns(), label);
        }
        if (featureColumns.length != featureCount) {
            throw new CliException(table.source() + ": " + featureColumns.length + " feature columns"
                    + (label >= 0 ? " (besides label column '" + table.header()[label] + "')" : "")
                    + ", the model expects " + featureCount
                    + (modelFeatureNames != null ? " named " + abbreviate(modelFeatureNames) : ""));
        }
        if (label < 0 && labelRequired) {
            throw new CliException(table.source() + ": no label column; expected one more column than the model's "
                    + featureCount + " features, or --label NAME");
        }
        int[] labels = null;
        if (label >= 0) {
            labels = mapLabels(table, label, modelClasses, classCount);
        }
        return new LabeledData(numbers(table, featureColumns), labels, featureCount, names(table, featureColumns),
                modelClasses, label < 0 ? null : table.header()[label]);
    }

    private static int[] mapLabels(CsvTable table, int column, String[] classes, int classCount) {
        Map<String, Integer> index = new HashMap<>();
        if (classes != null) {
            for (int c = 0; c < classes.length; c++) {
                index.put(classes[c], c);
            }
        }
        int[] labels = new int[table.rows()];
        for (int r = 0; r < table.rows(); r++) {
            String v = table.cell(r, column);
            if (v.isEmpty()) {
                throw new CliException(table.where(r, column) + ": missing label");
            }
            Integer c = index.get(v);
            if (c == null && classes == null) {
                try {
                    int k = Integer.parseInt(v);
                    if (k >= 0 && k < classCount) {
                        c = k;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
            }
            if (c == null) {
                throw new CliException(table.where(r, column) + ": unknown label '" + v + "', expected one of "
                        + (classes != null ? abbreviate(classes) : "the class indices 0-" + (classCount - 1)));
            }
            labels[r] = c;
        }
        return labels;
    }

    private static int[] byName(CsvTable table, String[] wanted) {
        String[] header = table.header();
        int[] cols = new int[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            cols[i] = -1;
            for (int c = 0; c < header.length; c++) {
                if (header[c].equals(wanted[i])) {
                    cols[i] = c;
                }
            }
            if (cols[i] < 0) {
                return null;
            }
        }
        return cols;
    }

    private static int[] allBut(int columns, int excluded) {
        List<Integer> keep = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            if (c != excluded) {
                keep.add(c);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] allBut(int columns, int[] excluded) {
        Set<Integer> ex = new java.util.HashSet<>();
        for (int c : excluded) {
            ex.add(c);
        }
        List<Integer> keep = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            if (!ex.contains(c)) {
                keep.add(c);
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float[] numbers(CsvTable table, int[] columns) {
        float[] x = new float[table.rows() * columns.length];
        for (int r = 0; r < table.rows(); r++) {
            for (int j = 0; j < columns.length; j++) {
                x[r * columns.length + j] = table.number(r, columns[j]);
            }
        }
        return x;
    }

    private static String[] names(CsvTable table, int[] columns) {
        String[] header = table.header();
        String[] names = new String[columns.length];
        for (int j = 0; j < columns.length; j++) {
            names[j] = header[columns[j]];
        }
        return names;
    }

    /** Integers in numeric order when every name is one; otherwise alphabetical. */
    static void sortClasses(String[] classes) {
        boolean numeric = true;
        for (String c : classes) {
            try {
                Long.parseLong(c);
            } catch (NumberFormatException e) {
                numeric = false;
                break;
            }
        }
        if (numeric) {
            Arrays.sort(classes, (a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        } else {
            Arrays.sort(classes);
        }
    }

    private static String abbreviate(String[] items) {
        if (items.length <= 12) {
            return Arrays.toString(items);
        }
        return "[" + String.join(", ", Arrays.copyOf(items, 10)) + ", … (" + items.length + " in all)]";
    }

    /** Features {@code [rows][featureCount]}. */
    public float[] features() {
        return features;
    }

    /** Labels {@code [rows]}, or null when the data has no label column. */
    public int[] labels() {
        return labels;
    }

    public int rows() {
        return features.length / featureCount;
    }

    public int featureCount() {
        return featureCount;
    }

    public String[] featureNames() {
        return featureNames.clone();
    }

    /** Class names in class-index order, or null (a model without names). */
    public String[] classNames() {
        return classNames == null ? null : classNames.clone();
    }

    public String labelColumn() {
        return labelColumn;
    }

    /** As a runtime data set; needs labels. */
    public Dataset toDataset(int classes) {
        if (labels == null) {
            throw new IllegalStateException("no labels");
        }
        return new Dataset(features, labels, featureCount, classes, classNames, featureNames);
    }
}
