package dev.ganforge.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ganforge.config.Problems;
import dev.ganforge.config.RecordBinder;
import dev.ganforge.config.SpecException;
import dev.ganforge.config.SpecProblem;
import dev.ganforge.config.YamlDocument;
import dev.ganforge.core.plugin.Plugins;
import dev.ganforge.spi.SpecField;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordBinderTest {

    record Window(
            @SpecField(doc = "width", defaultValue = "8", min = 1) int width,
            @SpecField(doc = "scale", defaultValue = "1.0", min = 0) double scale,
            @SpecField(doc = "ids", defaultValue = "[]") List<Long> ids,
            @SpecField(doc = "names", optional = true) List<String> names) {}

    record BadDefault(@SpecField(doc = "width", defaultValue = "0", min = 1) int width) {}

    record Unsupported(@SpecField(doc = "a map", defaultValue = "{}") Map<String, String> table) {}

    private final RecordBinder binder = new RecordBinder(Plugins.fromList(List.of()));

    private static JsonNode yaml(String text) throws Exception {
        return YamlDocument.parse(text).root();
    }

    @Test
    void bindsAStandaloneRecord() throws Exception {
        Window window =
                binder.bind(
                        Window.class,
                        yaml("{width: 3, ids: [1, 9000000000], names: [a, '1']}"),
                        "w");

        assertThat(window)
                .isEqualTo(new Window(3, 1.0, List.of(1L, 9_000_000_000L), List.of("a", "1")));
    }

    @Test
    void quotesValuesAsWrittenWithTheirLine() throws Exception {
        YamlDocument document = YamlDocument.parse("width: 2\nscale: -1e-4\n");
        Problems problems = new Problems("w.yaml", document.positions());

        binder.bindRecord(Window.class, document.root(), "", Set.of(), problems);

        assertThat(problems.list())
                .singleElement()
                .hasToString("w.yaml:2: scale = -1e-4: must be >= 0");
    }

    @Test
    void nanAndOverflowAreRefused() throws Exception {
        SpecException e =
                catchThrowableOfType(
                        SpecException.class,
                        () ->
                                binder.bind(
                                        Window.class,
                                        yaml("{width: 3000000000, scale: .nan}"),
                                        "w"));

        assertThat(e.problems())
                .extracting(SpecProblem::rule)
                .containsExactly("out of range for a 32-bit integer", "expected a number");
    }

    @Test
    void aDefaultThatBreaksItsOwnRangeIsReported() {
        SpecException e =
                catchThrowableOfType(
                        SpecException.class, () -> binder.bind(BadDefault.class, yaml("{}"), "w"));

        assertThat(e.problems()).singleElement().hasToString("w: width = 0: must be >= 1");
    }

    @Test
    void anUnsupportedComponentTypeIsAnInternalError() {
        assertThatThrownBy(() -> binder.bind(Unsupported.class, yaml("{}"), "w"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unsupported type");
    }
}
