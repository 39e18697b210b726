package dev.ganforge.distribution;

import dev.ganforge.spi.DatasetPlugin;
import dev.ganforge.spi.ImageShape;
import dev.ganforge.spi.LabeledImages;
import dev.ganforge.spi.SpecField;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test dataset: class k is an image of constant brightness -1 + 2k/(K-1) plus noise; NaN pixels on
 * demand.
 */
public class SyntheticDataset implements DatasetPlugin<SyntheticDataset.Spec> {

    /** Spec of the synthetic data. */
    public record Spec(
            @SpecField(doc = "images", defaultValue = "64") int size,
            @SpecField(doc = "classes", defaultValue = "3") int classes,
            @SpecField(doc = "side", defaultValue = "8") int side,
            @SpecField(doc = "poison with NaN", defaultValue = "false") boolean nan) {}

    @Override
    public String name() {
        return "synthetic";
    }

    @Override
    public Class<Spec> specClass() {
        return Spec.class;
    }

    @Override
    public ImageShape imageShape(Spec spec) {
        return new ImageShape(1, spec.side(), spec.side());
    }

    @Override
    public LabeledImages load(Spec spec) {
        Nd4j.getRandom().setSeed(5);
        INDArray images =
                Nd4j.rand(DataType.FLOAT, spec.size(), 1, spec.side(), spec.side())
                        .muli(0.2)
                        .subi(0.1);
        int[] labels = new int[spec.size()];
        List<String> names = new ArrayList<>();
        for (int k = 0; k < spec.classes(); k++) {
            names.add("class-" + k);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % spec.classes();
            images.slice(i).addi(-1 + 2.0 * labels[i] / Math.max(1, spec.classes() - 1));
        }
        if (spec.nan()) {
            images.assign(Double.NaN);
        }
        return new LabeledImages(images, labels, names, 0);
    }
}
