package dev.edgetrain.data;

import java.util.Locale;

/**
 * A CSV dialect: the field delimiter ({@code ,} {@code ;} tab or {@code |}) and the quote ({@code "}). Quoted
 * fields follow RFC 4180 ({@code ""} is a quote inside one); spaces around a field are not part of it (quote the
 * field to keep them), as the CLI has always read CSV.
 */
public final class CsvFormat {
    /** Comma-separated: the default. */
    public static final CsvFormat COMMA = new CsvFormat(',');
    /** Semicolon-separated, common where the comma is the decimal separator. */
    public static final CsvFormat SEMICOLON = new CsvFormat(';');
    /** Tab-separated ({@code .tsv}, {@code .tab}). */
    public static final CsvFormat TAB = new CsvFormat('\t');
    /** Pipe-separated. */
    public static final CsvFormat PIPE = new CsvFormat('|');

    private final char delimiter;

    private CsvFormat(char delimiter) {
        this.delimiter = delimiter;
    }

    /**
     * Tab for a file named {@code *.tsv} or {@code *.tab} (any case), else comma.
     *
     * @param name a file name or path; null reads as comma-separated
     * @return {@link #TAB} or {@link #COMMA}
     */
    public static CsvFormat forFile(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tsv") || n.endsWith(".tab") ? TAB : COMMA;
    }

    /**
     * The dialect of a delimiter as a user writes it: {@code ,} {@code ;} {@code |}, a tab character, or
     * {@code \t} or {@code tab} for a tab.
     *
     * @param text the delimiter as the user typed it
     * @return the dialect it names
     * @throws IllegalArgumentException for anything else, naming what is accepted
     */
    public static CsvFormat parseDelimiter(String text) {
        if (text != null) {
            if (text.equals(",")) {
                return COMMA;
            }
            if (text.equals(";")) {
                return SEMICOLON;
            }
            if (text.equals("|")) {
                return PIPE;
            }
            if (text.equals("\t") || text.equals("\\t") || text.equalsIgnoreCase("tab")) {
                return TAB;
            }
        }
        throw new IllegalArgumentException("unknown delimiter '" + text + "', expected one of ',' ';' '|' or a tab "
                + "(written '\\t' or 'tab')");
    }

    /**
     * The dialect with this delimiter: one of {@code , ; | \t}.
     *
     * @param delimiter one of {@code , ; |} or a tab
     * @return the dialect of that delimiter
     * @throws IllegalArgumentException for any other character
     */
    public static CsvFormat of(char delimiter) {
        return parseDelimiter(String.valueOf(delimiter));
    }

    /**
     * The field separator.
     *
     * @return the character between fields
     */
    public char delimiter() {
        return delimiter;
    }

    /**
     * The quote character, {@code "}.
     *
     * @return always {@code '"'}: fields are quoted as RFC 4180 says
     */
    public char quote() {
        return '"';
    }

    /** The delimiter as people write it: {@code ','}, {@code ';'}, {@code '|'} or {@code tab}. */
    @Override
    public String toString() {
        return delimiter == '\t' ? "tab" : "'" + delimiter + "'";
    }
}
