package dev.edgetrain.android.core;

import java.util.Arrays;

/**
 * A finger drawing turned into the features the digits model reads, the way the UCI optical digits
 * were made: strokes are rendered into a {@value #INK}×{@value #INK} bitmap, which is cut into
 * {@value #GRID}×{@value #GRID} blocks of {@value #BLOCK}×{@value #BLOCK} pixels; each feature is the
 * number of inked pixels in its block, 0–{@value #MAX_COUNT}.
 *
 * <p>Before rendering, the drawing's bounding box is scaled (keeping its aspect ratio) to fill the
 * bitmap's height or width and centred, as the data set's digits are size-normalised; so it does not
 * matter where on the screen or how big the user draws. Points are in view coordinates scaled to
 * {@code [0, 1]}; values outside are clamped.
 *
 * <p>It can also {@link #load show} a row of the data set, whose pixels are not known, only its 64 counts;
 * a new stroke then starts a fresh drawing. Not thread-safe: the UI thread owns it.
 */
public final class DigitSketch {
    /** Side of the square bitmap the strokes are rendered into, in pixels. */
    public static final int INK = 32;
    /** Blocks per side: the model reads {@code GRID × GRID} = 64 features. */
    public static final int GRID = 8;
    /** Side of one block, in bitmap pixels. */
    public static final int BLOCK = INK / GRID;
    /** The largest count a block can have, all its pixels inked: 16. */
    public static final int MAX_COUNT = BLOCK * BLOCK;

    /** Pen radius in bitmap pixels: strokes about 4 pixels wide, like the scanned pen strokes. */
    private static final float PEN_RADIUS = 2.0f;
    /** Pixels left free around the scaled drawing, so the pen's disc stays inside the bitmap. */
    private static final float MARGIN = PEN_RADIUS;

    /** Stroke points, {@code [points][2]} as (x, y) in [0, 1]. */
    private float[] points = new float[512];
    /** Per point: true if it starts a new stroke. */
    private boolean[] strokeStarts = new boolean[256];
    private int pointCount;
    /** {@code [INK][INK]} row-major. */
    private final boolean[] ink = new boolean[INK * INK];
    /** {@code [GRID][GRID]} row-major, the model's features. */
    private final float[] cells = new float[GRID * GRID];
    private boolean showingRow;

    /** An empty sketch: no stroke, no shown row, every count 0. */
    public DigitSketch() {
    }

    /**
     * Starts a stroke at ({@code x}, {@code y}); clears a {@link #load shown row} first. Renders the whole
     * drawing again, so the features are up to date when it returns.
     *
     * @param x horizontal position, 0 = left edge, 1 = right edge of the view; clamped to [0, 1], NaN taken as 0
     * @param y vertical position, 0 = top edge, 1 = bottom edge of the view; clamped to [0, 1], NaN taken as 0
     */
    public void penDown(float x, float y) {
        if (showingRow) {
            clear();
        }
        addPoint(x, y, true);
        render();
    }

    /**
     * Extends the current stroke to ({@code x}, {@code y}); starts one if there is none. Renders the whole
     * drawing again, so the features are up to date when it returns.
     *
     * @param x horizontal position, 0 = left edge, 1 = right edge of the view; clamped to [0, 1], NaN taken as 0
     * @param y vertical position, 0 = top edge, 1 = bottom edge of the view; clamped to [0, 1], NaN taken as 0
     */
    public void penMove(float x, float y) {
        if (pointCount == 0 || showingRow) {
            penDown(x, y);
            return;
        }
        addPoint(x, y, false);
        render();
    }

    /** Forgets every stroke and every shown row. */
    public void clear() {
        pointCount = 0;
        showingRow = false;
        Arrays.fill(ink, false);
        Arrays.fill(cells, 0f);
    }

    /**
     * Shows one data-set row: {@code features [64]} at {@code offset}, counts in [0, 16].
     *
     * @param features holds the row; copied, not kept
     * @param offset   index of the row's first count in {@code features}
     * @throws IllegalArgumentException if a value is not a count in [0, 16]; the sketch is then unchanged
     */
    public void load(float[] features, int offset) {
        if (features == null || offset < 0 || features.length - offset < cells.length) {
            throw new IllegalArgumentException("a row needs " + cells.length + " features from offset " + offset);
        }
        for (int j = 0; j < cells.length; j++) {
            float v = features[offset + j];
            if (!(v >= 0 && v <= MAX_COUNT)) {
                throw new IllegalArgumentException("feature " + j + " (row " + (j / GRID) + ", column " + (j % GRID)
                        + ") is " + v + ", expected a count in [0, " + MAX_COUNT + "]");
            }
        }
        clear();
        System.arraycopy(features, offset, cells, 0, cells.length);
        showingRow = true;
    }

    /**
     * True when nothing is drawn or shown.
     *
     * @return true with no stroke and every count 0 (a shown row of zeros counts as empty)
     */
    public boolean isEmpty() {
        if (pointCount > 0) {
            return false;
        }
        for (float c : cells) {
            if (c != 0f) {
                return false;
            }
        }
        return true;
    }

