package dev.edgetrain.android.sample;

import android.content.Context;
import android.graphics.Canvas;
import android.graphics.Color;
import android.graphics.Paint;
import android.util.AttributeSet;
import android.view.MotionEvent;
import android.view.View;

import dev.edgetrain.android.core.DigitSketch;

/**
 * Shows a {@link DigitSketch} as the model sees it, 8×8 blocks shaded by their pixel count, with the pen's
 * 32×32 rendering faintly underneath, and feeds touches into it. All logic is in {@link DigitSketch}.
 */
public final class DigitGridView extends View {
    /** Told after every touch that changed the sketch. */
    public interface OnSketchChangedListener {
        /** Called on the UI thread after the view has applied a touch to the sketch and asked to be redrawn. */
        void onSketchChanged();
    }

    private final Paint cellPaint = new Paint();
    private final Paint inkPaint = new Paint();
    private final Paint linePaint = new Paint();
    private DigitSketch sketch;
    private OnSketchChangedListener listener;

    /**
     * The constructor the layout inflater calls; the view shows nothing until {@link #setSketch}.
     *
     * @param context the Activity's context
     * @param attrs   the attributes from the layout XML
     */
    public DigitGridView(Context context, AttributeSet attrs) {
        super(context, attrs);
        inkPaint.setColor(Color.argb(60, 255, 111, 0));
        linePaint.setColor(Color.rgb(189, 189, 189));
        linePaint.setStrokeWidth(1f);
    }

    /**
     * The sketch to show and draw into; call on the UI thread.
     *
     * @param sketch the sketch, or null to show a blank grid and ignore touches
     */
    public void setSketch(DigitSketch sketch) {
        this.sketch = sketch;
        invalidate();
    }

    /**
     * Who to tell after a touch was applied to the sketch.
     *
     * @param l the listener, or null for none
     */
    public void setOnSketchChangedListener(OnSketchChangedListener l) {
        this.listener = l;
    }

    @Override
    protected void onMeasure(int widthMeasureSpec, int heightMeasureSpec) {
        super.onMeasure(widthMeasureSpec, heightMeasureSpec);
        int side = Math.min(getMeasuredWidth(), getMeasuredHeight());
        setMeasuredDimension(side, side);
    }

    @Override
    protected void onDraw(Canvas canvas) {
        canvas.drawColor(Color.WHITE);
        if (sketch == null) {
            return;
        }
        final float w = getWidth();
        final float h = getHeight();
        final float cw = w / DigitSketch.GRID;
        final float ch = h / DigitSketch.GRID;
        for (int r = 0; r < DigitSketch.GRID; r++) {
            for (int c = 0; c < DigitSketch.GRID; c++) {
                int level = Math.round(255f * sketch.cell(r, c) / DigitSketch.MAX_COUNT);
                if (level > 0) {
                    cellPaint.setColor(Color.argb(level, 33, 33, 33));
                    canvas.drawRect(c * cw, r * ch, (c + 1) * cw, (r + 1) * ch, cellPaint);
                }
            }
        }
        final float pw = w / DigitSketch.INK;
        final float ph = h / DigitSketch.INK;
        for (int r = 0; r < DigitSketch.INK; r++) {
            for (int c = 0; c < DigitSketch.INK; c++) {
                if (sketch.inked(r, c)) {
                    canvas.drawRect(c * pw, r * ph, (c + 1) * pw, (r + 1) * ph, inkPaint);
                }
            }
        }
        for (int i = 0; i <= DigitSketch.GRID; i++) {
            canvas.drawLine(i * cw, 0, i * cw, h, linePaint);
            canvas.drawLine(0, i * ch, w, i * ch, linePaint);
        }
    }

    @Override
    public boolean onTouchEvent(MotionEvent event) {
        if (sketch == null || !isEnabled()) {
            return false;
        }
        final float w = getWidth();
        final float h = getHeight();
        switch (event.getActionMasked()) {
            case MotionEvent.ACTION_DOWN:
                getParent().requestDisallowInterceptTouchEvent(true); // don't let the ScrollView scroll
                sketch.penDown(event.getX() / w, event.getY() / h);
                break;
            case MotionEvent.ACTION_MOVE:
                for (int i = 0; i < event.getHistorySize(); i++) {
                    sketch.penMove(event.getHistoricalX(i) / w, event.getHistoricalY(i) / h);
                }
                sketch.penMove(event.getX() / w, event.getY() / h);
                break;
            case MotionEvent.ACTION_UP:
                performClick();
                break;
            default:
                return true;
        }
        invalidate();
        if (listener != null) {
            listener.onSketchChanged();
        }
        return true;
    }

    @Override
    public boolean performClick() {
        return super.performClick();
    }
}
