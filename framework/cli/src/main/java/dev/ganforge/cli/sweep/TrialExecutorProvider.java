package dev.ganforge.cli.sweep;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * Makes a named {@link TrialExecutor}; registered in {@code
 * META-INF/services/dev.ganforge.cli.sweep.TrialExecutorProvider} and found with {@link
 * java.util.ServiceLoader} when {@code ganforge sweep --executor NAME} asks for it, so a module
 * such as {@code sweep-spark} is loaded only by the sweeps that use it.
 */
public interface TrialExecutorProvider {

    /**
     * @return the name {@code --executor} takes, lowercase
     */
    String name();

    /**
     * What {@code ganforge sweep} passes to an executor.
     *
     * @param parallel segments at once asked with {@code --parallel}, or 0 for the executor's
     *     default
     * @param master the cluster URL of {@code --master} (e.g. {@code spark://host:7077}, {@code
     *     local[2]}), or null
     * @param conf {@code --conf KEY=VALUE} settings for the cluster, in order
     * @param sweepFolder the sweep folder (logs of the executor go there)
     * @param out where progress lines go
     */
    record Settings(
            int parallel,
            String master,
            Map<String, String> conf,
            Path sweepFolder,
            PrintWriter out) {

        /** Copies the map. */
        public Settings {
            conf = Map.copyOf(conf);
        }
    }

    /**
     * Checks the options without starting anything, so that a sweep refuses bad options before it
     * records or tracks anything.
     *
     * @param settings the sweep's executor options
     * @throws IllegalArgumentException naming the option if the settings do not fit this executor
     */
    default void check(Settings settings) {}

    /**
     * @param settings the sweep's executor options
     * @return a started executor
     * @throws IllegalArgumentException naming the option if the settings do not fit this executor
     * @throws IllegalStateException if the executor cannot start (its cluster cannot be reached)
     */
    TrialExecutor create(Settings settings);
}
