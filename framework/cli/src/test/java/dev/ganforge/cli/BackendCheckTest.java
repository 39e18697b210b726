package dev.ganforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.common.io.Resource;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * The CUDA build's start-up check: silent in the CPU build, one line when the GPU cannot be used.
 */
class BackendCheckTest {

    @Test
    void theCpuBuildHasNoCudaBackendAndPassesSilently() {
        assertThat(BackendCheck.cudaProblem(getClass().getClassLoader(), BackendCheck.CUDA_BACKEND))
                .isNull();
    }

    @Test
    void anUnavailableBackendGivesOneLineThatSaysWhy() {
        String message =
                BackendCheck.cudaProblem(
                        getClass().getClassLoader(), NoDeviceBackend.class.getName());
        assertThat(message)
                .startsWith("ganforge: this is the CUDA build")
                .contains("no usable NVIDIA GPU")
                .contains("the CUDA runtime found no usable device")
                .contains("8.6")
                .doesNotContain("\n");
    }

    @Test
    void aBackendThatCannotLoadItsLibraryNamesTheLibrary() {
        String message =
                BackendCheck.cudaProblem(
                        getClass().getClassLoader(), MissingDriverBackend.class.getName());
        assertThat(message)
                .contains("libcuda.so.1: cannot open shared object file")
                .doesNotContain("\n");
    }

    /** Stands in for ND4J's CUDA backend on a machine without a GPU. */
    public static class NoDeviceBackend extends Nd4jBackend {
        @Override
        public boolean allowsOrder() {
            return false;
        }

        @Override
        public int getPriority() {
            return 0;
        }

        @Override
        public boolean isAvailable() {
            return false;
        }

        @Override
        public boolean canRun() {
            return false;
        }

        @Override
        public Resource getConfigurationResource() {
            return null;
        }

        @Override
        public Class getNDArrayClass() {
            return null;
        }

        @Override
        public Environment getEnvironment() {
            return null;
        }

        @Override
        public String buildInfo() {
            return "test";
        }

        @Override
        public void logBackendInit() {}
    }

    /** Stands in for ND4J's CUDA backend on a machine without the NVIDIA driver. */
    public static class MissingDriverBackend extends NoDeviceBackend {
        @Override
        public boolean isAvailable() {
            throw new RuntimeException(
                    new UnsatisfiedLinkError(
                            "libjnicudart.so: libcuda.so.1: cannot open shared object file"));
        }
    }
}
