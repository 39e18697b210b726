package dev.ganforge.core.train;

import dev.ganforge.core.train.DiscriminatorHead.Target;
import dev.ganforge.spi.BinaryCrossEntropyWithLogits;
import dev.ganforge.spi.Conditioning;
import java.util.List;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The {@link AdversarialStep} on DL4J's own layers: the reference path, for any network and data
 * type on any ND4J backend (the oneDNN engine computes the same step faster on the CPU).
 *
 * <p>D ends in an output layer with identity activation and {@link BinaryCrossEntropyWithLogits}
 * loss, whose gradient is sigmoid(x) − label. With the BCE loss, one logit and no {@link LeCam}
 * term the labels are the targets (1 for real, 0 for fake and for G's pass) and one {@code
 * calculateGradients} call does forward and backward. Otherwise, D runs forward once for the
 * logits, {@link DiscriminatorHead} gives the wanted gradient g, and the labels sigmoid(x) − g make
 * the output layer back-propagate exactly g (within one rounding of the data type).
 */
public final class Dl4jTrainingStep extends AdversarialStep {

    private final long channels;
    private final boolean constantTargets;
    private final INDArray ones;
    private final INDArray zeros;
    private final INDArray outputGradient;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
    private Pair<Gradient, INDArray> discriminatorPass;

    /**
     * @param setup the networks (any data type), batch shape and recipe
     */
    public Dl4jTrainingStep(StepSetup setup) {
        super(setup, false);
        this.channels = setup.shape().channels();
        this.constantTargets =
                setup.recipe().loss() == dev.ganforge.core.spec.GanLoss.BCE
                        && !setup.recipe().projection()
                        && setup.recipe().lecam() == 0;
        // Without workspaces the output layer's input stays valid after calculateGradients, so the
        // logits can be read back without another forward pass.
        discriminator.getLayerWiseConfigurations().setTrainingWorkspaceMode(WorkspaceMode.NONE);
        // D's forward-only pass must not reuse workspace memory that holds G's activations,
        // which G's backward pass reads later in the step.
        discriminator.getLayerWiseConfigurations().setInferenceWorkspaceMode(WorkspaceMode.NONE);
        var dataType = generator.params().dataType();
        this.ones = Nd4j.ones(dataType, batchSize, 1);
        this.zeros = Nd4j.zeros(dataType, batchSize, 1);
        var last =
                discriminator
                        .getLayerWiseConfigurations()
                        .getConf(discriminator.getnLayers() - 1)
                        .getLayer();
        long outputs = last instanceof FeedForwardLayer dense ? dense.getNOut() : 1;
        this.outputGradient = Nd4j.create(dataType, batchSize, outputs);
    }

    @Override
    public String engine() {
        return "dl4j";
    }

    @Override
    protected INDArray generatorForward(INDArray input) {
        generator.setInput(input);
        List<INDArray> activations = generator.feedForward(true, false);
        return activations.get(activations.size() - 1);
    }

    @Override
    protected double discriminatorPass(
            INDArray input,
            int[] labels,
            Target target,
            float[] logits,
            boolean parameters,
            boolean toInput) {
        if (constantTargets) {
            discriminatorPass =
                    discriminator.calculateGradients(
                            input, target == Target.FAKE ? zeros : ones, null, null);
            return head.apply(lastOutput(), labels, target, logits, outputGradient);
        }
        List<INDArray> activations = discriminator.feedForward(input, true);
        INDArray output = activations.get(activations.size() - 1);
        double loss = head.apply(output, labels, target, logits, outputGradient);
        INDArray bceLabels = Transforms.sigmoid(output, true).subi(outputGradient);
        discriminatorPass = discriminator.calculateGradients(input, bceLabels, null, null);
        return loss;
    }

    @Override
    protected INDArray discriminatorImageGradient() {
        return Conditioning.imageGradient(discriminatorPass.getSecond(), channels).dup();
    }

    @Override
    protected Gradient generatorBackward(INDArray imageGradient) {
        return generator.backpropGradient(imageGradient, workspaces).getFirst();
    }

    @Override
    protected Gradient discriminatorGradient() {
        return discriminatorPass.getFirst();
    }

    /** D's output of its last forward pass (its output layer's input is kept). */
    private INDArray lastOutput() {
        return discriminator.getOutputLayer().activate(false, workspaces);
    }
}
