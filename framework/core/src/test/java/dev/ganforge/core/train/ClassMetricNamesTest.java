package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.spi.DataException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A dataset whose class names collide in per-class metric names is refused when it is loaded. */
class ClassMetricNamesTest {

    @Test
    void refusesNamesThatGiveOneMetricNameAndListsEveryClash() {
        assertThatThrownBy(
                        () ->
                                ResolvedPlugins.checkMetricNames(
                                        "image-folder",
                                        List.of("s1", "Jean Luc", "Zoë", "Jean_Luc", "Zoé")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("'image-folder'")
                .hasMessageContaining("'Jean Luc', 'Jean_Luc' all become 'Jean_Luc'")
                .hasMessageContaining("'Zoë', 'Zoé' all become 'Zo_'")
                .hasMessageContaining("rename these classes");
    }

    @Test
    void acceptsNamesThatStayDistinct() {
        // '/' and ' ' become '_' (Fashion-MNIST's "T-shirt/top", "Ankle boot"), and these stay
        // apart
        assertThatCode(
                        () ->
                                ResolvedPlugins.checkMetricNames(
                                        "fashion-mnist",
                                        List.of("T-shirt/top", "T-shirt", "Ankle boot", "Ankle")))
                .doesNotThrowAnyException();
        assertThatCode(() -> ResolvedPlugins.checkMetricNames("image-folder", List.of("a", "A")))
                .doesNotThrowAnyException();
    }
}
