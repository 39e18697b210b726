package dev.ganforge.core.spec;

import dev.ganforge.spi.SpecField;

/**
 * The {@code evaluation.cas:} section: the Classification Accuracy Score of Ravuri &amp; Vinyals,
 * "Classification Accuracy Score for Conditional Generative Models" (NeurIPS 2019,
 * https://arxiv.org/abs/1905.10887). At each evaluation a fresh classifier with the domain
 * classifier's architecture and augmentation is trained on the generated samples, labelled with the
 * class they were generated for, for a bounded number of epochs, and tested on the domain
 * classifier's held-out real images. Conditional models only.
 *
 * <p>Cost: {@code epochs · K · samples_per_class} image passes per evaluation. On 64×64 ORL faces
 * DL4J trains this network at about 16 passes per CPU-second (measured on a 2-core AMD EPYC), so
 * 400 generated faces cost about 25 CPU-seconds per epoch. A short schedule keeps the score below
 * what the same classifier reaches when trained to convergence (trained on ORL's real training
 * faces instead of generated ones it scored 0.60 after 3 epochs, 0.75 after 4 and 0.86 after 6,
 * against 0.025 for noise and 0.70 for one face plus noise per person after 6) so compare CAS
 * values of equal settings only.
 *
 * @param enabled whether {@code eval/cas} is computed
 * @param epochs passes over the generated samples
 * @param batchSize examples per update
 * @param learningRate Adam's learning rate
 * @param repeats classifiers trained per score, each from its own seed; {@code eval/cas} (and
 *     {@code eval/cas_real}) is their mean and {@code eval/cas_sd} their sample standard deviation,
 *     the spread from the classifier's own training, which the test-set interval leaves out. Costs
 *     {@code repeats} times as much; 1 (the default) trains one, as before
 */
public record ClassificationAccuracyScoreSpec(
        @SpecField(doc = "compute eval/cas (conditional models only)", defaultValue = "true")
                boolean enabled,
        @SpecField(
                        doc = "passes over the generated samples per evaluation",
                        defaultValue = "6",
                        min = 1,
                        max = 1000)
                int epochs,
        @SpecField(doc = "examples per update", defaultValue = "16", min = 1, max = 4096)
                int batchSize,
        @SpecField(doc = "Adam learning rate", defaultValue = "0.002", min = 0, max = 1)
                double learningRate,
        @SpecField(
                        doc = "classifiers per score, each its own seed: eval/cas is their mean",
                        defaultValue = "1",
                        min = 1,
                        max = 100)
                int repeats) {}
