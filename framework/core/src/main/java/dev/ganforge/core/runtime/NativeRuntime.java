package dev.ganforge.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses the native math build before ND4J loads it. On an x86-64 CPU with AVX2, and when the
 * {@code nd4j-native:linux-x86_64-onednn-avx2} jar is on the classpath, it selects that build
 * (JavaCPP property {@code org.bytedeco.javacpp.platform.extension=-onednn-avx2}) and switches on
 * DL4J's oneDNN layer helpers ({@code org.eclipse.deeplearning4j.helpers.disable=false}), so
 * convolutions and BatchNorm run in oneDNN instead of DL4J's im2col + GEMM path; see {@code
 * org.nd4j.nativeblas.Nd4jCpu} for the M2.1 lookup it also needs. Properties set by the user are
 * left alone; {@code GANFORGE_ONEDNN=off} keeps the generic build and the plain path.
 */
public final class NativeRuntime {

    /** JavaCPP's build-variant property. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

    /** DL4J's switch for its cuDNN/oneDNN layer helpers (default {@code true} = disabled). */
    public static final String HELPERS_DISABLED_PROPERTY =
            "org.eclipse.deeplearning4j.helpers.disable";

    private static final String ONEDNN_EXTENSION = "-onednn-avx2";
    private static final String ONEDNN_RESOURCE =
            "META-INF/native-image/linux-x86_64-onednn-avx2/jnind4jcpu/";

    private NativeRuntime() {}

    /**
     * Applies the choice; call before the first ND4J array is created (the CLI does it first
     * thing).
     *
     * @return a short description of the build chosen, for logs
     */
    public static String configure() {
        if ("off".equalsIgnoreCase(System.getenv("GANFORGE_ONEDNN"))) {
            return "generic build, DL4J helpers as configured (GANFORGE_ONEDNN=off)";
        }
        if (System.getProperty(EXTENSION_PROPERTY) == null
                && cpuHasAvx2()
                && NativeRuntime.class.getClassLoader().getResource(ONEDNN_RESOURCE) != null) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
        }
        boolean onednn = ONEDNN_EXTENSION.equals(System.getProperty(EXTENSION_PROPERTY));
        if (onednn && System.getProperty(HELPERS_DISABLED_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLED_PROPERTY, "false");
        }
        return onednn
                ? "oneDNN AVX2 build, DL4J oneDNN helpers "
                        + ("false".equals(System.getProperty(HELPERS_DISABLED_PROPERTY))
                                ? "on"
                                : "off")
                : "generic build";
    }

    /**
     * @return whether /proc/cpuinfo lists the avx2 flag (false where it cannot be read)
     */
    static boolean cpuHasAvx2() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains(" avx2");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
