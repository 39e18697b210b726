package dev.ganforge.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.spec.AugmentationSpec;
import dev.ganforge.core.train.WorkProgress;
import dev.ganforge.spi.ImageShape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ClassifierTraining#fit} reports every update to its {@link WorkProgress} and stops at the
 * update where the progress cancels (a SIGTERM during the domain classifier's training or a CAS).
 */
class ClassifierFitProgressTest {

    private static final ImageShape SHAPE = new ImageShape(1, 8, 8);
    private static final int CLASSES = 3;

    private final INDArray images = Nd4j.rand(DataType.FLOAT, 30, 1, 8, 8).muli(2).subi(1);
    private final int[] labels = IntStream.range(0, 30).map(i -> i % CLASSES).toArray();
    private final int[] rows = IntStream.range(0, 30).toArray();

    private record Update(String task, long done, long total) {}

    @Test
    void everyUpdateIsReportedInOrderUpToTheTotal() {
        MultiLayerNetwork network = DomainClassifier.build(SHAPE, CLASSES, 1e-3, 1);
        List<Update> updates = new ArrayList<>();
        // 30 rows in batches of 8: 3 updates per epoch (the remainder waits for the next
        // shuffle), 2 epochs
        ClassifierTraining.fit(
                network,
                images,
                labels,
                rows,
                CLASSES,
                8,
                2,
                AugmentationSpec.none(),
                5,
                (task, done, total) -> updates.add(new Update(task, done, total)),
                "eval/cas");

        assertThat(updates)
                .containsExactly(
                        new Update("eval/cas", 1, 6),
                        new Update("eval/cas", 2, 6),
                        new Update("eval/cas", 3, 6),
                        new Update("eval/cas", 4, 6),
                        new Update("eval/cas", 5, 6),
                        new Update("eval/cas", 6, 6));
        assertThat(network.getIterationCount()).isEqualTo(6);
    }

    @Test
    void aCancellingProgressStopsTheTrainingAtThatUpdate() {
        MultiLayerNetwork network = DomainClassifier.build(SHAPE, CLASSES, 1e-3, 1);
        WorkProgress stopAtTwo =
                (task, done, total) -> {
                    if (done == 2) {
                        throw new CancellationException("stop");
                    }
                };

        assertThatThrownBy(
                        () ->
                                ClassifierTraining.fit(
                                        network,
                                        images,
                                        labels,
                                        rows,
                                        CLASSES,
                                        8,
                                        100,
                                        AugmentationSpec.none(),
                                        5,
                                        stopAtTwo,
                                        "domain classifier"))
                .isInstanceOf(CancellationException.class);
        assertThat(network.getIterationCount()).as("updates run before the stop").isEqualTo(2);
    }
}
