package dev.ganforge.engine.onednn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.engine.onednn.OneDnnIsa.Isa;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The ISA cap the engine module's surefire executions set (ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA)
 * really reaches oneDNN, so the equivalence tests rerun under it exercise the capped kernels:
 * oneDNN never dispatches above the cap, and dispatches exactly at it when the CPU has every flag
 * the cap needs. A cap above the CPU is allowed (oneDNN then uses the best the CPU has) but tests
 * nothing new, which the report line says.
 */
class OneDnnIsaCapTest {

    @Test
    void oneDnnDispatchesUpToTheCapAndAtItWhenTheCpuHasIt() {
        Isa effective = OneDnnIsa.effective();
        Optional<String> setting = OneDnnIsa.capSetting();
        System.out.printf("oneDNN ISA: %s on %s%n", OneDnnIsa.describe(), OneDnnIsa.cpuModel());
        if (setting.isEmpty()) {
            return;
        }
        Optional<Isa> cap = Isa.named(setting.get());
        if (cap.isEmpty()) {
            return;
        }
        assertThat(effective.within(cap.get()))
                .as("oneDNN dispatches to %s under the cap %s", effective, cap.get())
                .isTrue();
        var missing = OneDnnIsa.missingFlags(cap.get());
        if (missing.isEmpty() && cap.get() != Isa.AVX512_CORE_AMX) {
            assertThat(effective)
                    .as("the CPU has every flag of %s", cap.get())
                    .isEqualTo(cap.get());
        } else {
            System.out.printf(
                    "the CPU lacks %s for %s: this run repeats a lower ISA%n", missing, cap.get());
        }
    }
}
