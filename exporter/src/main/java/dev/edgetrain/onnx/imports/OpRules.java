package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.AttributeProto.AttributeType;
import dev.edgetrain.onnx.proto.NodeProto;

import java.nio.charset.Charset;

import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * A node checked against the shared op table ({@link OnnxOp}) at the model's opset: does the op exist in that
 * opset, how many inputs and outputs it may have, which attributes it may carry with which types, and the value
 * of an attribute (its default from the table when absent). Nothing here knows an op by heart: what the table
 * says is what the importer accepts.
 */
final class OpRules {
    private static final Charset UTF_8 = Charset.forName("UTF-8");

    private final int opset;

    OpRules(int opset) {
        this.opset = opset;
    }

    int opset() {
        return opset;
    }

    /** The op exists at the model's opset, its input and output counts are within the table's, its attributes known. */
    void check(int index, NodeProto node, OnnxOp op) throws OnnxImportException {
        checkExists(index, node, op);
        checkArity(index, node, op.minInputs(), op.maxInputs(), op.minOutputs(), op.maxOutputs());
        checkAttributes(index, node, op);
    }

    /** As {@link #check}, with input counts narrower than the table's (an input that only exists from some opset). */
    void check(int index, NodeProto node, OnnxOp op, int minInputs, int maxInputs) throws OnnxImportException {
        checkExists(index, node, op);
        checkArity(index, node, minInputs, maxInputs, op.minOutputs(), op.maxOutputs());
        checkAttributes(index, node, op);
    }

    void checkExists(int index, NodeProto node, OnnxOp op) throws OnnxImportException {
        if (opset < op.firstVersion()) {
            throw nodeError(index, node, "does not exist in opset " + opset + " (" + op.opType() + " is defined from"
                    + " opset " + op.firstVersion() + "); expected a model importing opset " + op.firstVersion()
                    + " or newer");
        }
    }

    static void checkArity(int index, NodeProto node, int minIn, int maxIn, int minOut, int maxOut)
            throws OnnxImportException {
        if (node.getInputCount() < minIn || node.getInputCount() > maxIn) {
            throw nodeError(index, node, "has " + node.getInputCount() + " inputs; expected "
                    + (minIn == maxIn ? String.valueOf(minIn) : minIn + " to " + maxIn));
        }
        if (node.getOutputCount() < minOut || node.getOutputCount() > maxOut) {
            throw nodeError(index, node, "has " + node.getOutputCount() + " outputs; expected "
                    + (minOut == maxOut ? String.valueOf(minOut) : minOut + " to " + maxOut));
        }
        for (int k = 0; k < minIn; k++) {
            if (node.getInput(k).isEmpty()) {
                throw nodeError(index, node, "has no input " + k + " (its name is empty); expected a value");
            }
        }
        if (node.getOutputCount() > 0 && node.getOutput(0).isEmpty()) {
            throw nodeError(index, node, "has no output 0 (its name is empty); expected a value");
        }
    }

    /** Every attribute is one the table lists for the op at this opset, with the table's type when typed. */
    void checkAttributes(int index, NodeProto node, OnnxOp op) throws OnnxImportException {
        for (AttributeProto a : node.getAttributeList()) {
            OnnxOp.Attribute known = op.attribute(a.getName(), opset);
            if (known == null) {
                throw nodeError(index, node, "has attribute '" + a.getName() + "'; expected "
                        + (op.attributes(opset).isEmpty() ? "none" : "only " + op.attributeNames(opset))
                        + (opset == OnnxOp.MAX_KNOWN_OPSET ? "" : " (opset " + opset + ")"));
            }
            if (a.hasType() && a.getType() != known.type()) {
                throw nodeError(index, node, "has attribute '" + a.getName() + "' of type " + a.getType()
                        + "; expected " + known.type());
            }
        }
    }

    static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** An INT attribute, or the table's default when absent. */
    long intAttribute(int index, NodeProto node, OnnxOp op, String name) throws OnnxImportException {
        OnnxOp.Attribute known = known(index, node, op, name, AttributeType.INT);
        AttributeProto a = attribute(node, name);
        return a == null ? known.defaultInt() : a.getI();
    }

    /** A FLOAT attribute, or the table's default when absent; must be finite. */
    float floatAttribute(int index, NodeProto node, OnnxOp op, String name) throws OnnxImportException {
        OnnxOp.Attribute known = known(index, node, op, name, AttributeType.FLOAT);
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return known.defaultFloat();
        }
        if (!(Math.abs(a.getF()) <= Float.MAX_VALUE)) {
            throw nodeError(index, node, "has " + name + "=" + a.getF() + "; expected a finite number");
        }
        return a.getF();
    }

    /** A STRING attribute (UTF-8), or the table's default when absent. */
    String stringAttribute(int index, NodeProto node, OnnxOp op, String name) throws OnnxImportException {
        OnnxOp.Attribute known = known(index, node, op, name, AttributeType.STRING);
        AttributeProto a = attribute(node, name);
        return a == null ? (String) known.defaultValue() : new String(a.getS().toByteArray(), UTF_8);
    }

    /** The values of an INTS attribute, or null when absent. */
    static long[] intsAttribute(NodeProto node, String name) {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return null;
        }
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getInts(i);
        }
        return v;
    }

    /** Whether the node sets {@code name} itself (rather than leaving it to its default). */
    static boolean has(NodeProto node, String name) {
        return attribute(node, name) != null;
    }

    private OnnxOp.Attribute known(int index, NodeProto node, OnnxOp op, String name, AttributeType type)
            throws OnnxImportException {
        OnnxOp.Attribute known = op.attribute(name, opset);
        if (known == null || known.type() != type) {
            // A reader asked for an attribute the table does not give this op at this opset: a bug here, but
            // the caller must still get an OnnxImportException.
            throw nodeError(index, node, "has no attribute '" + name + "' of type " + type + " in opset " + opset
                    + "; expected one of " + op.attributeNames(opset));
        }
        return known;
    }
}
