package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Activation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * GELU as exporters decompose it before opset 20: PyTorch's exact form {@code Div(x, √2) → Erf → Add 1 →
 * Mul x → Mul 0.5} (or {@code Mul 1/√2}, or {@code 0.5·x} first, in either operand order) and its tanh
 * approximation ({@code symbolic_opset9}: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x·x·x)))}, or with
 * {@code Pow(x, 3)}).
 *
 * <p>The nodes are found as the region between a value read by several elementwise nodes and the value where
 * their paths join again (plus a trailing scale by a constant), evaluated to a {@link Poly} and compared with
 * GELU's formula, every constant included. A region with an {@code Erf} or {@code Tanh} that computes anything
 * else is refused with what it computes and what GELU would be; a region without one is not a GELU, and the
 * caller reports the branch.
 */
final class GeluPattern {
    /** Elementwise ops a decomposed GELU is made of. */
    private static final Set<String> OPS = new HashSet<String>(Arrays.asList(
            "Mul", "Div", "Add", "Sub", "Pow", "Erf", "Tanh", "Sqrt"));
    private static final int MAX_NODES = 24;
    private static final double INV_SQRT_2 = 0.7071067811865476;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double CUBIC = 0.044715;
    private static final String EXACT = "0.5*x*(1 + erf(x/sqrt(2)))";
    private static final String TANH = "0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))";

    /** A matched GELU: its nodes, its output and the activation. */
    static final class Match {
        final List<Integer> nodes;
        final String output;
        final Activation activation;

        Match(List<Integer> nodes, String output, Activation activation) {
            this.nodes = nodes;
            this.output = output;
            this.activation = activation;
        }

        int lastNode() {
            return nodes.get(nodes.size() - 1);
        }
    }

    private final ChainScope scope;
    private final Constants constants;
    private final OpRules rules;

    GeluPattern(ChainScope scope, Constants constants, OpRules rules) {
        this.scope = scope;
        this.constants = constants;
        this.rules = rules;
    }

