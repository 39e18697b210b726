package dev.ganforge.core.runtime;

import java.util.List;

/**
 * One reading of the machine's and this process's resource use, by {@link SystemProbe}. The names
 * in {@link #NAMES} are those of MLflow's own system metrics monitor ({@code
 * mlflow/system_metrics/metrics/cpu_monitor.py} and {@code disk_monitor.py}, logged there under the
 * prefix {@code system/}) plus two of ganforge's for what MLflow has no name for. Megabytes are
 * 10<sup>6</sup> bytes, as in MLflow; a value that cannot be read on this system is NaN.
 *
 * @param cpuUtilizationPercentage busy share of all the machine's CPUs since the previous reading,
 *     in [0, 100] (psutil's {@code cpu_percent()}: not idle and not waiting for I/O)
 * @param systemMemoryUsageMegabytes machine memory in use, not counting buffers and page cache
 *     (psutil's {@code virtual_memory().used}), ≥ 0
 * @param systemMemoryUsagePercentage that share of the machine's memory, in [0, 100]
 * @param processRssMegabytes this process's resident set size (Java heap, off-heap ND4J and oneDNN
 *     buffers, code), ≥ 0
 * @param jvmHeapUsedMegabytes the Java heap in use, live objects and garbage not yet collected, ≥ 0
 * @param diskUsageMegabytes space used on the file system of the measured folder, ≥ 0
 * @param diskAvailableMegabytes space this process may still write there, ≥ 0
 * @param diskUsagePercentage used / (used + available), in [0, 100] (psutil's {@code
 *     disk_usage().percent})
 */
public record SystemSample(
        double cpuUtilizationPercentage,
        double systemMemoryUsageMegabytes,
        double systemMemoryUsagePercentage,
        double processRssMegabytes,
        double jvmHeapUsedMegabytes,
        double diskUsageMegabytes,
        double diskAvailableMegabytes,
        double diskUsagePercentage) {

    /** The metric names, without MLflow's {@code system/} prefix, in component order. */
    public static final List<String> NAMES =
            List.of(
                    "cpu_utilization_percentage",
                    "system_memory_usage_megabytes",
                    "system_memory_usage_percentage",
                    "process_rss_megabytes",
                    "jvm_heap_used_megabytes",
                    "disk_usage_megabytes",
                    "disk_available_megabytes",
                    "disk_usage_percentage");

    /** The prefix MLflow's system metrics monitor gives these names. */
    public static final String MLFLOW_PREFIX = "system/";

    /**
     * @return the values in the order of {@link #NAMES}; NaN where unknown
     */
    public double[] values() {
        return new double[] {
            cpuUtilizationPercentage,
            systemMemoryUsageMegabytes,
            systemMemoryUsagePercentage,
            processRssMegabytes,
            jvmHeapUsedMegabytes,
            diskUsageMegabytes,
            diskAvailableMegabytes,
            diskUsagePercentage
        };
    }
}
