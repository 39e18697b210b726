package dev.ganforge.plugin.basics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ganforge.spi.SamplerPlugin;
import dev.ganforge.spi.StandardLatent;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class BuiltinSamplersTest {

    private static final int ROWS = 512;
    private static final int LATENT = 100;

    @Test
    void uniformFillsZWithinLowHighWithTheMidpointAsMean() {
        UniformSampler.Spec spec = new UniformSampler.Spec(2.0, 5.0);
        INDArray z = sample(new UniformSampler(), spec, 1);
        assertThat(z.minNumber().doubleValue()).isGreaterThanOrEqualTo(2.0);
        assertThat(z.maxNumber().doubleValue()).isLessThan(5.0);
        // Standard error of the mean: (5 - 2) / sqrt(12 · 51200) ≈ 0.004.
        assertThat(z.meanNumber().doubleValue()).isCloseTo(3.5, within(0.02));
        assertThat(z.stdNumber().doubleValue()).isCloseTo(3.0 / Math.sqrt(12), within(0.02));
        assertThat(z.maxNumber().doubleValue() - z.minNumber().doubleValue())
                .as("the range is used")
                .isGreaterThan(2.9);
    }

    @Test
    void standardFormsMapTheSamplersDrawsBackToTheStandardDistributions() {
        UniformSampler.Spec uniform = new UniformSampler.Spec(2.0, 5.0);
        StandardLatent u = new UniformSampler().standardForm(uniform).orElseThrow();
        assertThat(u.type()).isEqualTo(StandardLatent.UNIFORM_0_1);
        INDArray back = sample(new UniformSampler(), uniform, 3).subi(u.shift()).divi(u.scale());
        assertThat(back.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(back.maxNumber().doubleValue()).isLessThan(1.0).isGreaterThan(0.99);
        assertThat(back.meanNumber().doubleValue()).isCloseTo(0.5, within(0.01));

        NormalSampler.Spec normal = new NormalSampler.Spec(3.0, 0.5);
        StandardLatent n = new NormalSampler().standardForm(normal).orElseThrow();
        assertThat(n.type()).isEqualTo(StandardLatent.NORMAL);
        INDArray standard = sample(new NormalSampler(), normal, 4).subi(n.shift()).divi(n.scale());
        assertThat(standard.meanNumber().doubleValue()).isCloseTo(0.0, within(0.02));
        assertThat(standard.stdNumber().doubleValue()).isCloseTo(1.0, within(0.02));
    }

    @Test
    void uniformSpecRejectsAnEmptyRange() {
        assertThatThrownBy(() -> new UniformSampler.Spec(1.0, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void normalFillsZWithTheSpecMeanAndStandardDeviation() {
        NormalSampler.Spec spec = new NormalSampler.Spec(3.0, 0.5);
        INDArray z = sample(new NormalSampler(), spec, 2);
        assertThat(z.meanNumber().doubleValue()).isCloseTo(3.0, within(0.02));
        assertThat(z.stdNumber().doubleValue()).isCloseTo(0.5, within(0.02));
    }

    @Test
    void samplersAreDeterministicForASeededRandom() {
        UniformSampler.Spec uniform = new UniformSampler.Spec(-1.0, 1.0);
        NormalSampler.Spec normal = new NormalSampler.Spec(0.0, 1.0);
        assertThat(sample(new UniformSampler(), uniform, 42))
                .isEqualTo(sample(new UniformSampler(), uniform, 42));
        assertThat(sample(new UniformSampler(), uniform, 42))
                .isNotEqualTo(sample(new UniformSampler(), uniform, 43));
        assertThat(sample(new NormalSampler(), normal, 42))
                .isEqualTo(sample(new NormalSampler(), normal, 42));
        assertThat(sample(new NormalSampler(), normal, 42))
                .isNotEqualTo(sample(new NormalSampler(), normal, 43));
    }

    @Test
    void consecutiveDrawsFromOneRandomDiffer() {
        Random random = Nd4j.getRandomFactory().getNewRandomInstance(5);
        UniformSampler sampler = new UniformSampler();
        UniformSampler.Spec spec = new UniformSampler.Spec(-1.0, 1.0);
        INDArray first = Nd4j.create(DataType.FLOAT, ROWS, LATENT);
        INDArray second = Nd4j.create(DataType.FLOAT, ROWS, LATENT);
        sampler.sample(spec, first, random);
        sampler.sample(spec, second, random);
        assertThat(first).isNotEqualTo(second);
    }

    private static <S extends Record> INDArray sample(SamplerPlugin<S> sampler, S spec, long seed) {
        INDArray z = Nd4j.create(DataType.FLOAT, ROWS, LATENT);
        sampler.sample(spec, z, Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return z;
    }
}
