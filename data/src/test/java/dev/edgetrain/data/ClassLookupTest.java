package dev.edgetrain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class ClassLookupTest {

    private static int find(ClassLookup lookup, String label) {
        char[] padded = ("##" + label + "#").toCharArray(); // the label in the middle of a line's characters
        int fromChars = lookup.find(padded, 2, label.length());
        assertEquals(lookup.find(label), fromChars, "chars and String disagree for '" + label + "'");
        return fromChars;
    }

    @Test
    void namedClassesAreFoundByNameAndTheLastOfEqualNamesWins() {
        ClassLookup lookup = new ClassLookup(new String[] {"cat", "dog", "cat", "Aa", "BB"}, 5);
        assertEquals(1, find(lookup, "dog"));
        assertEquals(2, find(lookup, "cat"));
        assertEquals(3, find(lookup, "Aa")); // "Aa" and "BB" share a hash code
        assertEquals(4, find(lookup, "BB"));
        assertEquals(-1, find(lookup, "do"));
        assertEquals(-1, find(lookup, "1")); // a model with names does not take indices
        assertEquals(-1, find(lookup, ""));
    }

    @Test
    void withoutNamesALabelIsAClassIndexAsIntegerParseIntReadsIt() {
        ClassLookup lookup = new ClassLookup(null, 10);
        assertEquals(0, find(lookup, "0"));
        assertEquals(9, find(lookup, "9"));
        assertEquals(7, find(lookup, "007"));
        assertEquals(3, find(lookup, "+3"));
        assertEquals(0, find(lookup, "-0"));
        assertEquals(-1, find(lookup, "10"));
        assertEquals(-1, find(lookup, "-1"));
        assertEquals(-1, find(lookup, "1.0"));
        assertEquals(-1, find(lookup, "cat"));
        assertEquals(-1, find(lookup, ""));
        assertEquals(-1, find(lookup, "99999999999999999999"));
        assertEquals(5, find(lookup, "0000000000005")); // longer than nine digits, still one class
    }

    @Test
    void theExpectedTextNamesTheClassesOrTheIndexRange() {
        assertEquals("expected one of [a, b]", new ClassLookup(new String[] {"a", "b"}, 2).expected());
        assertEquals("expected one of the class indices 0-9", new ClassLookup(null, 10).expected());
    }

    @Test
    void aLookupSurvivesJavaSerializationAsSparkShipsIt() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ClassLookup(new String[] {"setosa", "versicolor"}, 2));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ClassLookup copy = (ClassLookup) in.readObject();
            assertEquals(1, find(copy, "versicolor"));
            assertEquals(-1, find(copy, "virginica"));
        }
    }
}
