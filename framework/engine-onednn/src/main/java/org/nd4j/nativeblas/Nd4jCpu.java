package org.nd4j.nativeblas;

/**
 * Compatibility shim, not part of ganforge's API. DL4J 1.0.0-M2.1's oneDNN layer helpers ({@code
 * org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled}) look up the class {@code
 * org.nd4j.nativeblas.Nd4jCpu$Environment} by name, but ND4J M2.1 moved it to {@code
 * org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}; the failed lookup silently disables
 * every oneDNN helper (convolution, batch normalisation). This class restores the old name by
 * delegating to the new one. It is consulted only when DL4J's helpers are switched on (see {@code
 * dev.ganforge.core.runtime.NativeRuntime}).
 */
public final class Nd4jCpu {

    private Nd4jCpu() {}

    /** Forwards the one method DL4J calls to ND4J's real native environment. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        /**
         * @return the shared instance, as the native class's {@code getInstance()}
         */
        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * @return whether the loaded libnd4j build has oneDNN and may use it
         */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                    .isUseONEDNN();
        }
    }
}
