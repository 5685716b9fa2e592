package dev.edgetrain.examples

import dev.edgetrain.app.Model
import dev.edgetrain.app.ModelEvaluation
import java.io.File

/**
 * The README's Kotlin block of "Using the libraries", verbatim between the `README:` markers:
 * `dev.edgetrain.app.ReadmeKotlinExamplesTest` checks that the README's fenced block equals this region and runs it.
 */
object ReadmeKotlinExamples {
    /** The three-line case, as [ReadmeExamples.model] in Java. */
    fun model(x: Array<FloatArray>, labels: IntArray, testX: Array<FloatArray>, testLabels: IntArray,
              file: File): ModelEvaluation {
        // README:begin model
        val model = Model.fit(x, labels)                // x Array<FloatArray> (rows of features), labels IntArray
        val test = model.evaluate(testX, testLabels)    // confusion matrix, per-class precision/recall/F1
        model.save(file)                                // ONNX on raw features; Model.load(file) reads it
        // README:end
        return test
    }
}
