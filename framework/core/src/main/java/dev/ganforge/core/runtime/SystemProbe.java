package dev.ganforge.core.runtime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CPU, memory and disk use the way psutil does for MLflow's system metrics monitor, from
 * Linux's {@code /proc} (https://man7.org/linux/man-pages/man5/proc.5.html): CPU from the {@code
 * cpu} line of {@code /proc/stat}, machine memory from {@code /proc/meminfo}, the resident set size
 * from {@code VmRSS} in {@code /proc/self/status}; the Java heap from the JVM's memory bean and the
 * disk from the measured folder's {@link FileStore} (statvfs). Where {@code /proc} is missing (not
 * Linux), CPU and machine memory come from {@code com.sun.management.OperatingSystemMXBean} and the
 * resident set size is NaN. Not thread-safe: the CPU share is measured between consecutive calls of
 * one probe.
 */
public final class SystemProbe {

    private static final double BYTES_PER_MEGABYTE = 1e6;

    private final Path proc;
    private final Path folder;
    private long[] lastCpu;

    /**
     * Starts measuring: the first {@link #sample()} reports the CPU share since this call.
     *
     * @param folder a folder on the file system whose space is measured (the run folder)
     */
    public SystemProbe(Path folder) {
        this(Path.of("/proc"), folder);
    }

    /**
     * @param proc the proc file system, {@code /proc} (another folder in tests)
     * @param folder a folder on the file system whose space is measured
     */
    SystemProbe(Path proc, Path folder) {
        this.proc = proc;
        this.folder = folder;
        this.lastCpu = cpuTicks();
    }

    /**
     * Reads every value once; never throws for a value it cannot read (that value is NaN).
     *
     * @return the reading
     */
    public SystemSample sample() {
        double cpu = cpuPercentage();
        double[] memory = machineMemory();
        double[] disk = disk();
        return new SystemSample(
                cpu,
                memory[0],
                memory[1],
                residentSetMegabytes(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                        / BYTES_PER_MEGABYTE,
                disk[0],
                disk[1],
                disk[2]);
    }

    /**
     * psutil's {@code cpu_percent()}: busy ticks over all ticks since the previous reading, where
     * all = the sum of the {@code cpu} line less guest and guest_nice (already counted in user and
     * nice) and busy = all less idle and iowait.
     */
    private double cpuPercentage() {
        long[] now = cpuTicks();
        long[] before = lastCpu;
        lastCpu = now;
        if (now == null || before == null) {
            return osBean().map(bean -> bean.getCpuLoad())
                    .filter(load -> load >= 0)
                    .map(load -> load * 100)
                    .orElse(Double.NaN);
        }
        long all = now[1] - before[1];
        long busy = now[0] - before[0];
        if (all <= 0) {
            return 0;
        }
        return Math.max(0, Math.min(100, 100.0 * busy / all));
    }

    /**
     * @return {busy ticks, all ticks} of the machine since boot, or null without /proc/stat
     */
    private long[] cpuTicks() {
        try {
            List<String> lines = Files.readAllLines(proc.resolve("stat"), StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith("cpu ")) {
                    String[] cells = line.trim().split("\\s+");
                    long[] t = new long[10];
                    for (int i = 1; i < cells.length && i <= t.length; i++) {
                        t[i - 1] = Long.parseLong(cells[i]);
                    }
                    // user nice system idle iowait irq softirq steal guest guest_nice
                    long all = t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
                    return new long[] {all - t[3] - t[4], all};
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * psutil's {@code virtual_memory()}: used = total − free − buffers − cached (cached counting
     * SReclaimable), or total − free if that is negative; MLflow's percentage is used / total.
     *
     * @return {used megabytes, used percentage}
     */
    private double[] machineMemory() {
        Map<String, Long> kib = meminfo();
        Long total = kib.get("MemTotal");
        Long free = kib.get("MemFree");
        if (total != null && free != null && total > 0) {
            long used =
                    total
                            - free
                            - kib.getOrDefault("Buffers", 0L)
                            - kib.getOrDefault("Cached", 0L)
                            - kib.getOrDefault("SReclaimable", 0L);
            if (used < 0) {
                used = total - free;
            }
            return new double[] {used * 1024 / BYTES_PER_MEGABYTE, 100.0 * used / total};
        }
        return osBean().filter(bean -> bean.getTotalMemorySize() > 0)
                .map(
                        bean -> {
                            long used = bean.getTotalMemorySize() - bean.getFreeMemorySize();
                            return new double[] {
                                used / BYTES_PER_MEGABYTE, 100.0 * used / bean.getTotalMemorySize()
                            };
                        })
                .orElse(new double[] {Double.NaN, Double.NaN});
    }

    /**
     * @return the {@code name: value kB} lines of /proc/meminfo, in KiB; empty without it
     */
    private Map<String, Long> meminfo() {
        Map<String, Long> values = new HashMap<>();
        try {
            for (String line :
                    Files.readAllLines(proc.resolve("meminfo"), StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String[] cells = line.substring(colon + 1).trim().split("\\s+");
                    values.put(line.substring(0, colon), Long.parseLong(cells[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            values.clear();
        }
        return values;
    }

    /**
     * @return {@code VmRSS} of /proc/self/status in megabytes, or NaN without it
     */
    private double residentSetMegabytes() {
        try {
            for (String line :
                    Files.readAllLines(proc.resolve("self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    String[] cells = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(cells[0]) * 1024 / BYTES_PER_MEGABYTE;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: unknown
        }
        return Double.NaN;
    }

    /**
     * psutil's {@code disk_usage()}: used = total − free blocks, available = blocks an unprivileged
     * process may use, percentage = used / (used + available).
     *
     * @return {used megabytes, available megabytes, used percentage}
     */
    private double[] disk() {
        try {
            FileStore store = Files.getFileStore(folder);
            long used = store.getTotalSpace() - store.getUnallocatedSpace();
            long available = store.getUsableSpace();
            return new double[] {
                used / BYTES_PER_MEGABYTE,
                available / BYTES_PER_MEGABYTE,
                used + available == 0 ? 0 : 100.0 * used / (used + available)
            };
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    private static java.util.Optional<com.sun.management.OperatingSystemMXBean> osBean() {
        return ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean bean
                ? java.util.Optional.of(bean)
                : java.util.Optional.empty();
    }
}
