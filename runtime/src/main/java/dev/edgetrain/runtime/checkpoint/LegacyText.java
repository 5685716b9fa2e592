package dev.edgetrain.runtime.checkpoint;

/**
 * A cursor over a description that an old checkpoint format stored as text ({@link LegacyOptimizerText},
 * {@link LegacyLossText}): the literal and delimiter steps both grammars are read with. A step that finds something
 * else throws {@link IllegalArgumentException} saying what it expected; {@link #pos} is then where reading stopped.
 */
abstract class LegacyText {
    /** The whole description. */
    final String text;
    /** Where reading is, in {@code [0, text.length()]}. */
    int pos;

    LegacyText(String text) {
        this.text = text;
    }

    /** The text from here up to, not including, the next {@code stop}; reading goes on at {@code stop}. */
    final String upTo(String stop) {
        int end = text.indexOf(stop, pos);
        if (end < 0) {
            throw new IllegalArgumentException("expected '" + stop + "'");
        }
        return take(end);
    }

    /** The text from here up to {@code end}; reading goes on there. */
    final String take(int end) {
        String s = text.substring(pos, end);
        pos = end;
        return s;
    }

    /** Reads past {@code literal} if the text goes on with it; says whether it did. */
    final boolean skip(String literal) {
        if (text.startsWith(literal, pos)) {
            pos += literal.length();
            return true;
        }
        return false;
    }

    /** Reads past {@code literal}, which must come next. */
    final void expect(String literal) {
        if (!skip(literal)) {
            throw new IllegalArgumentException("expected '" + literal + "'");
        }
    }
}
