package dev.ganforge.plugin.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassOrderTest {

    private static List<String> sorted(ClassOrder order, String... names) {
        List<String> list = new ArrayList<>(List.of(names));
        list.sort(order.comparator());
        return list;
    }

    @Test
    void naturalOrderComparesDigitRunsByValue() {
        assertThat(sorted(ClassOrder.NATURAL, "s10", "s2", "s1", "s40", "s3"))
                .containsExactly("s1", "s2", "s3", "s10", "s40");
        assertThat(sorted(ClassOrder.NATURAL, "img10.png", "img9.png", "img10a.png", "img10.5.png"))
                .containsExactly("img9.png", "img10.5.png", "img10.png", "img10a.png");
    }

    @Test
    void naturalOrderHandlesLongDigitRunsAndBreaksTiesLexicographically() {
        assertThat(
                        sorted(
                                ClassOrder.NATURAL,
                                "a99999999999999999999999",
                                "a100000000000000000000000",
                                "a1"))
                .containsExactly("a1", "a99999999999999999999999", "a100000000000000000000000");
        assertThat(ClassOrder.compareNatural("s01", "s1")).isNotZero();
        assertThat(sorted(ClassOrder.NATURAL, "s1", "s01", "s001"))
                .containsExactly("s001", "s01", "s1");
        assertThat(sorted(ClassOrder.NATURAL, "a1", "a", "b", "1"))
                .containsExactly("1", "a", "a1", "b");
    }

    @Test
    void lexicographicOrderComparesCharacters() {
        assertThat(sorted(ClassOrder.LEXICOGRAPHIC, "s2", "s10", "s1"))
                .containsExactly("s1", "s10", "s2");
    }
}
