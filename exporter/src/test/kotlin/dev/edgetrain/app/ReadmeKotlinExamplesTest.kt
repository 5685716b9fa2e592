package dev.edgetrain.app

import dev.edgetrain.examples.ReadmeKotlinExamples
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** The README's Kotlin block is [ReadmeKotlinExamples]' marked region, and it compiles and runs. */
class ReadmeKotlinExamplesTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun readmeKotlinBlockIsTheExampleRegionWithTheFilesImports() {
        val source = Files.readAllLines(SOURCE, StandardCharsets.UTF_8)
        val blocks = ReadmeExamplesTest.fencedBlocks(Files.readAllLines(ShippedData.ROOT.resolve("README.md"),
                StandardCharsets.UTF_8), "## Using the libraries", "kotlin")
        assertEquals(1, blocks.size, "kotlin blocks under 'Using the libraries'")
        val code = ArrayList<String>()
        for (line in blocks[0]) {
            if (line.startsWith("import ")) {
                assertTrue(source.contains(line), "the README's '$line' is not an import of ReadmeKotlinExamples.kt")
            } else if (!(code.isEmpty() && line.isEmpty())) {
                code.add(line)
            }
        }
        assertEquals(ReadmeExamplesTest.region(source, "model"), code,
                "the README's kotlin block against region model of ReadmeKotlinExamples.kt")
    }

    @Test
    fun modelExampleInKotlinFitsDigitsAndWritesALoadableModel() {
        val digits = ShippedData.load("digits")
        val file = dir.resolve("model.onnx").toFile()
        val test = ReadmeKotlinExamples.model(digits.trainX, digits.trainLabels, digits.testX, digits.testLabels, file)
        println("README Kotlin model example, digits test: $test")
        assertTrue(test.accuracy() > 0.95, "test accuracy ${test.accuracy()}")
        assertEquals(digits.testX.size, Model.load(file).predict(digits.testX).size)
    }

    private companion object {
        val SOURCE: Path = ShippedData.ROOT.resolve(
                "exporter/src/test/kotlin/dev/edgetrain/examples/ReadmeKotlinExamples.kt")
    }
}
