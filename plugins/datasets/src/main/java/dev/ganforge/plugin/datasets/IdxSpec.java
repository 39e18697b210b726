package dev.ganforge.plugin.datasets;

import dev.ganforge.spi.SpecField;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * The {@code idx} dataset's spec: an images file and a labels file in the MNIST IDX format.
 *
 * @param images IDX images file (magic 0x00000803), raw or gzip-compressed
 * @param labels IDX labels file (magic 0x00000801), raw or gzip-compressed
 * @param classNames class names in label order, or null for "0" … "K-1" with K = largest label + 1
 * @param limit use only the first this many examples, or null for all
 */
public record IdxSpec(
        @SpecField(doc = "IDX images file (raw or gzip-compressed)") Path images,
        @SpecField(doc = "IDX labels file (raw or gzip-compressed)") Path labels,
        @SpecField(
                        doc =
                                "class names in label order; default \"0\" .. \"K-1\" (K = largest"
                                        + " label + 1)",
                        optional = true)
                List<String> classNames,
        @SpecField(doc = "use only the first this many examples", optional = true, min = 1)
                Integer limit) {

    /**
     * @throws IllegalArgumentException if a file is not given, a class name is blank or repeated,
     *     or limit < 1
     */
    public IdxSpec {
        if (images == null || labels == null) {
            throw new IllegalArgumentException("'images' and 'labels' are required");
        }
        if (classNames != null) {
            classNames = List.copyOf(classNames);
            if (classNames.isEmpty()) {
                throw new IllegalArgumentException(
                        "'class_names' must not be empty; leave it out for \"0\" .. \"K-1\"");
            }
            if (classNames.stream().anyMatch(String::isBlank)
                    || new HashSet<>(classNames).size() != classNames.size()) {
                throw new IllegalArgumentException(
                        "'class_names' must be distinct and not blank, found " + classNames);
            }
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("'limit' must be >= 1, found " + limit);
        }
    }
}
