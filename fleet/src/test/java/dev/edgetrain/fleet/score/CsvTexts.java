package dev.edgetrain.fleet.score;

import java.util.Random;

/** Generated CSV texts full of what makes cutting a file hard, for the tests of cutting and reading ranges. */
final class CsvTexts {
    static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};

    private CsvTexts() {
    }

    /** A CSV with columns id (0, 1, …), note (anything) and x (a number), written in every way the scanner reads. */
    static String generate(Random random, char d, int rows) {
        StringBuilder s = new StringBuilder();
        if (random.nextInt(4) == 0) {
            s.append('\uFEFF');
        }
        String end = LINE_ENDS[random.nextInt(LINE_ENDS.length)];
        s.append(random.nextBoolean() ? "id" : "\"id\"").append(d).append("note").append(d).append(" \"x\" ");
        s.append(end);
        for (int r = 0; r < rows; r++) {
            if (random.nextInt(6) == 0) {
                s.append(LINE_ENDS[random.nextInt(LINE_ENDS.length)]); // a blank line
            }
            s.append(random.nextInt(3) == 0 ? " " + r + " " : String.valueOf(r)).append(d);
            s.append(field(random, d)).append(d);
            s.append(random.nextInt(4) == 0 ? "\"" + r + ".5\"" : r + ".5");
            if (r < rows - 1 || random.nextBoolean()) {
                s.append(random.nextInt(5) == 0 ? LINE_ENDS[random.nextInt(LINE_ENDS.length)] : end);
            }
        }
        return s.toString();
    }

    private static String field(Random random, char d) {
        switch (random.nextInt(9)) {
            case 0:
                return "";
            case 1:
                return "plain" + random.nextInt(100);
            case 2:
                return "12\"inch"; // a quote inside an unquoted field is an ordinary character
            case 3:
                return "\u00A0\"nbsp\""; // no space: an unquoted field that happens to hold quotes
            case 4:
                return "\u2003\"em space\"\u3000"; // spaces around a quoted field
            case 5:
                return " \"after\" \t".replace('\t', d == '\t' ? ' ' : '\t');
            default: {
                StringBuilder q = new StringBuilder("\"");
                int n = random.nextInt(12);
                String[] parts = {"a", " ", String.valueOf(d), "\"\"", "\n", "\r\n", "\r", "é", "\u2003", "x\"\"\n"};
                for (int i = 0; i < n; i++) {
                    q.append(parts[random.nextInt(parts.length)]);
                }
                return q.append('"').toString();
            }
        }
    }
}