    /**
     * True while a data-set row is shown rather than a drawing.
     *
     * @return true from {@link #load} until {@link #clear} or the next stroke
     */
    public boolean isShowingRow() {
        return showingRow;
    }

    /**
     * The count of block ({@code row}, {@code column}), 0–16.
     *
     * @param row    block row, 0 at the top, in [0, 8)
     * @param column block column, 0 at the left, in [0, 8)
     * @return the block's inked pixels, or the shown row's count there
     */
    public float cell(int row, int column) {
        return cells[row * GRID + column];
    }

    /**
     * Whether bitmap pixel ({@code row}, {@code column}) of the {@value #INK}×{@value #INK} rendering is inked.
     *
     * @param row    pixel row, 0 at the top, in [0, 32)
     * @param column pixel column, 0 at the left, in [0, 32)
     * @return true if a stroke covers the pixel; always false while a row is shown, whose pixels are not known
     */
    public boolean inked(int row, int column) {
        return ink[row * INK + column];
    }

    /**
     * Copies the 64 features into {@code dst} at {@code offset}. Allocates nothing, for use on every touch.
     *
     * @param dst    receives the counts, row-major, as the model reads them
     * @param offset index in {@code dst} of the first count; {@code dst} needs 64 places from there
     */
    public void copyFeatures(float[] dst, int offset) {
        System.arraycopy(cells, 0, dst, offset, cells.length);
    }

    /**
     * A copy of the 64 features.
     *
     * @return a fresh array {@code [64]} of the block counts, row-major
     */
    public float[] features() {
        return cells.clone();
    }

    private void addPoint(float x, float y, boolean start) {
        if (pointCount * 2 == points.length) {
            points = Arrays.copyOf(points, points.length * 2);
            strokeStarts = Arrays.copyOf(strokeStarts, strokeStarts.length * 2);
        }
        points[2 * pointCount] = clamp01(x);
        points[2 * pointCount + 1] = clamp01(y);
        strokeStarts[pointCount] = start;
        pointCount++;
    }

    private static float clamp01(float v) {
        if (!(v > 0f)) {
            return 0f; // also maps NaN to 0
        }
        return v > 1f ? 1f : v;
    }

    /** Renders every stroke into {@link #ink} after size normalisation, then counts {@link #cells}. */
    private void render() {
        Arrays.fill(ink, false);
        float minX = 1f;
        float minY = 1f;
        float maxX = 0f;
        float maxY = 0f;
        for (int p = 0; p < pointCount; p++) {
            minX = Math.min(minX, points[2 * p]);
            maxX = Math.max(maxX, points[2 * p]);
            minY = Math.min(minY, points[2 * p + 1]);
            maxY = Math.max(maxY, points[2 * p + 1]);
        }
        final float span = Math.max(maxX - minX, maxY - minY);
        final float usable = INK - 2 * MARGIN;
        // A dot (span 0) is drawn in the middle at pen size instead of being blown up to fill the bitmap.
        final float scale = span > 0f ? usable / span : 0f;
        final float offsetX = INK / 2f - scale * (minX + maxX) / 2f;
        final float offsetY = INK / 2f - scale * (minY + maxY) / 2f;
        float prevX = 0f;
        float prevY = 0f;
        for (int p = 0; p < pointCount; p++) {
            final float x = offsetX + scale * points[2 * p];
            final float y = offsetY + scale * points[2 * p + 1];
            if (strokeStarts[p]) {
                stamp(x, y);
            } else {
                segment(prevX, prevY, x, y);
            }
            prevX = x;
            prevY = y;
        }
        Arrays.fill(cells, 0f);
        for (int r = 0; r < INK; r++) {
            for (int c = 0; c < INK; c++) {
                if (ink[r * INK + c]) {
                    cells[(r / BLOCK) * GRID + c / BLOCK] += 1f;
                }
            }
        }
    }

    /** Stamps the pen every half pixel from (x0, y0) to (x1, y1). */
    private void segment(float x0, float y0, float x1, float y1) {
        final float length = (float) Math.hypot(x1 - x0, y1 - y0);
        final int steps = Math.max(1, (int) Math.ceil(length * 2f));
        for (int s = 1; s <= steps; s++) {
            final float t = (float) s / steps;
            stamp(x0 + t * (x1 - x0), y0 + t * (y1 - y0));
        }
    }

    /** Inks every pixel whose centre lies within the pen radius of (x, y). */
    private void stamp(float x, float y) {
        final int r0 = Math.max(0, (int) Math.floor(y - PEN_RADIUS));
        final int r1 = Math.min(INK - 1, (int) Math.ceil(y + PEN_RADIUS));
        final int c0 = Math.max(0, (int) Math.floor(x - PEN_RADIUS));
        final int c1 = Math.min(INK - 1, (int) Math.ceil(x + PEN_RADIUS));
        final float r2 = PEN_RADIUS * PEN_RADIUS;
        for (int r = r0; r <= r1; r++) {
            final float dy = r + 0.5f - y;
            for (int c = c0; c <= c1; c++) {
                final float dx = c + 0.5f - x;
                if (dx * dx + dy * dy <= r2) {
                    ink[r * INK + c] = true;
                }
            }
        }
    }
}
