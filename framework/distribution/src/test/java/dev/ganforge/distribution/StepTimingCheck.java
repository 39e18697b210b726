package dev.ganforge.distribution;

import dev.ganforge.core.builtin.AdamOptimizer;
import dev.ganforge.core.train.TrainingStep;
import dev.ganforge.plugin.gan.DcganNetworks;
import dev.ganforge.plugin.gan.DcganSpec;
import dev.ganforge.spi.ImageShape;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Manual timing probe (not a test): java -cp ... StepTimingCheck side layers... */
public final class StepTimingCheck {
    public static void main(String[] args) {
        int side = Integer.parseInt(args[0]);
        int classes = Integer.parseInt(args[1]);
        List<Integer> layers = java.util.Arrays.stream(args[2].split(",")).map(Integer::parseInt).toList();
        DcganSpec spec = new DcganSpec(100, layers, 5, 0.2, 0.9, 0.02);
        ImageShape shape = new ImageShape(1, side, side);
        var adam = new AdamOptimizer.Spec(2e-4, 0.5, 0.999, 1e-8);
        MultiLayerNetwork g = DcganNetworks.generator(spec, shape, classes, new AdamOptimizer().create(adam), 1, DataType.FLOAT);
        MultiLayerNetwork d = DcganNetworks.discriminator(spec, shape, classes, new AdamOptimizer().create(adam), 2, DataType.FLOAT);
        for (var layer : d.getLayers()) {
            System.out.println(layer.getClass().getSimpleName() + " helper=" + (layer.getHelper() == null ? null : layer.getHelper().getClass().getSimpleName()));
        }
        System.out.println("onednn=" + org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN()
                + " env=" + Nd4j.getExecutioner().getEnvironmentInformation());
        TrainingStep step = new TrainingStep(g, d, shape, 100, classes, true, 64);
        INDArray real = Nd4j.rand(DataType.FLOAT, 64, 1, side, side);
        INDArray z = Nd4j.rand(DataType.FLOAT, 64, 100);
        int[] labels = new int[64];
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            var r = step.step(real, labels, z, labels, i, 0);
            System.out.printf("step %d %.3f s d=%.3f g=%.3f%n", i, (System.nanoTime() - t) / 1e9, r.discriminatorLoss(), r.generatorLoss());
        }
    }
}
