package dev.ganforge.core.tracking;

import dev.ganforge.core.run.RunStatus;
import dev.ganforge.core.spec.ExperimentSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A tracking server that mirrors run folders while they train (MLflow in module {@code
 * ganforge-tracking-mlflow}). The run folder stays the record of truth; a tracker copies it and
 * never slows training down. Found by {@link java.util.ServiceLoader} from {@code
 * META-INF/services/dev.ganforge.core.tracking.RunTracker} and bound by name in the application.
 */
public interface RunTracker {

    /**
     * @return the stable lowercase name of the tracker, e.g. {@code "mlflow"}
     */
    String name();

    /**
     * Starts mirroring one run, if the spec or the environment asks for this tracker.
     *
     * @param spec the resolved experiment (its {@code tracking:} section)
     * @param runDirectory the run folder being written
     * @param environment the process environment (e.g. {@code MLFLOW_TRACKING_URI})
     * @param console where notices go (stderr in the CLI); never blocks
     * @return the live mirror, or empty when tracking is off for this run
     * @throws IllegalArgumentException if a setting in the environment is malformed; the message
     *     names it
     */
    Optional<LiveMirror> start(
            ExperimentSpec spec,
            Path runDirectory,
            Map<String, String> environment,
            PrintWriter console);

    /** A mirror that runs beside training until the run ends. */
    interface LiveMirror {

        /**
         * Sends what is left after training ended, waiting a bounded time, and stops the mirror.
         *
         * @param status how the run ended, or null if training threw
         * @param out where the result (the tracker's run address, or how to send the rest later) is
         *     printed
         */
        void finish(RunStatus status, PrintWriter out);
    }
}
