package dev.ganforge.cli;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * Start-up check of the CUDA build ({@code mvn -Pcuda package}): when ND4J's CUDA backend is on the
 * class path, it must load and run a kernel, or the process stops with one line that says why.
 * Without it ND4J would fall through to "no backend on your classpath" with a long trace. ND4J
 * 1.0.0-M2.1's nd4j-cuda-11.6 has kernels up to compute capability 8.6 and no PTX, so Hopper GPUs
 * (9.0) fail here too. The CPU build has no CUDA backend class and skips the check.
 */
final class BackendCheck {

    /** ND4J's CUDA backend class, present only in the CUDA build. */
    static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";

    /** JavaCPP's CUDA runtime bindings, which load libcudart and the driver's libcuda. */
    static final String CUDA_RUNTIME = "org.bytedeco.cuda.global.cudart";

    private BackendCheck() {}

    private static void initialize(String className, ClassLoader loader) {
        try {
            Class.forName(className, true, loader);
        } catch (ClassNotFoundException absent) {
            // not the CUDA build's bindings (a test backend): the backend check below decides
        }
    }

    /**
     * @param loader where to look for the backend class
     * @param backendClass the CUDA backend's class name ({@link #CUDA_BACKEND}; tests pass another)
     * @return null if the class is absent (CPU build) or the GPU works, else a one-line message
     */
    static String cudaProblem(ClassLoader loader, String backendClass) {
        Class<?> type;
        try {
            type = Class.forName(backendClass, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        String reason;
        try {
            // the CUDA runtime bindings first: ND4J's backend prints a stack trace when they fail
            // to load
            initialize(CUDA_RUNTIME, loader);
            Nd4jBackend backend = (Nd4jBackend) type.getDeclaredConstructor().newInstance();
            if (!backend.isAvailable() || !backend.canRun()) {
                reason = "the CUDA runtime found no usable device";
            } else {
                // loading is not enough: a GPU newer than the kernels fails at the first kernel
                // launch
                Nd4j.ones(2).addi(1).sumNumber();
                return null;
            }
        } catch (
                Throwable e) { // UnsatisfiedLinkError (no driver), CUDA errors (no kernel image), …
            reason = rootMessage(e);
        }
        return "ganforge: this is the CUDA build (nd4j-cuda-11.6), but no usable NVIDIA GPU was"
                + " found ("
                + reason
                + "); it needs an NVIDIA driver for CUDA 11.6 and a GPU of compute capability 3.5"
                + " to 8.6 (Hopper and newer are not supported by ND4J 1.0.0-M2.1); for the CPU,"
                + " build without -Pcuda";
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ');
    }
}
