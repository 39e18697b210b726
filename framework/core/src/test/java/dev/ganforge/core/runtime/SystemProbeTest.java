package dev.ganforge.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe reads plausible values here, and computes them from /proc as psutil does. */
class SystemProbeTest {

    @TempDir Path folder;

    @Test
    void valuesOfThisMachineAndProcessArePlausible() throws Exception {
        SystemProbe probe = new SystemProbe(folder);
        busyFor(200);

        SystemSample sample = probe.sample();

        assertThat(sample.cpuUtilizationPercentage()).isBetween(0.0, 100.0);
        assertThat(sample.systemMemoryUsageMegabytes()).isPositive();
        assertThat(sample.systemMemoryUsagePercentage()).isBetween(0.0, 100.0);
        double machineMegabytes =
                sample.systemMemoryUsageMegabytes() * 100 / sample.systemMemoryUsagePercentage();
        // any JVM holds some megabytes, and no process is bigger than the machine's memory
        assertThat(sample.processRssMegabytes()).isGreaterThan(1).isLessThan(machineMegabytes);
        assertThat(sample.systemMemoryUsageMegabytes())
                .as("the machine's memory in use holds this process")
                .isGreaterThan(sample.processRssMegabytes() / 2);
        assertThat(sample.jvmHeapUsedMegabytes())
                .isPositive()
                .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() / 1e6);
        var store = Files.getFileStore(folder);
        assertThat(sample.diskAvailableMegabytes())
                .isCloseTo(store.getUsableSpace() / 1e6, within(100.0));
        assertThat(sample.diskUsageMegabytes())
                .isLessThanOrEqualTo(store.getTotalSpace() / 1e6)
                .isGreaterThanOrEqualTo(0);
        assertThat(sample.diskUsagePercentage()).isBetween(0.0, 100.0);
        assertThat(sample.values()).hasSize(SystemSample.NAMES.size());
    }

    @Test
    void cpuAndMemoryFollowPsutilsFormulas() throws Exception {
        Path proc = folder.resolve("proc");
        Files.createDirectories(proc.resolve("self"));
        // user nice system idle iowait irq softirq steal guest guest_nice
        Files.writeString(proc.resolve("stat"), "cpu  100 0 50 800 50 0 0 0 30 0\ncpu0 1 2 3\n");
        Files.writeString(
                proc.resolve("meminfo"),
                "MemTotal:       16000000 kB\nMemFree:         4000000 kB\n"
                        + "MemAvailable:    9000000 kB\nBuffers:          500000 kB\n"
                        + "Cached:          3000000 kB\nSReclaimable:     500000 kB\n");
        Files.writeString(proc.resolve("self/status"), "Name:\tjava\nVmRSS:\t  123456 kB\n");
        SystemProbe probe = new SystemProbe(proc, folder);
        // 200 more ticks: 60 user, 20 system, 100 idle, 20 iowait, and 10 guest inside user
        Files.writeString(proc.resolve("stat"), "cpu  160 0 70 900 70 0 0 0 40 0\n");

        SystemSample sample = probe.sample();

        assertThat(sample.cpuUtilizationPercentage()).isCloseTo(40.0, within(1e-9));
        long usedKib = 16_000_000 - 4_000_000 - 500_000 - 3_000_000 - 500_000;
        assertThat(sample.systemMemoryUsageMegabytes())
                .isCloseTo(usedKib * 1024 / 1e6, within(1e-6));
        assertThat(sample.systemMemoryUsagePercentage())
                .isCloseTo(100.0 * usedKib / 16_000_000, within(1e-9));
        assertThat(sample.processRssMegabytes()).isCloseTo(123456 * 1024 / 1e6, within(1e-9));

        // no ticks since the last reading: no load rather than a division by zero
        assertThat(probe.sample().cpuUtilizationPercentage()).isZero();
    }

    @Test
    void aMissingProcFileGivesNaNForItsValuesOnly() {
        SystemProbe probe = new SystemProbe(folder.resolve("no-proc"), folder);

        SystemSample sample = probe.sample();

        assertThat(sample.processRssMegabytes()).isNaN();
        assertThat(sample.jvmHeapUsedMegabytes()).isPositive();
        assertThat(sample.diskAvailableMegabytes()).isPositive();
    }

    private static void busyFor(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        assertThat(x).isPositive();
    }
}
