package dev.edgetrain.data;

import java.util.Random;

/**
 * A seeded generator of CSV texts that mixes what real files do: quoted fields with escaped quotes, delimiters and
 * line breaks inside; CRLF, LF and CR line ends; blank and whitespace-only lines; spaces around fields; a byte order
 * mark; an empty last field; a last line with or without its line end; non-ASCII text. About one text in eight is
 * broken on purpose (a quote never closed, text after a closing quote, a stray quote).
 */
final class CsvTexts {
    private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};
    private static final String PLAIN = "abcxyz0123456789.-+eE_ é中\u00a0";
    /** Whitespace to Character.isWhitespace, and a no-break space, which is not. */
    private static final String SPACES = "  \t\u000b\f\u001f\u2003";

    private CsvTexts() {
    }

    static String generate(Random random, char delimiter) {
        StringBuilder s = new StringBuilder();
        if (random.nextInt(8) == 0) {
            s.append('\uFEFF');
        }
        int records = random.nextInt(7);
        int width = 1 + random.nextInt(4);
        for (int r = 0; r < records; r++) {
            while (random.nextInt(6) == 0) {
                s.append(random.nextInt(4) == 0 ? spaces(random, delimiter) : "").append(lineEnd(random));
            }
            int fields = random.nextInt(5) == 0 ? 1 + random.nextInt(5) : width;
            for (int f = 0; f < fields; f++) {
                if (f > 0) {
                    s.append(delimiter);
                }
                field(s, random, delimiter);
            }
            if (r < records - 1 || random.nextBoolean()) {
                s.append(lineEnd(random));
            }
        }
        if (random.nextInt(8) == 0) {
            breakIt(s, random);
        }
        return s.toString();
    }

    private static void field(StringBuilder s, Random random, char delimiter) {
        boolean padded = random.nextInt(4) == 0;
        if (padded) {
            s.append(spaces(random, delimiter));
        }
        switch (random.nextInt(5)) {
            case 0:
                break; // empty
            case 1:
            case 2:
                plain(s, random, delimiter);
                break;
            default:
                quoted(s, random, delimiter);
        }
        if (padded || random.nextInt(6) == 0) {
            s.append(spaces(random, delimiter));
        }
    }

    private static void plain(StringBuilder s, Random random, char delimiter) {
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            char c = PLAIN.charAt(random.nextInt(PLAIN.length()));
            if (i > 0 && random.nextInt(20) == 0) {
                c = '"'; // a quote inside an unquoted field is an ordinary character
            }
            s.append(c == delimiter ? 'x' : c);
        }
    }

    private static void quoted(StringBuilder s, Random random, char delimiter) {
        s.append('"');
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(10)) {
                case 0:
                    s.append("\"\"");
                    break;
                case 1:
                    s.append(delimiter);
                    break;
                case 2:
                    s.append(LINE_ENDS[random.nextInt(LINE_ENDS.length)]);
                    break;
                case 3:
                    s.append(spaces(random, delimiter));
                    break;
                default:
                    s.append(PLAIN.charAt(random.nextInt(PLAIN.length())));
            }
        }
        s.append('"');
    }

    private static String spaces(Random random, char delimiter) {
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            char c = SPACES.charAt(random.nextInt(SPACES.length()));
            s.append(c == delimiter ? ' ' : c);
        }
        return s.toString();
    }

    private static String lineEnd(Random random) {
        return LINE_ENDS[random.nextInt(LINE_ENDS.length)];
    }

    /** A quote at a random place: it may open a field never closed, end one early, or sit after a closing quote. */
    private static void breakIt(StringBuilder s, Random random) {
        int at = random.nextInt(s.length() + 1);
        s.insert(at, random.nextBoolean() ? "\"" : "\"x\"y");
    }
}
