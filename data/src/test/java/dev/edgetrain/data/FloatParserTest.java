package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgetrain.data.CsvReference.Rec;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FloatParser gives Float.parseFloat's float, bit for bit, or refuses what it refuses. */
class FloatParserTest {
    /** Checks one text against the oracle; returns whether it was a finite number. */
    private static boolean agrees(String text) {
        char[] chars = new char[text.length() + 3]; // at an offset, with neighbours that must be ignored
        chars[0] = '#';
        chars[1] = '1';
        chars[chars.length - 1] = '5';
        text.getChars(0, text.length(), chars, 2);
        float expected;
        boolean refused = false;
        try {
            expected = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            expected = Float.NaN;
            refused = true;
        }
        float actual;
        boolean actualRefused = false;
        try {
            actual = FloatParser.parse(chars, 2, text.length());
        } catch (NumberFormatException e) {
            actual = Float.NaN;
            actualRefused = true;
        }
        if (refused != actualRefused || Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
            fail("'" + text + "': " + (refused ? "refused" : expected) + " expected, got "
                    + (actualRefused ? "refused" : actual));
        }
        float finite = FloatParser.parseFinite(chars, 2, text.length());
        boolean isFinite = !refused && Math.abs(expected) <= Float.MAX_VALUE;
        if (isFinite ? Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(finite) : !Float.isNaN(finite)) {
            fail("'" + text + "' as data: " + (isFinite ? expected : "refused") + " expected, got " + finite);
        }
        if (isFinite && FloatParser.problem(chars, 2, text.length()) != null) {
            fail("'" + text + "' has no problem");
        }
        return isFinite;
    }

    @Test
    void millionsOfRandomDecimalStringsParseAsFloatParseFloat() {
        Random random = new Random(7);
        int n = 3_000_000;
        int finite = 0;
        for (int i = 0; i < n; i++) {
            if (agrees(randomDecimal(random))) {
                finite++;
            }
        }
        System.out.printf("FloatParser: %,d random decimal strings equal Float.parseFloat (%,d finite)%n", n, finite);
        assertTrue(finite > n / 2, "mostly finite numbers: " + finite);
    }

