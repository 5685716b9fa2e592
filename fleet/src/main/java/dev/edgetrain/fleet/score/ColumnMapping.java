package dev.edgetrain.fleet.score;

import dev.edgetrain.fleet.data.FleetDataException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which columns of a table feed a model: the columns named by the model's feature names when the table has them
 * all, otherwise every column but the label. The label column is the one given, or else — when exactly one
 * column is left over — that one. The same rules as the CLI's {@code evaluate} and {@code predict}.
 */
public final class ColumnMapping implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] features;
    private final int label;
    private final String[] names;

    private ColumnMapping(int[] features, int label, String[] names) {
        this.features = features;
        this.label = label;
        this.names = names;
    }

    /**
     * @param source            the table's name, for errors
     * @param columns           the table's column names
     * @param featureCount      the model's inputs
     * @param modelFeatureNames the model's feature names, or null
     * @param labelColumn       the label column's name, or null to find it (or go without)
     */
    public static ColumnMapping of(String source, String[] columns, int featureCount, String[] modelFeatureNames,
                                   String labelColumn) {
        int label = -1;
        if (labelColumn != null) {
            label = Arrays.asList(columns).indexOf(labelColumn);
            if (label < 0) {
                throw new FleetDataException(source + ": no label column '" + labelColumn + "', columns are "
                        + abbreviate(columns));
            }
        }
        int[] features = null;
        if (modelFeatureNames != null && modelFeatureNames.length == featureCount) {
            features = byName(columns, modelFeatureNames);
        }
        if (features != null && label < 0) {
            int[] rest = allBut(columns.length, features);
            if (rest.length == 1) {
                label = rest[0];
            }
        } else if (features == null && label < 0 && columns.length == featureCount + 1) {
            label = columns.length - 1;
        }
        if (features == null) {
            features = label < 0 ? allBut(columns.length, new int[0]) : allBut(columns.length, new int[] {label});
        }
        if (features.length != featureCount) {
            throw new FleetDataException(source + ": " + features.length + " feature columns"
                    + (label >= 0 ? " (besides label column '" + columns[label] + "')" : "") + ", the model expects "
                    + featureCount + (modelFeatureNames != null ? " named " + abbreviate(modelFeatureNames) : ""));
        }
        return new ColumnMapping(features, label, columns.clone());
    }

    /** Table column of model input {@code j}. */
    public int feature(int j) {
        return features[j];
    }

    public int featureCount() {
        return features.length;
    }

    /** The label column, or -1 when the table has none. */
    public int label() {
        return label;
    }

    public String labelName() {
        return label < 0 ? null : names[label];
    }

    public String columnName(int column) {
        return names[column];
    }

    private static int[] byName(String[] columns, String[] wanted) {
        List<String> cols = Arrays.asList(columns);
        int[] idx = new int[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            idx[i] = cols.indexOf(wanted[i]);
            if (idx[i] < 0) {
                return null;
            }
        }
        return idx;
    }

    private static int[] allBut(int n, int[] excluded) {
        List<Integer> keep = new ArrayList<>();
        outer:
        for (int c = 0; c < n; c++) {
            for (int e : excluded) {
                if (e == c) {
                    continue outer;
                }
            }
            keep.add(c);
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    static String abbreviate(String[] names) {
        if (names.length <= 6) {
            return Arrays.toString(names);
        }
        return "[" + String.join(", ", Arrays.copyOf(names, 3)) + ", …, " + names[names.length - 1] + "] ("
                + names.length + ")";
    }
}
