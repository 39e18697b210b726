package dev.ganforge.plugin.datasets;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ganforge.spi.SpecField;
import java.nio.file.Path;

/**
 * The {@code fashion-mnist} dataset's spec.
 *
 * @param path folder holding the four Fashion-MNIST IDX files
 * @param split which half to load: the 60,000 training or the 10,000 test images
 * @param limit use only the first this many examples, or null for all
 */
public record FashionMnistSpec(
        @SpecField(
                        doc =
                                "folder with the Fashion-MNIST IDX files (apt-get install"
                                        + " dataset-fashion-mnist)",
                        defaultValue = FashionMnistSpec.DEFAULT_PATH)
                Path path,
        @SpecField(doc = "train (60,000 images) or test (10,000 images)", defaultValue = "train")
                Split split,
        @SpecField(doc = "use only the first this many examples", optional = true, min = 1)
                Integer limit) {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final String DEFAULT_PATH = "/usr/share/datasets/fashion-mnist";

    /** The two halves of Fashion-MNIST. */
    public enum Split {
        /**
         * 60,000 images: {@code train-images-idx3-ubyte[.gz]}, {@code
         * train-labels-idx1-ubyte[.gz]}.
         */
        @JsonProperty("train")
        TRAIN("train"),
        /**
         * 10,000 images: {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}.
         */
        @JsonProperty("test")
        TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }

        /**
         * @return the prefix of this split's file names, {@code train} or {@code t10k}
         */
        public String filePrefix() {
            return filePrefix;
        }
    }

    /**
     * @throws IllegalArgumentException if path or split is null, or limit < 1
     */
    public FashionMnistSpec {
        if (path == null || split == null) {
            throw new IllegalArgumentException("'path' and 'split' must not be null");
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("'limit' must be >= 1, found " + limit);
        }
    }

    /**
     * @param split which half to load
     * @param limit use only the first this many examples, or null for all
     * @return a spec reading from {@link #DEFAULT_PATH}
     */
    public static FashionMnistSpec of(Split split, Integer limit) {
        return new FashionMnistSpec(Path.of(DEFAULT_PATH), split, limit);
    }
}