    /** Signs, leading zeros, integer and fraction digits (either may be absent), exponents, rarely junk. */
    private static String randomDecimal(Random random) {
        StringBuilder s = new StringBuilder();
        int sign = random.nextInt(4);
        s.append(sign == 0 ? "-" : sign == 1 ? "+" : "");
        if (random.nextInt(5) == 0) {
            s.append("0".repeat(random.nextInt(4)));
        }
        int intDigits = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 4 : 22);
        digits(s, random, intDigits);
        if (random.nextInt(3) > 0) {
            s.append('.');
            digits(s, random, random.nextInt(random.nextBoolean() ? 5 : 22));
        }
        if (random.nextInt(4) == 0) {
            s.append(random.nextBoolean() ? 'e' : 'E');
            int es = random.nextInt(3);
            s.append(es == 0 ? "-" : es == 1 ? "+" : "");
            int exponent = random.nextInt(10) == 0 ? random.nextInt(400) : random.nextInt(50);
            s.append(exponent);
        }
        if (random.nextInt(200) == 0) {
            s.insert(random.nextInt(s.length() + 1), "x.e-+ ".charAt(random.nextInt(6)));
        }
        return s.toString();
    }

    private static void digits(StringBuilder s, Random random, int n) {
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
    }

    @Test
    void mantissasAndExponentsAtTheEdgesOfTheExactPaths() {
        Random random = new Random(11);
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            long mantissa;
            switch (random.nextInt(3)) {
                case 0:
                    mantissa = (1L << 24) - 64 + random.nextInt(128);
                    break;
                case 1:
                    mantissa = (1L << 53) - 64 + random.nextInt(128);
                    break;
                default:
                    mantissa = (random.nextLong() >>> 1) % (1L << (24 + random.nextInt(30)));
            }
            int exponent = random.nextInt(50) - 25;
            agrees(mantissa + "e" + exponent);
            agrees(new BigDecimal(mantissa).scaleByPowerOfTen(exponent).toPlainString());
        }
    }

    @Test
    void exactlyHalfwayBetweenTwoFloatsAndJustBesideIt() {
        Random random = new Random(13);
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt() & 0x7f7fffff);
            BigDecimal low = new BigDecimal(f);
            BigDecimal high = new BigDecimal(Math.nextUp(f));
            BigDecimal half = low.add(high).divide(BigDecimal.valueOf(2));
            agrees(half.toString());
            agrees(half.round(new java.math.MathContext(9)).toString());
            agrees(half.round(new java.math.MathContext(17)).toString());
            agrees(Float.toString(f));
        }
        // integers above 2^24 that are halfway between floats take the double path, then the general one
        for (long m = (1L << 24) + 1; m < (1L << 24) + 2000; m += 2) {
            agrees(Long.toString(m));
            agrees(m + "0e-1");
        }
    }

    /**
     * Texts whose value lies just beside a point halfway between two floats, so close that the correctly rounded
     * double is that halfway point: rounding the double to float would break the tie, not round the value. Found
     * by search with exact arithmetic, for the double path's positive and negative powers of ten.
     */
    @Test
    void valuesThatADoubleRoundsOntoAFloatMidpointAreRoundedFromTheValue() {
        Random random = new Random(17);
        int found = 0;
        for (int i = 0; i < 200_000 && found < 20_000; i++) {
            float f = random.nextBoolean()
                    ? Float.intBitsToFloat(0x5a000000 + random.nextInt(0x07000000)) // about 2^53 to 2^75
                    : Float.intBitsToFloat(0x3f800000 + random.nextInt(0x0f000000)); // about 1 to 2^30
            BigDecimal midpoint = new BigDecimal(f).add(new BigDecimal(Math.nextUp(f))).divide(BigDecimal.valueOf(2));
            int exponent = random.nextInt(45) - 22;
            BigInteger mantissa = midpoint.scaleByPowerOfTen(-exponent).setScale(0, RoundingMode.HALF_EVEN)
                    .toBigIntegerExact();
            if (mantissa.signum() <= 0 || mantissa.bitLength() > 53) {
                continue;
            }
            BigDecimal value = new BigDecimal(mantissa).scaleByPowerOfTen(exponent);
            String text = mantissa + "e" + exponent;
            if (value.compareTo(midpoint) != 0 && Double.parseDouble(text) == midpoint.doubleValue()) {
                agrees(text);
                agrees("-" + text);
                found++;
            }
        }
        System.out.printf("FloatParser: %,d values beside a float midpoint that the double rounds onto%n", found);
        assertTrue(found > 1_000, "the search finds such values: " + found);
    }

    @Test
    void theCasesPeopleWrite() {
        for (String s : List.of("0", "-0", "+0", "0.0", "-0.0", "00012.5000", ".5", "5.", "-.5", "+5.", "1e10",
                "1E-10", "1e+3", "3.14159", "0.1", "0.30000000000000004", "1e-45", "1.4e-45", "7e-46", "7.1e-46",
                "1e-40", "1.17549435e-38", "1.1754942e-38", "3.4028235e38", "3.4028236e38", "3.5e38", "1e39",
                "-1e39", "1e-50", "123456789012345678901234567890", "16777217", "16777216.5", "9007199254740993",
                "0e99999999999", "1e2147483648", "NaN", "-Infinity", "Infinity", "0x1p3", "0x1.8p1", "1f", "2.5d",
                "1.5F", " 1", "1 ", "\u00011", "", ".", "-", "+", "e5", "1e", "1e+", "--1", "1.2.3", "1,5", "abc",
                "١", "1_000")) {
            agrees(s);
        }
    }

    @Test
    void refusedValuesAreDescribedInTheWordsOfTheCli() {
        assertEquals("missing value", problem(""));
        assertEquals("'abc' is not a number", problem("abc"));
        assertEquals("'NaN' is not a finite number", problem("NaN"));
        assertEquals("'-Infinity' is not a finite number", problem("-Infinity"));
        assertEquals("'3.4028236e38' is not a finite number", problem("3.4028236e38"));
        assertTrue(Float.isNaN(FloatParser.parseFinite("3.4028236e38".toCharArray(), 0, 12)));
    }

    private static String problem(String s) {
        return FloatParser.problem(s.toCharArray(), 0, s.length());
    }

    @Test
    void everyCellOfTheShippedDataSets() throws IOException {
        File[] files = CsvScannerTest.DATA.listFiles((dir, name) -> name.endsWith(".csv"));
        assertTrue(files != null && files.length >= 4);
        int cells = 0;
        for (File f : files) {
            List<Rec> records = CsvReference.commons(Files.readString(f.toPath(), StandardCharsets.UTF_8), ',');
            for (Rec r : records.subList(1, records.size())) {
                for (String cell : r.fields()) {
                    agrees(cell);
                    cells++;
                }
            }
        }
        System.out.printf("FloatParser: %,d cells of the shipped data sets equal Float.parseFloat%n", cells);
        assertTrue(cells > 130_000);
    }
}
