package dev.edgetrain.onnx.imports;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The normal form makes one formula one expression, whatever the order and association of its operations. */
class PolyTest {
    private static final Poly X = Poly.x();

    @Test
    void geluWrittenThreeWaysHasOneForm() {
        Poly erf = Poly.apply("erf", X.scaled(1 / Math.sqrt(2)));
        Poly onePlusErf = Poly.constant(1).plus(erf);
        Poly torch = X.times(onePlusErf).times(Poly.constant(0.5));          // (x·(erf + 1))·0.5
        Poly hf = Poly.constant(0.5).times(X).times(onePlusErf);              // (0.5·x)·(1 + erf)
        Poly expanded = X.scaled(0.5).plus(X.times(erf).scaled(0.5));         // 0.5·x + 0.5·x·erf
        assertTrue(torch.sameAs(hf));
        assertTrue(torch.sameAs(expanded));
        assertEquals("0.5*x + 0.5*x*erf(0.70710677*x)", torch.toString());
    }

    @Test
    void cubesByMultiplicationAndByPowerAgreeAndLikeTermsMerge() {
        Poly byMul = X.times(X.times(X));
        Poly byPow = X.times(X).times(X);
        assertTrue(byMul.sameAs(byPow));
        assertEquals("x^3", byMul.toString());
        Poly sum = X.plus(X.scaled(2)).plus(Poly.constant(3)).plus(Poly.constant(-3));
        assertEquals("3.0*x", sum.toString());
        assertTrue(X.plus(X.scaled(-1)).isConstant());
    }

    @Test
    void coefficientsCompareWithinTheToleranceOnly() {
        assertTrue(X.scaled(0.5).sameAs(X.scaled(0.5f + 1e-8)));
        assertFalse(X.scaled(0.5).sameAs(X.scaled(0.5001)));
        assertFalse(Poly.apply("erf", X).sameAs(Poly.apply("tanh", X)));
    }

    @Test
    void tooLargeExpansionsGiveUp() {
        Poly p = X.plus(Poly.constant(1));
        Poly q = p;
        for (int i = 0; i < 10 && q != null; i++) {
            q = q.times(p);
        }
        assertNull(q, "(x + 1)^11 has more atoms per term than the cap");
    }
}