    /** Whether the readers of a value could start a decomposed GELU (all of them elementwise). */
    boolean couldStart(List<Integer> readers) {
        for (int r : readers) {
            if (!OPS.contains(scope.node(r).getOpType())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The GELU that {@code x}'s readers start, or null when they do not form a region with an {@code Erf} or
     * {@code Tanh}. A region that has one but is not GELU is refused.
     */
    Match match(String x, List<Integer> readers) throws OnnxImportException {
        if (!couldStart(readers)) {
            return null;
        }
        LinkedHashSet<Integer> region = new LinkedHashSet<Integer>();
        Set<String> values = new HashSet<String>();
        values.add(x);
        String exit = grow(x, region, values);
        if (exit == null) {
            return null;
        }
        exit = absorbTrailingScale(exit, region);
        int function = -1;
        for (int n : region) {
            String op = scope.node(n).getOpType();
            if (op.equals("Erf") || op.equals("Tanh")) {
                function = n;
            }
        }
        if (function < 0) {
            return null;
        }
        List<Integer> nodes = new ArrayList<Integer>(region);
        java.util.Collections.sort(nodes);
        if (rules.opset() < 7) {
            throw nodeError(function, scope.node(function), "is part of a decomposed activation in opset "
                    + rules.opset() + "; expected opset 7 or newer (older elementwise ops broadcast differently)");
        }
        for (int n : nodes) {
            NodeProto node = scope.node(n);
            rules.check(n, node, OnnxOp.forType(node.getOpType()));
        }
        Poly p = evaluate(exit, x, new HashMap<String, Poly>());
        String span = span(nodes);
        if (p == null) {
            throw nodeError(function, scope.node(function), "is part of " + span + ", which computes something the"
                    + " importer cannot read as GELU (a non-constant divisor or exponent, a non-scalar constant);"
                    + " expected " + EXACT + " or " + TANH);
        }
        return new Match(nodes, exit, classify(p, function, span));
    }

    /**
     * Adds the elementwise nodes reachable from {@code x} whose inputs are all known, until the paths from
     * {@code x} join in one value; returns it, or null when they do not.
     */
    private String grow(String x, Set<Integer> region, Set<String> values) {
        while (true) {
            List<String> open = open(values, region);
            if (open.size() == 1 && !open.get(0).equals(x)) {
                return open.get(0);
            }
            boolean added = false;
            for (String v : open) {
                if (scope.isEnd(v) || !scope.capturers(v).isEmpty()) {
                    return null; // a value inside the region is needed elsewhere
                }
                for (int r : scope.readers(v)) {
                    if (!region.contains(r) && addable(r, values)) {
                        region.add(r);
                        values.add(scope.node(r).getOutput(0));
                        added = true;
                    }
                }
            }
            if (!added || region.size() > MAX_NODES) {
                return null;
            }
        }
    }

    /** Values of the region still read outside it (or ends), in a stable order. */
    private List<String> open(Set<String> values, Set<Integer> region) {
        List<String> open = new ArrayList<String>();
        for (String v : values) {
            boolean outside = scope.isEnd(v) || !scope.capturers(v).isEmpty();
            for (int r : scope.readers(v)) {
                outside |= !region.contains(r);
            }
            if (outside) {
                open.add(v);
            }
        }
        java.util.Collections.sort(open);
        return open;
    }

    private boolean addable(int r, Set<String> values) {
        NodeProto n = scope.node(r);
        if (!OPS.contains(n.getOpType()) || n.getOutputCount() != 1 || n.getOutput(0).isEmpty()) {
            return false;
        }
        for (String in : n.getInputList()) {
            if (in.isEmpty() || (!values.contains(in) && !constants.contains(in))) {
                return false;
            }
        }
        return true;
    }

    /** PyTorch's exact GELU multiplies by 0.5 after the paths join: a Mul/Div of the join by a scalar constant. */
    private String absorbTrailingScale(String exit, Set<Integer> region) throws OnnxImportException {
        int r = scope.soleReader(exit);
        if (r < 0) {
            return exit;
        }
        NodeProto n = scope.node(r);
        boolean mul = n.getOpType().equals("Mul");
        if ((!mul && !n.getOpType().equals("Div")) || n.getInputCount() != 2 || n.getOutputCount() != 1) {
            return exit;
        }
        int other = n.getInput(0).equals(exit) ? 1 : 0;
        ConstantTensor c = constants.get(n.getInput(other));
        if (c == null || !c.isScalar(2) || (!mul && other == 0) || n.getInput(1 - other).isEmpty()) {
            return exit;
        }
        region.add(r);
        return n.getOutput(0);
    }

    /** The region's value {@code v} as a polynomial in {@code x}, or null when it is not one. */
    private Poly evaluate(String v, String x, Map<String, Poly> memo) throws OnnxImportException {
        if (v.equals(x)) {
            return Poly.x();
        }
        ConstantTensor c = constants.get(v);
        if (c != null) {
            return c.isScalar(2) && isNumber(c) ? Poly.constant(c.scalar()) : null;
        }
        if (memo.containsKey(v)) {
            return memo.get(v);
        }
        int producer = scope.index.producer(v);
        if (producer < 0) {
            return null;
        }
        NodeProto n = scope.node(producer);
        Poly a = evaluate(n.getInput(0), x, memo);
        Poly b = n.getInputCount() > 1 ? evaluate(n.getInput(1), x, memo) : null;
        Poly result = a == null || (n.getInputCount() > 1 && b == null) ? null : combine(n.getOpType(), a, b);
        memo.put(v, result);
        return result;
    }

    private static boolean isNumber(ConstantTensor c) {
        return c.dataType == dev.edgetrain.onnx.proto.TensorProto.DataType.FLOAT_VALUE
                || c.dataType == dev.edgetrain.onnx.proto.TensorProto.DataType.INT64_VALUE
                || c.dataType == dev.edgetrain.onnx.proto.TensorProto.DataType.INT32_VALUE;
    }

    private static Poly combine(String op, Poly a, Poly b) {
        if (op.equals("Mul")) {
            return a.times(b);
        } else if (op.equals("Add")) {
            return a.plus(b);
        } else if (op.equals("Sub")) {
            return a.plus(b.scaled(-1));
        } else if (op.equals("Div")) {
            return b.isConstant() && b.constantValue() != 0 ? a.scaled(1 / b.constantValue()) : null;
        } else if (op.equals("Pow")) {
            if (!b.isConstant() || b.constantValue() != Math.rint(b.constantValue()) || b.constantValue() < 1
                    || b.constantValue() > 4) {
                return null;
            }
            Poly p = a;
            for (int k = 1; p != null && k < (int) b.constantValue(); k++) {
                p = p.times(a);
            }
            return p;
        } else if (op.equals("Sqrt")) {
            return a.isConstant() && a.constantValue() >= 0 ? Poly.constant(Math.sqrt(a.constantValue())) : null;
        }
        return Poly.apply(op.toLowerCase(java.util.Locale.ROOT), a); // Erf, Tanh
    }

    /** GELU exact or tanh-approximate, or a refusal saying which constant or piece differs. */
    private Activation classify(Poly p, int function, String span) throws OnnxImportException {
        NodeProto fn = scope.node(function);
        Poly.Term linear = null;
        Poly.Term gated = null;
        for (Poly.Term t : p.terms) {
            if (t.atoms.size() == 1 && t.atoms.get(0).function == null) {
                linear = t;
            } else if (t.atoms.size() == 2 && t.power(Poly.Atom.X) == 1) {
                gated = t;
            }
        }
        if (p.terms.size() != 2 || linear == null || gated == null) {
            throw nodeError(function, fn, "is part of " + span + ", which computes " + p + ", not GELU; expected "
                    + EXACT + " or " + TANH);
        }
        Poly.Atom f = gated.atoms.get(0).function != null ? gated.atoms.get(0) : gated.atoms.get(1);
        boolean exact = f.function.equals("erf");
        if (!Poly.close(linear.coefficient, 0.5) || !Poly.close(gated.coefficient, 0.5)) {
            throw nodeError(function, fn, "is part of " + span + ", which computes " + p + ": its two terms are"
                    + " scaled by " + ImportErrors.number(linear.coefficient) + " and "
                    + ImportErrors.number(gated.coefficient) + "; expected 0.5 and 0.5 (GELU is "
                    + (exact ? EXACT : TANH) + ")");
        }
        Poly arg = f.argument;
        if (exact) {
            Poly.Term t = arg.terms.size() == 1 ? arg.terms.get(0) : null;
            if (t == null || t.atoms.size() != 1 || t.atoms.get(0).function != null
                    || !Poly.close(t.coefficient, INV_SQRT_2)) {
                throw nodeError(function, fn, "takes erf(" + arg + ") in " + span + "; expected erf("
                        + ImportErrors.number(INV_SQRT_2) + "*x), the exact GELU's x/sqrt(2)");
            }
            return Activation.GELU;
        }
        Poly.Term x1 = null;
        Poly.Term x3 = null;
        for (Poly.Term t : arg.terms) {
            if (t.atoms.size() == 1 && t.power(Poly.Atom.X) == 1) {
                x1 = t;
            } else if (t.atoms.size() == 3 && t.power(Poly.Atom.X) == 3) {
                x3 = t;
            }
        }
        if (arg.terms.size() != 2 || x1 == null || x3 == null || !Poly.close(x1.coefficient, SQRT_2_OVER_PI)
                || !Poly.close(x3.coefficient / x1.coefficient, CUBIC)) {
            String found = arg.terms.size() == 2 && x1 != null && x3 != null
                    ? ImportErrors.number(x1.coefficient) + "*(x + "
                    + ImportErrors.number(x3.coefficient / x1.coefficient) + "*x^3)" : arg.toString();
            throw nodeError(function, fn, "takes tanh(" + found + ") in " + span + "; expected tanh("
                    + ImportErrors.number(SQRT_2_OVER_PI) + "*(x + " + ImportErrors.number(CUBIC)
                    + "*x^3)), the tanh GELU's sqrt(2/pi)*(x + 0.044715*x^3)");
        }
        return Activation.GELU_TANH;
    }

    private String span(List<Integer> nodes) {
        int first = nodes.get(0);
        int last = nodes.get(nodes.size() - 1);
        return "the decomposed activation of nodes " + describe(first, scope.node(first)).substring(5) + " to "
                + describe(last, scope.node(last)).substring(5);
    }
}
