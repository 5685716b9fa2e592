package dev.edgetrain.onnx.imports;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small normal form for the elementwise expressions exporters decompose activations into: a sum of terms, each
 * a coefficient times a product of atoms, where an atom is the input {@code x} or a function ({@code erf},
 * {@code tanh}) of another such sum. Products are expanded and like terms merged, so every operand order and
 * association of the same formula ({@code (x·(erf+1))·0.5}, {@code (0.5·x)·(1+erf)}, {@code x·x·x} or
 * {@code Pow(x, 3)}) has one form, which {@link GeluPattern} compares with GELU's. Coefficients compare with a
 * relative tolerance of {@link #TOLERANCE}: float rounding of a constant passes, a different constant does not.
 * Immutable; sizes are capped ({@link #MAX_TERMS}), past which {@link #times} returns null.
 */
final class Poly {
    /** Relative tolerance of coefficient comparisons: a few float roundings. */
    static final double TOLERANCE = 1e-6;
    static final int MAX_TERMS = 32;
    private static final int MAX_ATOMS = 8;

    /** {@code coefficient · atom₀ · atom₁ · …}; no atoms: a constant. */
    static final class Term {
        final double coefficient;
        final List<Atom> atoms;

        Term(double coefficient, List<Atom> atoms) {
            this.coefficient = coefficient;
            this.atoms = Collections.unmodifiableList(atoms);
        }

        int power(Atom a) {
            int n = 0;
            for (Atom b : atoms) {
                n += b.sameAs(a) ? 1 : 0;
            }
            return n;
        }
    }

    /** {@code x}, or {@code function(argument)}. */
    static final class Atom {
        static final Atom X = new Atom(null, null);
        /** {@code erf} or {@code tanh}; null for {@code x}. */
        final String function;
        final Poly argument;

        Atom(String function, Poly argument) {
            this.function = function;
            this.argument = argument;
        }

        boolean sameAs(Atom o) {
            if (function == null || o.function == null) {
                return function == null && o.function == null;
            }
            return function.equals(o.function) && argument.sameAs(o.argument);
        }

        @Override
        public String toString() {
            return function == null ? "x" : function + "(" + argument + ")";
        }
    }

    final List<Term> terms;

    private Poly(List<Term> terms) {
        this.terms = Collections.unmodifiableList(terms);
    }

    static Poly constant(double c) {
        List<Term> t = new ArrayList<Term>();
        if (c != 0) {
            t.add(new Term(c, new ArrayList<Atom>()));
        }
        return new Poly(t);
    }

    static Poly x() {
        List<Atom> atoms = new ArrayList<Atom>();
        atoms.add(Atom.X);
        List<Term> t = new ArrayList<Term>();
        t.add(new Term(1, atoms));
        return new Poly(t);
    }

    /** {@code function(argument)}. */
    static Poly apply(String function, Poly argument) {
        List<Atom> atoms = new ArrayList<Atom>();
        atoms.add(new Atom(function, argument));
        List<Term> t = new ArrayList<Term>();
        t.add(new Term(1, atoms));
        return new Poly(t);
    }

    boolean isConstant() {
        return terms.isEmpty() || (terms.size() == 1 && terms.get(0).atoms.isEmpty());
    }

    double constantValue() {
        return terms.isEmpty() ? 0 : terms.get(0).coefficient;
    }

    /** {@code this + o}, or null past {@link #MAX_TERMS}. */
    Poly plus(Poly o) {
        List<Term> sum = new ArrayList<Term>(terms);
        for (Term t : o.terms) {
            merge(sum, t);
        }
        return sum.size() > MAX_TERMS ? null : new Poly(sum);
    }

    Poly scaled(double c) {
        List<Term> out = new ArrayList<Term>();
        for (Term t : terms) {
            if (t.coefficient * c != 0) {
                out.add(new Term(t.coefficient * c, new ArrayList<Atom>(t.atoms)));
            }
        }
        return new Poly(out);
    }

    /** {@code this · o}, expanded, or null past {@link #MAX_TERMS} terms or {@code MAX_ATOMS} atoms in a term. */
    Poly times(Poly o) {
        List<Term> product = new ArrayList<Term>();
        for (Term a : terms) {
            for (Term b : o.terms) {
                if (a.atoms.size() + b.atoms.size() > MAX_ATOMS) {
                    return null;
                }
                List<Atom> atoms = new ArrayList<Atom>(a.atoms);
                atoms.addAll(b.atoms);
                merge(product, new Term(a.coefficient * b.coefficient, atoms));
                if (product.size() > MAX_TERMS) {
                    return null;
                }
            }
        }
        return new Poly(product);
    }

    /** Adds {@code t} to {@code sum}, merging it with a term of the same atoms; a term that cancels is dropped. */
    private static void merge(List<Term> sum, Term t) {
        for (int i = 0; i < sum.size(); i++) {
            Term s = sum.get(i);
            if (sameAtoms(s.atoms, t.atoms)) {
                double c = s.coefficient + t.coefficient;
                if (c == 0) {
                    sum.remove(i);
                } else {
                    sum.set(i, new Term(c, new ArrayList<Atom>(s.atoms)));
                }
                return;
            }
        }
        if (t.coefficient != 0) {
            sum.add(t);
        }
    }

    /** Whether two atom lists are the same multiset. */
    static boolean sameAtoms(List<Atom> a, List<Atom> b) {
        if (a.size() != b.size()) {
            return false;
        }
        boolean[] used = new boolean[b.size()];
        outer:
        for (Atom x : a) {
            for (int j = 0; j < b.size(); j++) {
                if (!used[j] && x.sameAs(b.get(j))) {
                    used[j] = true;
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    /** Same terms with coefficients equal within {@link #TOLERANCE}. */
    boolean sameAs(Poly o) {
        if (terms.size() != o.terms.size()) {
            return false;
        }
        for (Term t : terms) {
            Term u = o.term(t.atoms);
            if (u == null || !close(t.coefficient, u.coefficient)) {
                return false;
            }
        }
        return true;
    }

    /** The term whose atoms are {@code atoms}, or null. */
    Term term(List<Atom> atoms) {
        for (Term t : terms) {
            if (sameAtoms(t.atoms, atoms)) {
                return t;
            }
        }
        return null;
    }

    static boolean close(double a, double b) {
        return Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }

    /** {@code 0.5*x + 0.5*x*erf(0.70710677*x)}: floats' shortest form, powers of x as {@code x^3}. */
    @Override
    public String toString() {
        if (terms.isEmpty()) {
            return "0";
        }
        List<String> printed = new ArrayList<String>();
        for (Term t : terms) {
            StringBuilder sb = new StringBuilder();
            StringBuilder factors = new StringBuilder();
            int xs = t.power(Atom.X);
            if (xs > 0) {
                factors.append(xs == 1 ? "x" : "x^" + xs);
            }
            for (Atom a : t.atoms) {
                if (a.function != null) {
                    factors.append(factors.length() == 0 ? "" : "*").append(a);
                }
            }
            if (factors.length() == 0) {
                sb.append(ImportErrors.number(t.coefficient));
            } else if (t.coefficient == 1) {
                sb.append(factors);
            } else {
                sb.append(ImportErrors.number(t.coefficient)).append('*').append(factors);
            }
            printed.add(sb.toString());
        }
        // Shorter terms first, so one formula prints one way whatever the node order.
        Collections.sort(printed, new java.util.Comparator<String>() {
            @Override
            public int compare(String a, String b) {
                return a.length() != b.length() ? a.length() - b.length() : a.compareTo(b);
            }
        });
        StringBuilder sb = new StringBuilder();
        for (String p : printed) {
            sb.append(sb.length() == 0 ? "" : " + ").append(p);
        }
        return sb.toString();
    }
}
