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
 * <p>Cost: {@code epochs · K · samples_per_class} image passes per evaluation; on ORL (400 images
 * of 64×64) the defaults are about 2,400 passes, tens of seconds on 2 cores. A short schedule keeps
 * the score below what the same classifier reaches when trained to convergence, so compare CAS
 * values of equal settings only.
 *
 * @param enabled whether {@code eval/cas} is computed
 * @param epochs passes over the generated samples
 * @param batchSize examples per update
 * @param learningRate Adam's learning rate
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
                double learningRate) {}
