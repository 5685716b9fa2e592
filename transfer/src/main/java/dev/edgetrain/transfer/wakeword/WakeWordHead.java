package dev.edgetrain.transfer.wakeword;

import static dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures.EMBEDDING_SIZE;

import dev.edgetrain.onnx.ImportOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import java.io.File;
import java.io.IOException;

/**
 * A wake-word head the runtime runs: one binary network of {@code F·96} inputs (F embeddings) and one sigmoid
 * score, or an averaged ensemble of such networks of one architecture, whose score is the mean of its members'
 * scores. Heads trained from different random starts fire on different stretches of unseen speech, while all of them
 * fire on the phrase, so their mean keeps the detections and loses most of the false accepts
 * ({@link WakeWordTrainer.Options#members}). Exported as one ONNX file whose {@code Mean} node averages the members
 * ({@link WakeWordExports}). Not thread-safe: scoring uses buffers allocated here.
 */
public final class WakeWordHead {
    private final Network[] members;
    private final Workspace[] workspaces; // [members], batch 1
    private final float[] out = new float[1]; // one member's score
    private final int frames;

    /**
     * A head whose score is the mean of its members' scores.
     *
     * @param members one network, or several of one architecture: {@code F·96} inputs, a binary task
     * @throws IllegalArgumentException naming the member that is not such a network
     */
    public WakeWordHead(Network... members) {
        if (members == null || members.length == 0) {
            throw new IllegalArgumentException("a wake-word head needs at least one network");
        }
        this.members = members.clone();
        this.workspaces = new Workspace[members.length];
        for (int m = 0; m < members.length; m++) {
            Network member = members[m];
            if (member == null) {
                throw new IllegalArgumentException("member " + (m + 1) + " of " + members.length + " is null");
            }
            int inputs = member.spec().inputs();
            String which = members.length == 1 ? "this network" : "member " + (m + 1) + " of " + members.length;
            if (inputs % EMBEDDING_SIZE != 0 || inputs / EMBEDDING_SIZE > OpenWakeWordFeatures.FEATURE_BUFFER_FRAMES
                    || member.spec().task() != Task.BINARY) {
                throw new IllegalArgumentException("a wake-word head takes F·96 inputs (F from 1 to "
                        + OpenWakeWordFeatures.FEATURE_BUFFER_FRAMES + ") and gives one binary score; " + which
                        + " has " + inputs + " inputs and task " + member.spec().task());
            }
            if (!member.spec().equals(members[0].spec())) {
                throw new IllegalArgumentException(which + " is " + member.spec() + ", member 1 is "
                        + members[0].spec() + "; expected one architecture for every member");
            }
            workspaces[m] = new Workspace(member.spec(), 1);
        }
        this.frames = members[0].spec().inputs() / EMBEDDING_SIZE;
    }

    /**
     * Reads a head written by {@link WakeWordExports} (one network or an ensemble), or any importable binary head
     * such as openWakeWord's.
     *
     * @param onnx the head's ONNX file
     * @param outputTensor null for the model's own output, else the tensor to end at (hey_jarvis's {@code p1.1})
     * @return the head, of one network or several averaged
     * @throws IOException when the file cannot be read, or is not a binary head over [F, 96] embeddings
     */
    public static WakeWordHead read(File onnx, String outputTensor) throws IOException {
        ImportedModel[] imported = OnnxImporter.readMembers(onnx,
                ImportOptions.builder().outputTensor(outputTensor).build());
        Network[] networks = new Network[imported.length];
        for (int m = 0; m < networks.length; m++) {
            networks[m] = imported[m].network();
        }
        try {
            return new WakeWordHead(networks);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(onnx + ": " + e.getMessage(), e);
        }
    }

    /**
     * The embeddings one score reads: F.
     *
     * @return F, at least 1
     */
    public int frames() {
        return frames;
    }

    /**
     * How many networks are averaged: 1 for a single head.
     *
     * @return the member count, at least 1
     */
    public int size() {
        return members.length;
    }

    /**
     * Member {@code m} (0-based), the live network.
     *
     * @param m the member, in [0, {@link #size()})
     * @return the network itself, not a copy
     */
    public Network member(int m) {
        return members[m];
    }

    /**
     * The members, a new array of the live networks.
     *
     * @return {@link #size()} networks
     */
    public Network[] members() {
        return members.clone();
    }

    /**
     * The score of one window: {@code window[offset … offset + F·96)}, F embeddings oldest first.
     *
     * @param window holds F·96 embedding values from {@code offset}
     * @param offset where the window starts
     * @return the average of the members' scores, in [0, 1]
     */
    public float score(float[] window, int offset) {
        if (members.length == 1) {
            members[0].predict(workspaces[0], window, offset, 1, out, 0);
            return out[0];
        }
        float sum = 0;
        for (int m = 0; m < members.length; m++) {
            members[m].predict(workspaces[m], window, offset, 1, out, 0);
            sum += out[0];
        }
        return sum / members.length;
    }
}
