package dev.ganforge.engine.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.Loader;

/**
 * Which oneDNN CPU instruction set this JVM's kernels use: for {@code training.precision} (bf16
 * needs native bfloat16 instructions), the bench report, the tests' reports and {@code
 * OneDnnIsaCapTest}. oneDNN reads the cap {@code ONEDNN_MAX_CPU_ISA} (oneDNN 2.5, which also
 * accepts {@code DNNL_MAX_CPU_ISA}) once, when it first dispatches, so a cap needs its own JVM: the
 * engine module's pom reruns the {@code OneDnn*Test} classes in surefire executions that set it.
 *
 * <p>The answer is that of the JavaCPP preset's libdnnl 2.5.2 (ganforge's own training step).
 * DL4J's layer helpers, and so DL4J's float32 step, run on the oneDNN 2.3 that libnd4j bundles,
 * which reads only {@code DNNL_MAX_CPU_ISA}; the pom sets both variables so the two libraries are
 * capped alike (with {@code ONEDNN_VERBOSE=1 DNNL_VERBOSE=1} both print the ISA they use into
 * surefire's dumpstream file).
 */
final class OneDnnIsa {

    /** The environment variables that cap oneDNN's ISA, in the order oneDNN 2.5 reads them. */
    static final String[] CAP_VARIABLES = {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"};

    private OneDnnIsa() {}

    /**
     * oneDNN 2.5 counts AMX as "initial support", left out of its default dispatch unless the cap
     * names it. Called once before the first oneDNN call of this process (from {@link Dnnl}'s
     * initialisation): when the user set no cap, it allows up to {@code avx512_core_amx}, so a CPU
     * with AMX runs bf16 on its tiles. A maximum, not a minimum: on a CPU without AMX, and for
     * float32 everywhere, nothing changes. A cap from the environment is left alone.
     */
    static synchronized void allowAmx() {
        if (!amxDecided) {
            amxDecided = true;
            if (capSetting().isEmpty()) {
                dnnl_set_max_cpu_isa(dnnl_cpu_isa_avx512_core_amx); // refused if oneDNN ran already
            }
        }
    }

    private static boolean amxDecided;

    /**
     * @return whether the dispatched instruction set has native bfloat16 arithmetic (AVX512_BF16's
     *     dot products or AMX tiles)
     */
    static boolean nativeBf16() {
        return Isa.AVX512_CORE_BF16.within(effective());
    }

    /**
     * @return the dispatched instruction set as oneDNN's verbose output names it, e.g. {@code
     *     avx512_core_bf16}
     */
    static String effectiveName() {
        return effective().name().toLowerCase(Locale.ROOT);
    }

    /**
     * oneDNN 2.5's ISA names (as the environment variable spells them) and {@code dnnl_cpu_isa_t}
     * values.
     */
    enum Isa {
        SSE41(dnnl_cpu_isa_sse41, "sse4_1"),
        AVX(dnnl_cpu_isa_avx, "avx"),
        AVX2(dnnl_cpu_isa_avx2, "avx2"),
        AVX2_VNNI(dnnl_cpu_isa_avx2_vnni, "avx2", "avx_vnni"),
        AVX512_MIC(dnnl_cpu_isa_avx512_mic, "avx512f", "avx512cd", "avx512er", "avx512pf"),
        AVX512_MIC_4OPS(
                dnnl_cpu_isa_avx512_mic_4ops,
                "avx512f",
                "avx512cd",
                "avx512er",
                "avx512pf",
                "avx512_4fmaps",
                "avx512_4vnniw"),
        AVX512_CORE(dnnl_cpu_isa_avx512_core, "avx512f", "avx512bw", "avx512vl", "avx512dq"),
        AVX512_CORE_VNNI(
                dnnl_cpu_isa_avx512_core_vnni,
                "avx512f",
                "avx512bw",
                "avx512vl",
                "avx512dq",
                "avx512_vnni"),
        AVX512_CORE_BF16(
                dnnl_cpu_isa_avx512_core_bf16,
                "avx512f",
                "avx512bw",
                "avx512vl",
                "avx512dq",
                "avx512_vnni",
                "avx512_bf16"),
        AVX512_CORE_AMX(
                dnnl_cpu_isa_avx512_core_amx,
                "avx512f",
                "avx512bw",
                "avx512vl",
                "avx512dq",
                "avx512_vnni",
                "avx512_bf16",
                "amx_tile",
                "amx_int8",
                "amx_bf16");

        /**
         * The {@code dnnl_cpu_isa_t} value: a bit mask, each ISA's bits include those of the ISAs
         * it extends.
         */
        final int value;

        /**
         * The /proc/cpuinfo flags oneDNN 2.5 needs for it (AMX also needs the kernel's permission).
         */
        final Set<String> flags;

        Isa(int value, String... flags) {
            this.value = value;
            this.flags = Set.of(flags);
        }

        /**
         * @return whether every instruction this ISA uses is also in {@code other}
         */
        boolean within(Isa other) {
            return (value & ~other.value) == 0;
        }

        static Optional<Isa> of(int value) {
            return Arrays.stream(values()).filter(isa -> isa.value == value).findFirst();
        }

        /**
         * @return the ISA named as in {@code ONEDNN_MAX_CPU_ISA}, or empty for {@code ALL}
         */
        static Optional<Isa> named(String name) {
            String upper = name.trim().toUpperCase(Locale.ROOT);
            return upper.equals("ALL") ? Optional.empty() : Optional.of(valueOf(upper));
        }
    }

    /**
     * @return the ISA of the kernels oneDNN dispatches to in this JVM (the best the CPU has, up to
     *     the cap)
     */
    static Isa effective() {
        Loader.load(org.bytedeco.dnnl.global.dnnl.class);
        allowAmx(); // before the first query, which fixes the instruction set
        int value = dnnl_get_effective_cpu_isa();
        return Isa.of(value)
                .orElseThrow(() -> new IllegalStateException("unknown dnnl_cpu_isa_t " + value));
    }

    /**
     * @return the cap set in the environment (the first of {@link #CAP_VARIABLES} that is set), if
     *     any
     */
    static Optional<String> capSetting() {
        return Arrays.stream(CAP_VARIABLES)
                .map(System::getenv)
                .filter(v -> v != null && !v.isBlank())
                .findFirst();
    }

    /**
     * @return the CPU's flags from /proc/cpuinfo, or empty if it cannot be read
     */
    static Set<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(Set.of());
        } catch (IOException e) {
            return Set.of();
        }
    }

    /**
     * @return e.g. {@code "avx2 (cap ONEDNN_MAX_CPU_ISA=AVX2)"} or {@code "avx512_core_bf16 (no
     *     cap)"}
     */
    static String describe() {
        String cap = capSetting().map(c -> "cap " + c).orElse("no cap");
        return effective().name().toLowerCase(Locale.ROOT) + " (" + cap + ")";
    }

    /**
     * @return the model name line of /proc/cpuinfo
     */
    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /**
     * @return the flags of {@code isa} this CPU lacks
     */
    static Set<String> missingFlags(Isa isa) {
        Set<String> flags = cpuFlags();
        return isa.flags.stream()
                .filter(f -> !flags.contains(f))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
