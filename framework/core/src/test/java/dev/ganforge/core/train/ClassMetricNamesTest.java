package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.DataException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A dataset whose class names collide in per-class metric names is refused when it is loaded. */
class ClassMetricNamesTest {

    @Test
    void refusesTwoNamesThatGiveOneMetricName() {
        assertThatThrownBy(
                        () ->
                                ResolvedPlugins.checkMetricNames(
                                        "image-folder",
                                        List.of("s1", "Jean Luc", "s2", "Jean_Luc")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'image-folder'")
                .hasMessageContaining("'Jean Luc' and 'Jean_Luc'")
                .hasMessageContaining("'Jean_Luc' in per-class metric names")
                .hasMessageContaining("rename one of them");
    }

    @Test
    void acceptsNamesThatStayDistinct() {
        // Fashion-MNIST's names: '/' and ' ' become '_', and no two collide
        assertThatCode(
                        () ->
                                ResolvedPlugins.checkMetricNames(
                                        "fashion-mnist",
                                        List.of(
                                                "T-shirt/top",
                                                "Trouser",
                                                "Pullover",
                                                "Dress",
                                                "Coat",
                                                "Sandal",
                                                "Shirt",
                                                "Sneaker",
                                                "Bag",
                                                "Ankle boot")))
                .doesNotThrowAnyException();
        assertThatCode(() -> ResolvedPlugins.checkMetricNames("image-folder", List.of("a", "A")))
                .doesNotThrowAnyException();
    }
}
